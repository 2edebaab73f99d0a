import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';

/**
 * `npm test` starts with `npm run codegen:check`. This proves that check
 * bites: on a copy of the project, a stale generated file makes it fail,
 * naming the file. The real tree is never touched.
 */
const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..');
let copy: string;

beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), 'agent-gateway-codegen-'));
  for (const entry of ['package.json', 'codegen.ts', 'tsconfig.json', 'schema.graphql', 'subgraph.graphql', 'src', 'scripts', 'test/operations', 'test/generated']) {
    cpSync(join(root, entry), join(copy, entry), { recursive: true });
  }
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
});
afterAll(() => rmSync(copy, { recursive: true, force: true }));

async function check(): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run('npm', ['run', '--silent', 'codegen:check'], { cwd: copy });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const failure = err as { code: number; stdout: string; stderr: string };
    return { code: failure.code, output: failure.stdout + failure.stderr };
  }
}

function edit(file: string, change: (text: string) => string): () => void {
  const path = join(copy, file);
  const original = readFileSync(path, 'utf8');
  writeFileSync(path, change(original));
  return () => writeFileSync(path, original);
}

test('the committed generated files are current', async () => {
  expect((await check()).code).toBe(0);
}, 60_000);

test('a stale schema.graphql fails the check, naming it', async () => {
  const restore = edit('schema.graphql', (text) => text.replace('type Agent implements Node', 'type Agent implements Node @deprecated'));
  try {
    const result = await check();
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('schema.graphql');
  } finally {
    restore();
  }
}, 60_000);

test('an operation changed without regenerating its typed document fails the check, naming the file', async () => {
  const restore = edit('test/operations/nodes.graphql', (text) => text.replace('createdAt', 'createdAt\n      createdByUserId'));
  try {
    const result = await check();
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('test/generated/operations.ts');
  } finally {
    restore();
  }
}, 60_000);
