// Dates in a clause of a source, as precise as the words and no more:
// - explicit: "March 4", "4 March 2022", "on September 30", "in February",
//   "in 2021", "this year" (a day, a month or a year);
// - Hijri months ("during Ramadan", "before the start of Muharram", "Ramadan
//   1443"): the Umm al-Qura month as a range;
// - Hijri days ("the 9th of Muharram", "10 Muharram 1446", "Ramadan 27"): that
//   Umm al-Qura day;
// - relative: "a month later", "days later", "weeks later", "a week later",
//   "N days later", and backwards "a day earlier", "two days before", after (or
//   before) the last dated event of the text;
// - relative to the source's own date: "last month", "this month", "last year".
// A day or month without a year takes the clause's own year when it names one,
// else the document's reference year (the year its title names, else the year
// of its first dated sentence, else the year it was published).
import { addDays, hijriMonthByName, hijriMonthRange, hijriLabel, occurrencesInGregorianYear } from '../calendar/hijri.ts';
import { formatPartial } from '../records/dates.ts';
import type { DateSpec } from '../records/schema.ts';

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const MONTH_RE = '(January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\\.?';
const HIJRI_RE = "(Muharram|Safar|Rabi[‘'’ ]?\\s?al[- ]Awwal|Rabi[‘'’ ]?\\s?al[- ]Thani|Jumada al[- ]Awwal|Jumada al[- ]Thani|Rajab|Sha[‘'’]?ban|Ramadan|Ramzan|Shawwal|Dhu al[- ]Qa[‘'’]?dah|Dhu al[- ]Hijjah)";

function monthNumber(name: string): number {
  const n = name.toLowerCase().replace(/\.$/, '');
  return MONTHS.findIndex((m) => m.startsWith(n.slice(0, 3))) + 1;
}

const pad = (n: number): string => String(n).padStart(2, '0');

function realDay(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

export interface FoundDate {
  date: DateSpec;
  /** How the date was read, to prefer the most precise reading. */
  how: 'day' | 'month' | 'year' | 'hijri' | 'relative' | 'this-year';
}

// A Gregorian month outranks a Hijri one: "in May shortly after the end of Ramadan" is May.
const RANK: Record<FoundDate['how'], number> = { day: 6, relative: 5, month: 4, hijri: 3, year: 2, 'this-year': 1 };

/** The year a clause names for itself ("in 2021, ..."), if exactly one. */
export function clauseYear(text: string): number | undefined {
  const years = [...text.matchAll(/\b(1[89]\d\d|20\d\d)\b/g)].map((m) => Number(m[1]));
  const unique = [...new Set(years)];
  return unique.length === 1 ? unique[0] : undefined;
}

/** The document's reference year (see the module comment). */
export function referenceYear(title: string, firstText: string, published: string): number {
  return clauseYear(title) ?? clauseYear(firstText) ?? Number(published.slice(0, 4));
}

export interface DateContext {
  year: number;
  /** The last dated event before this clause, for "a month later". */
  anchor?: DateSpec;
  /** The source's own date (YYYY-MM-DD...), for "last month". */
  published?: string;
}

/** Every date a clause gives, most precise first. */
export function datesIn(text: string, ctx: DateContext): FoundDate[] {
  const year = clauseYear(text) ?? ctx.year;
  const found: FoundDate[] = [];
  const days = new Set<string>();
  // "March 4", "March 4, 2022", "4 March", "4 March 2022".
  const dayPatterns = [new RegExp(`\\b${MONTH_RE}\\s+(\\d{1,2})(?:st|nd|rd|th)?(?:,?\\s+(\\d{4}))?\\b`, 'g'), new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?${MONTH_RE}(?:,?\\s+(\\d{4}))?\\b`, 'g')];
  dayPatterns.forEach((re, i) => {
    for (const m of text.matchAll(re)) {
      const month = monthNumber(i === 0 ? m[1]! : m[2]!);
      const day = Number(i === 0 ? m[2] : m[1]);
      const y = m[3] !== undefined ? Number(m[3]) : year;
      if (month < 1 || !realDay(y, month, day)) continue;
      const start = `${y}-${pad(month)}-${pad(day)}`;
      days.add(m[0]);
      found.push({ date: { start, precision: 'day' }, how: 'day' });
    }
  });
  // "in February", "in May 2022", "February 2022". "May" only after a preposition or before a year: it is also a verb.
  for (const m of text.matchAll(new RegExp(`\\b(in|since|during|until|by|of|early|late|mid-?)?\\s*${MONTH_RE}(?:\\s+(\\d{4}))?\\b(?!\\s+\\d{1,2}\\b)`, 'g'))) {
    const name = m[2]!;
    if (/^may$/i.test(name) && m[1] === undefined && m[3] === undefined) continue;
    if (!/^[A-Z]/.test(name)) continue;
    const month = monthNumber(name);
    if (month < 1) continue;
    const y = m[3] !== undefined ? Number(m[3]) : year;
    found.push({ date: { start: `${y}-${pad(month)}`, precision: 'month' }, how: 'month' });
  }
  // Hijri months, with their year when given ("Ramadan 1443"), else the occurrence that begins in the reference year.
  for (const m of text.matchAll(new RegExp(`\\b${HIJRI_RE}(?:\\s+(1[34]\\d\\d))?\\b`, 'g'))) {
    const month = hijriMonthByName(m[1]!);
    if (month === undefined) continue;
    let hYear: number | undefined;
    if (m[2] !== undefined) hYear = Number(m[2]);
    else hYear = occurrencesInGregorianYear(month, year)[0]?.hijriYear;
    if (hYear === undefined) continue;
    const r = hijriMonthRange(hYear, month);
    found.push({ date: { start: r.from, end: r.to, precision: 'range', label: hijriLabel(hYear, month) }, how: 'hijri' });
  }
  // Hijri days: "the 9th of Muharram", "10 Muharram 1446", "Ramadan 27" (not "Ramadan 1444": a year has four digits).
  const hijriDays = [
    new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?${HIJRI_RE}(?:,?\\s+(1[34]\\d\\d))?\\b`, 'g'),
    new RegExp(`\\b${HIJRI_RE}\\s+(\\d{1,2})(?:st|nd|rd|th)?(?:,?\\s+(1[34]\\d\\d))?\\b(?!\\d)`, 'g'),
  ];
  hijriDays.forEach((re, i) => {
    for (const m of text.matchAll(re)) {
      const month = hijriMonthByName(i === 0 ? m[2]! : m[1]!);
      const day = Number(i === 0 ? m[1] : m[2]);
      if (month === undefined || day < 1 || day > 30) continue;
      const hYear = m[3] !== undefined ? Number(m[3]) : occurrencesInGregorianYear(month, year)[0]?.hijriYear;
      if (hYear === undefined) continue;
      const r = hijriMonthRange(hYear, month);
      const start = addDays(r.from, day - 1);
      if (start > r.to) continue;
      found.push({ date: { start, precision: 'day' }, how: 'day' });
    }
  });
  // Relative to the source's own date: "last month", "this month", "last year".
  if (ctx.published !== undefined) {
    const pub = ctx.published.slice(0, 10);
    const [py, pm] = [Number(pub.slice(0, 4)), Number(pub.slice(5, 7))];
    if (/\blast month\b/i.test(text)) found.push({ date: { start: pm === 1 ? `${py - 1}-12` : `${py}-${pad(pm - 1)}`, precision: 'month' }, how: 'month' });
    else if (/\b(?:this|earlier this|later this) month\b/i.test(text)) found.push({ date: { start: pub.slice(0, 7), precision: 'month' }, how: 'month' });
    if (/\blast year\b/i.test(text)) found.push({ date: { start: String(py - 1), precision: 'year' }, how: 'year' });
  }
  // Years: "in 2021", "2022".
  for (const m of text.matchAll(/\b(?:in|of|since|during)?\s*(1[89]\d\d|20\d\d)\b/g)) {
    found.push({ date: { start: m[1]!, precision: 'year' }, how: 'year' });
  }
  if (/\bthis year\b/i.test(text)) found.push({ date: { start: String(year), precision: 'year' }, how: 'this-year' });
  const rel = relativeDate(text, ctx.anchor);
  if (rel !== undefined) found.push({ date: rel, how: 'relative' });
  return found.sort((a, b) => RANK[b.how] - RANK[a.how]);
}

/**
 * "a day earlier", "two days before", "days earlier", "a month earlier": before
 * the anchor's start. Only "N days" before a known day is a day; vaguer spans
 * end at the anchor and start with the month they reach back to.
 */
function earlierDate(m: RegExpExecArray, anchor: DateSpec): DateSpec | undefined {
  const from = anchor.start;
  const base = from.length === 10 ? from : from.length === 7 ? `${from}-01` : `${from}-01-01`;
  const unit = m[2]!.toLowerCase().replace(/s$/, '');
  const count = m[1] === undefined ? undefined : /^\d+$/.test(m[1]) ? Number(m[1]) : ({ a: 1, one: 1, two: 2, three: 3 } as Record<string, number>)[m[1].toLowerCase()];
  const before = `before ${formatPartial(from)}`;
  if (unit === 'day' && count !== undefined && from.length === 10) {
    return { start: addDays(base, -count), precision: 'day', label: `${count} day${count === 1 ? '' : 's'} ${before}` };
  }
  const back = unit === 'day' ? 14 : unit === 'week' ? 7 * (count ?? 2) + 4 + (count === undefined ? 14 : 0) : 30 * (count ?? 2) + 15;
  return { start: monthOf(addDays(base, -back)), end: from, precision: 'range', label: `${m[0].trim()} (${before})` };
}

function monthOf(iso: string): string {
  return iso.slice(0, 7);
}

/**
 * "a month later", "days later", "weeks later", "N days later" after `anchor`.
 * Vague spans stay vague, and start at the event they count from (as data/
 * records them: "later" is not sure to be a whole day or month later): "a month
 * later" ends with the month six weeks on, "days later" with the month two
 * weeks on, "weeks later" with the month of the weeks plus two. Only "N days
 * later" after a known day is a day.
 */
export function relativeDate(text: string, anchor: DateSpec | undefined): DateSpec | undefined {
  if (anchor === undefined) return undefined;
  const m = /\b(a|one|two|three|\d+|few|several|some)?\s*(day|days|week|weeks|month|months)\s+(later|earlier|before)\b/i.exec(text);
  if (!m) return undefined;
  if (m[3]!.toLowerCase() !== 'later') return earlierDate(m, anchor);
  const from = anchor.end ?? anchor.start;
  const base = from.length === 10 ? from : from.length === 7 ? `${from}-01` : `${from}-01-01`;
  const unit = m[2]!.toLowerCase().replace(/s$/, '');
  const count = m[1] === undefined ? undefined : /^\d+$/.test(m[1]) ? Number(m[1]) : ({ a: 1, one: 1, two: 2, three: 3 } as Record<string, number>)[m[1].toLowerCase()];
  const after = `after ${formatPartial(from)}`;
  if (unit === 'day') {
    if (count !== undefined && from.length === 10) return { start: addDays(base, count), precision: 'day', label: `${count} day${count === 1 ? '' : 's'} after ${formatPartial(from)}` };
    return { start: from, end: monthOf(addDays(base, 14)), precision: 'range', label: `days ${after}` };
  }
  if (unit === 'week') {
    const n = count ?? 2;
    const end = monthOf(addDays(base, 7 * n + 4 + (count === undefined ? 14 : 0)));
    return { start: from, end, precision: 'range', label: `${m[0].trim()} (${after})` };
  }
  const n = count ?? 2;
  const end = monthOf(addDays(base, 30 * n + 15));
  return { start: from, end, precision: 'range', label: `about ${n === 1 ? 'a month' : `${n} months`} ${after}` };
}
