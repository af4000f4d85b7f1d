// The compiled filters (filter-index.ts) against matchFilters, the definition
// of what a filter means: on generated queries over a synthetic corpus with
// odd records mixed in, the engine with the real matchFilters (compiled path)
// and the engine with a wrapper of it (a different function, so the engine
// asks it record by record) must return the same hits, flags and totals.
import { describe, expect, it } from 'vitest';
import { matchFilters } from '../../src/core/query/filter.ts';
import { columnsOf, createArchive } from '../../src/core/search/engine.ts';
import { FilterIndex, IMPRECISE, IN, OUT } from '../../src/core/search/filter-index.ts';
import { prng, syntheticCorpus } from '../../src/core/search/synthetic.ts';
import type { Filters, HijriFilter, RecordKindFilter } from '../../src/core/search/types.ts';
import { incident, publication, q } from './records.ts';

const corpus = syntheticCorpus({ records: 3000, seed: 5 });
// Records the generator does not make: no place at all, no outlet or language, ranges and years, a month.
corpus.incidents.push(
  incident('inc-odd-1', { place: { precision: 'unknown' }, date: { start: '2021', precision: 'year' } }),
  incident('inc-odd-2', { place: { place: 'Kabul', precision: 'city' }, date: { start: '2022-03', end: '2022-05', precision: 'range' }, claim: { status: 'claimed' } }),
  incident('inc-odd-3', { place: { site: 'Kabul airport', precision: 'site' }, target: 'Shia worshippers', targetType: undefined }),
  // Dataset events: actors, violence type and the dataset row.
  incident('ucdp-ged-1', {
    category: 'event',
    actors: [{ name: 'Government of Afghanistan', role: 'side A' }, { name: 'IS', role: 'side B' }],
    violence: 'state-based conflict',
    dataset: { key: 'ucdp-ged', release: 'ucdp-ged-23-1', row: '1', codes: [] },
  }),
  incident('gtd-2', {
    category: 'event',
    perpetrator: 'Khorasan Chapter of the Islamic State',
    actors: [{ name: 'Khorasan Chapter of the Islamic State', role: 'perpetrator group 1' }],
    claim: { status: 'claimed', by: 'Khorasan Chapter of the Islamic State' },
    dataset: { key: 'gtd', release: 'gtd-2022-05', row: '2', codes: [] },
  }),
  incident('acled-3', {
    category: 'event',
    actors: [{ name: 'Taliban', role: 'actor 1' }, { name: 'Civilians (Afghanistan)', role: 'actor 2' }],
    violence: 'Political violence',
    dataset: { key: 'acled', release: 'acled-2024-03-31', row: 'AFG3', codes: [] },
  }),
);
corpus.publications.push(publication('pub-odd-1', { date: { start: '2022-04', precision: 'month' } }), publication('pub-odd-2', { outlet: 'Al-Naba', language: 'ar' }));

const compiled = createArchive(corpus, { dataHash: 'c', matchFilters });
const reference = createArchive(corpus, { dataHash: 'r', matchFilters: (r, f) => matchFilters(r, f) });

const PLACES = ['kabul', 'peshawar', 'nangarhar', 'jalalabd', 'khyber', 'mazar sharif', 'quetta', 'nowhere'];
const COUNTRIES = ['afghanistan', 'pakistan', 'iran', 'afganistan'];
const TYPES = ['suicide bombing', 'ied', 'bombing', 'armed assault', 'kidnap'];
const TARGETS = ['shia', 'police', 'taliban fighters', 'schools', 'journalists'];
const OUTLETS = ['voice of khurasan', 'al-naba', 'amaq', 'khurasn', 'naba'];
const MEDIA = ['magazine', 'video', 'issues', 'statement', 'book'];
const LANGUAGES = ['english', 'pashto', 'ar', 'urdu', 'dari'];
const DATASETS = ['ucdp-ged', 'ged', 'acled', 'gtd', 'gtd-2022-05', 'nothing'];
const ACTORS = ['islamic state', 'taliban', 'government of afghanistan', 'civilians', 'IS'];
const VIOLENCE = ['state-based', 'one-sided', 'political violence'];
const DAYS = ['2019-01-01', '2020-06-15', '2021-03-01', '2021-12-31', '2022-04-10', '2023-01-01'];
const DURING: HijriFilter[] = [
  { month: 9, name: 'Ramadan' },
  { month: 9, name: 'Ramadan', gregorianYear: 2022 },
  { month: 1, name: 'Muharram', hijriYear: 1444 },
];

function randomFilters(rand: () => number): Filters {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const some = <T>(xs: readonly T[]): T[] => [pick(xs), ...(rand() < 0.3 ? [pick(xs)] : [])];
  const f: Filters = {};
  if (rand() < 0.25) f.kind = some<RecordKindFilter>(['incident', 'publication', 'source']);
  if (rand() < 0.15) f.category = some(['attack', 'operation'] as const);
  if (rand() < 0.3) f.place = some(PLACES);
  if (rand() < 0.2) f.country = some(COUNTRIES);
  if (rand() < 0.2) f.type = some(TYPES);
  if (rand() < 0.15) f.target = some(TARGETS);
  if (rand() < 0.2) f.outlet = some(OUTLETS);
  if (rand() < 0.15) f.medium = some(MEDIA);
  if (rand() < 0.15) f.language = some(LANGUAGES);
  if (rand() < 0.2) f.claimed = rand() < 0.5;
  if (rand() < 0.25) f.from = pick(DAYS);
  if (rand() < 0.25) f.to = pick(DAYS);
  if (rand() < 0.2) f.year = 2019 + Math.floor(rand() * 5);
  if (rand() < 0.15) f.during = pick(DURING);
  if (rand() < 0.15) f.dataset = some(DATASETS);
  if (rand() < 0.15) f.actor = some(ACTORS);
  if (rand() < 0.15) f.violence = some(VIOLENCE);
  if (rand() < 0.05) f.place = [];
  return f;
}

describe('compiled filters', () => {
  // 'sets': every filter as the OR of its values' record sets and dates from the date index; 'scan': record by
  // record on the columns; 'auto' mixes them by cost. All three must give matchFilters' verdicts.
  it.each(['auto', 'sets', 'scan'] as const)('give the verdict matchFilters gives, record by record, on generated filters (%s)', (plan) => {
    const records = [...corpus.incidents, ...corpus.publications, ...corpus.sources];
    const fi = new FilterIndex(columnsOf(records), (r) => records[r]!, { plan });
    const rand = prng(31);
    let nonEmpty = 0;
    let imprecise = 0;
    for (let n = 0; n < 300; n++) {
      const f = randomFilters(rand);
      const { kind: _kind, ...rest } = f;
      const v = fi.verdicts(rest);
      const wrong: string[] = [];
      let passed = 0;
      records.forEach((r, i) => {
        const m = matchFilters(r, rest);
        const want = !m.match ? OUT : m.imprecise ? IMPRECISE : IN;
        if (v[i] !== want) wrong.push(`${r.id}: ${v[i]} instead of ${want}`);
        if (want !== OUT) passed++;
        if (want === IMPRECISE) imprecise++;
      });
      expect(wrong.slice(0, 5), JSON.stringify(rest)).toEqual([]);
      // The bitsets count what they hold.
      expect(fi.select(rest).count).toBe(passed);
      if (passed > 0) nonEmpty++;
    }
    // The generated filters are not all empty answers.
    expect(nonEmpty).toBeGreaterThan(100);
    expect(imprecise).toBeGreaterThan(0);
  });

  it('leave the date part to matchFilters when some record has a date that is not plain days, and still agree', () => {
    const records = [...corpus.incidents, ...corpus.publications, ...corpus.sources];
    const columns = columnsOf(records);
    // As a record dated outside YYYY-MM-DD would: the columns then cannot answer dates alone.
    columns.spanFrom[0] = -2;
    const fi = new FilterIndex(columns, (r) => records[r]!);
    const rand = prng(77);
    for (let n = 0; n < 120; n++) {
      const { kind: _kind, ...rest } = randomFilters(rand);
      // Always a date filter: that is the part handed over.
      if (rest.from === undefined && rest.to === undefined && rest.year === undefined && rest.during === undefined) rest.year = 2022;
      const v = fi.verdicts(rest);
      const wrong: string[] = [];
      records.forEach((r, i) => {
        const m = matchFilters(r, rest);
        const want = !m.match ? OUT : m.imprecise ? IMPRECISE : IN;
        if (v[i] !== want) wrong.push(`${r.id}: ${v[i]} instead of ${want}`);
      });
      expect(wrong.slice(0, 5), JSON.stringify(rest)).toEqual([]);
    }
  });

  it('make the engine answer exactly as with matchFilters asked per record', () => {
    const rand = prng(17);
    const words = [[], ['attack'], ['kabul'], ['taliban', 'killed'], ['voice'], ['zzzz']];
    for (let n = 0; n < 200; n++) {
      const f = randomFilters(rand);
      const terms = words[n % words.length]!;
      const order = n % 2 === 0 ? ('relevance' as const) : ('date' as const);
      const a = compiled.search(q(terms, f), { limit: Infinity, order });
      const b = reference.search(q(terms, f), { limit: Infinity, order });
      expect(a, JSON.stringify({ terms, f, order })).toEqual(b);
    }
  });
});
