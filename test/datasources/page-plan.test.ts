import { describe, expect, test } from 'vitest';
import { MAX_PER_PAGE, planPages } from '../../src/offset-pagination.js';

/** Every plan that covers rows [start, end): the fewest pages, then the fewest rows, is what planPages must return. */
function bestByHand(start: number, end: number) {
  const plans = Array.from({ length: MAX_PER_PAGE }, (_, i) => i + 1).map((perPage) => {
    const first = Math.floor(start / perPage);
    const count = Math.floor((end - 1) / perPage) - first + 1;
    return { perPage, pages: Array.from({ length: count }, (_, k) => first + k + 1) };
  });
  const fewest = Math.min(...plans.map((p) => p.pages.length));
  return plans.filter((p) => p.pages.length === fewest).sort((a, b) => a.perPage - b.perPage)[0];
}

describe('planPages', () => {
  test('a window costs the fewest pages, and of those the fewest rows, whatever its alignment', () => {
    expect(planPages(0, 20)).toEqual({ perPage: 20, pages: [1] });
    expect(planPages(15, 36)).toEqual({ perPage: 36, pages: [1] });
    expect(planPages(100, 200)).toEqual({ perPage: 100, pages: [2] });
    expect(planPages(5, 5)).toEqual({ perPage: 1, pages: [] });
    for (const start of [0, 1, 7, 19, 20, 99, 100, 101, 250]) {
      for (const end of [start + 1, start + 2, start + 20, start + 33, start + 99, start + 100, start + 101, start + 250]) {
        expect(planPages(start, end), `[${start}, ${end})`).toEqual(bestByHand(start, end));
      }
    }
  });
});
