import { execFile, spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { fetch } from 'undici';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { PROJECTS, TOKENS, startSimulator } from '../../simulator/src/index.js';
import type { Simulator } from '../../simulator/src/index.js';
import { whenListening } from '../helpers/child-gateway.js';
import type { ChildGateway } from '../helpers/child-gateway.js';
import { ROOT, copies, copyTarget, execCmd, inStage, readDockerfile, runs } from './dockerfile.js';
import type { Stage } from './dockerfile.js';

/**
 * The image's steps, read from the Dockerfile and run without a container:
 * the build stage's files copied to a directory of their own and built there,
 * then the runtime stage's files and dist/ in another, outside the repo, so
 * node finds only what `npm ci --omit=dev` installed. A module the gateway
 * imports from a devDependency, or a file the build needs that the Dockerfile
 * does not copy, fails here.
 * (dockerfile.test.ts pins what those steps are.)
 */
const run = promisify(execFile);
const [build, runtime] = readDockerfile() as [Stage, Stage];

/** The repo's npm settings must not leak in: under `npm test`, npm_config_* would point the nested npm at the repo. */
const cleanEnv = () => Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name) && name !== 'NODE_OPTIONS'));

/** COPY as Docker does it, `dir` standing for the stage's WORKDIR. */
function copyInto(dir: string, stage: Stage, from: (copySource: string, fromStage: string | undefined) => string): void {
  for (const copy of copies(stage)) {
    for (const source of copy.sources) {
      const target = copyTarget(dir, copy, source);
      mkdirSync(dirname(target), { recursive: true });
      cpSync(from(source, copy.from), target, { recursive: true });
    }
  }
}

let buildDir: string;
let appDir: string;
let simulator: Simulator;
let gateway: ChildProcessWithoutNullStreams | undefined;

beforeAll(async () => {
  simulator = await startSimulator();
  buildDir = mkdtempSync(join(tmpdir(), 'agent-gateway-build-'));
  appDir = mkdtempSync(join(tmpdir(), 'agent-gateway-app-'));
  // Inside the repo, node would also find the repo's node_modules, devDependencies included.
  expect(relative(ROOT, appDir).startsWith('..')).toBe(true);

  copyInto(buildDir, build, (source) => join(ROOT, source));
  // The build stage's `npm ci` installs what the repo's own `npm ci` did, from the same lockfile: it is borrowed, not repeated.
  symlinkSync(join(ROOT, 'node_modules'), join(buildDir, 'node_modules'), 'dir');
  for (const command of runs(build).filter((c) => !c.startsWith('npm ci'))) {
    await run('sh', ['-c', command], { cwd: buildDir, env: cleanEnv() });
  }

  copyInto(appDir, runtime, (source, fromStage) => (fromStage === build.name ? inStage(buildDir, build, source) : join(ROOT, source)));
  // The install alone: the `npm cache clean` after it only trims the image layer, and here would empty this machine's npm cache.
  const install = runs(runtime)[0]!.split(' && ')[0]!.split(' ');
  await run(install[0]!, install.slice(1), { cwd: appDir, env: cleanEnv() });
}, 240_000);

afterAll(async () => {
  gateway?.kill('SIGKILL');
  await simulator?.close();
  for (const dir of [buildDir, appDir]) if (dir) rmSync(dir, { recursive: true, force: true });
});

const query = (url: string) =>
  fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKENS.maintainer}` },
    body: JSON.stringify({ query: `{ project(id: "${PROJECTS.main.path}") { agents(first: 2) { nodes { name } } } }` }),
  }).then(async (res) => ({ status: res.status, body: (await res.json()) as { data?: { project: { agents: { nodes: { name: string }[] } } } } }));

/** Starts `command` in the installed directory with only what a container would have, and waits for its listening line. */
function startInstalled(command: string, args: string[]): Promise<ChildGateway> {
  // No NODE_ENV, no NODE_OPTIONS, nothing of the test runner's.
  gateway = spawn(command, args, {
    cwd: appDir,
    env: { PATH: process.env.PATH, GITLAB_URL: simulator.url, PORT: '0', HOST: '127.0.0.1', SHUTDOWN_GRACE_MS: '10000' },
  });
  return whenListening(gateway);
}

const firstAgents = () => simulator.agentsOf(PROJECTS.main.id).slice(0, 2).map((agent) => agent.name);

test('the installed image serves a query, then drains an in-flight one on SIGTERM and exits 0', async () => {
  const [node, ...args] = execCmd(runtime);
  expect(node).toBe('node');
  const { process: child, url, exited, output } = await startInstalled(process.execPath, args);

  const expected = firstAgents();
  const first = await query(url);
  expect(first.status).toBe(200);
  expect(first.body.data?.project.agents.nodes.map((n) => n.name)).toEqual(expected);

  simulator.setLatency(1_500);
  try {
    const before = simulator.total();
    const inFlight = query(url);
    // SIGTERM once GitLab has the request, so the query is surely in flight.
    while (simulator.total() === before) await new Promise((resolve) => setTimeout(resolve, 20));
    child.kill('SIGTERM');
    const drained = await inFlight;
    expect(drained.status).toBe(200);
    expect(drained.body.data?.project.agents.nodes.map((n) => n.name)).toEqual(expected);
    expect(await exited).toBe(0);
    expect(output()).toContain('"msg":"draining","signal":"SIGTERM"');
  } finally {
    simulator.setLatency(0);
  }
}, 30_000);

test('`npm start` in a production install runs the built output without a compiler, and SIGTERM reaches node', async () => {
  // The runtime install has no typescript: `npm start` must not try to build.
  expect(existsSync(join(appDir, 'node_modules', 'typescript'))).toBe(false);
  const { process: child, url, exited, output } = await startInstalled('npm', ['start', '--silent']);
  const res = await query(url);
  expect(res.status).toBe(200);
  expect(res.body.data?.project.agents.nodes.map((n) => n.name)).toEqual(firstAgents());
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
  expect(output()).toContain('"msg":"draining","signal":"SIGTERM"');
}, 30_000);
