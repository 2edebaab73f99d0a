import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { fetch } from 'undici';
import { expect, test } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

test('npm run demo prints the GraphiQL URL, the token to paste and the demo projects, and serves them', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], { cwd: ROOT, env: { ...process.env, PORT: '0' } });
  try {
    let banner = '';
    await new Promise<void>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`no banner in: ${banner}`)), 20_000);
      child.stdout.on('data', (chunk: Buffer) => {
        banner += chunk.toString();
        if (banner.includes('Ctrl-C')) {
          clearTimeout(timer);
          done();
        }
      });
      child.on('exit', () => fail(new Error(`exited early: ${banner}`)));
    });
    const url = /GraphiQL: +(http:\/\/\S+\/graphql)/.exec(banner)![1]!;
    const token = /"Authorization": "Bearer (\S+)"/.exec(banner)![1]!;
    const paths = [...banner.matchAll(/^ {2}([a-z][\w/-]+\/[\w-]+) +(private|internal|public) /gm)].map((m) => m[1]);
    expect(paths).toEqual(['acme/infra/platform', 'acme/apps/checkout/payments', 'acme/sandbox', 'community/helm-charts']);

    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: `{ project(id: "${paths[0]}") { fullPath agents { totalCount } } }` }),
    });
    expect(await res.json()).toEqual({ data: { project: { fullPath: 'acme/infra/platform', agents: { totalCount: 6 } } } });
  } finally {
    child.kill('SIGTERM');
  }
});
