import type { Dispatcher } from 'undici';
import { errors } from './undici.js';

export interface TextResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** What one exchange may cost: none of it is left to the other side. */
export interface ExchangeLimits {
  /** From dispatch (the wait for a socket included) to the last body byte. */
  timeoutMs?: number;
  /** The longest body read; a longer one is cut off unread. */
  maxBytes?: number;
}

/**
 * What a call is cancelled by: the GraphQL request's AbortSignal, or the
 * direct path's own lighter one (src/execution/compiled-execution.ts).
 */
export interface CancelSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** The exchange did not end within its `timeoutMs`. */
export class ExchangeTimeoutError extends Error {
  override name = 'ExchangeTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`no complete answer within ${timeoutMs} ms`);
  }
}

/** The answer's body is longer than `maxBytes` (declared so, or found so while reading). */
export class ResponseTooLargeError extends Error {
  override name = 'ResponseTooLargeError';
  constructor(
    readonly statusCode: number,
    readonly maxBytes: number,
  ) {
    super(`the ${statusCode} answer's body exceeds ${maxBytes} bytes`);
  }
}

/**
 * One HTTP exchange whose answer is read whole into a string: what undici's
 * `request()` followed by `body.text()` gives, without the response stream and
 * async resource that `request()` makes for every call (~7 µs of CPU a REST
 * call, docs/benchmarks.md). Connection failures and undici's own timeouts
 * reject with undici's errors; an abort through `signal` rejects with its
 * `RequestAbortedError`, and running out of `limits.timeoutMs` with an
 * `ExchangeTimeoutError`, both at once, even while the call waits for a
 * socket. A body past `limits.maxBytes` rejects with `ResponseTooLargeError`
 * as soon as it is known to be one, and the connection is dropped.
 */
export function requestText(dispatcher: Dispatcher, options: Dispatcher.DispatchOptions, signal?: CancelSignal, limits: ExchangeLimits = {}): Promise<TextResponse> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new errors.RequestAbortedError());
    dispatcher.dispatch(options, new TextHandler(resolve, reject, signal, limits));
  });
}

/**
 * The calls waiting on each signal, behind one 'abort' listener per signal.
 * A listener per call made every call cost as much as the calls already in
 * flight: EventTarget walks its listeners on each add and remove, and the
 * GraphQL request's signal is whatwg-node's Proxy, which traps every property
 * EventTarget reads.
 */
const waiting = new WeakMap<CancelSignal, Set<() => void>>();

/** Calls `abort` when `signal` aborts; the function returned stops that. */
function whenAborted(signal: CancelSignal, abort: () => void): () => void {
  let calls = waiting.get(signal);
  if (!calls) {
    const set = new Set<() => void>();
    signal.addEventListener('abort', () => set.forEach((call) => call()), { once: true });
    waiting.set(signal, (calls = set));
  }
  calls.add(abort);
  return () => calls.delete(abort);
}

class TextHandler implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  private statusCode = 0;
  private headers: TextResponse['headers'] = {};
  private readonly chunks: Buffer[] = [];
  private bytes = 0;
  private readonly maxBytes: number;
  private settled = false;
  private readonly stopWatching: (() => void) | undefined;
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly resolve: (response: TextResponse) => void,
    private readonly reject: (err: Error) => void,
    signal: CancelSignal | undefined,
    limits: ExchangeLimits,
  ) {
    this.maxBytes = limits.maxBytes ?? Infinity;
    this.stopWatching = signal && whenAborted(signal, this.onAbort);
    // A timer of its own rather than undici's: those bound each wait (for headers, between two body chunks),
    // not the whole, so a body dripping one byte just inside bodyTimeout would never end.
    const timeoutMs = limits.timeoutMs;
    if (timeoutMs !== undefined) this.timer = setTimeout(() => this.fail(new ExchangeTimeoutError(timeoutMs)), timeoutMs);
  }

  private readonly onAbort = () => this.fail(new errors.RequestAbortedError());

  private fail(err: Error): void {
    // Not yet given a socket: the controller comes later, and aborts at once then.
    this.controller?.abort(err);
    this.settle(err);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.settled) controller.abort(new errors.RequestAbortedError());
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    // 1xx answers are interim: the real one follows.
    if (statusCode < 200) return;
    this.statusCode = statusCode;
    this.headers = headers;
    // A declared length past the cap is refused before a byte of it is read.
    if (Number(headers['content-length']) > this.maxBytes) this.fail(new ResponseTooLargeError(statusCode, this.maxBytes));
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) this.fail(new ResponseTooLargeError(this.statusCode, this.maxBytes));
    else this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    const text = this.chunks.length === 1 ? this.chunks[0]!.toString('utf8') : Buffer.concat(this.chunks).toString('utf8');
    this.settle(undefined, { statusCode: this.statusCode, headers: this.headers, text });
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    this.settle(err);
  }

  private settle(err: Error | undefined, response?: TextResponse): void {
    if (this.settled) return;
    this.settled = true;
    this.stopWatching?.();
    clearTimeout(this.timer);
    if (err) this.reject(err);
    else this.resolve(response!);
  }
}
