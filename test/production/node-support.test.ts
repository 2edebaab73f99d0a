import { readFileSync } from 'node:fs';
import semver from 'semver';
import { expect, test } from 'vitest';

/**
 * The README promises the Node versions of package.json's `engines`: every
 * package a production install (`npm ci --omit=dev`) brings must run on the
 * oldest of them. Development dependencies may want a newer Node (npm then
 * warns EBADENGINE); what is tested on Node 20 in CI tells whether they run.
 * package.json's `overrides` keep @whatwg-node/promise-helpers at 1.x and
 * @whatwg-node/disposablestack at 0.0.x under graphql-yoga's executor: their
 * next majors changed the engines field (to Node 22.15) and dropped one
 * deprecated function, nothing the code here or yoga calls.
 */
const root = new URL('../../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as {
  packages: Record<string, { version?: string; dev?: boolean; engines?: { node?: string } | string[] }>;
};

test('no runtime dependency requires a newer Node than package.json promises, and the README says the same floor', () => {
  const floor = semver.minVersion(pkg.engines.node)!.version;
  const tooNew = Object.entries(lock.packages)
    .filter(([path, info]) => path !== '' && !info.dev)
    .flatMap(([path, info]) => {
      const wanted = Array.isArray(info.engines) ? undefined : info.engines?.node;
      return wanted !== undefined && !semver.satisfies(floor, wanted) ? [`${path}@${info.version} wants node ${wanted}`] : [];
    });
  expect(tooNew).toEqual([]);
  expect(readFileSync(new URL('README.md', root), 'utf8')).toContain(`Node.js ${floor} or newer`);
});
