// Structured filters applied to one record. Each filter only makes sense for
// some kinds of record (an outlet belongs to publications, a place to
// incidents); a record a filter does not apply to is excluded rather than let
// through, so `outlet:Dabiq` never lists incidents. Date filters compare
// intervals, because most records are dated to a month, a range or a Hijri
// month rather than a day, and an imprecise date that only partly overlaps
// the asked-for period is still a candidate the reader should see, flagged.
import type { Incident, Publication } from '../records/schema.ts';
import { Medium } from '../records/schema.ts';
import { dateInterval, formatPartial } from '../records/dates.ts';
import type { Filters, HijriFilter, RecordKindFilter, Searchable } from '../search/types.ts';
import {
  allOccurrences,
  gregorianSpanLabel,
  hijriLabel,
  hijriMonthRange,
  occurrencesInGregorianYear,
} from '../calendar/hijri.ts';
import { nameMatches, nameMatchesWithin, nameWords, normaliseName } from './names.ts';

export interface DayInterval {
  /** ISO day, inclusive. */
  from: string;
  /** ISO day, inclusive. */
  to: string;
}

export interface FilterMatch {
  match: boolean;
  /** A date filter was applied and the record's date is not a day inside the filter's period. */
  imprecise: boolean;
}

type MediumValue = Publication['medium'];

// ---------------------------------------------------------------- media

// Words people use for the media the schema names: plurals are handled
// separately, these are the synonyms and the halves of "magazine issue".
const MEDIUM_ALIASES: ReadonlyArray<[string, MediumValue[]]> = [
  ['magazine', ['magazine issue']],
  ['newsletter', ['newsletter issue']],
  ['issue', ['magazine issue', 'newsletter issue']],
  ['pamphlet', ['booklet']],
  ['brochure', ['booklet']],
  ['film', ['video']],
  ['clip', ['video']],
  ['recording', ['audio']],
  ['nasheed', ['audio']],
  ['fatawa', ['fatwa']],
  ['ruling', ['fatwa']],
  ['essay', ['article']],
];

const MEDIA: readonly MediumValue[] = Medium.options;

function exactMedia(key: string): MediumValue[] | undefined {
  for (const m of MEDIA) if (normaliseName(m) === key) return [m];
  for (const [alias, media] of MEDIUM_ALIASES) if (normaliseName(alias) === key) return media;
  return undefined;
}

/**
 * The schema media a user's word stands for: "magazine"/"magazines" ->
 * magazine issue, "newsletter" -> newsletter issue, "issues" -> both,
 * "book" -> book only (not booklet), "vid"/"vidoe" -> video. Empty when the
 * word names no medium.
 */
export function resolveMedium(value: string): MediumValue[] {
  const key = normaliseName(value);
  if (key === '') return [];
  const singular = key.endsWith('es') ? [key, key.slice(0, -1), key.slice(0, -2)] : key.endsWith('s') ? [key, key.slice(0, -1)] : [key];
  for (const k of singular) {
    const exact = exactMedia(k);
    if (exact !== undefined) return exact;
  }
  return MEDIA.filter((m) => singular.some((k) => nameMatches(k, m)));
}

/** The media names users can type, for problem messages. */
export const MEDIUM_WORDS: readonly string[] = ['magazine', 'newsletter', 'book', 'booklet', 'video', 'audio', 'statement', 'fatwa', 'article', 'other'];

// ---------------------------------------------------------------- languages

// Records may name a language or give its code, and users type either.
const LANGUAGE_GROUPS: ReadonlyArray<readonly string[]> = [
  ['en', 'eng', 'English'],
  ['ar', 'ara', 'Arabic'],
  ['ps', 'pus', 'Pashto', 'Pashtu', 'Pushto'],
  ['fa', 'fas', 'per', 'Persian', 'Farsi'],
  ['prs', 'Dari'],
  ['ur', 'urd', 'Urdu'],
  ['uz', 'uzb', 'Uzbek'],
  ['tg', 'tgk', 'Tajik'],
  ['ru', 'rus', 'Russian'],
  ['tr', 'tur', 'Turkish'],
  ['hi', 'hin', 'Hindi'],
  ['ml', 'mal', 'Malayalam'],
  ['bn', 'ben', 'Bengali', 'Bangla'],
  ['ug', 'uig', 'Uyghur', 'Uighur'],
];

function languageForms(s: string): string[] {
  const key = normaliseName(s);
  const group = LANGUAGE_GROUPS.find((g) => g.some((name) => normaliseName(name) === key));
  return group === undefined ? [s] : [s, ...group];
}

/** Whether a language filter value names a record's language (names or codes, spelling-tolerant). */
export function languageMatches(query: string, candidate: string): boolean {
  const cands = languageForms(candidate);
  return languageForms(query).some((q) => cands.some((c) => nameMatchesWithin(q, c)));
}

// ---------------------------------------------------------------- targets

// Targets are descriptions ("educational institution (school)"), so a target
// filter looks for its words in them, allowing a plural ("schools") or the
// start of a longer word ("educ" -> "educational", from 4 letters).
function wordMatches(q: string, w: string): boolean {
  if (q === w) return true;
  const stem = (x: string): string => (x.endsWith('es') && x.length > 4 ? x.slice(0, -2) : x.endsWith('s') && x.length > 3 ? x.slice(0, -1) : x);
  if (stem(q) === stem(w)) return true;
  return Array.from(q).length >= 4 && w.startsWith(q);
}

/** Whether every word of a target filter value is found in the record's target texts. */
export function targetMatches(query: string, texts: ReadonlyArray<string | undefined>): boolean {
  const qWords = nameWords(query);
  if (qWords.length === 0) return false;
  const words = texts.flatMap((t) => (t === undefined ? [] : nameWords(t)));
  return qWords.every((q) => words.some((w) => wordMatches(q, w)));
}

// ---------------------------------------------------------------- fields

function given<T>(list: readonly T[] | undefined): list is readonly T[] {
  return list !== undefined && list.length > 0;
}

function anyName(values: readonly string[], candidates: ReadonlyArray<string | undefined>): boolean {
  return values.some((v) => candidates.some((c) => c !== undefined && nameMatchesWithin(v, c)));
}

function incidentFields(r: Incident, f: Filters): boolean {
  if (given(f.outlet) || given(f.medium) || given(f.language)) return false;
  if (given(f.category) && !(f.category as readonly string[]).includes(r.category)) return false;
  if (given(f.place) && !anyName(f.place, [r.place.site, r.place.place, r.place.district, r.place.province])) return false;
  if (given(f.country) && !anyName(f.country, [r.place.country])) return false;
  if (given(f.type) && !anyName(f.type, r.attackTypes)) return false;
  if (given(f.target) && !f.target.some((t) => targetMatches(t, [r.target, r.targetType]))) return false;
  if (f.claimed !== undefined && (r.claim?.status === 'claimed') !== f.claimed) return false;
  if (given(f.dataset) && (r.dataset === undefined || !anyName(f.dataset, [r.dataset.key, r.dataset.release]))) return false;
  if (given(f.actor) && !anyName(f.actor, actorNames(r))) return false;
  if (given(f.violence) && !anyName(f.violence, [r.violence])) return false;
  return true;
}

/** Every name an actor: filter looks at: dataset actors, the perpetrator and the claimant. */
export function actorNames(r: Incident): string[] {
  const names = (r.actors ?? []).map((a) => a.name);
  if (r.perpetrator !== undefined) names.push(r.perpetrator);
  if (r.claim?.by !== undefined) names.push(r.claim.by);
  return names;
}

function publicationFields(r: Publication, f: Filters): boolean {
  if (given(f.place) || given(f.country) || given(f.type) || given(f.target) || given(f.category) || f.claimed !== undefined) return false;
  if (given(f.dataset) || given(f.actor) || given(f.violence)) return false;
  if (given(f.outlet) && !anyName(f.outlet, [r.outlet])) return false;
  if (given(f.medium) && !f.medium.some((m) => resolveMedium(m).includes(r.medium))) return false;
  const language = r.language;
  if (given(f.language) && (language === undefined || !f.language.some((l) => languageMatches(l, language)))) return false;
  return true;
}

function sourceFields(f: Filters): boolean {
  // Sources are the documents records cite: only kind, dates and free text apply.
  return !(
    given(f.place) ||
    given(f.country) ||
    given(f.type) ||
    given(f.target) ||
    given(f.category) ||
    given(f.outlet) ||
    given(f.medium) ||
    given(f.language) ||
    given(f.dataset) ||
    given(f.actor) ||
    given(f.violence) ||
    f.claimed !== undefined
  );
}

// ---------------------------------------------------------------- dates

const MIN_DAY = '0000-01-01';
const MAX_DAY = '9999-12-31';

function duringIntervals(d: HijriFilter): DayInterval[] {
  if (d.hijriYear !== undefined) {
    const r = hijriMonthRange(d.hijriYear, d.month);
    if (d.gregorianYear !== undefined && !r.from.startsWith(`${String(d.gregorianYear).padStart(4, '0')}-`)) return [];
    return [r];
  }
  if (d.gregorianYear !== undefined) return occurrencesInGregorianYear(d.month, d.gregorianYear).map(({ from, to }) => ({ from, to }));
  return allOccurrences(d.month).map(({ from, to }) => ({ from, to }));
}

function computeIntervals(filters: Filters): DayInterval[] | null {
  let base: DayInterval | null = null;
  if (filters.from !== undefined || filters.to !== undefined || filters.year !== undefined) {
    let from = filters.from ?? MIN_DAY;
    let to = filters.to ?? MAX_DAY;
    if (filters.year !== undefined) {
      const y = String(filters.year).padStart(4, '0');
      if (`${y}-01-01` > from) from = `${y}-01-01`;
      if (`${y}-12-31` < to) to = `${y}-12-31`;
    }
    base = { from, to };
  }
  if (filters.during === undefined) return base === null ? null : base.from <= base.to ? [base] : [];
  const occurrences = duringIntervals(filters.during);
  if (base === null) return occurrences;
  const b = base;
  return occurrences
    .map((o) => ({ from: o.from > b.from ? o.from : b.from, to: o.to < b.to ? o.to : b.to }))
    .filter((o) => o.from <= o.to);
}

// Every record of a search is checked against the same filters, and a
// `during:` without a year expands to ~300 occurrences; keyed by the date
// fields (not the object) so a caller mutating its Filters cannot get stale results.
const intervalCache = new Map<string, DayInterval[] | null>();

/**
 * The sorted, disjoint day intervals the date filters allow: from/to/year
 * intersected with the `during:` occurrences. null when there is no date
 * filter; an empty array when the date filters exclude each other.
 */
export function filterIntervals(filters: Filters): DayInterval[] | null {
  const d = filters.during;
  const key = [filters.from, filters.to, filters.year, d?.month, d?.hijriYear, d?.gregorianYear].join('|');
  let hit = intervalCache.get(key);
  if (hit === undefined) {
    hit = computeIntervals(filters);
    if (intervalCache.size >= 64) intervalCache.clear();
    intervalCache.set(key, hit);
  }
  return hit === null ? null : hit.map((i) => ({ ...i }));
}

export interface RecordSpan extends DayInterval {
  exactDay: boolean;
}

/** The days a record's date can mean (a source: its publication day); undefined when undated. */
export function recordSpan(record: Searchable): RecordSpan | undefined {
  if (record.kind === 'source') {
    const day = record.published.slice(0, 10);
    return { from: day, to: day, exactDay: true };
  }
  if (record.date === undefined) return undefined;
  return { ...dateInterval(record.date), exactDay: record.date.precision === 'day' };
}

/** Index of the first interval ending on or after `day` (intervals sorted and disjoint). */
function firstEndingFrom(list: readonly DayInterval[], day: string): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.to < day) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// ---------------------------------------------------------------- matching

const NO: FilterMatch = { match: false, imprecise: false };

/**
 * Whether a record passes every given filter (AND; several values of one
 * filter: any of them). Empty lists count as not given.
 */
export function matchFilters(record: Searchable, filters: Filters): FilterMatch {
  if (given(filters.kind) && !filters.kind.includes(record.kind)) return NO;
  const fieldsOk =
    record.kind === 'incident' ? incidentFields(record, filters) : record.kind === 'publication' ? publicationFields(record, filters) : sourceFields(filters);
  if (!fieldsOk) return NO;

  const intervals = filterIntervals(filters);
  if (intervals === null) return { match: true, imprecise: false };
  // A record without a date cannot be shown to fall in any period.
  const span = recordSpan(record);
  if (span === undefined) return NO;
  const i = firstEndingFrom(intervals, span.from);
  const hit = intervals[i];
  if (hit === undefined || hit.from > span.to) return NO;
  const inside = hit.from <= span.from && span.to <= hit.to;
  return { match: true, imprecise: !inside || !span.exactDay };
}

// ---------------------------------------------------------------- description

const KIND_WORDS: Record<RecordKindFilter, string> = { incident: 'incidents', publication: 'publications', source: 'sources' };

function describeDuring(d: HijriFilter): string {
  try {
    if (d.hijriYear !== undefined) return hijriLabel(d.hijriYear, d.month);
    if (d.gregorianYear !== undefined) {
      const occ = occurrencesInGregorianYear(d.month, d.gregorianYear);
      const which = occ.map((o) => `${d.name} ${o.hijriYear} (${gregorianSpanLabel(o.from, o.to)})`).join(' and ');
      return which === '' ? `${d.name} (${d.gregorianYear})` : `${d.name} (${d.gregorianYear}): ${which}`;
    }
  } catch (e) {
    // Hand-built filters may carry a year the calendar cannot place; still say what was asked.
    if (!(e instanceof RangeError)) throw e;
    return `${d.name} (${d.hijriYear ?? d.gregorianYear})`;
  }
  return `${d.name} (any year)`;
}

function describeDates(filters: Filters): string | undefined {
  const y = filters.year === undefined ? undefined : String(filters.year).padStart(4, '0');
  // The same bounds the matching uses: year and from/to intersected.
  let from = filters.from;
  let to = filters.to;
  if (y !== undefined) {
    if (from === undefined || `${y}-01-01` > from) from = `${y}-01-01`;
    if (to === undefined || `${y}-12-31` < to) to = `${y}-12-31`;
    if (from === `${y}-01-01` && to === `${y}-12-31`) return String(filters.year);
  }
  if (from !== undefined && to !== undefined) return `from ${formatPartial(from)} to ${formatPartial(to)}`;
  if (from !== undefined) return `from ${formatPartial(from)}`;
  if (to !== undefined) return `up to ${formatPartial(to)}`;
  return undefined;
}

/**
 * How the filters were read, one phrase each, for the "how the query was
 * read" line: ["incidents", "place Kabul", "2022", "Muharram (2022): Muharram 1444 (Jul–Aug 2022)"].
 */
export function describeFilters(filters: Filters): string[] {
  const out: string[] = [];
  if (given(filters.kind)) out.push(filters.kind.map((k) => KIND_WORDS[k]).join(' or '));
  if (given(filters.category)) out.push(filters.category.map((c) => (c === 'attack' ? 'attacks' : 'operations against the group')).join(' or '));
  const list = (label: string, values: readonly string[] | undefined): void => {
    if (given(values)) out.push(`${label} ${values.join(' or ')}`);
  };
  list('place', filters.place);
  list('country', filters.country);
  list('attack type', filters.type);
  list('target', filters.target);
  list('outlet', filters.outlet);
  list('medium', filters.medium);
  list('language', filters.language);
  list('dataset', filters.dataset);
  list('actor', filters.actor);
  list('violence', filters.violence);
  if (filters.claimed !== undefined) out.push(filters.claimed ? 'claimed' : 'not claimed');

  const dates = describeDates(filters);
  if (dates !== undefined) out.push(dates);
  if (filters.during !== undefined) out.push(describeDuring(filters.during));
  return out;
}
