// Counting records by a key, and summing casualty figures as ranges. These are
// counts of records in the index, not of events in the world, and every rule
// that decides where a record is counted is stated in the reply's notes:
//
// - A record with no value for the key is counted under "unknown", always the
//   last row, so the rows add up to the total and the gap is visible.
// - Time keys (month, year) come from the record's date interval. A record
//   whose date lies within one month (year) is counted under it. A record whose
//   date runs over several — a Hijri month, a date known only to the year, a
//   range — is counted once, in a row for the span its date covers
//   ("Apr–May 2022", "2022 (month unknown)"). Counting it under its first month
//   would put every year-only record in January; splitting it would invent
//   fractions of records. Rows are in order of start, then end.
// - type (attack types) is multi-valued: a record is counted under each of its
//   types, so those rows can add up to more than the total (said in a note).
// - Keys are compared case-insensitively; a row shows the most common spelling.
// - Casualties are summed only over attacks whose figures are about the
//   victims; figures about someone else (casualties.note set, or operations
//   against the group) are left out and counted in `excluded`.
import type { Figure, Incident } from './records/schema.ts';
import { dateInterval, formatPartial } from './records/dates.ts';
import type { RecordKindFilter, Searchable } from './search/types.ts';
import type { CasualtySums, CountRow, FigureSum } from './views.ts';
import { isoStart } from './timeline.ts';
import { actorNames } from './query/filter.ts';

export const COUNT_KEYS = ['month', 'year', 'place', 'country', 'type', 'target', 'outlet', 'medium', 'language', 'claim', 'dataset', 'actor', 'violence'] as const;
export type CountKey = (typeof COUNT_KEYS)[number];

/** The row key for records without a value. */
export const UNKNOWN = 'unknown';

export const DISCLAIMER = 'These are counts of records in this index, not of events in the world.';

const TIME_KEYS: ReadonlySet<CountKey> = new Set(['month', 'year']);

export function isTimeKey(by: CountKey): boolean {
  return TIME_KEYS.has(by);
}

/**
 * Which kinds of record a key describes. Counting publications by place would
 * only produce one big "unknown" row, so each key counts the kinds it applies
 * to; time keys default to incidents and publications, and can count sources
 * (by publication date) when the query asks for kind:source.
 */
export const KEY_KINDS: { readonly [K in CountKey]: readonly RecordKindFilter[] } = {
  month: ['incident', 'publication', 'source'],
  year: ['incident', 'publication', 'source'],
  place: ['incident'],
  country: ['incident'],
  type: ['incident'],
  target: ['incident'],
  claim: ['incident'],
  dataset: ['incident'],
  actor: ['incident'],
  violence: ['incident'],
  outlet: ['publication'],
  medium: ['publication'],
  language: ['publication'],
};

/** Kinds counted when the query has no kind: filter. */
export function defaultKindsFor(by: CountKey): RecordKindFilter[] {
  return isTimeKey(by) ? ['incident', 'publication'] : [...KEY_KINDS[by]];
}

/** What a key is called in notes ("attack type", "month"). */
export const KEY_NOUN: { readonly [K in CountKey]: string } = {
  month: 'month',
  year: 'year',
  place: 'place',
  country: 'country',
  type: 'attack type',
  target: 'target',
  outlet: 'outlet',
  medium: 'medium',
  language: 'language',
  claim: 'claim status',
  dataset: 'dataset',
  actor: 'actor',
  violence: 'violence type',
};

/** The values of `record` for key `by`; empty when it has none. */
export function keysOf(record: Searchable, by: CountKey): string[] {
  const some = (v: string | undefined): string[] => (v !== undefined && v.trim() !== '' ? [v.trim()] : []);
  if (by === 'month' || by === 'year') {
    const interval = recordInterval(record);
    if (interval === null) return [];
    const len = by === 'month' ? 7 : 4;
    const [a, b] = [interval.from.slice(0, len), interval.to.slice(0, len)];
    return [a === b ? a : `${a}/${b}`];
  }
  if (record.kind === 'incident') {
    switch (by) {
      case 'place':
        return some(record.place.place ?? record.place.district ?? record.place.province);
      case 'country':
        return some(record.place.country);
      case 'type':
        return [...new Set(record.attackTypes.map((t) => t.trim()).filter((t) => t !== ''))];
      case 'target':
        // The target type groups better ("Shia worshippers") than the named target ("Kucha Risaldar mosque").
        return some(record.targetType ?? record.target);
      case 'claim':
        return some(record.claim?.status);
      case 'dataset':
        return some(record.dataset?.key);
      case 'actor':
        // Multi-valued like type: each actor named once per record.
        return [...new Set(actorNames(record).map((a) => a.trim()).filter((a) => a !== ''))];
      case 'violence':
        return some(record.violence);
      default:
        return [];
    }
  }
  if (record.kind === 'publication') {
    switch (by) {
      case 'outlet':
        return some(record.outlet);
      case 'medium':
        return some(record.medium);
      case 'language':
        return some(record.language);
      default:
        return [];
    }
  }
  return [];
}

/** The days a record's date covers; a source is dated by its publication day. */
function recordInterval(record: Searchable): { from: string; to: string } | null {
  if (record.kind === 'source') {
    const day = isoStart(record);
    return day === null ? null : { from: day, to: day };
  }
  return record.date === undefined ? null : dateInterval(record.date);
}

/** True for a time key that spans several periods ("2022-04/2022-05"). */
export function isSpanKey(key: string): boolean {
  return key.includes('/');
}

/** "Mar 2022"; spans "Apr–May 2022", "Dec 2021 – Jan 2022", "2022 (month unknown)", "2021–2022". */
export function timeLabel(key: string): string {
  const [a, b] = key.split('/');
  if (b === undefined) return formatPartial(a!);
  if (a!.length === 4) return `${a}–${b}`;
  const [ya, ma] = a!.split('-');
  const [yb, mb] = b.split('-');
  if (ya === yb && ma === '01' && mb === '12') return `${ya} (month unknown)`;
  if (ya === yb) return `${formatPartial(a!).slice(0, 3)}–${formatPartial(b)}`;
  return `${formatPartial(a!)} – ${formatPartial(b)}`;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface CountResult {
  rows: CountRow[];
  /** Records counted (each once, however many rows it is in). */
  total: number;
  /** Records under "unknown". */
  unknown: number;
  /** Records whose date runs over several months/years (counted in span rows). */
  spanning: number;
  /** Records counted under more than one key. */
  multiValued: number;
  /** Records that stand for several attacks the source does not tell apart. */
  grouped: number;
}

/** Counts `records` by `by`; the caller has already chosen which records apply. */
export function countBy(records: readonly Searchable[], by: CountKey): CountResult {
  const groups = new Map<string, { spellings: Map<string, number>; count: number }>();
  let unknown = 0;
  let spanning = 0;
  let multiValued = 0;
  let grouped = 0;
  for (const record of records) {
    if (record.kind === 'incident' && record.group !== undefined) grouped += 1;
    const keys = keysOf(record, by);
    if (keys.length === 0) {
      unknown += 1;
      continue;
    }
    if (keys.length > 1) multiValued += 1;
    if (isTimeKey(by) && keys.some(isSpanKey)) spanning += 1;
    // Case-folded keys, each counted once per record even if spelled two ways.
    const folded = new Map<string, string>();
    for (const key of keys) if (!folded.has(key.toLowerCase())) folded.set(key.toLowerCase(), key);
    for (const [norm, spelling] of folded) {
      const group = groups.get(norm) ?? { spellings: new Map<string, number>(), count: 0 };
      group.count += 1;
      group.spellings.set(spelling, (group.spellings.get(spelling) ?? 0) + 1);
      groups.set(norm, group);
    }
  }

  return finishCount(groups, by, { total: records.length, unknown, spanning, multiValued, grouped });
}

/** Rows from case-folded groups (each with its spellings' counts); shared with the columnar count (search/column-counts.ts). */
export function finishCount(
  groups: Map<string, { spellings: Map<string, number>; count: number }>,
  by: CountKey,
  tally: Omit<CountResult, 'rows'>,
): CountResult {
  const { unknown } = tally;
  const rows: CountRow[] = [...groups.values()].map((g) => {
    // Most common spelling; ties go to the alphabetically first, so output is stable.
    const key = [...g.spellings.entries()].sort((a, b) => b[1] - a[1] || compareStrings(a[0], b[0]))[0]![0];
    const time = isTimeKey(by);
    return { key, label: time ? timeLabel(key) : key, count: g.count, span: time && isSpanKey(key) };
  });
  // Chronological: by start, then end (a single period before spans starting with it).
  const startEnd = (key: string): [string, string] => [key.split('/')[0]!, key.split('/')[1] ?? key];
  if (isTimeKey(by)) rows.sort((a, b) => {
    const [sa, ea] = startEnd(a.key);
    const [sb, eb] = startEnd(b.key);
    return compareStrings(sa, sb) || compareStrings(ea, eb);
  });
  else rows.sort((a, b) => b.count - a.count || compareStrings(a.key.toLowerCase(), b.key.toLowerCase()) || compareStrings(a.key, b.key));
  if (unknown > 0) rows.push({ key: UNKNOWN, label: UNKNOWN, count: unknown, span: false });

  return { rows, ...tally };
}

/** The notes that explain a CountResult's rules, only those that applied. */
export function countNotes(result: CountResult, by: CountKey): string[] {
  const notes: string[] = [];
  const noun = KEY_NOUN[by];
  const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;
  if (result.unknown > 0) {
    const what = isTimeKey(by) ? 'date' : noun;
    notes.push(`${plural(result.unknown, 'record has', 'records have')} no ${what} and ${result.unknown === 1 ? 'is' : 'are'} counted under "${UNKNOWN}".`);
  }
  if (result.spanning > 0) {
    notes.push(
      `${plural(result.spanning, 'record has a date', 'records have dates')} running over more than one ${noun}; ` +
        `each is counted once, in a row for the span its date covers (e.g. "${by === 'month' ? 'Apr–May 2022' : '2021–2022'}"), never split or guessed.`,
    );
  }
  if (result.multiValued > 0) {
    notes.push(
      `${plural(result.multiValued, 'record has', 'records have')} several ${noun}s and ${result.multiValued === 1 ? 'is' : 'are'} counted under each, ` +
        'so the rows add up to more than the total.',
    );
  }
  if (result.grouped > 0) {
    notes.push(`${plural(result.grouped, 'record stands', 'records stand')} for several attacks the source does not tell apart; each counts once.`);
  }
  return notes;
}

/** A figure's bounds: `high` null when open-ended. "more than 200" means at least 201. */
export function figureBounds(f: Figure): { low: number; high: number | null } {
  const low = f.qualifier === 'more than' ? f.low + 1 : f.low;
  if (f.high !== undefined) return { low: Math.min(low, f.high), high: f.high };
  if (f.qualifier === 'at least' || f.qualifier === 'more than') return { low, high: null };
  return { low, high: low };
}

export function figureSumLabel(sum: { low: number; high: number | null; records: number }): string {
  if (sum.records === 0) return 'no figures';
  if (sum.high === null) return `${sum.low}+`;
  return sum.high === sum.low ? `${sum.low}` : `${sum.low}–${sum.high}`;
}

/** Sum of figures as a range; figures that are absent are unknown, not 0, and are not counted in `records`. */
export function sumFigures(figures: readonly (Figure | undefined)[]): FigureSum {
  let low = 0;
  let high: number | null = 0;
  let records = 0;
  for (const f of figures) {
    if (f === undefined) continue;
    records += 1;
    const b = figureBounds(f);
    low += b.low;
    high = high === null || b.high === null ? null : high + b.high;
  }
  const sum = { low, high, records };
  return { ...sum, label: figureSumLabel(sum) };
}

/**
 * Whether an incident's casualty figures are about the victims of an attack.
 * Operations against the group report the group's own losses, and a
 * casualties note says whose they are when it is not the victims; adding those
 * to victims' figures would make the sum meaningless.
 */
export function isVictimFigure(incident: Incident): boolean {
  return incident.category === 'attack' && incident.casualties !== undefined && incident.casualties.note === undefined;
}

export function sumCasualties(incidents: readonly Incident[]): CasualtySums {
  const summed = incidents.filter(isVictimFigure);
  const excluded = incidents.filter((i) => i.casualties !== undefined && !isVictimFigure(i)).length;
  return {
    incidents: incidents.length,
    killed: sumFigures(summed.map((i) => i.casualties?.killed)),
    wounded: sumFigures(summed.map((i) => i.casualties?.wounded)),
    combined: sumFigures(summed.map((i) => i.casualties?.combined)),
    excluded,
  };
}
