import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { DEFAULTS } from '../../src/config.js';
import { START_HEAP_FLAG } from '../helpers/child-gateway.js';
import { ROOT, copies, execCmd, readDockerfile, readDockerignore, runs, userOf, workdir } from './dockerfile.js';

/**
 * What the image must do, read from the Dockerfile (no container runs on CI):
 * production-install.test.ts then runs the same steps without a container.
 */
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string }; scripts: Record<string, string> };
const stages = readDockerfile();
const [build, runtime] = stages;

test('two stages on the same Node image, pinned by the major that package.json requires', () => {
  expect(stages).toHaveLength(2);
  const major = /^>=(\d+)/.exec(pkg.engines.node)?.[1];
  expect(build!.image).toMatch(new RegExp(`^node:${major}(-slim)?$`));
  expect(runtime!.image).toBe(build!.image);
});

test('the build stage installs everything from the lockfile and runs the build script, which is tsc on tsconfig.build.json', () => {
  expect(runs(build!)).toEqual(['npm ci --no-audit --no-fund', 'npm run build']);
  expect(pkg.scripts.build).toBe('tsc -p tsconfig.build.json');
});

test('the runtime stage installs runtime dependencies only, and takes nothing from the build but dist/', () => {
  expect(runs(runtime!)).toEqual(['npm ci --omit=dev --no-audit --no-fund && npm cache clean --force']);
  expect(copies(runtime!)).toEqual([
    { from: undefined, sources: ['package.json', 'package-lock.json'], dest: './' },
    { from: build!.name, sources: [`${workdir(build!)}/dist`], dest: './dist' },
  ]);
});

test('the CMD is node itself (exec form, so it gets SIGTERM), with the heap flag and entry point `npm start` uses', () => {
  const cmd = execCmd(runtime!);
  expect(cmd).toEqual(['node', START_HEAP_FLAG, 'dist/src/server.js']);
  expect(pkg.scripts.start).toMatch(new RegExp(`&& exec ${cmd.join(' ').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
});

test('it runs as a numeric non-root user and exposes the default port', () => {
  expect(userOf(runtime!)).toMatch(/^[1-9]\d*(:[1-9]\d*)?$/);
  expect(runtime!.instructions.filter((i) => i.op === 'EXPOSE').map((i) => i.args)).toEqual([String(DEFAULTS.port)]);
});

test('.dockerignore lets in exactly what the Dockerfile copies from the context', () => {
  const patterns = readDockerignore();
  expect(patterns[0]).toBe('*');
  const copied = stages.flatMap((stage) => copies(stage).filter((c) => c.from === undefined).flatMap((c) => c.sources));
  expect(new Set(patterns.slice(1))).toEqual(new Set(copied.map((source) => `!${source}`)));
});
