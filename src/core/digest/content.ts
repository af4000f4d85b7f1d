// What a daily digest says, as a View (pure: the archive, the subscription's
// query, what it reported before, the date; no clock, no store, no I/O).
//
// Sections, each item citing its source:
// - new records: in scope, never reported to this subscription;
// - new sources: source documents likewise new (posts of watched sites), each
//   with its link;
// - changed records: reported before with another fingerprint (any edit);
// - on this day: day-precision records of the same month and day in earlier
//   years (a date known only to the month has no anniversary);
// - coming up: the start of Ramadan and Muharram and Ashura in the next 7
//   days (Umm al-Qura), each with what the index holds for the same period a
//   Hijri year earlier: the group has repeatedly timed campaigns to them;
// - counts of the records in scope, by kind.
//
// Scope is the subscription's saved query. When no record has all of its
// words the search engine would fall back to any word; a digest does not,
// because a scope that widens and narrows from day to day would report
// hundreds of records as "new" one day and nothing the next.
import { addDays, gregorianSpanLabel, hijriLabel, hijriMonthRange, upcomingObservances, type Observance } from '../calendar/hijri.ts';
import { SourceNumbering } from '../citations.ts';
import { DISCLAIMER } from '../counts.ts';
import { describeFilters, matchFilters } from '../query/filter.ts';
import type { Archive, ParsedQuery, Searchable } from '../search/types.ts';
import { distinctRecords } from '../search/distinct.ts';
import { buildEntry, impreciseForFilter, isoStart } from '../timeline.ts';
import type { DigestObservance, DigestSection, DigestView, Entry } from '../views.ts';
import { fingerprint } from './fingerprint.ts';

/** Items listed per section; the section's total says how many there are. Keeps a digest to a few messages. */
export const MAX_LISTED = 15;
/** Items listed for an observance's same period last year. */
export const MAX_LISTED_LAST_YEAR = 5;
/** How far ahead observances are announced. */
export const OBSERVANCE_DAYS = 7;

export const UMM_AL_QURA_NOTE =
  'Observance dates follow the Umm al-Qura calendar; Afghanistan and Pakistan often begin a month a day or two later by local moon sighting.';

/** A record id and the fingerprint a digest reported for it. */
export interface Reported {
  id: string;
  fingerprint: string;
}

export interface DigestInput {
  archive: Archive;
  /** The subscription's saved query, parsed (no problems: it was checked when saved). */
  query: ParsedQuery;
  /**
   * Record id -> fingerprint already reported to the subscription. null for a
   * preview without a subscription: there is no history, so the new and
   * changed sections are left out rather than listing the whole archive.
   */
  previousFingerprints: ReadonlyMap<string, string> | null;
  /** The subscription's local date the digest is for, YYYY-MM-DD. */
  localDate: string;
  timezone: string;
  now: Date;
  /** Local date of the previous digest, or null. */
  since?: string | null;
}

export interface DigestBuild {
  view: DigestView;
  /** Every new and changed record (listed or not): what completing this digest records as reported. */
  covered: Reported[];
}

/** The records the query selects, each once (a source matching through several passages is one record). */
export function recordsInScope(archive: Archive, query: ParsedQuery): { records: Searchable[]; notes: string[] } {
  const result = archive.search(query, { limit: Infinity, order: 'date' });
  if (result.mode === 'any') {
    return { records: [], notes: ['No record has all the words of the query, so nothing is in scope (the digest does not fall back to any word).'] };
  }
  return { records: distinctRecords(result.hits), notes: result.notes };
}

/** Fingerprints of the records in scope: what a new subscription counts as already known. */
export function scopeFingerprints(archive: Archive, query: ParsedQuery): Reported[] {
  return recordsInScope(archive, query).records.map((r) => ({ id: r.id, fingerprint: fingerprint(r) }));
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Most recent first (the team reads a digest for what just happened), undated last, then by id. */
function newestFirst(a: Searchable, b: Searchable): number {
  const da = isoStart(a);
  const db = isoStart(b);
  if (da !== db) {
    if (da === null) return 1;
    if (db === null) return -1;
    return compareStrings(db, da);
  }
  return compareStrings(a.id, b.id);
}

function daysBetween(fromIso: string, toIso: string): number {
  return Math.round((Date.parse(`${toIso}T00:00:00Z`) - Date.parse(`${fromIso}T00:00:00Z`)) / 86_400_000);
}

/** The same Hijri period one year before an observance: the whole month, or 1-10 Muharram for Ashura. */
export function periodLastYear(o: Observance): { label: string; from: string; to: string } {
  const year = o.hijriYear - 1;
  if (o.kind === 'ashura') {
    const from = hijriMonthRange(year, 1).from;
    const to = addDays(from, 9);
    return { label: `1–10 Muharram ${year} (${gregorianSpanLabel(from, to)})`, from, to };
  }
  const month = o.kind === 'ramadan' ? 9 : 1;
  return { label: hijriLabel(year, month), ...hijriMonthRange(year, month) };
}

/** Builds the digest View and what it covers. */
export function buildDigest(input: DigestInput): DigestBuild {
  const { archive, query, localDate } = input;
  const numbering = new SourceNumbering();
  const entry = (record: Searchable, imprecise = false, filters?: { from: string; to: string }): Entry =>
    buildEntry({ ref: record.id, record, score: 0, imprecise }, archive, numbering, filters);
  const section = (records: Searchable[], max: number = MAX_LISTED): DigestSection => ({
    total: records.length,
    entries: records.slice(0, max).map((r) => entry(r)),
  });

  const scope = recordsInScope(archive, query);
  const records = scope.records;
  const notes = [...query.notes, ...scope.notes];

  // New and changed, against what this subscription was last told.
  const added: Searchable[] = [];
  const changed: Searchable[] = [];
  const covered: Reported[] = [];
  const previous = input.previousFingerprints;
  if (previous !== null) {
    for (const r of records) {
      const fp = fingerprint(r);
      const before = previous.get(r.id);
      if (before === fp) continue;
      (before === undefined ? added : changed).push(r);
      covered.push({ id: r.id, fingerprint: fp });
    }
    added.sort(newestFirst);
    changed.sort(newestFirst);
  }
  // Sources (new posts of watched sites, imports) get their own section, each with its link.
  const addedSources = added.filter((r): r is Extract<Searchable, { kind: 'source' }> => r.kind === 'source');
  const newRecords = section(added.filter((r) => r.kind !== 'source'));
  const newSources = {
    total: addedSources.length,
    items: addedSources.slice(0, MAX_LISTED).map((s) => ({ id: s.id, title: s.title, url: s.url, publisher: s.publisher, published: s.published })),
  };
  const changedRecords = section(changed);

  // On this day: same month-day, earlier year, known to the day.
  const monthDay = localDate.slice(5);
  const year = localDate.slice(0, 4);
  const anniversaries = records
    .filter((r) => r.kind !== 'source' && r.date?.precision === 'day' && r.date.start.slice(5) === monthDay && r.date.start.slice(0, 4) < year)
    .sort(newestFirst);
  const onThisDay = section(anniversaries);

  // Coming up, with the same period last year.
  const observances: DigestObservance[] = upcomingObservances(localDate, OBSERVANCE_DAYS).map((o) => {
    const period = periodLastYear(o);
    const filters = { from: period.from, to: period.to };
    const held: Array<{ record: Searchable; imprecise: boolean }> = [];
    for (const r of records) {
      if (r.kind === 'source') continue;
      const m = matchFilters(r, filters);
      if (m.match) held.push({ record: r, imprecise: impreciseForFilter(r, m.imprecise, filters) });
    }
    held.sort((a, b) => -newestFirst(a.record, b.record));
    return {
      kind: o.kind,
      date: o.date,
      hijriYear: o.hijriYear,
      label: o.label,
      inDays: daysBetween(localDate, o.date),
      lastYear: {
        label: period.label,
        from: period.from,
        to: period.to,
        total: held.length,
        entries: held.slice(0, MAX_LISTED_LAST_YEAR).map((h) => entry(h.record, h.imprecise, filters)),
      },
    };
  });
  if (observances.length > 0) notes.push(UMM_AL_QURA_NOTE);

  const kinds = { incidents: 0, publications: 0, sources: 0 };
  for (const r of records) kinds[r.kind === 'incident' ? 'incidents' : r.kind === 'publication' ? 'publications' : 'sources'] += 1;

  const nothingTracked = previous === null || (added.length === 0 && changed.length === 0);
  const view: DigestView = {
    type: 'digest',
    command: 'digest',
    localDate,
    timezone: input.timezone,
    since: input.since ?? null,
    tracked: previous !== null,
    readAs: [...describeFilters(query.filters), ...(query.terms.length > 0 ? [`words: ${query.terms.map((t) => `"${t}"`).join(' ')}`] : [])],
    notes,
    empty: nothingTracked && anniversaries.length === 0 && observances.length === 0,
    newRecords,
    newSources,
    changedRecords,
    onThisDay,
    observances,
    counts: { inScope: records.length, ...kinds },
    disclaimer: DISCLAIMER,
    sources: numbering.list(),
    generatedAt: input.now.toISOString(),
  };
  return { view, covered };
}

/** The one line an empty digest consists of. */
export function emptyDigestLine(view: DigestView): string {
  const since = view.since !== null ? `since the digest of ${view.since}` : view.tracked ? 'since subscribing' : '';
  const what = view.tracked ? `nothing new or changed${since === '' ? '' : ` ${since}`}, ` : '';
  return (
    `Digest ${view.localDate}: ${what}no anniversaries and no observances in the next ${OBSERVANCE_DAYS} days ` +
    `(${view.counts.inScope} record${view.counts.inScope === 1 ? '' : 's'} in scope).`
  );
}

/** "36 records in scope: 13 incidents, 22 publications, 1 source." */
export function countsLine(k: DigestView['counts']): string {
  const n = (count: number, one: string): string => `${count} ${one}${count === 1 ? '' : 's'}`;
  return `${n(k.inScope, 'record')} in scope: ${n(k.incidents, 'incident')}, ${n(k.publications, 'publication')}, ${n(k.sources, 'source')}.`;
}

/** "Digest 2026-11-27": the digest's thread name (Discord allows 1-100 characters). */
export function threadName(localDate: string): string {
  return `Digest ${localDate}`.slice(0, 100);
}
