import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FILTER_NAMES, MAX_QUERY_LENGTH, parseQuery } from '../../src/core/query/parse.ts';
import type { ParsedQuery } from '../../src/core/search/types.ts';

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
const LIST_KEYS = ['place', 'country', 'type', 'target', 'outlet', 'medium', 'language'] as const;

/** Everything a ParsedQuery promises, whatever the input was. */
function expectWellFormed(q: ParsedQuery): void {
  expect(typeof q.input).toBe('string');
  expect(q.input.length).toBeLessThanOrEqual(MAX_QUERY_LENGTH);
  expect(q.input).toBe(q.input.trim());
  for (const t of q.terms) {
    expect(typeof t).toBe('string');
    expect(t.length).toBeGreaterThan(0);
    expect(t).not.toMatch(/\s/u);
    expect(t).toBe(t.toLowerCase());
    // lunr operators never reach the index at a word's edge.
    expect(t).not.toMatch(/^[+\-~^*:]|[+\-~^*:]$/u);
  }
  expect(new Set(q.terms).size).toBe(q.terms.length);
  for (const p of q.problems) {
    expect(typeof p.option).toBe('string');
    expect(p.message.length).toBeGreaterThan(0);
  }
  for (const n of q.notes) expect(n.length).toBeGreaterThan(0);

  const f = q.filters;
  for (const key of Object.keys(f)) expect(FILTER_NAMES, key).toContain(key);
  for (const key of LIST_KEYS) {
    const values = f[key];
    if (values === undefined) continue;
    expect(values.length).toBeGreaterThan(0);
    for (const v of values) expect(v.trim().length).toBeGreaterThan(0);
  }
  if (f.kind !== undefined) for (const k of f.kind) expect(['incident', 'publication', 'source']).toContain(k);
  if (f.from !== undefined) expect(f.from).toMatch(ISO_DAY);
  if (f.to !== undefined) expect(f.to).toMatch(ISO_DAY);
  if (f.from !== undefined && f.to !== undefined) expect(f.from <= f.to).toBe(true);
  if (f.during !== undefined) {
    expect(f.during.month).toBeGreaterThanOrEqual(1);
    expect(f.during.month).toBeLessThanOrEqual(12);
  }
}

// Fragments users paste from Lucene/Google habits, shells and chat apps.
const FRAGMENT = fc.constantFrom(
  '~', '~2', '~99', '^', '^2', '^1.5', '*', '**', ':', '::', '-', '+', '--', '!', '"', '""', '“', '”', "'",
  'title:', 'title:kabul', '10:30', '10:30:15', 'https://t.me/x', 'AND', 'OR', 'NOT', '&&', '||', '(', ')', '[', ']', '{', '}',
  'place:', 'place:"', 'place:"Mazar-e-Sharif"', 'place:kabul,herat', 'during:', 'during:ramadan', 'during:"ramadan 1443"',
  '1443', '2022', '2022-13', 'year:', 'year:2022', 'from:2022-03', 'to:2021', 'claimed:', 'claimed:maybe', 'kind:,',
  'plce:x', 'medium:', ',', ' ', '  ', '\t', '\n', '\u00A0', '\u200C', '\u0000', 'کابل', 'رمضان', 'ﷺ', 'ｐｌａｃｅ：',
  '𝐀', '\uD800', '\uDC00', 'bomb', 'kabul',
);

const lunrSoup = fc.array(FRAGMENT, { maxLength: 40 }).chain((parts) =>
  fc.array(fc.constantFrom('', ' ', '  '), { minLength: parts.length, maxLength: parts.length }).map((seps) => parts.map((p, i) => p + seps[i]).join('')),
);

describe('parseQuery on any input', () => {
  it.each([
    ['ascii strings', fc.string({ maxLength: 200 })],
    ['any code points', fc.string({ unit: 'binary', maxLength: 200 })],
    ['graphemes', fc.string({ unit: 'grapheme', maxLength: 100 })],
    ['lunr syntax soup', lunrSoup],
    ['long strings', fc.string({ minLength: 2000, maxLength: 2100 })],
    ['long soup', fc.array(FRAGMENT, { minLength: 400, maxLength: 600 }).map((a) => a.join(''))],
  ] as const)('never throws and is well formed: %s', (_name, arb) => {
    fc.assert(
      fc.property(arb as fc.Arbitrary<string>, (s) => {
        expectWellFormed(parseQuery(s));
      }),
      { numRuns: 200 },
    );
  });

  it('never throws on values that are not strings', () => {
    fc.assert(
      fc.property(fc.anything(), (v) => {
        const q = parseQuery(v);
        expectWellFormed(q);
        if (typeof v !== 'string') expect(q.terms).toEqual([]);
      }),
    );
  });

  it('says so whenever it cuts the input', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 0, maxLength: 700 }), (s) => {
        const q = parseQuery(s);
        expect(q.notes.includes('query cut to 500 characters')).toBe(s.trim().length > MAX_QUERY_LENGTH);
      }),
    );
  });

  it('reads any simple word after place: as the place, not as text', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z][a-z-]{0,14}$/), fc.stringMatching(/^[a-z]{1,10}$/), (place, word) => {
        const q = parseQuery(`place:${place} ${word}`);
        expect(q.filters.place).toEqual([place]);
        expect(q.problems).toEqual([]);
      }),
    );
  });

  it('keeps plain words as terms in order', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z]{1,10}$/), { maxLength: 20 }), (words) => {
        expect(parseQuery(words.join(' ')).terms).toEqual([...new Set(words)]);
      }),
    );
  });
});
