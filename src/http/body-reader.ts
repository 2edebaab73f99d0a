import type { IncomingMessage } from 'node:http';

/**
 * Reads a request's whole body (Node stops at its declared Content-Length),
 * or gives up after `timeoutMs`: `done` gets the body, 'timeout', or 'aborted'
 * when the client went away first. Exactly one call.
 */
export function readBody(req: IncomingMessage, timeoutMs: number, done: (outcome: Buffer | 'timeout' | 'aborted') => void): void {
  const chunks: Buffer[] = [];
  const finish = (outcome: Buffer | 'timeout' | 'aborted') => {
    clearTimeout(timer);
    req.off('data', onData).off('end', onEnd).off('close', onClose);
    done(outcome);
  };
  const onData = (chunk: Buffer) => chunks.push(chunk);
  const onEnd = () => finish(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
  const onClose = () => finish('aborted');
  const timer = setTimeout(() => finish('timeout'), timeoutMs);
  req.on('data', onData).once('end', onEnd).once('close', onClose);
}
