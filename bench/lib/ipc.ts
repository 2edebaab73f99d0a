/**
 * The benchmark's processes: the load generator (the parent) starts the
 * simulator, the gateway and the direct baseline as child processes of their
 * own (`child_process.fork` through tsx), so each has its own event loop and
 * its own RSS, and talks to them over Node's IPC channel (never over the
 * sockets being measured). They run from a transpiled copy of the tree on
 * plain Node, as `npm start` runs the gateway (bench/lib/build.ts).
 */
import { fork } from 'node:child_process';
import diagnostics from 'node:diagnostics_channel';
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import type { HeapProfiler } from 'node:inspector';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

interface Call {
  id: number;
  cmd: string;
  arg?: unknown;
}
interface Reply {
  id: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}
interface Ready {
  ready: true;
  info: unknown;
}

export interface ChildHandle<Info> {
  pid: number;
  /** What the child said when it was ready (e.g. its URL). */
  info: Info;
  call<T>(cmd: string, arg?: unknown): Promise<T>;
  /** SIGTERM, then SIGKILL after a second; resolves once it has exited. */
  stop(): Promise<void>;
}

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

let buildDir: string | undefined;
/** Children run from the transpiled tree (bench/lib/build.ts) on plain Node; without it, through tsx. */
export function runChildrenFrom(dir: string | undefined): void {
  buildDir = dir;
}

/** Node's own flags for a child: `extra`, then BENCH_<NAME>_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the gateway under load. */
export function childNodeArgs(name: string, extra: string[] = []): string[] {
  return [...extra, ...(process.env[`BENCH_${name.toUpperCase().replace(/-/g, '_')}_NODE_ARGS`]?.split(/\s+/).filter(Boolean) ?? [])];
}

/** The flags `npm start` gives Node (its heap limit), so that the benchmarked gateway runs as deployed. */
export function startScriptNodeArgs(): string[] {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } };
  const flags = /\bnode((?:\s+--\S+)*)\s+dist\/src\/server\.js/.exec(pkg.scripts.start);
  if (!flags) throw new Error('package.json: the start script does not run `node [flags] dist/src/server.js`');
  return flags[1]!.split(/\s+/).filter(Boolean);
}

/** Starts `bench/processes/<name>` and waits for it to report ready. */
export async function startChild<Info>(name: string, args: Record<string, string>, env: NodeJS.ProcessEnv = {}, nodeArgs: string[] = childNodeArgs(name)): Promise<ChildHandle<Info>> {
  const script = buildDir ? `${buildDir}/bench/processes/${name}.js` : here(`../processes/${name}.ts`);
  const child: ChildProcess = fork(script, [JSON.stringify(args)], {
    execArgv: [...(buildDir ? [] : ['--import', 'tsx']), ...nodeArgs],
    env: { ...process.env, ...env },
    // The children's stdout (e.g. the gateway's logs) is not the benchmark's business; their errors are.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const info = await new Promise<Info>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`bench child "${name}" exited (${code}) before it was ready`));
    child.once('exit', onExit);
    child.on('message', (message: Reply | Ready) => {
      if ('ready' in message) {
        child.off('exit', onExit);
        resolve(message.info as Info);
        return;
      }
      const waiting = pending.get(message.id);
      if (!waiting) return;
      pending.delete(message.id);
      if (message.ok) waiting.resolve(message.value);
      else waiting.reject(new Error(`${name}: ${message.error}`));
    });
  });
  child.once('exit', () => {
    for (const waiting of pending.values()) waiting.reject(new Error(`bench child "${name}" exited`));
    pending.clear();
  });

  return {
    pid: child.pid!,
    info,
    call<T>(cmd: string, arg?: unknown) {
      return new Promise<T>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ id, cmd, arg } satisfies Call);
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 1_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** CPU time this process has used so far (user + system), ms. */
export function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1_000;
}

let connects = 0;
/** In a child: counts the TCP connections undici opens from now on (keep-alive at work, or not). */
export function countUndiciConnects(): () => number {
  diagnostics.subscribe('undici:client:connected', () => connects++);
  return () => connects;
}

/**
 * In a child: V8's CPU profiler, or its sampling heap profiler (every
 * allocation, collected or not), started and stopped on the parent's word so
 * that a profile holds one measured run and nothing else.
 */
export function profiler(): { start: (kind: unknown) => Promise<void>; stop: (path: unknown) => Promise<number | undefined> } {
  let session: Session | undefined;
  let running: 'cpu' | 'heap' = 'cpu';
  return {
    async start(kind) {
      session = new Session();
      session.connect();
      running = kind === 'heap' ? 'heap' : 'cpu';
      if (running === 'heap') {
        await session.post('HeapProfiler.enable');
        await session.post('HeapProfiler.startSampling', { samplingInterval: 16_384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
        return;
      }
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 200 });
      await session.post('Profiler.start');
    },
    /** Writes the profile to `path`; for a heap profile, returns the bytes allocated over it. */
    async stop(path) {
      if (!session) return undefined;
      const { profile } = running === 'heap' ? await session.post('HeapProfiler.stopSampling') : await session.post('Profiler.stop');
      writeFileSync(String(path), JSON.stringify(profile));
      session.disconnect();
      session = undefined;
      return 'head' in profile ? allocatedBytes(profile.head) : undefined;
    },
  };
}

/** A sampling heap profile's estimate of all it saw allocated: each node's selfSize is its samples scaled by their odds of being taken. */
function allocatedBytes(node: HeapProfiler.SamplingHeapProfileNode): number {
  return node.children.reduce((sum, child) => sum + allocatedBytes(child), node.selfSize);
}

/** In a child: its arguments, as the parent passed them. */
export function childArgs(): Record<string, string> {
  return JSON.parse(process.argv[2] ?? '{}') as Record<string, string>;
}

/** In a child: answers the parent's calls, then says it is ready. */
export function serveParent(info: unknown, handlers: Record<string, (arg: unknown) => unknown>, onStop: () => Promise<void>): void {
  process.on('message', (message: Call) => {
    const handler = handlers[message.cmd];
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`unknown command ${message.cmd}`);
        return handler(message.arg);
      })
      .then(
        (value) => process.send!({ id: message.id, ok: true, value } satisfies Reply),
        (err: unknown) => process.send!({ id: message.id, ok: false, error: err instanceof Error ? err.message : String(err) } satisfies Reply),
      );
  });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    onStop().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // The parent went away (crashed or was killed): do not linger.
  process.on('disconnect', stop);
  process.send!({ ready: true, info } satisfies Ready);
}
