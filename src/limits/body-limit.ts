import type { IncomingMessage } from 'node:http';

export interface BodyRejection {
  status: 411 | 413;
  message: string;
}

/**
 * MAX_BODY_BYTES, checked on the headers before a byte of the body is read.
 * A chunked body declares no length and could only be measured while yoga
 * is already reading it, so it is refused (411): GraphQL clients and
 * GraphiQL always send Content-Length. Node stops reading a body at its
 * declared length, so the declaration bounds what is read.
 */
export function rejectBody(req: IncomingMessage, maxBytes: number): BodyRejection | undefined {
  if (req.headers['transfer-encoding'] !== undefined) {
    return { status: 411, message: `A request body must declare its Content-Length (at most ${maxBytes} bytes); chunked bodies are not accepted` };
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) return { status: 413, message: `Request body limit of ${maxBytes} bytes exceeded` };
  return undefined;
}
