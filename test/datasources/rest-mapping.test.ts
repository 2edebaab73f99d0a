import { expect, test } from 'vitest';
import type { RestResponse } from '../../src/datasources/gitlab-client.js';
import { toPage } from '../../src/datasources/rest-mapping.js';

const page = (headers: Record<string, string>) => toPage({ status: 200, body: [1, 2], headers } as RestResponse<number[]>, { page: 1, perPage: 2 }, (n) => n * 10);

test("GitLab's pagination headers are read as counts", () => {
  expect(page({ 'x-total': '7', 'x-per-page': '2', 'x-next-page': '2' })).toEqual({ items: [10, 20], total: 7, page: 1, perPage: 2, hasNextPage: true });
  // Above 10,000 rows GitLab leaves X-Total (and X-Next-Page on the last page) out.
  expect(page({ 'x-per-page': '2', 'x-next-page': '' })).toMatchObject({ total: null, hasNextPage: false });
});

test.each(['many', '1e3', '0x10', ' 7', '-1', '7.5', '', '2147483648', '99999999999'])('an X-Total or X-Per-Page of %j is no count: unknown, not NaN or a number it does not say', (value) => {
  expect(page({ 'x-total': value, 'x-per-page': value })).toMatchObject({ total: null, perPage: 2 });
});
