// The columns' long value lists travel from the record worker to the main
// thread packed as bytes (columns.ts packColumnValues) and are made strings
// again a slice at a time (unpackColumnValues): the lists come back equal,
// whatever their script, and short lists are left as they are.
import { describe, expect, it } from 'vitest';
import { columnDefs, ColumnsBuilder, columnsFromParts, columnsToParts, packColumnValues, unpackColumnValues } from '../../src/core/search/columns.ts';
import { FILTER_COLUMNS } from '../../src/core/search/filter-index.ts';
import { syntheticRecords } from '../../src/core/search/synthetic.ts';
import type { Searchable } from '../../src/core/search/types.ts';

type Json = { columns: Array<{ name: string; values: string[] }> };

describe('packColumnValues / unpackColumnValues', () => {
  it('give back every list as it was, packing only the long ones', async () => {
    const json: Json = {
      columns: [
        { name: 'long', values: Array.from({ length: 3000 }, (_, i) => (i % 7 === 0 ? `https://example.org/پښتو/${i}?q=😀` : i % 11 === 0 ? '' : `id-${i}`)) },
        { name: 'short', values: ['a', 'ب', 'c'] },
      ],
    };
    const before = structuredClone(json);
    const packed = packColumnValues(json);
    expect(Object.keys(packed)).toEqual(['long']);
    expect(json.columns[0]!.values).toEqual([]);
    expect(json.columns[1]!.values).toEqual(before.columns[1]!.values);
    // What crosses threads is two typed arrays per packed list.
    const sent = structuredClone(packed);
    await unpackColumnValues(json, sent, 500);
    expect(json).toEqual(before);
  });

  it('make columns equal to the columns they came from', async () => {
    const records: Searchable[] = [...syntheticRecords({ records: 8000, seed: 7 })];
    const builder = new ColumnsBuilder(columnDefs(FILTER_COLUMNS));
    for (const r of records) builder.add(r);
    const cols = builder.finish();
    const parts = columnsToParts(cols);
    const packed = packColumnValues(parts.json);
    expect(Object.keys(packed).length).toBeGreaterThan(0);
    await unpackColumnValues(parts.json, structuredClone(packed));
    const back = columnsFromParts(parts.json, parts.arrays);
    for (const [name, col] of cols.columns) expect(back.column(name).values).toEqual(col.values);
  });
});
