import pino from 'pino';
import type { DestinationStream, Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * Anything that looks like a credential, wherever it ends up in a line:
 * GitLab personal/OAuth tokens, agent secrets, Authorization values and PEM
 * private keys. The gateway never logs variables or bodies; this is the
 * second line of defence, applied to every serialized line.
 */
const SECRETS: [RegExp, string][] = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, '[redacted private key]'],
  [/\\n?-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----/g, '[redacted private key]'],
  [/\b(gl[a-z]{2,6}-)[A-Za-z0-9_-]{8,}/g, '$1[redacted]'],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [redacted]'],
];

export function scrubSecrets(line: string): string {
  return SECRETS.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), line);
}

export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'agent-gateway' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: ['authorization', 'privateToken', 'token', 'secret', 'clientKey', 'variables', '*.authorization', '*.token', '*.secret', '*.clientKey', '*.variables', 'headers["private-token"]'],
        censor: '[redacted]',
      },
      hooks: { streamWrite: scrubSecrets },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
