import type { ServerResponse } from 'node:http';
import type { Metrics } from '../observability/metrics.js';

export function sendText(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(body);
}

/** /healthz, /readyz and /metrics: answered before admission, so they hold no in-flight slot and are never turned away. */
export function probes(metrics: Metrics, isReady: () => boolean): Map<string, (res: ServerResponse) => void> {
  return new Map([
    ['/healthz', (res: ServerResponse) => sendText(res, 200, 'ok\n')],
    ['/readyz', (res: ServerResponse) => (isReady() ? sendText(res, 200, 'ready\n') : sendText(res, 503, 'not ready\n'))],
    [
      '/metrics',
      (res: ServerResponse) => {
        void metrics.registry.metrics().then((text) => {
          res.writeHead(200, { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' });
          res.end(text);
        });
      },
    ],
  ]);
}
