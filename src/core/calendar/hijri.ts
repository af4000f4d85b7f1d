// The Hijri calendar as the Umm al-Qura tables (Saudi Arabia's official
// calendar) define it, read from Node's ICU through Intl. The group dates its
// campaigns and publications by Hijri months ("Ramadan 1443"), so queries,
// labels and the daily digest need to turn those into Gregorian days.
//
// Umm al-Qura is a computed calendar; Afghanistan and Pakistan often start a
// month by local moon sighting, a day or two later. Everything here is the
// Umm al-Qura date, and callers should say so where a day matters.
//
// ICU carries the Umm al-Qura table for 1300-1600 AH (1882-2174 CE); outside
// it ICU falls back to the arithmetic Islamic calendar, which is still a
// consistent calendar, only not the official one.
import { editDistance } from '../query/names.ts';

export interface HijriDate {
  year: number;
  month: number;
  day: number;
}

export interface HijriMonth {
  month: number;
  /** Canonical English name shown to users. */
  name: string;
  /** Other spellings users type; matched after folding case, diacritics, spaces and punctuation. */
  aliases: readonly string[];
}

/** Hijri years the Umm al-Qura table covers; `during:` with a Hijri year is limited to these. */
export const UMM_AL_QURA_YEARS = { first: 1300, last: 1600 } as const;

export const HIJRI_MONTHS: readonly HijriMonth[] = [
  {
    month: 1,
    name: 'Muharram',
    aliases: ['muharam', 'moharram', 'moharam', 'muharrem', 'muharram al-haram', 'محرم'],
  },
  { month: 2, name: 'Safar', aliases: ['safer', 'saphar', 'safar al-muzaffar', 'صفر'] },
  {
    month: 3,
    name: 'Rabi al-Awwal',
    aliases: [
      'rabi ul awwal', 'rabi-ul-awwal', 'rabi al-awal', 'rabiul awal', 'rabi el awwal', 'rabi-ul-aval',
      'rabi i', 'rabi 1', 'rabee al-awwal', 'rabia al-awal', 'rabi awwal', 'ربيع الأول', 'ربیع الاول',
    ],
  },
  {
    month: 4,
    name: 'Rabi al-Thani',
    aliases: [
      'rabi ul thani', 'rabi-ul-thani', 'rabi al-akhir', 'rabi ul akhir', 'rabi al-akhar', 'rabi us sani',
      'rabi-us-sani', 'rabi al-sani', 'rabi ath-thani', 'rabi ii', 'rabi 2', 'rabee al-thani', 'rabi thani',
      'rabi akhir', 'ربيع الآخر', 'ربيع الثاني', 'ربیع الثانی',
    ],
  },
  {
    month: 5,
    name: 'Jumada al-Awwal',
    aliases: [
      'jumada al-ula', 'jumada al-oola', 'jumada al-ulaa', 'jumada ul awwal', 'jumadil awal', 'jumadal ula',
      'jamadi ul awwal', 'jamadi al-awwal', 'jamadi ul awal', 'jumada i', 'jumada 1', 'jumada awwal',
      'جمادى الأولى', 'جمادى الأول', 'جمادی الاول',
    ],
  },
  {
    month: 6,
    name: 'Jumada al-Thani',
    aliases: [
      'jumada al-akhirah', 'jumada al-akhira', 'jumada al-akhir', 'jumada al-sani', 'jumada ul thani',
      'jumada ath-thaniyah', 'jumadil akhir', 'jumadal akhira', 'jamadi us sani', 'jamadi ul akhir',
      'jamadi al-thani', 'jamadi ul sani', 'jumada ii', 'jumada 2', 'jumada thani',
      'جمادى الآخرة', 'جمادى الثانية', 'جمادى الثاني', 'جمادی الثانی',
    ],
  },
  { month: 7, name: 'Rajab', aliases: ['rajjab', 'rajab al-murajjab', 'رجب'] },
  { month: 8, name: 'Shaban', aliases: ["sha'ban", 'shaaban', 'shabaan', 'shaban al-muazzam', 'شعبان'] },
  {
    month: 9,
    name: 'Ramadan',
    aliases: ['ramadhan', 'ramazan', 'ramzan', 'ramadaan', 'ramazaan', 'ramadan al-mubarak', 'رمضان'],
  },
  { month: 10, name: 'Shawwal', aliases: ['shawal', 'shavval', 'shawaal', 'shawwal al-mukarram', 'شوال'] },
  {
    month: 11,
    name: 'Dhu al-Qadah',
    aliases: [
      "dhu al-qa'dah", 'dhu al-qidah', "dhu'l-qa'da", 'dhul qadah', 'dhul-qada', 'dhul qidah', 'dhu al-qada',
      'zul qadah', 'zul qada', 'zulqada', 'zil qad', 'zilqad', 'zi qad', 'zilqada', 'thul qidah', 'ذو القعدة',
    ],
  },
  {
    month: 12,
    name: 'Dhu al-Hijjah',
    aliases: [
      'dhu al-hijja', "dhu'l-hijja", 'dhul hijjah', 'dhul-hijja', 'dhul hijja', 'zul hijja', 'zul hijjah',
      'zulhijja', 'zil hijjah', 'zilhij', 'zil hajj', 'zi hajj', 'thul hijjah', 'ذو الحجة',
    ],
  },
];

/** Canonical name of month 1-12 ("Ramadan"). */
export function hijriMonthName(month: number): string {
  const m = HIJRI_MONTHS[month - 1];
  if (m === undefined) throw new RangeError(`Hijri month must be 1-12, got ${month}`);
  return m.name;
}

// Month-name keys keep only letters and digits (no spaces, hyphens,
// apostrophes, diacritics), so "Rabi' al-Awwal", "rabi-al-awwal" and
// "rabi al awwal" share one key. Connectors are kept: unlike place names,
// "rabi i" (Rabi I) must not collapse to the ambiguous "rabi".
function monthKey(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[\u064A\u0649]/g, '\u06CC')
    .replace(/\u0629/g, '\u0647')
    .replace(/[^\p{L}\p{N}]/gu, '');
}

const MONTH_BY_KEY: ReadonlyMap<string, number> = (() => {
  const map = new Map<string, number>();
  for (const m of HIJRI_MONTHS) {
    for (const name of [m.name, ...m.aliases]) map.set(monthKey(name), m.month);
  }
  return map;
})();

/**
 * Month number 1-12 for a name in any listed spelling, or a close typo of
 * one ("ramdan"); undefined when unknown or when a typo is equally close to
 * two different months.
 */
export function hijriMonthByName(s: string): number | undefined {
  const key = monthKey(s);
  if (key === '') return undefined;
  const exact = MONTH_BY_KEY.get(key);
  if (exact !== undefined) return exact;
  const len = Array.from(key).length;
  // Typos are letters; "ramadan 12" is a name and a number, not a misspelling.
  if (len < 5 || /\p{N}/u.test(key)) return undefined;
  const max = len >= 8 ? 2 : 1;
  let best = max + 1;
  const found = new Set<number>();
  for (const [k, month] of MONTH_BY_KEY) {
    const d = editDistance(key, k, max);
    if (d < best) {
      best = d;
      found.clear();
    }
    if (d === best && d <= max) found.add(month);
  }
  return found.size === 1 ? [...found][0] : undefined;
}

// ---------------------------------------------------------------- conversion

const DAY_MS = 86_400_000;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
// 1 Muharram 1 AH = 16 July 622 Julian = 19 July 622 proleptic Gregorian (JS dates are proleptic Gregorian).
const EPOCH_MS = Date.UTC(622, 6, 19);
const MEAN_MONTH_DAYS = 29.530588853;

let formatter: Intl.DateTimeFormat | undefined;

function umAlQura(): Intl.DateTimeFormat {
  if (formatter === undefined) {
    const f = new Intl.DateTimeFormat('en-u-ca-islamic-umalqura', {
      day: 'numeric',
      month: 'numeric',
      year: 'numeric',
      timeZone: 'UTC',
    });
    // A Node built without full ICU silently falls back to the Gregorian
    // calendar; every Hijri date would then be wrong, so refuse loudly.
    if (f.resolvedOptions().calendar !== 'islamic-umalqura') {
      throw new Error('this Node build has no islamic-umalqura calendar (needs full ICU)');
    }
    formatter = f;
  }
  return formatter;
}

function msOfIsoDay(iso: string): number {
  const m = ISO_DAY.exec(iso);
  if (m !== null) {
    const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    // Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear undoes that.
    const d = new Date(ms);
    d.setUTCFullYear(Number(m[1]));
    if (isoOfMs(d.getTime()) === iso) return d.getTime();
  }
  throw new RangeError(`not an ISO day (YYYY-MM-DD): ${JSON.stringify(iso)}`);
}

function isoOfMs(ms: number): string {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  if (y < 1 || y > 9999) throw new RangeError(`date out of range (years 1-9999): ${d.toISOString()}`);
  return `${String(y).padStart(4, '0')}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`;
}

/** The ISO day `n` days after (or before, if negative) `iso`. */
export function addDays(iso: string, n: number): string {
  return isoOfMs(msOfIsoDay(iso) + n * DAY_MS);
}

function hijriOfMs(ms: number): HijriDate {
  const parts = umAlQura().formatToParts(new Date(ms));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  const h = { year: get('year'), month: get('month'), day: get('day') };
  if (!Number.isInteger(h.year) || !Number.isInteger(h.month) || !Number.isInteger(h.day)) {
    throw new Error(`unexpected Intl output for the Hijri calendar: ${JSON.stringify(parts)}`);
  }
  return h;
}

/** The Umm al-Qura date of an ISO day. Throws RangeError for a string that is not a real YYYY-MM-DD day. */
export function toHijri(isoDay: string): HijriDate {
  return hijriOfMs(msOfIsoDay(isoDay));
}

function checkMonth(hYear: number, month: number): void {
  if (!Number.isInteger(month) || month < 1 || month > 12) throw new RangeError(`Hijri month must be 1-12, got ${month}`);
  // 1 AH starts in 622 CE and 9000 AH ends before 9999 CE, the last year ISO days are written with 4 digits.
  if (!Number.isInteger(hYear) || hYear < 1 || hYear > 9000) throw new RangeError(`Hijri year must be 1-9000, got ${hYear}`);
}

/**
 * First day of a Hijri month. Starts from the mean-month estimate, jumps to
 * the middle of the target month (which absorbs the estimate's error of a
 * few days) and then back to its day 1, checking the result against Intl.
 */
function monthStartMs(hYear: number, month: number): number {
  const target = hYear * 12 + month;
  let ms = EPOCH_MS + Math.round(((hYear - 1) * 12 + (month - 1)) * MEAN_MONTH_DAYS) * DAY_MS;
  for (let i = 0; i < 12; i++) {
    const h = hijriOfMs(ms);
    const diff = target - (h.year * 12 + h.month);
    if (diff === 0) {
      const first = ms - (h.day - 1) * DAY_MS;
      const f = hijriOfMs(first);
      const before = hijriOfMs(first - DAY_MS);
      if (f.year === hYear && f.month === month && f.day === 1 && (before.year !== hYear || before.month !== month)) return first;
    }
    ms += Math.round(diff * MEAN_MONTH_DAYS - (h.day - 15)) * DAY_MS;
  }
  throw new Error(`could not find the first day of Hijri month ${month}/${hYear}`);
}

const rangeCache = new Map<string, { from: string; to: string }>();

/** Gregorian first and last day (inclusive) of Hijri month `month` of year `hYear`. Memoised. */
export function hijriMonthRange(hYear: number, month: number): { from: string; to: string } {
  checkMonth(hYear, month);
  const key = `${hYear}-${month}`;
  let r = rangeCache.get(key);
  if (r === undefined) {
    const next = month === 12 ? monthStartMs(hYear + 1, 1) : monthStartMs(hYear, month + 1);
    r = { from: isoOfMs(monthStartMs(hYear, month)), to: isoOfMs(next - DAY_MS) };
    rangeCache.set(key, r);
  }
  return r;
}

/**
 * The occurrences of Hijri month `month` whose first day falls in Gregorian
 * year `gYear`: usually one, two about once every 33 years (the Hijri year is
 * 11 days shorter), sorted by date.
 */
export function occurrencesInGregorianYear(month: number, gYear: number): Array<{ hijriYear: number; from: string; to: string }> {
  checkMonth(1, month);
  if (!Number.isInteger(gYear) || gYear < 623 || gYear > 9000) throw new RangeError(`Gregorian year must be 623-9000, got ${gYear}`);
  const yearText = String(gYear).padStart(4, '0');
  const h = toHijri(`${yearText}-01-01`).year;
  const out: Array<{ hijriYear: number; from: string; to: string }> = [];
  // 1 January lies in Hijri year h, so month `month` of h-1 began earlier. If
  // 1 January is late in year h, both h+1 and h+2 can start their month in
  // this Gregorian year (Muharram 1429 and 1430 both began in 2008); h+3 cannot.
  for (const y of [h, h + 1, h + 2]) {
    const r = hijriMonthRange(y, month);
    if (r.from.startsWith(`${yearText}-`)) out.push({ hijriYear: y, ...r });
  }
  return out;
}

const occurrenceCache = new Map<number, ReadonlyArray<{ hijriYear: number; from: string; to: string }>>();

/** Every occurrence of a month across the Umm al-Qura table (1300-1600 AH), sorted. Memoised. */
export function allOccurrences(month: number): ReadonlyArray<{ hijriYear: number; from: string; to: string }> {
  checkMonth(1, month);
  let list = occurrenceCache.get(month);
  if (list === undefined) {
    const built: Array<{ hijriYear: number; from: string; to: string }> = [];
    for (let y = UMM_AL_QURA_YEARS.first; y <= UMM_AL_QURA_YEARS.last; y++) built.push({ hijriYear: y, ...hijriMonthRange(y, month) });
    list = built;
    occurrenceCache.set(month, list);
  }
  return list;
}

const SHORT_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function monthYear(iso: string): { mon: string; year: string } {
  return { mon: SHORT_MONTHS[Number(iso.slice(5, 7)) - 1]!, year: String(Number(iso.slice(0, 4))) };
}

/** The Gregorian months a span covers: "Apr–May 2022", "Dec 2022–Jan 2023", "Feb 2024". */
export function gregorianSpanLabel(from: string, to: string): string {
  const a = monthYear(from);
  const b = monthYear(to);
  if (a.year !== b.year) return `${a.mon} ${a.year}–${b.mon} ${b.year}`;
  if (a.mon !== b.mon) return `${a.mon}–${b.mon} ${a.year}`;
  return `${a.mon} ${a.year}`;
}

/** "Ramadan 1443 (Apr–May 2022)". */
export function hijriLabel(hYear: number, month: number): string {
  const r = hijriMonthRange(hYear, month);
  return `${hijriMonthName(month)} ${hYear} (${gregorianSpanLabel(r.from, r.to)})`;
}

export type ObservanceKind = 'ramadan' | 'muharram' | 'ashura';

export interface Observance {
  kind: ObservanceKind;
  /** ISO day (Umm al-Qura). */
  date: string;
  hijriYear: number;
  /** "Ramadan 1444 begins", "Muharram 1445 begins (Islamic new year)", "Ashura (10 Muharram 1445)". */
  label: string;
}

/**
 * Start of Ramadan, start of Muharram and Ashura (10 Muharram) falling in
 * [fromIso, fromIso + days), sorted by date. Periods the group has repeatedly
 * used for attack campaigns and Shia processions it targets.
 */
export function upcomingObservances(fromIso: string, days: number): Observance[] {
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`days must be a non-negative integer, got ${days}`);
  const end = addDays(fromIso, days);
  const first = toHijri(fromIso).year;
  const last = toHijri(end).year;
  const out: Observance[] = [];
  for (let y = first; y <= last; y++) {
    const muharram = hijriMonthRange(y, 1).from;
    const candidates: Observance[] = [
      { kind: 'muharram', date: muharram, hijriYear: y, label: `Muharram ${y} begins (Islamic new year)` },
      { kind: 'ashura', date: addDays(muharram, 9), hijriYear: y, label: `Ashura (10 Muharram ${y})` },
      { kind: 'ramadan', date: hijriMonthRange(y, 9).from, hijriYear: y, label: `Ramadan ${y} begins` },
    ];
    for (const o of candidates) if (o.date >= fromIso && o.date < end) out.push(o);
  }
  return out.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}
