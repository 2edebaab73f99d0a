import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { TOKENS } from '../../simulator/src/index.js';
import { startStack } from '../helpers/harness.js';
import type { Stack } from '../helpers/harness.js';

/**
 * GraphiQL in a real headless Chromium (Debian's, installed by .ci/run):
 * the page loads, runs its example query with the caller's token through
 * the gateway, and shows GitLab's data.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  stack = await startStack({ gateway: { exampleProject: 'g/p' } });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

test.runIf(existsSync(CHROMIUM) || process.env.CI)('GraphiQL opens on the example query and runs it with the caller\'s token', async () => {
  const page = await browser.newPage();
  // The page's CSP allows no inline script and no other origin: anything GraphiQL needed beyond that would show here.
  const violations: string[] = [];
  await page.exposeFunction('reportViolation', (what: string) => violations.push(what));
  await page.addInitScript(() =>
    document.addEventListener('securitypolicyviolation', (e) => (window as unknown as { reportViolation(what: string): void }).reportViolation(`${e.violatedDirective} ${e.blockedURI}`)),
  );
  await page.setExtraHTTPHeaders({ authorization: `Bearer ${TOKENS.maintainer}` });
  await page.goto(`${stack.url}/graphql`);
  await page.getByText('query ProjectAgents').first().waitFor({ timeout: 15_000 });
  stack.simulator.resetStats();
  await page.locator('.graphiql-execute-button').click();
  await page.locator('.result-window').getByText('"totalCount": 20').waitFor({ timeout: 15_000 });
  expect(stack.simulator.count('GET /projects/:id/cluster_agents')).toBeGreaterThanOrEqual(1);
  expect(stack.simulator.requests.every((r) => r.token === TOKENS.maintainer)).toBe(true);
  expect(violations).toEqual([]);
  await page.screenshot({ path: join(tmpdir(), 'graphiql.png') });
}, 60_000);
