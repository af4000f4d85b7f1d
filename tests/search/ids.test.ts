// Record ids off the heap (ids.ts): read back, compared and ordered exactly as
// the strings themselves, ASCII or not.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdTable, IdTableBuilder } from '../../src/core/search/ids.ts';

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const sign = (n: number): number => Math.sign(n);

describe('IdTable', () => {
  it('gives back every id and compares as strings compare, for ASCII and other ids', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 6 }), fc.constantFrom('inc-1', 'inc-10', 'inc-2', 'é', 'z')), { maxLength: 40 }), fc.string({ maxLength: 8 }), (ids, probe) => {
        const built = new IdTableBuilder();
        for (const id of ids) built.add(id);
        for (const table of [built.finish(), IdTable.from(ids)]) {
          expect(table.length).toBe(ids.length);
          expect(table.toArray()).toEqual(ids);
          ids.forEach((id, r) => {
            expect(sign(table.compare(r, probe))).toBe(cmp(id, probe));
            expect(table.compare(r, id)).toBe(0);
            ids.forEach((other, s) => expect(sign(table.compareIds(r, s))).toBe(cmp(id, other)));
          });
        }
      }),
      { numRuns: 200 },
    );
  });

  it('refuses offsets that do not cover its bytes', () => {
    expect(() => new IdTable(new Uint8Array(3), Uint32Array.from([0, 2]))).toThrow(/cover/);
    expect(() => new IdTable(new Uint8Array(3), Uint32Array.from([0, 2, 1, 3]))).toThrow(/order/);
  });
});
