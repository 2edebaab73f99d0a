import { expect, test } from 'vitest';
import { ConfigError, DEFAULTS, loadConfig } from '../src/config.js';

test('GITLAB_URL given as the API URL (…/api/v4) names the same instance; a relative-URL install keeps its path', () => {
  expect(loadConfig({ GITLAB_URL: 'https://gitlab.example.com/api/v4' }).gitlabUrl).toBe('https://gitlab.example.com');
  expect(loadConfig({ GITLAB_URL: 'https://gitlab.example.com/api/v4/' }).gitlabUrl).toBe('https://gitlab.example.com');
  expect(loadConfig({ GITLAB_URL: 'https://example.com/gitlab/api/v4' }).gitlabUrl).toBe('https://example.com/gitlab');
  expect(loadConfig({ GITLAB_URL: 'https://example.com/gitlab/' }).gitlabUrl).toBe('https://example.com/gitlab');
});

test('GITLAB_URL with a query string, credentials or another scheme is refused with one line naming the variable', () => {
  for (const value of ['https://gitlab.example.com/?private_token=x', 'https://user:pw@gitlab.example.com', 'ftp://gitlab.example.com']) {
    expect(() => loadConfig({ GITLAB_URL: value })).toThrow(ConfigError);
    expect(() => loadConfig({ GITLAB_URL: value })).toThrow(/^GITLAB_URL /);
  }
});

test("the hostile-input limits have their documented defaults, and each refuses a value outside its range", () => {
  expect(DEFAULTS).toMatchObject({
    graphqlTimeoutMs: 30_000,
    gitlabMaxResponseBytes: 8_000_000,
    gitlabMaxRedirects: 3,
    maxRestCallsPerRequest: 1_000,
    maxNodeIds: 100,
    maxResponseBytes: 10_000_000,
    headersTimeoutMs: 10_000,
    bodyTimeoutMs: 10_000,
  });
  expect(loadConfig({ MAX_NODE_IDS: '5' }).maxNodeIds).toBe(5);
  for (const name of ['GRAPHQL_TIMEOUT_MS', 'GITLAB_MAX_RESPONSE_BYTES', 'MAX_REST_CALLS_PER_REQUEST', 'MAX_NODE_IDS', 'MAX_RESPONSE_BYTES', 'HEADERS_TIMEOUT_MS', 'BODY_TIMEOUT_MS']) {
    expect(() => loadConfig({ [name]: '0' })).toThrow(new RegExp(`^${name} must be`));
  }
});
