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
  // Opaque after the prefix: current GitLab's routable tokens carry dots (`glagent-<base64url>.01.<crc>`, lib/authn/token_field/generator/routable_token.rb).
  [/\b(gl[a-z]{2,6}-)[A-Za-z0-9._-]{8,}/g, '$1[redacted]'],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [redacted]'],
];

/** Matches every line any of SECRETS would change (and a few more): one scan of the usual clean line instead of four. */
const ANY_SECRET = new RegExp(SECRETS.map(([pattern]) => pattern.source).join('|'), 'i');

export function scrubSecrets(line: string): string {
  if (!ANY_SECRET.test(line)) return line;
  return SECRETS.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), line);
}

let clockMs = -1;
let clockField = '';
/**
 * pino's ISO `time` field, formatted once per millisecond rather than once per
 * line: under load many lines share a millisecond, and `toISOString` was the
 * dearest part of a line.
 */
function isoTimeOncePerMillisecond(): string {
  const now = Date.now();
  if (now !== clockMs) {
    clockMs = now;
    clockField = `,"time":"${new Date(now).toISOString()}"`;
  }
  return clockField;
}

/** Keys whose values never reach a line, at its top level or one level down (e.g. `headers.authorization`). */
const SECRET_KEYS = new Set(['authorization', 'privateToken', 'private-token', 'token', 'secret', 'clientKey', 'variables']);
const CENSOR = '[redacted]';

/**
 * The line's object with every secret key's value censored, or the object
 * itself when it has none (the usual case). pino's own `redact` copies every
 * line to do this: it was a sixth of all the gateway's allocations under load
 * (docs/benchmarks.md).
 */
export function redactSecretKeys(object: Record<string, unknown>, depth = 0): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const key in object) {
    const value = object[key];
    let safe = value;
    if (SECRET_KEYS.has(key)) safe = CENSOR;
    else if (depth === 0 && value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Error)) {
      safe = redactSecretKeys(value as Record<string, unknown>, 1);
    }
    if (safe !== value) (copy ??= { ...object })[key] = safe;
  }
  return copy ?? object;
}

export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'agent-gateway' },
      timestamp: isoTimeOncePerMillisecond,
      formatters: { level: (label) => ({ level: label }), log: (object) => redactSecretKeys(object) },
      hooks: { streamWrite: scrubSecrets },
    },
    options.destination ?? stdoutInBatches(),
  );
}

/** A log line nobody can take for this long is given up: at exit, so a stalled stdout cannot keep the process alive. */
const STALL_LIMIT_MS = 2_000;
/** Lines held while stdout is stalled; past it new lines are dropped rather than filling the heap. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/**
 * Standard output, written about 4 KB at a time and at least once a second:
 * a write per line cost more than the line itself (~30 µs of a REST call's
 * ~110, docs/benchmarks.md). pino writes what is left synchronously at exit;
 * sonic-boom would retry a full pipe (a log reader that stopped reading)
 * forever there, so a write stalled for STALL_LIMIT_MS is given up instead.
 */
function stdoutInBatches(): DestinationStream {
  let stalledSince: number | undefined;
  const destination = pino.destination({
    dest: 1,
    sync: false,
    minLength: 4096,
    maxLength: MAX_BUFFERED_BYTES,
    periodicFlush: 1000,
    retryEAGAIN: () => performance.now() - (stalledSince ??= performance.now()) < STALL_LIMIT_MS,
  });
  destination.on('write', () => (stalledSince = undefined));
  // A given-up write or a stdout nobody reads any more (pino's own filter takes EPIPE first): lines are lost, not the process.
  destination.on('error', () => undefined);
  // pino's exit flush: a stdout that takes nothing more must not end the process with a stack trace.
  const flushSync = destination.flushSync.bind(destination);
  destination.flushSync = () => {
    try {
      flushSync();
    } catch {
      // what is left cannot be written: the lines are lost, the exit goes on
    }
  };
  return destination;
}

/**
 * Resolves once every line logged so far has been written, or after
 * `withinMs`: process.exit would otherwise cut off a write still in progress,
 * which pino's exit flush does not repeat.
 */
export function flushLogger(logger: Logger, withinMs = STALL_LIMIT_MS): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, withinMs);
    logger.flush(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
