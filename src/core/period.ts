// Certain before possible. When a query names a period (year:, from:/to:,
// during:), a record whose date lies wholly inside it is certainly in it; a
// record whose date only overlaps it (dated to a year, a wider range, an
// open-ended "after X") may or may not be. Answers list and count the two
// apart, so "Muharram 1444" never leads with records dated only "2022".
import { hijriMonthName } from './calendar/hijri.ts';
import { datePhrase } from './ask/read-as.ts';
import { dateInterval, formatPartial } from './records/dates.ts';
import { filterIntervals } from './query/filter.ts';
import type { Filters, Searchable } from './search/types.ts';
import { impreciseForFilter } from './timeline.ts';

/** True when the filters name a period: year:, from:/to: or during:. */
export function hasPeriod(filters: Filters): boolean {
  return filters.from !== undefined || filters.to !== undefined || filters.year !== undefined || filters.during !== undefined;
}

/** The period as a short phrase: "Muharram 1444", "Ramadan 2022", "2022", "Mar 2022 to Jun 2022", "since Mar 2022". */
export function periodLabel(filters: Filters): string {
  const parts: string[] = [];
  const d = filters.during;
  if (d !== undefined) {
    const name = hijriMonthName(d.month);
    const year = d.hijriYear ?? d.gregorianYear;
    parts.push(year === undefined ? `${name} (any year)` : `${name} ${year}`);
  }
  // With during: and year: together the year is already in the month's name ("Ramadan 2022").
  const yearInDuring = d?.gregorianYear !== undefined && filters.year === d.gregorianYear && filters.from === `${d.gregorianYear}-01-01` && filters.to === `${d.gregorianYear}-12-31`;
  const dates = yearInDuring ? undefined : datePhrase(filters);
  if (dates !== undefined) parts.push(dates);
  return parts.join(', ');
}

/** "in 2022", "since Mar 2022", "up to 2021". */
export function inPeriod(filters: Filters): string {
  const label = periodLabel(filters);
  return /^(since|up to)\b/u.test(label) ? label : `in ${label}`;
}

// A record's date interval, kept per date object: a long list asks for the same records page after page.
const intervals = new WeakMap<object, { from: string; to: string }>();

function intervalOf(date: Parameters<typeof dateInterval>[0]): { from: string; to: string } {
  let hit = intervals.get(date);
  if (hit === undefined) {
    hit = dateInterval(date);
    intervals.set(date, hit);
  }
  return hit;
}

/**
 * A test for "only may fall inside the period", with the period's days worked
 * out once (a month in any year is some two hundred intervals): a record is
 * certainly inside when its whole date interval lies within one of the
 * filter's intervals, as impreciseForFilter says, in O(log n) per record.
 */
export function possibleTest(filters: Filters): (record: Searchable, engineImprecise: boolean) => boolean {
  if (!hasPeriod(filters)) return () => false;
  const within = wholeInside(filters);
  if (within === null) return (record, flag) => impreciseForFilter(record, flag, filters);
  return (record, flag) => {
    if (!flag) return false;
    if (record.kind === 'source' || record.date === undefined) return flag;
    return !within(intervalOf(record.date));
  };
}

/**
 * possibleTest by record number, from what the archive keeps in columns (its
 * kind and date interval: Archive.span gives dateInterval of its date): no
 * record is read, unless the filters' days cannot be worked out (then the
 * record decides, as in possibleTest). A period over a million records can
 * leave thousands marked imprecise; reading each took longer than the rest
 * of the answer.
 */
export function possibleByNumber(
  archive: { span(r: number): { from: string; to: string } | undefined; recordKind(r: number): Searchable['kind']; record(r: number): Searchable },
  filters: Filters,
): (r: number, engineImprecise: boolean) => boolean {
  if (!hasPeriod(filters)) return () => false;
  const within = wholeInside(filters);
  if (within === null) return (r, flag) => impreciseForFilter(archive.record(r), flag, filters);
  return (r, flag) => {
    if (!flag) return false;
    if (archive.recordKind(r) === 'source') return flag;
    const span = archive.span(r);
    return span === undefined ? flag : !within(span);
  };
}

/** Whether a date interval lies wholly within one of the filters' intervals (null when they cannot be worked out). */
function wholeInside(filters: Filters): ((d: { from: string; to: string }) => boolean) | null {
  const raw = filterIntervals(filters);
  if (raw === null) return null;
  const sorted = [...raw].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  // maxTo[i]: the latest end among the intervals 0..i, so "some interval starting by `from` ends by `to`" is one lookup.
  const maxTo: string[] = [];
  for (const p of sorted) maxTo.push(maxTo.length > 0 && maxTo[maxTo.length - 1]! > p.to ? maxTo[maxTo.length - 1]! : p.to);
  return ({ from, to }) => {
    let lo = 0;
    let hi = sorted.length - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]!.from <= from) {
        at = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return at >= 0 && maxTo[at]! >= to;
  };
}

/** Whether a matching record only may fall inside the period (its date overlaps it but runs outside). */
export function isPossible(record: Searchable, engineImprecise: boolean, filters: Filters): boolean {
  return possibleTest(filters)(record, engineImprecise);
}

/** Why a record only may be inside the period: "dated only to 2022", "dated after 26 Jul 2022". */
export function possibleReason(record: Searchable): string {
  if (record.kind === 'source' || record.date === undefined) return 'date unknown';
  const date = record.date;
  if (date.precision === 'year') return `dated only to ${date.start}`;
  if (date.precision === 'month') return `dated only to ${formatPartial(date.start)}`;
  if (date.label !== undefined && /\bafter\b/iu.test(date.label)) return `dated only as ${date.label}`;
  const end = date.end !== undefined ? ` – ${formatPartial(date.end)}` : '';
  return `dated to a wider range (${date.label ?? `${formatPartial(date.start)}${end}`})`;
}

export interface PeriodSplit {
  /** The period as named ("Muharram 1444"). */
  period: string;
  /** Matching records certainly inside it. */
  certain: number;
  /** Matching records that only may be inside it. */
  possible: number;
  /** Why the possible ones are only possible, most common first. */
  reasons: Array<{ reason: string; count: number }>;
  /** "3 certainly in Muharram 1444; 8 more may be: 7 dated only to 2022, 1 dated only as after 26 Jul 2022". */
  line: string;
}

/** The split of matching records, given which of them are only possible. */
export function periodSplit(filters: Filters, certain: number, possibleRecords: readonly Searchable[]): PeriodSplit {
  const byReason = new Map<string, number>();
  for (const r of possibleRecords) {
    const reason = possibleReason(r);
    byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
  }
  const reasons = [...byReason].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
  const period = periodLabel(filters);
  const head = `${certain} certainly ${inPeriod(filters)}`;
  const possible = possibleRecords.length;
  const line =
    possible === 0
      ? head
      : `${head}; ${possible} more may be: ${reasons.map((r) => (possible === 1 ? r.reason : `${r.count} ${r.reason}`)).join(', ')}`;
  return { period, certain, possible, reasons, line };
}

/** The heading of the possible section: "May be in Muharram 1444 (dates overlap it but are less precise)". */
export function possibleHeading(split: Pick<PeriodSplit, 'period' | 'possible'>): string {
  return `May be ${/^(since|up to)\b/u.test(split.period) ? split.period : `in ${split.period}`} (${split.possible}): dates that overlap the period but may lie outside it`;
}
