import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { topK } from '../../src/core/search/topk.ts';

describe('topK', () => {
  it('equals the first k of a full sort', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -50, max: 50 })), fc.integer({ min: -2, max: 40 }), (xs, k) => {
        const cmp = (a: number, b: number) => a - b;
        expect(topK(xs, k, cmp)).toEqual([...xs].sort(cmp).slice(0, Math.max(0, k)));
      }),
    );
  });

  it('returns everything sorted for k = Infinity and leaves the input alone', () => {
    const xs = [3, 1, 2];
    expect(topK(xs, Infinity, (a, b) => b - a)).toEqual([3, 2, 1]);
    expect(xs).toEqual([3, 1, 2]);
  });
});
