// What a digest says: new and changed records by fingerprint, anniversaries
// of day-precision records, observances with last year's same period, counts,
// citations on every item, and one line when there is nothing.
import { describe, expect, it } from 'vitest';
import { addDays, hijriMonthRange } from '../../src/core/calendar/hijri.ts';
import { buildDigest, emptyDigestLine, MAX_LISTED, recordsInScope, scopeFingerprints, type DigestInput } from '../../src/core/digest/content.ts';
import { fingerprint } from '../../src/core/digest/fingerprint.ts';
import { parseQuery } from '../../src/core/query/parse.ts';
import type { Incident, Publication } from '../../src/core/records/schema.ts';
import { DigestViewSchema, type DigestView, type Entry } from '../../src/core/views.ts';
import { archiveOf, attack, day, SOURCE, statement } from './helpers.ts';

const NOW = new Date('2026-03-04T08:00:00Z');

function digest(records: Array<Incident | Publication>, over: Partial<DigestInput> = {}): ReturnType<typeof buildDigest> {
  const archive = archiveOf(records);
  const input: DigestInput = {
    archive,
    query: parseQuery(''),
    previousFingerprints: new Map(),
    localDate: '2026-03-04',
    timezone: 'Europe/London',
    now: NOW,
    ...over,
  };
  const built = buildDigest(input);
  DigestViewSchema.parse(built.view);
  return built;
}

const ids = (entries: readonly Entry[]): string[] => entries.map((e) => e.id);

/** Every listed entry in every section. */
function allEntries(view: DigestView): Entry[] {
  return [...view.newRecords.entries, ...view.changedRecords.entries, ...view.onThisDay.entries, ...view.observances.flatMap((o) => o.lastYear.entries)];
}

describe('new and changed records', () => {
  const a = attack('inc-a', day('2025-06-01'));
  const b = attack('inc-b', { start: '2025-07', precision: 'month' });
  const c = statement('pub-c', undefined);

  it('GIVEN nothing reported before THEN every record in scope is new, newest first, undated last, and all are covered', () => {
    const { view, covered } = digest([c, a, b]);
    expect(ids(view.newRecords.entries)).toEqual(['inc-b', 'inc-a', 'pub-c']);
    // The source is new too, listed with its link under New sources rather than among the records.
    expect(view.newSources.items.map((s) => [s.id, s.url])).toEqual([['src-a', SOURCE.url]]);
    expect(view.changedRecords.total).toBe(0);
    expect(covered.map((x) => x.id).sort()).toEqual(['inc-a', 'inc-b', 'pub-c', 'src-a']);
    expect(covered.find((x) => x.id === 'inc-a')?.fingerprint).toBe(fingerprint(a));
  });

  it('GIVEN fingerprints reported before THEN unchanged records are left out and edited ones are changed', () => {
    const edited = attack('inc-b', { start: '2025-07', precision: 'month' }, { summary: 'Corrected: more were killed.' });
    const previous = new Map([
      ['inc-a', fingerprint(a)],
      ['inc-b', fingerprint(b)],
      ['src-a', fingerprint(SOURCE)],
    ]);
    const { view, covered } = digest([a, edited, c], { previousFingerprints: previous });
    expect(ids(view.newRecords.entries)).toEqual(['pub-c']);
    expect(ids(view.changedRecords.entries)).toEqual(['inc-b']);
    expect(covered).toEqual([
      { id: 'inc-b', fingerprint: fingerprint(edited) },
      { id: 'pub-c', fingerprint: fingerprint(c) },
    ]);
    expect(view.empty).toBe(false);
  });

  it('GIVEN more new records than a section lists THEN the first are listed, the total says how many, all are covered', () => {
    const many = Array.from({ length: MAX_LISTED + 25 }, (_, i) => attack(`inc-${i}`, day(addDays('2025-01-01', i))));
    const { view, covered } = digest(many);
    expect(view.newRecords.entries).toHaveLength(MAX_LISTED);
    // 40 incidents; the archive's one source is counted under New sources.
    expect(view.newRecords.total).toBe(MAX_LISTED + 25);
    expect(view.newSources.total).toBe(1);
    expect(covered).toHaveLength(MAX_LISTED + 26);
  });

  it('GIVEN no subscription (untracked) THEN no new or changed sections and nothing covered', () => {
    const { view, covered } = digest([a, b], { previousFingerprints: null });
    expect(view.tracked).toBe(false);
    expect(view.newRecords.total).toBe(0);
    expect(covered).toEqual([]);
  });
});

describe('scope', () => {
  const kabul = attack('inc-kabul', day('2025-01-01'));
  const herat = attack('inc-herat', day('2025-01-02'), { place: { place: 'Herat', country: 'Afghanistan', precision: 'city' } });
  const pub = statement('pub-1', day('2025-01-03'));

  it('GIVEN a saved query THEN only matching records are new and counted; the query is described', () => {
    const { view } = digest([kabul, herat, pub], { query: parseQuery('place:kabul') });
    expect(ids(view.newRecords.entries)).toEqual(['inc-kabul']);
    expect(view.counts).toEqual({ inScope: 1, incidents: 1, publications: 0, sources: 0 });
    expect(view.readAs.join(' ')).toMatch(/place kabul/i);
  });

  it('GIVEN words no record has all of THEN nothing is in scope (no fallback to any word), with a note', () => {
    const archive = archiveOf([kabul, herat]);
    const scope = recordsInScope(archive, parseQuery('kabul herat'));
    expect(scope.records).toEqual([]);
    expect(scope.notes.join(' ')).toMatch(/all the words/);
  });

  it('GIVEN the baseline of a scope THEN a digest against it reports nothing new', () => {
    const archive = archiveOf([kabul, herat, pub]);
    const baseline = new Map(scopeFingerprints(archive, parseQuery('')).map((r) => [r.id, r.fingerprint]));
    const { view } = digest([kabul, herat, pub], { previousFingerprints: baseline });
    expect(view.newRecords.total + view.changedRecords.total).toBe(0);
  });
});

describe('on this day', () => {
  it('GIVEN records on the same month and day THEN only earlier years at day precision, newest first', () => {
    const records = [
      attack('inc-2022', day('2022-03-04')),
      attack('inc-2025', day('2025-03-04')),
      attack('inc-2026', day('2026-03-04')),
      attack('inc-month', { start: '2024-03', precision: 'month' }),
      attack('inc-other-day', day('2024-03-05')),
      attack('inc-range', { start: '2023-03-04', end: '2023-03-06', precision: 'range' }),
    ];
    const { view } = digest(records);
    expect(ids(view.onThisDay.entries)).toEqual(['inc-2025', 'inc-2022']);
  });
});

describe('observances', () => {
  const ramadan1448 = hijriMonthRange(1448, 9);
  const ramadan1447 = hijriMonthRange(1447, 9);
  const localDate = addDays(ramadan1448.from, -3);

  it('GIVEN Ramadan starts in 3 days THEN it is announced with the records of last Ramadan, imprecise ones flagged', () => {
    const inside = attack('inc-inside', day(addDays(ramadan1447.from, 5)));
    const overlapping = attack('inc-month', { start: ramadan1447.to.slice(0, 7), precision: 'month' });
    const outside = attack('inc-outside', day(addDays(ramadan1447.from, -40)));
    const { view } = digest([inside, overlapping, outside], { localDate, now: new Date(`${localDate}T08:00:00Z`) });
    const o = view.observances.find((x) => x.kind === 'ramadan');
    expect(o).toMatchObject({ date: ramadan1448.from, hijriYear: 1448, inDays: 3 });
    expect(o?.lastYear).toMatchObject({ from: ramadan1447.from, to: ramadan1447.to, total: 2 });
    expect(o?.lastYear.label).toMatch(/^Ramadan 1447/);
    expect(ids(o!.lastYear.entries).sort()).toEqual(['inc-inside', 'inc-month']);
    expect(o!.lastYear.entries.find((e) => e.id === 'inc-month')?.imprecise).toBe(true);
    expect(o!.lastYear.entries.find((e) => e.id === 'inc-inside')?.imprecise).toBe(false);
    expect(view.notes.join(' ')).toMatch(/Umm al-Qura/);
  });

  it('GIVEN Ashura within 7 days THEN last year\'s period is 1-10 Muharram', () => {
    const muharram1448 = hijriMonthRange(1448, 1);
    const ashura = addDays(muharram1448.from, 9);
    const muharram1447 = hijriMonthRange(1447, 1);
    const { view } = digest([attack('inc-procession', day(addDays(muharram1447.from, 8)))], { localDate: addDays(ashura, -2) });
    const o = view.observances.find((x) => x.kind === 'ashura');
    expect(o).toMatchObject({ date: ashura, inDays: 2 });
    expect(o?.lastYear).toMatchObject({ from: muharram1447.from, to: addDays(muharram1447.from, 9), total: 1 });
  });

  it('GIVEN no observance in the next 7 days THEN none is listed', () => {
    expect(digest([], { localDate: addDays(ramadan1448.from, 1) }).view.observances).toEqual([]);
  });
});

describe('citations and the empty day', () => {
  it('GIVEN listed items THEN each cites its source with url, title and quote', () => {
    const { view } = digest([attack('inc-a', day('2022-03-04')), statement('pub-b', day('2025-03-04'))]);
    const entries = allEntries(view);
    expect(entries.length).toBeGreaterThan(0);
    for (const e of entries) {
      expect(e.citations.length).toBeGreaterThan(0);
      for (const c of e.citations) {
        expect(c.url).toMatch(/^https:\/\//);
        expect(c.title).not.toBe('');
        expect(c.quote).not.toBe('');
      }
    }
    expect(view.sources.map((s) => s.id)).toEqual(['src-a']);
  });

  it('GIVEN nothing new, no anniversary and no observance THEN the digest is empty and says so in one line', () => {
    const records = [attack('inc-a', day('2022-01-01'))];
    const archive = archiveOf(records);
    const previous = new Map(scopeFingerprints(archive, parseQuery('')).map((r) => [r.id, r.fingerprint]));
    const { view, covered } = digest(records, { previousFingerprints: previous, since: '2026-03-03' });
    expect(view.empty).toBe(true);
    expect(covered).toEqual([]);
    const line = emptyDigestLine(view);
    expect(line).not.toContain('\n');
    expect(line).toContain('2026-03-04');
    expect(line).toContain('since the digest of 2026-03-03');
    expect(line).toContain('2 records in scope');
  });
});
