import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, test } from 'vitest';

/**
 * `npm test` starts with `npm run codegen:check`. This proves that check
 * bites: on a copy of the project, each way of leaving a generated file
 * stale makes it fail, naming the file. The real tree is never touched.
 */
const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..');
const INPUTS = ['package.json', 'codegen.ts', 'tsconfig.json', 'schema.graphql', 'subgraph.graphql', 'src', 'scripts', 'test/operations', 'test/generated', 'examples/frontend/src'];
const copies: string[] = [];
afterAll(() => {
  for (const copy of copies) rmSync(copy, { recursive: true, force: true });
});

/** A fresh copy per test, so that no test sees another's edit. */
function copyProject(): string {
  const copy = mkdtempSync(join(tmpdir(), 'agent-gateway-codegen-'));
  copies.push(copy);
  for (const entry of INPUTS) cpSync(join(root, entry), join(copy, entry), { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
  return copy;
}

function edit(copy: string, file: string, change: (text: string) => string): void {
  const path = join(copy, file);
  const original = readFileSync(path, 'utf8');
  const changed = change(original);
  // An edit that matched nothing would make a failing check pass for the wrong reason.
  expect(changed).not.toBe(original);
  writeFileSync(path, changed);
}

async function check(copy: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run('npm', ['run', '--silent', 'codegen:check'], { cwd: copy });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const failure = err as { code: number; stdout: string; stderr: string };
    return { code: failure.code, output: failure.stdout + failure.stderr };
  }
}

test('the unmodified tree passes: regenerating every file gives the same bytes', async () => {
  const result = await check(copyProject());
  expect(result.output).not.toContain('stale');
  expect(result.code).toBe(0);
}, 60_000);

test('a hand-edited generated file fails the check, naming it', async () => {
  const copy = copyProject();
  edit(copy, 'test/generated/operations.ts', (text) => text.replace("'ACTIVE'", "'ACTIVE'\n  | 'EXPIRED'"));
  const result = await check(copy);
  expect(result.code).not.toBe(0);
  expect(result.output).toContain('test/generated/operations.ts');
}, 60_000);

test('an operation changed without regenerating its typed document fails the check, naming the generated file', async () => {
  const copy = copyProject();
  edit(copy, 'test/operations/nodes.graphql', (text) => text.replace('createdAt', 'createdAt\n      createdByUserId'));
  const result = await check(copy);
  expect(result.code).not.toBe(0);
  expect(result.output).toContain('test/generated/operations.ts');
}, 60_000);

test('a schema changed in src/ without reprinting fails the check, naming schema.graphql and subgraph.graphql', async () => {
  const copy = copyProject();
  edit(copy, 'src/schema/project.ts', (text) => text.replace("GitLab's numeric project id.", "GitLab's numeric id of the project."));
  const result = await check(copy);
  expect(result.code).not.toBe(0);
  expect(result.output).toContain('schema.graphql, subgraph.graphql are stale');
}, 60_000);
