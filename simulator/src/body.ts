import type { IncomingMessage } from 'node:http';
import { fail } from './responses.js';

/** Grape's InvalidMessageBody, composed from its locale's problem and resolution. */
const INVALID_JSON =
  "\nProblem:\n  message body does not match declared format\nResolution:\n  when specifying application/json as content-type, you must pass valid application/json in the request's 'body' ";

const hasBody = (req: IncomingMessage) => Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;

/**
 * A write's body as params, the way Rack and Grape's Formatter middleware
 * read it: form-encoded bodies by Rack; JSON (also when no type is given)
 * by Grape, which refuses unparseable JSON (400) and any other type (415).
 * Multipart bodies are not read.
 */
export async function readBodyParams(req: IncomingMessage): Promise<Record<string, unknown>> {
  if (req.method === 'GET' || req.method === 'HEAD' || !hasBody(req)) return {};
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(text));
  if (mediaType === 'multipart/form-data' || text === '') return {};
  if (mediaType !== '' && mediaType !== 'application/json') throw fail.grape(415, `The provided content-type '${mediaType}' is not supported.`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw fail.grape(400, INVALID_JSON);
  }
  // Only a JSON object becomes params; any other JSON value is kept aside by Grape.
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
}
