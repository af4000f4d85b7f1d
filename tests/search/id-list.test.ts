// Record ids for commands (id-list.ts): the engine's id table answers as the
// plain array does, without making a million strings.
import { describe, expect, it } from 'vitest';
import { arrayIdList, closestIds, tableIdList } from '../../src/core/search/id-list.ts';
import { IdTable } from '../../src/core/search/ids.ts';
import { prng } from '../../src/core/search/synthetic.ts';

const PLACES = ['kabul', 'termez', 'peshawar', 'jalalabad', 'kunduz', 'herat', 'quetta', 'landi-kotal'];

/** `n` slug ids in record order (not sorted), and the table over them. */
function ids(n: number, seed: number): { list: string[]; table: IdTable; sorted: Uint32Array; ordinalOf: (id: string) => number } {
  const rand = prng(seed);
  const list = Array.from({ length: n }, (_, i) => `${rand() < 0.8 ? 'inc' : 'pub'}-${String(i).padStart(6, '0')}-${PLACES[Math.floor(rand() * PLACES.length)]}`);
  const table = IdTable.from(list);
  const sorted = Uint32Array.from(list.map((_, i) => i).sort((a, b) => (list[a]! < list[b]! ? -1 : 1)));
  const index = new Map(list.map((id, i) => [id, i]));
  return { list, table, sorted, ordinalOf: (id) => index.get(id) ?? -1 };
}

describe('ids for commands', () => {
  it('a small table answers exactly as the array', () => {
    const { list, table, sorted, ordinalOf } = ids(3000, 1);
    const t = tableIdList(table, sorted, ordinalOf);
    const a = arrayIdList(list);
    expect(t.count).toBe(3000);
    expect(t.first(7)).toEqual(a.first(7));
    expect(t.first(0)).toEqual([]);
    for (const needle of ['inc-0001', 'termez', 'pub 0002 kabul', 'inc-000123-kabol', 'xyz', '', 'landi']) {
      expect(t.closest(needle, 5), needle).toEqual(a.closest(needle, 5));
    }
    expect(t.has(list[17]!)).toBe(true);
    expect(t.has(`${list[17]!}x`)).toBe(false);
  });

  it('a large table finds what contains the input, then what contains its words, from the bytes', () => {
    const { list, table, sorted, ordinalOf } = ids(150_000, 2);
    const t = tableIdList(table, sorted, ordinalOf);
    // Every id containing the input: the same (shortest, then smallest) as scoring every id.
    for (const needle of ['inc-00012', '-termez', '149999', 'pub-0010']) {
      expect(t.closest(needle, 5), needle).toEqual(closestIds(needle, list, 5));
    }
    // All words, in another order.
    const target = list[123_456]!;
    const [kind, number, place] = target.split('-') as [string, string, string];
    expect(t.closest(`${place} ${number} ${kind}`, 5)[0]).toBe(target);
  });

  it('a large table suggests the id a typo came from, and only ids close to the input', () => {
    const { list, table, sorted, ordinalOf } = ids(150_000, 3);
    const t = tableIdList(table, sorted, ordinalOf);
    const rand = prng(9);
    for (let i = 0; i < 30; i++) {
      const id = list[Math.floor(rand() * list.length)]!;
      // One letter of the place changed: the number still narrows the candidates.
      const at = id.lastIndexOf('-') + 2;
      const typo = `${id.slice(0, at)}${id[at] === 'x' ? 'y' : 'x'}${id.slice(at + 1)}`;
      const found = t.closest(typo, 5);
      expect(found[0], typo).toBe(id);
      for (const f of found) expect(closestIds(typo, [f], 1), `${typo} -> ${f}`).toEqual([f]);
    }
  });

  it('non-ASCII ids are matched and ordered as strings', () => {
    const list = ['inc-kābul-1', 'inc-kābul-22', 'inc-herat-1', ...Array.from({ length: 120_000 }, (_, i) => `pub-${i}`)];
    const table = IdTable.from(list);
    const sorted = Uint32Array.from(list.map((_, i) => i).sort((a, b) => (list[a]! < list[b]! ? -1 : 1)));
    const t = tableIdList(table, sorted, (id) => list.indexOf(id));
    expect(t.closest('kābul', 5)).toEqual(['inc-kābul-1', 'inc-kābul-22']);
  });
});
