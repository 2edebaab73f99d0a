import type { Dispatcher } from 'undici';
import { errors } from './undici.js';

export interface TextResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * One HTTP exchange whose answer is read whole into a string: what undici's
 * `request()` followed by `body.text()` gives, without the response stream and
 * async resource that `request()` makes for every call (~7 µs of CPU a REST
 * call, docs/benchmarks.md). Timeouts and connection failures reject with
 * undici's own errors; an abort through `signal` rejects with its
 * `RequestAbortedError`, at once, even while the call waits for a socket.
 */
export function requestText(dispatcher: Dispatcher, options: Dispatcher.DispatchOptions, signal?: AbortSignal): Promise<TextResponse> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new errors.RequestAbortedError());
    dispatcher.dispatch(options, new TextHandler(resolve, reject, signal));
  });
}

/**
 * The calls waiting on each signal, behind one 'abort' listener per signal.
 * A listener per call made every call cost as much as the calls already in
 * flight: EventTarget walks its listeners on each add and remove, and the
 * GraphQL request's signal is whatwg-node's Proxy, which traps every property
 * EventTarget reads.
 */
const waiting = new WeakMap<AbortSignal, Set<() => void>>();

/** Calls `abort` when `signal` aborts; the function returned stops that. */
function whenAborted(signal: AbortSignal, abort: () => void): () => void {
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
  private settled = false;
  private readonly stopWatching: (() => void) | undefined;

  constructor(
    private readonly resolve: (response: TextResponse) => void,
    private readonly reject: (err: Error) => void,
    signal: AbortSignal | undefined,
  ) {
    this.stopWatching = signal && whenAborted(signal, this.onAbort);
  }

  private readonly onAbort = () => {
    const err = new errors.RequestAbortedError();
    // Not yet given a socket: the controller comes later, and aborts at once then.
    this.controller?.abort(err);
    this.settle(err);
  };

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.settled) controller.abort(new errors.RequestAbortedError());
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    // 1xx answers are interim: the real one follows.
    if (statusCode < 200) return;
    this.statusCode = statusCode;
    this.headers = headers;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.chunks.push(chunk);
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
    if (err) this.reject(err);
    else this.resolve(response!);
  }
}
