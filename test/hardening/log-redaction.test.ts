import { expect, test } from 'vitest';
import { createLogger, redactSecretKeys, scrubSecrets } from '../../src/observability/logger.js';
import { LogCapture } from '../helpers/log-capture.js';

/**
 * The logger's own guarantees, whatever a future caller hands it: secret
 * keys are censored at the top of a line and one level down, and anything
 * shaped like a credential is scrubbed from the text wherever it sits.
 */
test('secret keys are censored at the top level and one level down; the rest of the line is kept', () => {
  const capture = new LogCapture();
  const logger = createLogger({ destination: capture });
  logger.info({
    msg: 'call',
    authorization: 'Bearer abc',
    token: 'plain-token-value',
    headers: { 'private-token': 'header-token-value', accept: 'application/json' },
    input: { clientKey: 'key-material', variables: { a: 1 }, url: 'grpc://agent:1' },
    route: 'GET /projects/:id',
  });
  const [line] = capture.entries();
  expect(line).toMatchObject({
    msg: 'call',
    authorization: '[redacted]',
    token: '[redacted]',
    headers: { 'private-token': '[redacted]', accept: 'application/json' },
    input: { clientKey: '[redacted]', variables: '[redacted]', url: 'grpc://agent:1' },
    route: 'GET /projects/:id',
  });
  for (const secret of ['plain-token-value', 'header-token-value', 'key-material', 'abc']) expect(capture.text()).not.toContain(secret);
});

test('credential-shaped text is scrubbed from any field, including messages', () => {
  const capture = new LogCapture();
  const logger = createLogger({ destination: capture });
  logger.warn({ msg: 'upstream said Bearer glpat-abcdefgh12345678', detail: ['-----BEGIN PRIVATE KEY-----\nMIIEv\n-----END PRIVATE KEY-----'] });
  expect(capture.text()).not.toContain('glpat-abcdefgh12345678');
  expect(capture.text()).not.toContain('MIIEv');
  expect(capture.entries()[0]!.msg).toMatch(/^upstream said Bearer \[redacted\]/);
});

test('a line without secret keys is logged as it is, without a copy', () => {
  const line = { msg: 'gitlab call', requestId: 'r-1', method: 'GET', route: 'GET /projects/:id/cluster_agents', status: 200, durationMs: 1.2 };
  expect(redactSecretKeys(line)).toBe(line);
  const withSecret = { ...line, nested: { secret: 's' } };
  expect(redactSecretKeys(withSecret)).not.toBe(withSecret);
  expect(withSecret.nested.secret).toBe('s');
});

test('each kind of credential is scrubbed when it is the only one in a line; a clean line comes back as it was', () => {
  const cases: [string, string][] = [
    ['token glpat-abcdefgh12345678 seen', 'glpat-abcdefgh12345678'],
    ['agent secret glagent-ABCDEFGH_12345678', 'glagent-ABCDEFGH_12345678'],
    ['routable agent secret glagent-AbC0lIO-_xYz.01.0z1a2b3c4 seen', 'AbC0lIO-_xYz.01.0z1a2b3c4'],
    ['header Basic dXNlcjpwYXNz', 'dXNlcjpwYXNz'],
    ['header bearer abc.def', 'abc.def'],
    ['key -----BEGIN RSA PRIVATE KEY-----\nMIIEv\n-----END RSA PRIVATE KEY----- end', 'MIIEv'],
    ['{"key":"-----BEGIN EC PRIVATE KEY-----\\nMHcC\\n-----END EC PRIVATE KEY-----"}', 'MHcC'],
  ];
  for (const [line, secret] of cases) expect(scrubSecrets(line)).not.toContain(secret);
  const clean = '{"level":"info","msg":"gitlab call","route":"GET /projects/:id/cluster_agents","status":200}';
  expect(scrubSecrets(clean)).toBe(clean);
});

test('a routable agent secret (dots and all) is scrubbed whole: no segment of it is left', () => {
  const secret = 'glagent-Tq3vX9_kLm-0OlI2pQrS8uVwYz4AbCdEfG.01.1j0ab12cd';
  const capture = new LogCapture();
  createLogger({ destination: capture, level: 'debug' }).debug({ msg: `token ${secret}, again: "${secret}".`, detail: [secret] });
  expect(capture.lines).toHaveLength(1);
  // All of the line but the logger's own timestamp, which may hold "01" or any other short segment at some hour.
  const { time: _time, ...logged } = capture.entries()[0]!;
  for (const segment of secret.slice('glagent-'.length).split('.')) expect(JSON.stringify(logged)).not.toContain(segment);
  expect(capture.entries()[0]!.msg).toBe('token glagent-[redacted], again: "glagent-[redacted]".');
});
