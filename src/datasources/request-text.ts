import { errors } from 'undici';
import type { Dispatcher } from 'undici';

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

class TextHandler implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  private statusCode = 0;
  private headers: TextResponse['headers'] = {};
  private readonly chunks: Buffer[] = [];
  private settled = false;

  constructor(
    private readonly resolve: (response: TextResponse) => void,
    private readonly reject: (err: Error) => void,
    private readonly signal: AbortSignal | undefined,
  ) {
    signal?.addEventListener('abort', this.onAbort);
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
    this.signal?.removeEventListener('abort', this.onAbort);
    if (err) this.reject(err);
    else this.resolve(response!);
  }
}
