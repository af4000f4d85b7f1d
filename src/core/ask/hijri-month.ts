// Hijri months in a question: "during Ramadan", "in Muharram 1444",
// "Ramadan 2022", "last Ramadan". The group dates its campaigns by these
// months, so researchers ask by them; the answer is a `during:` filter,
// which the query language turns into the month's Umm al-Qura days.
//
// Month names are also ordinary-looking words ("safer" is a spelling of
// Safar), so a name is taken on its own only when it is a well-known
// spelling; a rarer spelling or a typo ("ramdan") needs a date word before it
// ("in", "during", "last") or a year after it.
import { HIJRI_MONTHS, hijriMonthByName, hijriMonthName, hijriMonthRange, toHijri, UMM_AL_QURA_YEARS } from '../calendar/hijri.ts';
import { DURING_GREGORIAN_YEARS } from '../query/parse.ts';
import { use, wordBefore, type Token } from './tokens.ts';

export interface DuringReading {
  /** 1-12 (9 = Ramadan). */
  month: number;
  /** Canonical name ("Ramadan"). */
  name: string;
  hijriYear?: number;
  gregorianYear?: number;
}

// The same key hijri.ts uses: letters and digits only.
function monthKey(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
}

const EXACT: ReadonlyMap<string, { month: number; strong: boolean }> = (() => {
  const map = new Map<string, { month: number; strong: boolean }>();
  for (const m of HIJRI_MONTHS) {
    map.set(monthKey(m.name), { month: m.month, strong: true });
    for (const alias of m.aliases) {
      const key = monthKey(alias);
      // Multi-word aliases and longer spellings do not read as English words; "safer" does.
      if (!map.has(key)) map.set(key, { month: m.month, strong: alias.includes(' ') || alias.includes('-') || key.length >= 6 });
    }
  }
  return map;
})();

const DATE_WORDS = new Set(['in', 'during', 'of', 'last', 'this', 'since', 'from', 'before', 'after', 'until', 'till', 'through', 'between', 'and', 'to', 'previous', 'past']);

const YEAR = /^\d{4}$/u;

function yearOf(text: string): Pick<DuringReading, 'hijriYear' | 'gregorianYear'> | undefined {
  if (!YEAR.test(text)) return undefined;
  const n = Number(text);
  if (n >= UMM_AL_QURA_YEARS.first && n <= UMM_AL_QURA_YEARS.last) return { hijriYear: n };
  if (n >= DURING_GREGORIAN_YEARS.first && n <= DURING_GREGORIAN_YEARS.last) return { gregorianYear: n };
  return undefined;
}

function isoDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** The Hijri year of the month's latest occurrence that is over by `today` ("last Ramadan"). */
function lastOccurrence(month: number, today: string): number {
  const y = toHijri(today).year;
  return hijriMonthRange(y, month).to < today ? y : y - 1;
}

/**
 * Finds the first Hijri month named in the free tokens, marks it (and a year
 * or "last"/"this" with it) used, and returns the `during:` reading.
 */
export function readHijriMonth(tokens: readonly Token[], now: Date): DuringReading | undefined {
  for (let i = 0; i < tokens.length; i++) {
    for (let len = 3; len >= 1; len--) {
      const span = tokens.slice(i, i + len);
      if (span.length < len || span.some((t) => t.used || t.text)) continue;
      const text = span.map((t) => t.lower).join(' ');
      const exact = EXACT.get(monthKey(text));
      const before = wordBefore(tokens, i);
      let next = i + len;
      if (tokens[next]?.lower === 'of' && YEAR.test(tokens[next + 1]?.lower ?? '')) next++;
      const yearToken = tokens[next];
      const year = yearToken !== undefined && !yearToken.used ? yearOf(yearToken.lower) : undefined;
      const context = (before !== undefined && DATE_WORDS.has(before)) || year !== undefined;
      let month: number | undefined;
      if (exact !== undefined && (exact.strong || context)) month = exact.month;
      // A typo of a month name: one word, and only where a date is expected.
      else if (exact === undefined && len === 1 && context) month = hijriMonthByName(text);
      if (month === undefined) continue;

      use(tokens, i, len);
      const during: DuringReading = { month, name: hijriMonthName(month) };
      if (year !== undefined) {
        Object.assign(during, year);
        use(tokens, i + len, next - (i + len) + 1);
      } else if (before === 'last' || before === 'previous' || before === 'past') {
        during.hijriYear = lastOccurrence(month, isoDay(now));
      } else if (before === 'this') {
        during.hijriYear = toHijri(isoDay(now)).year;
      }
      return during;
    }
  }
  return undefined;
}
