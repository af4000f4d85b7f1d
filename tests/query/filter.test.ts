import { describe, expect, it } from 'vitest';
import { describeFilters, filterIntervals, matchFilters, resolveMedium } from '../../src/core/query/filter.ts';
import { parseQuery } from '../../src/core/query/parse.ts';
import type { DateSpec, Incident, Publication, SourceDocument } from '../../src/core/records/schema.ts';
import type { Filters, Searchable } from '../../src/core/search/types.ts';

const CITE = [{ source: 'src-1', quote: 'a verbatim quote from the source' }];

function incident(over: Partial<Incident> = {}): Incident {
  return {
    kind: 'incident',
    id: 'inc-1',
    title: 'Bombing of a school in Kabul',
    summary: 'A bombing.',
    category: 'attack',
    date: { start: '2022-09-30', precision: 'day' },
    place: { site: 'Kaj Educational Centre', place: 'Kabul', province: 'Kabul', country: 'Afghanistan', precision: 'site' },
    attackTypes: ['suicide bombing'],
    target: 'Kaj Educational Centre',
    targetType: 'educational institution (school)',
    claim: { status: 'claimed', by: 'ISKP', channel: 'Amaq' },
    tags: [],
    sources: CITE,
    ...over,
  };
}

function publication(over: Partial<Publication> = {}): Publication {
  return {
    kind: 'publication',
    id: 'pub-1',
    title: 'Voice of Khurasan issue 3',
    summary: 'An issue.',
    outlet: 'Voice of Khurasan',
    medium: 'magazine issue',
    language: 'English',
    date: { start: '2022-03', precision: 'month' },
    topics: [],
    tags: [],
    sources: CITE,
    ...over,
  };
}

const source: SourceDocument = {
  kind: 'source',
  id: 'src-1',
  url: 'https://example.org/post',
  title: 'A timeline of attacks',
  publisher: 'The Khorasan Diary',
  published: '2022-10-30T12:00:00',
  categories: [],
  tags: [],
  text: 'Some text.',
  passages: [{ n: 1, text: 'Some text.' }],
};

const matches = (r: Searchable, f: Filters): boolean => matchFilters(r, f).match;
const q = (s: string): Filters => {
  const parsed = parseQuery(s);
  expect(parsed.problems).toEqual([]);
  return parsed.filters;
};
const onDate = (date: DateSpec | undefined): Incident => incident({ date });

describe('matchFilters: fields', () => {
  it('lets every record through an empty filter set', () => {
    for (const r of [incident(), publication(), source]) expect(matchFilters(r, {})).toEqual({ match: true, imprecise: false });
  });

  it('filters by kind', () => {
    expect(matches(incident(), q('kind:incident'))).toBe(true);
    expect(matches(publication(), q('kind:incident'))).toBe(false);
    expect(matches(source, q('kind:incident,source'))).toBe(true);
  });

  it.each([
    ['place:kabul', true],
    ['place:kabol', true],
    ['place:"kaj educational"', true],
    ['place:herat', false],
    ['place:herat place:kabul', true],
    ['country:afghanistan', true],
    ['country:pakistan', false],
    ['type:bombing', true],
    ['type:"suicide bombing"', true],
    ['type:shooting', false],
    ['target:school', true],
    ['target:schools', true],
    ['target:educ', true],
    ['target:mosque', false],
    ['target:"educational school"', true],
    ['target:"educational mosque"', false],
    ['claimed:yes', true],
    ['claimed:no', false],
    ['outlet:dabiq', false],
    ['medium:video', false],
    ['language:english', false],
  ])('incident with %s: %s', (query, expected) => {
    expect(matches(incident(), q(query))).toBe(expected);
  });

  it('matches place against site, place, district and province', () => {
    const r = incident({ place: { district: 'Dasht-e-Barchi', province: 'Nangarhar', precision: 'district' } });
    expect(matches(r, q('place:"Dasht-i-Barchi"'))).toBe(true);
    expect(matches(r, q('place:nangarhar'))).toBe(true);
    expect(matches(r, q('place:kabul'))).toBe(false);
  });

  it('treats the Mazar-e-Sharif spellings as one place', () => {
    const r = incident({ place: { place: 'Mazar-e-Sharif', precision: 'city' } });
    for (const s of ['place:"Mazar-i-Sharif"', 'place:"mazar i sharif"', 'place:mazar']) expect(matches(r, q(s)), s).toBe(true);
  });

  it('keeps attacks and operations apart with category:, and never matches publications or sources', () => {
    expect(matches(incident(), q('category:attack'))).toBe(true);
    expect(matches(incident(), q('category:operation'))).toBe(false);
    expect(matches(incident({ category: 'operation' }), q('category:raids'))).toBe(true);
    expect(matches(incident({ category: 'operation' }), q('category:attack,operation'))).toBe(true);
    expect(matches(publication(), q('category:attack'))).toBe(false);
    expect(matches(source, q('category:operation'))).toBe(false);
    expect(describeFilters(q('category:attack'))).toContain('attacks');
  });

  it('reads claimed:no as every status but claimed, including no claim at all', () => {
    expect(matches(incident({ claim: { status: 'attributed' } }), q('claimed:no'))).toBe(true);
    expect(matches(incident({ claim: undefined }), q('claimed:no'))).toBe(true);
    expect(matches(incident({ claim: { status: 'disputed' } }), q('claimed:yes'))).toBe(false);
  });

  it.each([
    ['outlet:"voice of khurasan"', true],
    ['outlet:khurasan', true],
    ['outlet:khorasan', true],
    ['outlet:dabiq', false],
    ['medium:magazine', true],
    ['medium:magazines', true],
    ['medium:newsletter', false],
    ['medium:issue', true],
    ['language:english', true],
    ['language:en', true],
    ['language:pashto', false],
    ['place:kabul', false],
    ['country:afghanistan', false],
    ['type:bombing', false],
    ['target:school', false],
    ['claimed:yes', false],
    ['claimed:no', false],
  ])('publication with %s: %s', (query, expected) => {
    expect(matches(publication(), q(query))).toBe(expected);
  });

  it('excludes a publication without a language from a language filter', () => {
    expect(matches(publication({ language: undefined }), q('language:english'))).toBe(false);
  });

  it('lets sources through kind and dates only', () => {
    expect(matches(source, q('kind:source year:2022'))).toBe(true);
    for (const f of ['place:kabul', 'country:afghanistan', 'type:bombing', 'target:school', 'outlet:"The Khorasan Diary"', 'medium:article', 'language:english', 'claimed:no']) {
      expect(matches(source, q(f)), f).toBe(false);
    }
  });

  it('treats an empty list as no filter', () => {
    expect(matches(publication(), { place: [] })).toBe(true);
  });
});

describe('resolveMedium', () => {
  it.each([
    ['magazine', ['magazine issue']],
    ['magazines', ['magazine issue']],
    ['newsletter', ['newsletter issue']],
    ['issues', ['magazine issue', 'newsletter issue']],
    ['book', ['book']],
    ['books', ['book']],
    ['booklets', ['booklet']],
    ['vidoe', ['video']],
    ['fatawa', ['fatwa']],
    ['podcast', []],
  ])('%s -> %o', (word, media) => {
    expect([...resolveMedium(word)].sort()).toEqual([...media].sort());
  });
});

describe('matchFilters: dates', () => {
  it('matches a day inside the filter exactly', () => {
    expect(matchFilters(incident(), q('year:2022'))).toEqual({ match: true, imprecise: false });
    expect(matchFilters(incident(), q('from:2022-09-30 to:2022-09-30'))).toEqual({ match: true, imprecise: false });
  });

  it('does not match a day outside the filter', () => {
    expect(matches(incident(), q('year:2021'))).toBe(false);
    expect(matches(incident(), q('to:2022-09-29'))).toBe(false);
    expect(matches(incident(), q('from:2022-10'))).toBe(false);
  });

  it('matches a month-precision record against a day filter, flagged imprecise', () => {
    const r = onDate({ start: '2022-03', precision: 'month' });
    expect(matchFilters(r, q('from:2022-03-04 to:2022-03-04'))).toEqual({ match: true, imprecise: true });
  });

  it('flags a month record inside a year filter as imprecise (not known to the day)', () => {
    expect(matchFilters(onDate({ start: '2022-03', precision: 'month' }), q('year:2022'))).toEqual({ match: true, imprecise: true });
  });

  it('flags a range that only overlaps the filter', () => {
    const r = onDate({ start: '2021-12-20', end: '2022-01-10', precision: 'range' });
    expect(matchFilters(r, q('year:2022'))).toEqual({ match: true, imprecise: true });
    expect(matches(r, q('year:2023'))).toBe(false);
  });

  it('never matches a record without a date against a date filter', () => {
    const r = onDate(undefined);
    for (const f of ['year:2022', 'from:1900', 'to:2100', 'during:ramadan', 'during:ramadan 1443']) expect(matches(r, q(f)), f).toBe(false);
    expect(matches(r, q('place:kabul'))).toBe(true);
  });

  it('reads during:muharram with year:2022 as Muharram 1444 (30 Jul - 27 Aug 2022)', () => {
    const f = q('during:muharram year:2022');
    expect(matchFilters(onDate({ start: '2022-08-05', precision: 'day' }), f)).toEqual({ match: true, imprecise: false });
    expect(matches(onDate({ start: '2022-07-01', precision: 'day' }), f)).toBe(false);
    expect(matches(onDate({ start: '2022-07-29', precision: 'day' }), f)).toBe(false);
    expect(matches(onDate({ start: '2022-07-30', precision: 'day' }), f)).toBe(true);
    expect(matches(onDate({ start: '2022-08-27', precision: 'day' }), f)).toBe(true);
    expect(matches(onDate({ start: '2022-08-28', precision: 'day' }), f)).toBe(false);
  });

  it('reads during:ramadan 1443 as 2 Apr - 1 May 2022', () => {
    const f = q('during:ramadan 1443');
    expect(matches(onDate({ start: '2022-04-02', precision: 'day' }), f)).toBe(true);
    expect(matches(onDate({ start: '2022-05-01', precision: 'day' }), f)).toBe(true);
    expect(matches(onDate({ start: '2022-05-02', precision: 'day' }), f)).toBe(false);
    // A record dated "April 2022" overlaps Ramadan 1443 but is not known to fall in it.
    expect(matchFilters(onDate({ start: '2022-04', precision: 'month' }), f)).toEqual({ match: true, imprecise: true });
  });

  it('reads during:ramadan without a year as every Ramadan', () => {
    const f = q('during:ramadan');
    expect(matches(onDate({ start: '2022-04-10', precision: 'day' }), f)).toBe(true);
    expect(matches(onDate({ start: '2023-03-30', precision: 'day' }), f)).toBe(true);
    expect(matches(onDate({ start: '2022-06-10', precision: 'day' }), f)).toBe(false);
  });

  it('dates a source by its publication day', () => {
    expect(matchFilters(source, q('from:2022-10-30'))).toEqual({ match: true, imprecise: false });
    expect(matches(source, q('to:2022-10-29'))).toBe(false);
  });
});

describe('filterIntervals', () => {
  it('is null without a date filter', () => {
    expect(filterIntervals(q('place:kabul'))).toBeNull();
  });

  it('leaves open ends open', () => {
    expect(filterIntervals(q('from:2022-03'))).toEqual([{ from: '2022-03-01', to: '9999-12-31' }]);
  });

  it('intersects year with the Hijri month', () => {
    expect(filterIntervals(q('during:muharram year:2022'))).toEqual([{ from: '2022-07-30', to: '2022-08-27' }]);
    expect(filterIntervals(q('during:ramadan 1443 from:2022-04-15'))).toEqual([{ from: '2022-04-15', to: '2022-05-01' }]);
  });

  it('gives both occurrences when a month starts twice in the year', () => {
    expect(filterIntervals(q('during:muharram 2008'))?.map((i) => i.from)).toEqual(['2008-01-10', '2008-12-29']);
  });

  it('is empty when the dates exclude each other', () => {
    expect(filterIntervals({ during: { month: 9, name: 'Ramadan', hijriYear: 1443 }, year: 2023 })).toEqual([]);
  });

  it('returns sorted, disjoint intervals for a month without a year', () => {
    const list = filterIntervals(q('during:shawwal'))!;
    expect(list.length).toBeGreaterThan(250);
    for (let i = 1; i < list.length; i++) expect(list[i - 1]!.to < list[i]!.from).toBe(true);
  });
});

describe('describeFilters', () => {
  it('says how the query was read', () => {
    expect(describeFilters(q('place:Kabul year:2022 during:muharram'))).toEqual(['place Kabul', '2022', 'Muharram (2022): Muharram 1444 (Jul–Aug 2022)']);
  });

  it.each([
    ['kind:incident,source', ['incidents or sources']],
    ['place:kabul place:herat', ['place kabul or herat']],
    ['claimed:no', ['not claimed']],
    ['type:bombing target:school', ['attack type bombing', 'target school']],
    ['from:2022-03 to:2022-06', ['from 1 Mar 2022 to 30 Jun 2022']],
    ['from:2022-03', ['from 1 Mar 2022']],
    ['to:2022-06', ['up to 30 Jun 2022']],
    ['year:2022 from:2022-06', ['from 1 Jun 2022 to 31 Dec 2022']],
    ['during:ramadan 1443', ['Ramadan 1443 (Apr–May 2022)']],
    ['during:ramadan', ['Ramadan (any year)']],
    ['', []],
  ])('%j', (query, expected) => {
    expect(describeFilters(q(query))).toEqual(expected);
  });
});
