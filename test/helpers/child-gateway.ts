import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

export interface ChildGateway {
  process: ChildProcessWithoutNullStreams;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

/** The heap limit `npm start` gives the process: an attack that would exhaust it in production must exhaust it here. */
export const START_HEAP_FLAG = '--max-old-space-size=128';

/** `src/server.ts` in a process of its own, exactly as `npm start` runs it (heap flag included) but without the build step. */
export function spawnServer(env: Record<string, string>): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [START_HEAP_FLAG, '--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
  });
}

/** Starts the server and waits for its "listening" line, which names the port it chose. */
export function startChildGateway(env: Record<string, string>): Promise<ChildGateway> {
  return whenListening(spawnServer(env));
}

/** A gateway process already started (by any command), once its "listening" line has named the port it chose. */
export async function whenListening(child: ChildProcessWithoutNullStreams): Promise<ChildGateway> {
  let output = '';
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`no listening line in: ${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"msg":"listening","url":"(http:\/\/[^"]+)\/graphql"/.exec(output);
      if (match) {
        clearTimeout(timer);
        done(match[1]!);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', () => fail(new Error(`exited early: ${output}`)));
  });
  return { process: child, url, output: () => output, exited };
}
