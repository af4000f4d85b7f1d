// Comparing suggestions or drafts with records: the benchmark's "suggested
// correctly" and the review's duplicate flag.
import { dateInterval } from '../records/dates.ts';
import type { DateSpec, Incident, Place, Publication, Record } from '../records/schema.ts';
import { normaliseForQuote } from '../records/text.ts';
import { foldName } from './gazetteer.ts';
import type { Suggestion, Vocabulary } from './suggest.ts';

/** Same precision and the same interval (labels aside). */
export function sameDateSpec(a: DateSpec | undefined, b: DateSpec | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.precision === b.precision && a.start === b.start && (a.end ?? '') === (b.end ?? '');
}

/** The most specific name of a place: site aside, its city, district, province or country. */
export function placeName(p: Place | undefined): string | undefined {
  return p?.place ?? p?.district ?? p?.province ?? p?.country;
}

export function samePlace(a: Place | undefined, b: Place | undefined): boolean {
  const x = placeName(a);
  const y = placeName(b);
  return x !== undefined && y !== undefined && foldName(x) === foldName(y) && (a?.precision === 'country') === (b?.precision === 'country');
}

function fold(s: string | number | undefined): string {
  return s === undefined ? '' : foldName(String(s)).replace(/^al/, '');
}

/** Same outlet and issue (both absent counts as the same), and the same medium. */
export function samePublication(a: Pick<Publication, 'outlet' | 'issue' | 'medium'>, b: Pick<Publication, 'outlet' | 'issue' | 'medium'>): boolean {
  return fold(a.outlet) === fold(b.outlet) && fold(a.issue) === fold(b.issue) && a.medium === b.medium;
}

/** The suggestion's quote and one of the record's quotes are one passage of text (one contains the other). */
export function sameEvidence(s: Suggestion, r: Record): boolean {
  const q = normaliseForQuote(s.quote);
  return r.sources.some((c) => {
    const rq = normaliseForQuote(c.quote);
    return q.includes(rq) || rq.includes(q);
  });
}

/** A suggestion is a correct reading of a record: same kind, same evidence, date, and place or outlet/issue. */
export function suggestionMatches(s: Suggestion, r: Record): boolean {
  if (s.kind !== r.kind || !sameEvidence(s, r) || !sameDateSpec(s.date?.value, r.date)) return false;
  if (s.kind === 'incident') return samePlace(s.place?.value, (r as Incident).place);
  const p = r as Publication;
  return samePublication({ medium: s.medium.value, ...(s.outlet ? { outlet: s.outlet.value } : {}), ...(s.issue ? { issue: s.issue.value } : {}) }, p);
}

export interface MatchReport {
  /** Records suggested correctly, with the suggestion's key. */
  matched: Array<{ record: string; suggestion: string }>;
  missed: string[];
  /** Suggestions that match no record. */
  unmatched: string[];
}

/** One-to-one: each record matched at most once, each suggestion at most once, in record order. */
export function matchSuggestions(suggestions: readonly Suggestion[], records: readonly Record[]): MatchReport {
  const used = new Set<string>();
  const matched: MatchReport['matched'] = [];
  const missed: string[] = [];
  for (const r of records) {
    const s = suggestions.find((x) => !used.has(x.key) && suggestionMatches(x, r));
    if (s === undefined) missed.push(r.id);
    else {
      used.add(s.key);
      matched.push({ record: r.id, suggestion: s.key });
    }
  }
  return { matched, missed, unmatched: suggestions.filter((s) => !used.has(s.key)).map((s) => s.key) };
}

function overlaps(a: DateSpec | undefined, b: DateSpec | undefined): boolean {
  if (a === undefined || b === undefined) return a === undefined && b === undefined;
  const x = dateInterval(a);
  const y = dateInterval(b);
  return x.from <= y.to && y.from <= x.to;
}

/**
 * Records a new record looks like a duplicate of: same kind, overlapping dates
 * (or both undated), and the same place (incidents) or outlet and issue
 * (publications; without an outlet, the same medium and author).
 */
export function likelyDuplicates(record: Record, existing: Iterable<Record>): Record[] {
  const out: Record[] = [];
  for (const r of existing) {
    if (r.id === record.id || r.kind !== record.kind || !overlaps(r.date, record.date)) continue;
    if (record.kind === 'incident') {
      const other = r as Incident;
      const site = (p: Place): string => fold(p.site);
      if (samePlace(record.place, other.place) && (site(record.place) === '' || site(other.place) === '' || site(record.place) === site(other.place))) out.push(r);
    } else {
      const other = r as Publication;
      if (record.outlet !== undefined || other.outlet !== undefined) {
        if (samePublication(record, other)) out.push(r);
      } else if (record.medium === other.medium && fold(record.author) === fold(other.author) && fold(record.volume) === fold(other.volume)) out.push(r);
    }
  }
  return out;
}

/** The vocabulary suggestions draw on, from the archive's records. */
export function vocabularyOf(records: Iterable<Record>): Vocabulary {
  const places = new Map<string, { name: string; country?: string }>();
  const countries = new Set<string>();
  const outlets = new Set<string>();
  for (const r of records) {
    if (r.kind === 'incident') {
      const p = r.place;
      if (p.country !== undefined) countries.add(p.country);
      for (const name of [p.place, p.district, p.province]) {
        if (name !== undefined && !places.has(foldName(name))) places.set(foldName(name), { name, ...(p.country !== undefined ? { country: p.country } : {}) });
      }
    } else if (r.outlet !== undefined) outlets.add(r.outlet);
  }
  // Longest first, so "Voice of Khurasan" is found before a shorter outlet inside it.
  return { places: [...places.values()], countries: [...countries], outlets: [...outlets].sort((a, b) => b.length - a.length) };
}
