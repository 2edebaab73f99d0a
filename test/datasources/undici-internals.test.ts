import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { expect, test } from 'vitest';
import { Client, Pool, errors } from '../../src/datasources/undici.js';

// src/datasources/undici.ts requires undici's own files, which are not its API (it says why): these keep that honest.
const require = createRequire(import.meta.url);
const json = (path: string) => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as { version: string; dependencies: Record<string, string> };

test("the modules the gateway requires are the very objects undici's index exports", () => {
  const undici = require('undici') as Record<string, unknown>;
  expect(Pool).toBe(undici.Pool);
  expect(Client).toBe(undici.Client);
  expect(errors).toBe(undici.errors);
});

test('package.json pins undici to the exact version installed, so no install takes another file layout unchecked', () => {
  const pinned = json('../../package.json').dependencies.undici;
  expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
  expect(pinned).toBe(json('../../node_modules/undici/package.json').version);
});
