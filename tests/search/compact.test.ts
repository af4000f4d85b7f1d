import { describe, expect, it } from 'vitest';
import { createArchive } from '../../src/core/search/engine.ts';
import { deserialiseCompact, serialiseCompact } from '../../src/core/search/compact.ts';
import { data, incident, simpleFilters, source } from './records.ts';

const archive = createArchive(
  data({
    incidents: [incident('inc-1', { title: 'Kabul blast', summary: 'A blast in Kabul killed five.' }), incident('inc-2', { title: 'Herat raid' })],
    sources: [source('src-1', ['Kabul police said the blast was heard across the city.', 'Herat is quiet.'])],
  }),
  { dataHash: 'h', matchFilters: simpleFilters },
);

describe('compact index', () => {
  it('lists each term once, sorted, with postings ascending', () => {
    const c = archive.compact;
    expect([...c.terms].sort()).toEqual(c.terms);
    expect(new Set(c.terms).size).toBe(c.terms.length);
    for (const ords of c.ords) expect([...ords]).toEqual([...ords].sort((a, b) => a - b));
  });

  it('weighs a word in a boosted field above the same word in the body', () => {
    const c = archive.compact;
    const t = c.termNo.get('kabul')!;
    const weightOf = (ref: string) => c.weights[t]![[...c.ords[t]!].indexOf(c.refs.indexOf(ref))]!;
    expect(weightOf('inc-1')).toBeGreaterThan(weightOf('src-1#1'));
  });

  it('survives serialisation unchanged', () => {
    const back = deserialiseCompact(JSON.parse(JSON.stringify(serialiseCompact(archive.compact))));
    if (!back.ok) throw new Error(back.detail);
    expect(back.compact).toEqual(archive.compact);
  });

  it.each([
    ['not an object', 42],
    ['unsorted terms', { refs: ['a'], terms: ['b', 'a'], postings: [[1, 1], [1, 1]] }],
    ['odd postings', { refs: ['a'], terms: ['a'], postings: [[1]] }],
    ['a gap of zero', { refs: ['a', 'b'], terms: ['a'], postings: [[1, 5, 0, 5]] }],
    ['a fractional weight', { refs: ['a'], terms: ['a'], postings: [[1, 0.5]] }],
    ['postings past the last document', { refs: ['a'], terms: ['a'], postings: [[2, 5]] }],
    ['terms and postings of different lengths', { refs: ['a'], terms: ['a', 'b'], postings: [[1, 5]] }],
  ])('rejects %s', (_what, value) => {
    expect(deserialiseCompact(value).ok).toBe(false);
  });
});
