// When a daily digest fires: 'HH:MM' wall-clock time in an IANA zone, turned
// into instants by croner, which knows the zone rules through Intl.
//
// Daylight-saving changes (checked in tests/digest/schedule.test.ts):
// - 08:00 Europe/London is 08:00Z in winter and 07:00Z in summer, switching
//   on the day of the change (2026-03-29 07:00Z, 2026-10-25 08:00Z).
// - A time inside the spring-forward gap (01:30 on 2026-03-29 in London does
//   not exist) fires once that day, when the clock has jumped: 02:00 BST
//   (01:00Z). croner treats a single fixed time this way ("fixed-time job").
// - A time that occurs twice at fall-back (01:30 on 2026-10-25) fires once,
//   at its first occurrence (01:30 BST, 00:30Z).
// Either way the digest is still keyed by the local date, so a day can never
// get two digests even if a zone rule changed under a running bot.
import { Cron } from 'croner';
import { editDistance } from '../core/query/names.ts';

export interface LocalTime {
  hour: number;
  minute: number;
  /** Normalised 'HH:MM'. */
  text: string;
}

export type TimeResult = { ok: true; time: LocalTime } | { ok: false; message: string };

const TIME = /^(\d{1,2}):(\d{2})$/;

/** Parses a 24-hour 'H:MM' or 'HH:MM' ('8:00', '08:00', '23:59'); anything else ('25:00', '8am', '8') is refused with the reason. */
export function parseTime(input: string): TimeResult {
  const text = input.trim();
  const m = TIME.exec(text);
  if (m === null) {
    const hint = /[ap]\.?m\.?$/i.test(text) ? ' (24-hour clock: 8am is 08:00, 8pm is 20:00)' : '';
    return { ok: false, message: `"${text}" is not a time; write 24-hour HH:MM, e.g. 08:00${hint}` };
  }
  const hour = Number(m[1]);
  const minute = Number(m[2]);
  if (hour > 23) return { ok: false, message: `"${text}" is not a time: hours run from 00 to 23` };
  if (minute > 59) return { ok: false, message: `"${text}" is not a time: minutes run from 00 to 59` };
  return { ok: true, time: { hour, minute, text: `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}` } };
}

/** The canonical IANA name of a zone ('europe/london' -> 'Europe/London'), or undefined when Intl does not know it. */
export function canonicalTimeZone(input: string): string | undefined {
  const tz = input.trim();
  // Offsets such as '+01:00' are accepted by Intl but have no DST rules and are not what "a local time" means.
  if (tz === '' || !/^[A-Za-z]/.test(tz)) return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

export function isValidTimeZone(input: string): boolean {
  return canonicalTimeZone(input) !== undefined;
}

let zones: readonly string[] | undefined;

/** Every zone name Intl lists, plus UTC (which it accepts but does not list). */
export function timeZoneNames(): readonly string[] {
  zones ??= [...new Set(['UTC', ...Intl.supportedValuesOf('timeZone')])];
  return zones;
}

/**
 * Zone names close to a mistyped one, best first: 'Europe/Lndon' ->
 * Europe/London; 'london' -> Europe/London (the city part alone); 'Kabul' -> Asia/Kabul.
 */
export function suggestTimeZones(input: string, limit = 3): string[] {
  const typed = input.trim().toLowerCase().replace(/\s+/g, '_');
  if (typed === '') return [];
  const scored: Array<{ zone: string; score: number }> = [];
  for (const zone of timeZoneNames()) {
    const full = zone.toLowerCase();
    const city = full.slice(full.lastIndexOf('/') + 1);
    const max = Math.max(2, Math.floor(typed.length / 4));
    let score: number;
    if (city === typed || full === typed) score = 0;
    else if (full.includes(typed) && typed.length >= 3) score = 1;
    else {
      const d = Math.min(editDistance(typed, full, max), editDistance(typed, city, max));
      if (d > max) continue;
      score = 1 + d;
    }
    scored.push({ zone, score });
  }
  scored.sort((a, b) => a.score - b.score || a.zone.length - b.zone.length || (a.zone < b.zone ? -1 : 1));
  return scored.slice(0, limit).map((s) => s.zone);
}

// Paused croner jobs used only to compute instants; one per (time, zone).
const crons = new Map<string, Cron>();

function cronFor(time: string, timezone: string): Cron {
  const key = `${time} ${timezone}`;
  let cron = crons.get(key);
  if (cron === undefined) {
    const parsed = parseTime(time);
    if (!parsed.ok) throw new RangeError(`bad digest time ${JSON.stringify(time)}: ${parsed.message}`);
    cron = new Cron(`0 ${parsed.time.minute} ${parsed.time.hour} * * *`, { timezone, paused: true });
    if (crons.size > 1000) crons.clear();
    crons.set(key, cron);
  }
  return cron;
}

/** The first instant strictly after `from` at which `time` in `timezone` fires. */
export function nextFire(time: string, timezone: string, from: Date): Date {
  const next = cronFor(time, timezone).nextRun(from);
  if (next === null) throw new Error(`no next run for ${time} ${timezone}`);
  return next;
}

/** The latest instant at or before `at` at which `time` in `timezone` fired. */
export function previousFire(time: string, timezone: string, at: Date): Date {
  // croner's previousRuns excludes a run exactly at the reference; one
  // millisecond later includes it (instants are whole seconds).
  const prev = cronFor(time, timezone).previousRuns(1, new Date(at.getTime() + 1))[0];
  if (prev === undefined) throw new Error(`no previous run for ${time} ${timezone}`);
  return prev;
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

function formatIn(timezone: string): Intl.DateTimeFormat {
  let f = dateFormats.get(timezone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    dateFormats.set(timezone, f);
  }
  return f;
}

/** Local date and time of an instant in a zone: { date: 'YYYY-MM-DD', time: 'HH:MM' }. */
export function localParts(instant: Date, timezone: string): { date: string; time: string } {
  const parts = formatIn(timezone).formatToParts(instant);
  const get = (t: string): string => parts.find((p) => p.type === t)?.value ?? '';
  return { date: `${get('year')}-${get('month')}-${get('day')}`, time: `${get('hour')}:${get('minute')}` };
}

/** The local date (YYYY-MM-DD) of an instant in a zone. */
export function localDateOf(instant: Date, timezone: string): string {
  return localParts(instant, timezone).date;
}

/** "2026-11-28 08:00 Europe/London". */
export function localLabel(instant: Date, timezone: string): string {
  const p = localParts(instant, timezone);
  return `${p.date} ${p.time} ${timezone}`;
}

/**
 * Zone names for autocomplete while typing: names or city parts starting with
 * the text first ('kab' -> Asia/Kabul), then containing it, then close typos.
 */
export function completeTimeZone(partial: string, limit = 25): string[] {
  const typed = partial.trim().toLowerCase().replace(/\s+/g, '_');
  const names = timeZoneNames();
  if (typed === '') return ['UTC', 'Europe/London', 'Asia/Kabul', 'Asia/Karachi', 'Asia/Tehran', 'America/New_York'].slice(0, limit);
  const starts: string[] = [];
  const contains: string[] = [];
  for (const zone of names) {
    const full = zone.toLowerCase();
    const city = full.slice(full.lastIndexOf('/') + 1);
    if (full.startsWith(typed) || city.startsWith(typed)) starts.push(zone);
    else if (full.includes(typed)) contains.push(zone);
  }
  const out = [...new Set([...starts, ...contains, ...suggestTimeZones(partial, limit)])];
  return out.slice(0, limit);
}
