import fc from 'fast-check';
import lunr from 'lunr';
import { describe, expect, it } from 'vitest';
import { createArchive, type ArchiveData } from '../../src/core/search/engine.ts';
import type { SearchOptions } from '../../src/core/search/types.ts';
import { syntheticCorpus } from '../../src/core/search/synthetic.ts';
import { data, incident, publication, q, simpleFilters, source } from './records.ts';

function archive(d: ArchiveData) {
  return createArchive(d, { dataHash: 'test', matchFilters: simpleFilters });
}

const refs = (a: ReturnType<typeof archive>, terms: string[], opts?: SearchOptions, filters = {}) =>
  a.search(q(terms, filters), opts).hits.map((h) => h.ref);

describe('free-text search', () => {
  it('ranks a title match above a match in the body', () => {
    const a = archive(
      data({
        incidents: [
          // The body match is short and repeats the word; the title is long and says it once.
          incident('inc-body', { title: 'Market attack', tags: ['peshawar', 'peshawar city'] }),
          incident('inc-title', { title: 'Blast at a crowded vegetable market near the old city gate of Peshawar' }),
          incident('inc-none', { title: 'Raid in Kunar' }),
        ],
      }),
    );
    expect(refs(a, ['peshawar'])).toEqual(['inc-title', 'inc-body']);
  });

  it('requires every word by default', () => {
    const a = archive(
      data({
        incidents: [
          incident('inc-both', { title: 'Kabul mosque bombing' }),
          incident('inc-kabul', { title: 'Kabul checkpoint attack' }),
          incident('inc-mosque', { title: 'Mosque attack in Herat' }),
        ],
      }),
    );
    const r = a.search(q(['kabul', 'mosque']));
    expect(r.mode).toBe('all');
    expect(r.hits.map((h) => h.ref)).toEqual(['inc-both']);
    expect(r.total).toBe(1);
  });

  it('falls back to any word when no record has them all, more words first', () => {
    const a = archive(
      data({
        incidents: [
          incident('inc-kabul', { title: 'Kabul checkpoint attack' }),
          incident('inc-two', { title: 'Kabul mosque attack' }),
          incident('inc-herat', { title: 'Herat raid' }),
        ],
      }),
    );
    const r = a.search(q(['kabul', 'mosque', 'zebra']));
    expect(r.mode).toBe('any');
    expect(r.hits.map((h) => h.ref)).toEqual(['inc-two', 'inc-kabul']);
    expect(r.notes.some((n) => n.includes('zebra'))).toBe(true);
  });

  it('stays in mode all with no hits when no word matches anything', () => {
    const a = archive(data({ incidents: [incident('inc-1', { title: 'Kabul attack' })] }));
    const r = a.search(q(['zebra', 'giraffe']));
    expect(r).toMatchObject({ mode: 'all', total: 0, hits: [] });
  });

  it('matches a prefix of the last word, and of words of four letters or more', () => {
    const a = archive(data({ incidents: [incident('inc-p', { title: 'Blast in Peshawar' }), incident('inc-k', { title: 'Kabul raid' })] }));
    expect(refs(a, ['pesh'])).toEqual(['inc-p']);
    expect(refs(a, ['pesh', 'blast'])).toEqual(['inc-p']);
    // A three-letter word that is not the last one is taken as typed.
    expect(a.search(q(['pes', 'blast'])).mode).toBe('any');
  });

  it('caps how many words a short prefix expands to, shortest first, and says so', () => {
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    const words = Array.from({ length: 60 }, (_, i) => `kab${letters[i % 26]}${letters[Math.floor(i / 26)]}x`);
    const a = archive(data({ incidents: [...words.map((w, i) => incident(`inc-${i}`, { title: w })), incident('inc-short', { title: 'kabu' })] }));
    const r = a.search(q(['kab']), { limit: Infinity });
    expect(r.notes.join(' ')).toContain('matched many words');
    expect(r.total).toBe(50);
    expect(r.hits.map((h) => h.ref)).toContain('inc-short');
  });

  it('matches a word within one typo when the word itself is unknown', () => {
    const a = archive(data({ incidents: [incident('inc-p', { title: 'Blast in Peshawar' }), incident('inc-k', { title: 'Kabul raid' })] }));
    expect(refs(a, ['peshwar'])).toEqual(['inc-p']);
    expect(refs(a, ['jalalabad'])).toEqual([]);
  });

  it('ranks the word as typed above its typo and prefix variants', () => {
    const a = archive(
      data({
        incidents: [
          incident('inc-a-typo', { title: 'Blast in Peshawar' }),
          incident('inc-b-exact', { title: 'Blast in Peshwar' }),
          incident('inc-c-prefix', { title: 'Blast in Peshwari' }),
        ],
      }),
    );
    expect(refs(a, ['peshwar'])).toEqual(['inc-b-exact', 'inc-c-prefix', 'inc-a-typo']);
  });

  it('finds diacritic-free spellings and non-Latin words', () => {
    const a = archive(
      data({
        incidents: [incident('inc-n', { title: 'Attack in Nangarhār' })],
        sources: [source('src-ps', ['د خراسان ولایت برید', 'Another passage'])],
      }),
    );
    expect(refs(a, ['nangarhar'])).toEqual(['inc-n']);
    expect(refs(a, ['خراسان'])).toEqual(['src-ps#1']);
  });

  it('keeps a time like 10:30 as one word', () => {
    const a = archive(
      data({
        incidents: [incident('inc-t', { summary: 'The blast happened at 10:30 local time.' }), incident('inc-u', { summary: 'At 11:45.' })],
      }),
    );
    expect(refs(a, ['10:30'])).toEqual(['inc-t']);
  });

  it('returns source passages as hits with their number', () => {
    const a = archive(
      data({
        sources: [source('src-x', ['Nothing here.', 'The imambargah in Kunduz was hit during Friday prayers.', 'More text.'])],
      }),
    );
    const r = a.search(q(['imambargah', 'kunduz']));
    expect(r.hits).toHaveLength(1);
    expect(r.hits[0]).toMatchObject({ ref: 'src-x#2', passage: 2 });
    expect(r.hits[0]!.record.id).toBe('src-x');
  });

  it('ignores stop words and says so; only stop words is a query without words', () => {
    const a = archive(data({ incidents: [incident('inc-1', { title: 'Kabul attack' }), incident('inc-2', { title: 'Herat raid' })] }));
    const r = a.search(q(['the', 'kabul']));
    expect(r.hits.map((h) => h.ref)).toEqual(['inc-1']);
    expect(r.notes.join(' ')).toContain('the');
    const only = a.search(q(['the', 'of']));
    expect(only.mode).toBe('none');
    expect(only.total).toBe(2);
  });

  it('pages with limit and offset without overlap', () => {
    const incidents = Array.from({ length: 7 }, (_, i) => incident(`inc-${i}`, { title: `Kabul attack number ${i}` }));
    const a = archive(data({ incidents }));
    const first = a.search(q(['kabul']), { limit: 3 });
    const second = a.search(q(['kabul']), { limit: 3, offset: 3 });
    const all = a.search(q(['kabul']), { limit: Infinity });
    expect(first.total).toBe(7);
    expect(all.hits).toHaveLength(7);
    expect([...first.hits, ...second.hits].map((h) => h.ref)).toEqual(all.hits.slice(0, 6).map((h) => h.ref));
  });
});

describe('kinds and filters', () => {
  const d = data({
    incidents: [incident('inc-k', { title: 'Kabul attack', date: { start: '2022-03-04', precision: 'day' }, place: { place: 'Kabul', precision: 'city' } })],
    publications: [publication('pub-k', { title: 'Kabul statement', date: { start: '2021-06', precision: 'month' } })],
    sources: [source('src-k', ['Kabul report passage.', 'Second passage about Kabul.'], { published: '2022-07-01T09:00:00' })],
  });
  const a = archive(d);

  it('applies a kind filter, and defaultKinds when there is none', () => {
    expect(refs(a, ['kabul'], {}, { kind: ['publication'] })).toEqual(['pub-k']);
    expect(refs(a, ['kabul'], { defaultKinds: ['incident'] }).sort()).toEqual(['inc-k']);
    // An explicit kind filter wins over the command's default kinds.
    expect(refs(a, ['kabul'], { defaultKinds: ['incident'] }, { kind: ['source'] }).sort()).toEqual(['src-k#1', 'src-k#2']);
  });

  it('lists every record passing the filters when there are no words, sources once, by date', () => {
    const r = a.search(q([], { year: 2022 }));
    expect(r.mode).toBe('none');
    expect(r.hits.map((h) => h.ref)).toEqual(['inc-k', 'src-k']);
    expect(a.search(q([])).hits.map((h) => h.ref)).toEqual(['pub-k', 'inc-k', 'src-k']);
  });

  it('applies the injected filters to word matches', () => {
    expect(refs(a, ['kabul'], {}, { place: ['kabul'] })).toEqual(['inc-k']);
    expect(refs(a, ['kabul'], {}, { year: 2021 })).toEqual(['pub-k']);
  });
});

describe('date order', () => {
  const a = archive(
    data({
      incidents: [
        incident('inc-undated', { title: 'Kabul one' }),
        incident('inc-day', { title: 'Kabul two', date: { start: '2022-03-04', precision: 'day' } }),
        incident('inc-month', { title: 'Kabul three', date: { start: '2022-03', precision: 'month' } }),
        incident('inc-year', { title: 'Kabul four', date: { start: '2022', precision: 'year' } }),
        incident('inc-range', { title: 'Kabul five', date: { start: '2022-04', end: '2022-05', precision: 'range', label: 'Ramadan 1443' } }),
        incident('inc-day-b', { title: 'Kabul six', date: { start: '2022-03-04', precision: 'day' } }),
      ],
    }),
  );

  it('orders by the first day a date can mean, ties by id, undated last', () => {
    expect(refs(a, ['kabul'], { order: 'date', limit: Infinity })).toEqual([
      'inc-year',
      'inc-month',
      'inc-day',
      'inc-day-b',
      'inc-range',
      'inc-undated',
    ]);
  });

  it('passes on which hits matched a date filter only imprecisely', () => {
    const hits = a.search(q(['kabul'], { year: 2022 }), { order: 'date', limit: Infinity }).hits;
    expect(hits.map((h) => [h.ref, h.imprecise])).toEqual([
      ['inc-year', true],
      ['inc-month', true],
      ['inc-day', false],
      ['inc-day-b', false],
      ['inc-range', true],
    ]);
  });
});

describe('robustness', () => {
  const a = archive(
    data({
      incidents: [incident('inc-1', { title: 'Bomb blast in Kabul at 10:30' })],
      sources: [source('src-1', ['Title: the bomb went off', 'a - b'])],
    }),
  );
  const plain = lunr(function () {
    this.ref('id');
    this.field('t');
    this.add({ id: '1', t: 'bomb' });
  });

  it('answers inputs that make lunr search() throw', () => {
    for (const text of ['10:30', 'title:', '-', 'bomb~', 'bomb^', ':']) {
      expect(() => plain.search(text)).toThrow();
      expect(() => a.search(q(text.split(' ')))).not.toThrow();
    }
    expect(refs(a, ['10:30'])).toEqual(['inc-1']);
    expect(refs(a, ['bomb~'])).toContain('inc-1');
  });

  it('never throws on arbitrary words and options', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constantFrom('*', '**', 'a*b', '~', ':', '+', '-', '^1')), {
          maxLength: 40,
        }),
        fc.record({
          limit: fc.option(fc.oneof(fc.integer({ min: -5, max: 50 }), fc.constant(Infinity), fc.constant(Number.NaN)), { nil: undefined }),
          offset: fc.option(fc.integer({ min: -5, max: 50 }), { nil: undefined }),
          order: fc.option(fc.constantFrom('relevance' as const, 'date' as const), { nil: undefined }),
        }),
        (terms, opts) => {
          const r = a.search(q(terms), opts);
          expect(r.hits.length).toBeLessThanOrEqual(r.total);
          expect(new Set(r.hits.map((h) => h.ref)).size).toBe(r.hits.length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives the same answer twice (work arrays are left clean)', () => {
    const first = a.search(q(['kabul', 'bomb']));
    a.search(q(['zzz', 'bomb'], { year: 2022 }));
    a.search(q(['blast']), { limit: 0 });
    expect(a.search(q(['kabul', 'bomb']))).toEqual(first);
  });

  it('tolerates a hand-built query without terms or filters', () => {
    expect(() => a.search({ input: '' } as never)).not.toThrow();
  });
});

describe('get, stats, vocabulary', () => {
  const a = archive(
    data({
      incidents: [
        incident('inc-1', { place: { place: 'Kabul', province: 'Kabul', country: 'Afghanistan', precision: 'city' }, attackTypes: ['IED'] }),
        incident('inc-2', { place: { place: 'kabul', country: 'Afghanistan', precision: 'city' }, attackTypes: ['suicide bombing'] }),
      ],
      publications: [publication('pub-1', { outlet: 'al-Naba', medium: 'newsletter issue' })],
      sources: [source('src-1', ['one', 'two'], { published: '2022-01-01T00:00:00', modified: '2023-02-02T00:00:00' })],
    }),
  );

  it('gets records by id, not passages', () => {
    expect(a.get('inc-2')?.id).toBe('inc-2');
    expect(a.get('src-1')?.kind).toBe('source');
    expect(a.get('src-1#1')).toBeUndefined();
  });

  it('counts records and passages and reports the latest source change', () => {
    expect(a.stats()).toMatchObject({ incidents: 2, publications: 1, sources: 1, passages: 2, dataHash: 'test', lastDataChange: '2023-02-02T00:00:00' });
    expect(a.stats().indexVersion).toContain(lunr.version);
  });

  it('lists distinct names ignoring case', () => {
    const v = a.vocabulary();
    expect(v.places).toEqual(['Kabul']);
    expect(v.countries).toEqual(['Afghanistan']);
    expect(v.outlets).toEqual(['al-Naba']);
    expect(v.types).toEqual(['IED', 'suicide bombing']);
    expect(v.ids.first(10)).toEqual(['inc-1', 'inc-2', 'pub-1', 'src-1']);
    expect(v.ids.count).toBe(4);
    expect(v.ids.has('pub-1')).toBe(true);
    expect(v.ids.has('pub-')).toBe(false);
    expect(v.ids.closest('inc', 3)).toEqual(['inc-1', 'inc-2']);
  });

  it('lists the records citing a source in date order from the columns', () => {
    const inDateOrder = a.search(q([]), { limit: Infinity, order: 'date', defaultKinds: ['incident', 'publication'] }).hits.map((h) => h.record);
    const expected = inDateOrder.filter((r) => r.kind !== 'source' && r.sources.some((c) => c.source === 'src-a')).map((r) => r.id);
    expect(expected.length).toBeGreaterThan(0);
    expect(a.citing(['src-a'])).toEqual(expected);
    expect(a.citing(['no-such-source'])).toEqual([]);
    expect(a.citing([])).toEqual([]);
  });

  it('finds the sources at an address from the columns', () => {
    const url = (a.get('src-1') as { url: string }).url;
    expect(a.sourcesWithUrl((u) => u === url)).toEqual(['src-1']);
    expect(a.sourcesWithUrl(() => false)).toEqual([]);
  });
});

describe('passage numbers', () => {
  it('lists a repeated passage number once (the first passage with it)', () => {
    const s = source('src-d', ['Kabul first.', 'Kabul second.']);
    s.passages = [
      { n: 1, text: 'Kabul first.' },
      { n: 1, text: 'Kabul second.' },
    ];
    const a = archive(data({ sources: [s] }));
    expect(refs(a, ['kabul'], { limit: Infinity })).toEqual(['src-d#1']);
    expect(refs(a, ['first'])).toEqual(['src-d#1']);
    expect(refs(a, ['second'])).toEqual([]);
  });
});

describe('pages of a larger corpus', () => {
  const big = createArchive(syntheticCorpus({ records: 800, seed: 21 }), { dataHash: 'big', matchFilters: simpleFilters });
  const QUERIES = [['attack'], ['kabul', 'mosque'], ['taliban'], ['killed', 'wounded'], ['peshwar'], ['nangar'], ['voice', 'khurasan', 'zebra']];

  it('returns the first k of the full ranking for any k and offset (bounded heap = full sort)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...QUERIES), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 30 }), fc.constantFrom('relevance' as const, 'date' as const), (terms, limit, offset, order) => {
        const all = big.search(q(terms), { limit: Infinity, order }).hits.map((h) => h.ref);
        const page = big.search(q(terms), { limit, offset, order }).hits.map((h) => h.ref);
        expect(page).toEqual(all.slice(offset, offset + limit));
      }),
      { numRuns: 150 },
    );
  });

  it('ranks by score, then ref; and in date order does not score', () => {
    for (const terms of QUERIES) {
      const hits = big.search(q(terms), { limit: Infinity }).hits;
      for (let i = 1; i < hits.length; i++) {
        const [a, b] = [hits[i - 1]!, hits[i]!];
        // (Scores are shown rounded to 3 decimals, so equal shown scores may come in any ref order.)
        expect(a.score).toBeGreaterThanOrEqual(b.score);
      }
      expect(big.search(q(terms), { limit: Infinity, order: 'date' }).hits.every((h) => h.score === 0)).toBe(true);
    }
  });
});

describe('warming up', () => {
  /** Counts turns of the event loop (up to 100) from now on. */
  const turnCounter = (): { turns: number } => {
    const c = { turns: 0 };
    const tick = (): void => {
      c.turns++;
      if (c.turns < 100) setImmediate(tick);
    };
    setImmediate(tick);
    return c;
  };

  it('lets the event loop run between its steps: the work arrays one per turn, then the filter lists', async () => {
    const archive = createArchive(syntheticCorpus({ records: 600, seed: 4 }), { dataHash: 'warm', matchFilters: simpleFilters });
    const counter = turnCounter();
    const warming = archive.warm();
    expect(counter.turns).toBe(0);
    await warming;
    // Seven steps: a run in one piece would let no turn through.
    expect(counter.turns).toBeGreaterThanOrEqual(6);
  });

  it('answers the same before, while and after it warms', async () => {
    const archive = createArchive(syntheticCorpus({ records: 600, seed: 4 }), { dataHash: 'warm', matchFilters: simpleFilters });
    const query = q(['attack']);
    const cold = archive.search(query);
    expect(cold.total).toBeGreaterThan(0);
    const counter = turnCounter();
    const warming = archive.warm();
    expect(archive.search(query)).toEqual(cold);
    await warming;
    expect(counter.turns).toBeGreaterThanOrEqual(2);
    expect(archive.search(query)).toEqual(cold);
  });
});
