// Gregorian dates in a question, as the from/to/year filters of the query
// language. chrono-node reads the dates people write ("last August",
// "March 2022", "4 March", "from March 2022 to June 2022", "yesterday");
// the few things it does not read the way an archive needs are done here:
// bare years ("in 2022", "since 2021"), calendar periods ("last year" is
// 2025, not the day a year ago), rolling windows ("in the past 6 months"),
// and the direction of a month without a year: chrono picks the closest
// August, which may be in the future, while a question about an archive means
// the latest one that has begun.
//
// Every date is kept at the precision it was given: "March 2022" is the
// month, never its first day.
import * as chrono from 'chrono-node';
import type { ParsedComponents, ParsedResult } from 'chrono-node';
import { firstDay, lastDay } from '../records/dates.ts';
import { use, wordBefore, type Token } from './tokens.ts';

/** A date filter: a whole year, or from/to partial dates (YYYY, YYYY-MM or YYYY-MM-DD), either end open. */
export interface DateReading {
  year?: number;
  from?: string;
  to?: string;
}

export interface DatesFound {
  date?: DateReading;
  /** The question said "since"/"from" with an open end: it wants a run of time. */
  since: boolean;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

interface Ymd {
  y: number;
  m: number;
  d: number;
}

function ymdOf(now: Date): Ymd {
  return { y: now.getUTCFullYear(), m: now.getUTCMonth() + 1, d: now.getUTCDate() };
}

const dayText = (v: Ymd): string => `${pad(v.y, 4)}-${pad(v.m)}-${pad(v.d)}`;
const monthText = (y: number, m: number): string => `${pad(y, 4)}-${pad(m)}`;

function daysIn(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** `today` minus n units, the day clamped to the month's length. */
function minus(today: Ymd, n: number, unit: 'day' | 'week' | 'month' | 'year'): Ymd {
  if (unit === 'day' || unit === 'week') {
    const ms = Date.UTC(today.y, today.m - 1, today.d) - n * (unit === 'week' ? 7 : 1) * 86_400_000;
    return ymdOf(new Date(ms));
  }
  const months = today.y * 12 + (today.m - 1) - (unit === 'year' ? 12 * n : n);
  const y = Math.floor(months / 12);
  const m = (months % 12) + 1;
  return { y, m, d: Math.min(today.d, daysIn(y, m)) };
}

/** The partial date right after / before `p`, at the same precision. */
function shift(p: string, by: 1 | -1): string {
  if (p.length === 4) return pad(Number(p) + by, 4);
  if (p.length === 7) {
    const months = Number(p.slice(0, 4)) * 12 + Number(p.slice(5, 7)) - 1 + by;
    return monthText(Math.floor(months / 12), (months % 12) + 1);
  }
  const ms = Date.UTC(Number(p.slice(0, 4)), Number(p.slice(5, 7)) - 1, Number(p.slice(8, 10))) + by * 86_400_000;
  return dayText(ymdOf(new Date(ms)));
}

// ---------------------------------------------------------------- pieces

interface Piece {
  from?: string;
  to?: string;
}

const FROM_WORDS = new Set(['since', 'from', 'starting', 'beginning']);
const AFTER_WORDS = new Set(['after']);
const BEFORE_WORDS = new Set(['before', 'prior']);
const UNTIL_WORDS = new Set(['until', 'till', 'through', 'thru', 'to']);
const RANGE_OPENERS = new Set(['between', 'from']);
const RANGE_JOINERS = new Set(['and', 'to', 'through', 'thru', 'till', 'until']);

/** A point in time read with the word before it: "since X", "before X", "in X". */
function pieceFor(p: string, before: string | undefined): { piece: Piece; since: boolean } {
  if (before !== undefined && FROM_WORDS.has(before)) return { piece: { from: p }, since: true };
  if (before !== undefined && AFTER_WORDS.has(before)) return { piece: { from: shift(p, 1) }, since: true };
  if (before !== undefined && BEFORE_WORDS.has(before)) return { piece: { to: shift(p, -1) }, since: false };
  if (before !== undefined && UNTIL_WORDS.has(before)) return { piece: { to: p }, since: false };
  return { piece: { from: p, to: p }, since: false };
}

// ---------------------------------------------------------------- relative periods

const NUMBER_WORDS: ReadonlyMap<string, number> = new Map([
  ['a', 1], ['an', 1], ['one', 1], ['two', 2], ['three', 3], ['four', 4], ['five', 5], ['six', 6], ['seven', 7], ['eight', 8],
  ['nine', 9], ['ten', 10], ['eleven', 11], ['twelve', 12], ['eighteen', 18], ['twenty', 20], ['thirty', 30],
]);
const UNITS: ReadonlyMap<string, 'day' | 'week' | 'month' | 'year'> = new Map([
  ['day', 'day'], ['days', 'day'], ['week', 'week'], ['weeks', 'week'], ['month', 'month'], ['months', 'month'], ['year', 'year'], ['years', 'year'],
]);

function free(t: Token | undefined): t is Token {
  return t !== undefined && !t.used && !t.text;
}

/**
 * "last year", "this month", "in the past 6 months", "over the last two
 * years". "last"/"previous" with no number is the calendar period before the
 * current one; "past" or a number is a rolling window ending today.
 */
function relativePeriods(tokens: readonly Token[], today: Ymd): Piece[] {
  const pieces: Piece[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const w = tokens[i]!;
    if (!free(w) || !['last', 'past', 'previous', 'this', 'current'].includes(w.lower)) continue;
    let k = i + 1;
    const numberToken = tokens[k];
    let n: number | undefined;
    if (free(numberToken)) {
      n = /^\d{1,3}$/u.test(numberToken.lower) ? Number(numberToken.lower) : NUMBER_WORDS.get(numberToken.lower);
      if (n !== undefined) k++;
    }
    const unitToken = tokens[k];
    const unit = free(unitToken) ? UNITS.get(unitToken.lower) : undefined;
    if (unit === undefined || n === 0) continue;
    const calendar = n === undefined && w.lower !== 'past' && unit !== 'day' && unit !== 'week';
    let piece: Piece;
    if (calendar && (w.lower === 'this' || w.lower === 'current')) {
      piece = unit === 'year' ? { from: pad(today.y, 4), to: pad(today.y, 4) } : { from: monthText(today.y, today.m), to: monthText(today.y, today.m) };
    } else if (calendar) {
      const p = unit === 'year' ? pad(today.y - 1, 4) : shift(monthText(today.y, today.m), -1);
      piece = { from: p, to: p };
    } else {
      piece = { from: dayText(minus(today, n ?? 1, unit)), to: dayText(today) };
    }
    pieces.push(piece);
    use(tokens, i, k - i + 1);
    i = k;
  }
  return pieces;
}

// ---------------------------------------------------------------- chrono

// Words chrono reads as months or days that are more often something else.
const AMBIGUOUS = new Set(['may', 'march', 'mar', 'sat', 'sun', 'wed']);
const DATE_CONTEXT = new Set(['in', 'during', 'of', 'last', 'this', 'since', 'from', 'before', 'after', 'until', 'till', 'through', 'between', 'and', 'to', 'early', 'late', 'mid', 'previous', 'on']);

/**
 * The partial date a chrono component stands for, at the precision the text
 * gave. A month or day without a year is the latest one that has begun
 * ("last August" in November 2026: August 2026; "last November": 2025).
 */
function partialOf(c: ParsedComponents, before: string | undefined, today: Ymd): string | undefined {
  const hasDay = c.isCertain('day');
  const hasMonth = c.isCertain('month');
  const hasYear = c.isCertain('year');
  if (!hasMonth && !hasYear) return undefined;
  const m = c.get('month');
  const d = c.get('day');
  let y = c.get('year');
  if (y === null || m === null) return undefined;
  if (!hasYear) {
    const strictlyBefore = before === 'last' || before === 'previous';
    const started = hasDay && d !== null ? (m < today.m || (m === today.m && d <= today.d)) : m <= today.m;
    const beforeNow = hasDay && d !== null ? (m < today.m || (m === today.m && d < today.d)) : m < today.m;
    y = (strictlyBefore ? beforeNow : started) ? today.y : today.y - 1;
  }
  if (hasDay && hasMonth && d !== null) return dayText({ y, m, d });
  if (hasMonth) return monthText(y, m);
  return pad(y, 4);
}

interface Found {
  result: ParsedResult;
  first: number;
  last: number;
}

/** chrono's results mapped to the tokens they cover; results that are only a weekday or a time are dropped. */
function chronoResults(text: string, tokens: readonly Token[], now: Date): Found[] {
  // Explained words are blanked so chrono cannot read "1443" after Ramadan as a time.
  let masked = text;
  for (const t of tokens) if (t.used || t.text) masked = masked.slice(0, t.start) + ' '.repeat(t.end - t.start) + masked.slice(t.end);
  const found: Found[] = [];
  for (const result of chrono.parse(masked.toLowerCase(), { instant: now, timezone: 0 })) {
    const first = tokens.findIndex((t) => t.start >= result.index);
    let last = -1;
    tokens.forEach((t, k) => {
      if (t.start >= result.index && t.end <= result.index + result.text.length) last = k;
    });
    if (first === -1 || last < first) continue;
    const words = result.text.trim();
    if (words === 'now') continue;
    const before = wordBefore(tokens, first);
    const bare = !result.start.isCertain('year') && !result.start.isCertain('day');
    if (bare && AMBIGUOUS.has(words) && (before === undefined || !DATE_CONTEXT.has(before))) continue;
    found.push({ result, first, last });
  }
  return found;
}

function chronoPieces(text: string, tokens: readonly Token[], now: Date, today: Ymd): { pieces: Piece[]; since: boolean } {
  const found = chronoResults(text, tokens, now);
  const pieces: Piece[] = [];
  let since = false;
  for (let k = 0; k < found.length; k++) {
    const f = found[k]!;
    const before = wordBefore(tokens, f.first);
    let start = partialOf(f.result.start, before, today);
    if (start === undefined) continue;
    const end = f.result.end === undefined || f.result.end === null ? undefined : partialOf(f.result.end, undefined, today);
    const next = found[k + 1];
    const joiner = next === undefined ? undefined : tokens.slice(f.last + 1, next.first);
    if (end !== undefined) {
      // "from March to June 2022": the start's year comes from the end.
      if (!f.result.start.isCertain('year') && f.result.end?.isCertain('year') === true) start = withYearOf(start, end);
      pieces.push({ from: start, to: end });
    } else if (
      next !== undefined &&
      before !== undefined &&
      RANGE_OPENERS.has(before) &&
      joiner !== undefined &&
      joiner.length === 1 &&
      RANGE_JOINERS.has(joiner[0]!.lower)
    ) {
      // "between March and June 2022": two results chrono leaves apart.
      const to = partialOf(next.result.start, undefined, today);
      if (to === undefined) continue;
      if (!f.result.start.isCertain('year') && next.result.start.isCertain('year')) start = withYearOf(start, to);
      pieces.push({ from: start, to });
      use(tokens, next.first, next.last - next.first + 1);
      use(tokens, f.last + 1, 1);
      k++;
    } else {
      const read = pieceFor(start, before);
      pieces.push(read.piece);
      since ||= read.since;
    }
    use(tokens, f.first, f.last - f.first + 1);
  }
  return { pieces, since };
}

/** `start` moved into `end`'s year, or the year before when it would come after `end`. */
function withYearOf(start: string, end: string): string {
  const moved = `${end.slice(0, 4)}${start.slice(4)}`;
  return firstDay(moved) <= lastDay(end) ? moved : `${pad(Number(end.slice(0, 4)) - 1, 4)}${start.slice(4)}`;
}

// ---------------------------------------------------------------- years

const GREGORIAN_YEARS = { first: 1900, last: 2100 } as const;

function isYear(t: Token | undefined): t is Token {
  if (!free(t) || !/^\d{4}$/u.test(t.lower)) return false;
  const n = Number(t.lower);
  return n >= GREGORIAN_YEARS.first && n <= GREGORIAN_YEARS.last;
}

/** ISO year-months typed as such: "2022-03" (chrono reads full days, not these). */
function isoMonths(text: string, tokens: readonly Token[]): Piece[] {
  const pieces: Piece[] = [];
  for (let i = 0; i + 1 < tokens.length; i++) {
    const a = tokens[i]!;
    const b = tokens[i + 1]!;
    if (!isYear(a) || !free(b) || !/^(0[1-9]|1[0-2])$/u.test(b.lower) || text.slice(a.end, b.start) !== '-') continue;
    if (text[b.end] === '-') continue;
    pieces.push(pieceFor(`${a.lower}-${b.lower}`, wordBefore(tokens, i)).piece);
    use(tokens, i, 2);
  }
  return pieces;
}

/** Quarters: "Q1 2022", "2022 Q3" (a quarter without a year is not read). */
function quarters(tokens: readonly Token[]): Piece[] {
  const pieces: Piece[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const q = /^q([1-4])$/u.exec(free(tokens[i]) ? tokens[i]!.lower : '');
    if (q === null) continue;
    const yearAt = isYear(tokens[i + 1]) ? i + 1 : isYear(tokens[i - 1]) ? i - 1 : undefined;
    if (yearAt === undefined) continue;
    const y = tokens[yearAt]!.lower;
    const first = (Number(q[1]) - 1) * 3 + 1;
    pieces.push({ from: `${y}-${pad(first)}`, to: `${y}-${pad(first + 2)}` });
    use(tokens, Math.min(i, yearAt), 2);
  }
  return pieces;
}

/** Bare years: "in 2022", "since 2021", "before 2023", "between 2021 and 2022", "2021 to 2022". */
function yearPieces(tokens: readonly Token[]): { pieces: Piece[]; since: boolean } {
  const pieces: Piece[] = [];
  let since = false;
  const plain: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (!isYear(t)) continue;
    const before = wordBefore(tokens, i);
    const joiner = tokens[i + 1];
    const second = tokens[i + 2];
    if (free(joiner) && RANGE_JOINERS.has(joiner.lower) && isYear(second) && (joiner.lower !== 'and' || before === 'between')) {
      pieces.push({ from: t.lower, to: second.lower });
      use(tokens, i, 3);
      i += 2;
      continue;
    }
    use(tokens, i, 1);
    if (before !== undefined && [...FROM_WORDS, ...AFTER_WORDS, ...BEFORE_WORDS, ...UNTIL_WORDS].includes(before)) {
      const read = pieceFor(t.lower, before);
      pieces.push(read.piece);
      since ||= read.since;
    } else {
      plain.push(t.lower);
    }
  }
  // "in 2021 and 2022": the years from the first to the last.
  if (plain.length > 0) {
    const sorted = [...plain].sort();
    pieces.push({ from: sorted[0]!, to: sorted[sorted.length - 1]! });
  }
  return { pieces, since };
}

// ---------------------------------------------------------------- combining

/** All date pieces must hold (they are ANDed like filters): the latest start and the earliest end. */
function combine(pieces: readonly Piece[]): DateReading | undefined {
  if (pieces.length === 0) return undefined;
  let from: string | undefined;
  let to: string | undefined;
  for (const p of pieces) {
    if (p.from !== undefined && (from === undefined || firstDay(p.from) > firstDay(from))) from = p.from;
    if (p.to !== undefined && (to === undefined || lastDay(p.to) < lastDay(to))) to = p.to;
  }
  // Pieces that exclude each other: keep the first, rather than answer with nothing.
  if (from !== undefined && to !== undefined && firstDay(from) > lastDay(to)) ({ from, to } = pieces[0]!);
  return simplify({ from, to });
}

/** from:2022 to:2022 is year:2022. */
export function simplify(d: DateReading): DateReading {
  if (d.year === undefined && d.from !== undefined && d.from === d.to && d.from.length === 4) return { year: Number(d.from) };
  const out: DateReading = {};
  if (d.year !== undefined) out.year = d.year;
  if (d.from !== undefined) out.from = d.from;
  if (d.to !== undefined) out.to = d.to;
  return out;
}

/**
 * Reads the Gregorian dates among the free tokens of `text` (the normalised
 * question the tokens come from), marks their words used and returns one
 * date filter for all of them.
 */
export function readDates(text: string, tokens: readonly Token[], now: Date): DatesFound {
  const today = ymdOf(now);
  const pieces: Piece[] = [...relativePeriods(tokens, today), ...isoMonths(text, tokens), ...quarters(tokens)];
  const fromChrono = chronoPieces(text, tokens, now, today);
  const fromYears = yearPieces(tokens);
  pieces.push(...fromChrono.pieces, ...fromYears.pieces);
  const date = combine(pieces);
  return date === undefined ? { since: false } : { date, since: (fromChrono.since || fromYears.since) && date.to === undefined };
}
