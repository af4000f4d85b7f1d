// Chart specs for /count and /timeline: which bars, in which order, with what
// title and caption. Pure data (src/core/attachments.ts); drawing is
// src/render/chart.ts. The rules a reader needs are the counting rules:
//
// - A time axis runs from the first period to the last (stretched to the
//   from/to dates asked for) and shows every period in between, an empty one
//   as 0: a gap in the bars is "no records", never a missing tick.
// - Only records dated within one period are bars. A record whose date runs
//   over several months (years) is counted once, in a span row, and the axis
//   cannot show it without inventing a month; the caption says how many such
//   records there are, and how many have no date at all.
// - Category charts keep the table's order (largest first, "unknown" last,
//   muted) and show at most MAX_CATEGORY_BARS bars; the caption says when rows
//   were left off.
// - Every caption states the total and that these are counts of records in
//   this index.
import { countBy, DISCLAIMER, isSpanKey, isTimeKey, KEY_NOUN, UNKNOWN, type CountKey, type CountResult } from './counts.ts';
import { formatPartial } from './records/dates.ts';
import type { Searchable } from './search/types.ts';
import type { ChartAttachment, ChartBar, ChartSpec } from './attachments.ts';
import type { CountRow } from './views.ts';

export type TimeUnit = 'month' | 'year';

/** Most periods one time chart shows: 20 years of months; beyond that bars are under a pixel wide on a phone. */
export const MAX_PERIODS: { readonly [U in TimeUnit]: number } = { month: 240, year: 200 };

/** Most bars in a category chart: more would not be readable on a phone. */
export const MAX_CATEGORY_BARS = 30;

export type ChartResult = { ok: true; attachment: ChartAttachment } | { ok: false; note: string };

/** The ISO days a chart's time axis should at least cover (the from/to filters), each end optional. */
export interface AxisRange {
  from?: string | undefined;
  to?: string | undefined;
}

function plural(n: number, one: string, many: string = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Every period from `first` to `last` inclusive (both YYYY-MM, or both YYYY); empty when first > last. */
export function periodsBetween(first: string, last: string, unit: TimeUnit): string[] {
  const out: string[] = [];
  if (unit === 'year') {
    for (let y = Number(first); y <= Number(last); y++) out.push(String(y).padStart(4, '0'));
    return out;
  }
  const index = (k: string): number => Number(k.slice(0, 4)) * 12 + Number(k.slice(5, 7)) - 1;
  for (let i = index(first); i <= index(last); i++) {
    out.push(`${String(Math.floor(i / 12)).padStart(4, '0')}-${String((i % 12) + 1).padStart(2, '0')}`);
  }
  return out;
}

function periodCount(first: string, last: string, unit: TimeUnit): number {
  if (unit === 'year') return Number(last) - Number(first) + 1;
  return (Number(last.slice(0, 4)) - Number(first.slice(0, 4))) * 12 + Number(last.slice(5, 7)) - Number(first.slice(5, 7)) + 1;
}

/**
 * The axis for periods `keys` (single periods only): from the earliest to the
 * latest, stretched to `range` when that keeps it within MAX_PERIODS. Null
 * when even the data alone needs more periods than that.
 */
export function timeAxis(keys: readonly string[], unit: TimeUnit, range: AxisRange = {}): string[] | null {
  if (keys.length === 0) return [];
  const len = unit === 'month' ? 7 : 4;
  const sorted = [...keys].sort();
  let first = sorted[0]!;
  let last = sorted[sorted.length - 1]!;
  if (periodCount(first, last, unit) > MAX_PERIODS[unit]) return null;
  const from = range.from?.slice(0, len);
  const to = range.to?.slice(0, len);
  if (from !== undefined && from < first && periodCount(from, last, unit) <= MAX_PERIODS[unit]) first = from;
  if (to !== undefined && to > last && periodCount(first, to, unit) <= MAX_PERIODS[unit]) last = to;
  return periodsBetween(first, last, unit);
}

/** "2 records dated over several months (Apr–May 2022: 1; 2022 (month unknown): 1) and 1 without a date are not on the time axis." */
function offAxisLine(spanRows: readonly CountRow[], undated: number, unit: TimeUnit): string | null {
  const spanning = spanRows.reduce((n, r) => n + r.count, 0);
  const parts: string[] = [];
  if (spanning > 0) {
    const shown = spanRows.slice(0, 3).map((r) => `${r.label}: ${r.count}`);
    const more = spanRows.length > 3 ? `; ${spanRows.length - 3} more spans` : '';
    parts.push(`${plural(spanning, 'record')} dated over several ${unit}s (${shown.join('; ')}${more})`);
  }
  if (undated > 0) parts.push(`${plural(undated, 'record')} without a date`);
  if (parts.length === 0) return null;
  const verb = spanning + undated === 1 ? 'is' : 'are';
  return `${parts.join(' and ')} ${verb} counted but not on the time axis.`;
}

function subtitleOf(readAs: readonly string[]): string[] {
  return readAs.length > 0 ? [...readAs] : ['all records in the index'];
}

const TOO_MANY_PERIODS = (unit: TimeUnit, command: string): string =>
  `No chart: the dates run over more than ${MAX_PERIODS[unit]} ${unit}s; narrow them with from and to` +
  (unit === 'month' && command === 'count' ? ', or count by:year.' : '.');

export interface CountChartInput {
  by: CountKey;
  rows: readonly CountRow[];
  total: number;
  readAs: readonly string[];
  range?: AxisRange;
}

/** The chart of a /count reply's rows, or a note saying why there is none. */
export function countChart(input: CountChartInput): ChartResult {
  const { by, rows, total } = input;
  if (total === 0) return { ok: false, note: 'No chart: no records were counted.' };
  const noun = KEY_NOUN[by];
  const title = `Records by ${noun}`;
  const name = `count-by-${by}.png`;
  const subtitle = subtitleOf(input.readAs);
  const totalLine = `${plural(total, 'record')} counted.`;

  if (isTimeKey(by)) {
    const unit: TimeUnit = by === 'month' ? 'month' : 'year';
    const single = rows.filter((r) => r.key !== UNKNOWN && !isSpanKey(r.key));
    const spans = rows.filter((r) => r.key !== UNKNOWN && isSpanKey(r.key));
    const undated = rows.find((r) => r.key === UNKNOWN)?.count ?? 0;
    if (single.length === 0) {
      return { ok: false, note: `No chart: no counted record is dated within a single ${unit}.` };
    }
    const axis = timeAxis(single.map((r) => r.key), unit, input.range);
    if (axis === null) return { ok: false, note: TOO_MANY_PERIODS(unit, 'count') };
    const counts = new Map(single.map((r) => [r.key, r.count]));
    const bars: ChartBar[] = axis.map((key) => ({ key, label: formatPartial(key), series: 'records', count: counts.get(key) ?? 0, muted: false }));
    const caption = [totalLine, offAxisLine(spans, undated, unit), DISCLAIMER].filter((l): l is string => l !== null);
    return chart(name, { layout: 'time', unit, title, subtitle, caption, xTitle: capital(unit), yTitle: 'Records', series: ['records'], bars });
  }

  const shown = rows.slice(0, MAX_CATEGORY_BARS);
  const bars: ChartBar[] = shown.map((r) => ({ key: r.key, label: r.label, series: 'records', count: r.count, muted: r.key === UNKNOWN }));
  const sum = rows.reduce((n, r) => n + r.count, 0);
  const caption = [
    sum > total ? `${plural(total, 'record')} counted; a record with several ${noun}s is in each of their bars.` : totalLine,
    rows.length > shown.length ? `Showing the ${shown.length} largest of ${rows.length} rows; the reply's table lists them all.` : null,
    DISCLAIMER,
  ].filter((l): l is string => l !== null);
  return chart(name, { layout: 'categories', unit: null, title, subtitle, caption, xTitle: 'Records', yTitle: capital(noun), series: ['records'], bars });
}

const SERIES: readonly { kind: Searchable['kind']; name: string }[] = [
  { kind: 'incident', name: 'incidents' },
  { kind: 'publication', name: 'publications' },
  { kind: 'source', name: 'sources' },
];

export interface TimelineChartInput {
  /**
   * Every matching record, each once; or, for an archive too large to read
   * them all, how many matched and the count by month of those of one kind
   * (Archive.countBy over the matching record numbers: the same counts).
   */
  records: readonly Searchable[] | { matched: number; monthsOf(kind: Searchable['kind']): CountResult };
  readAs: readonly string[];
  range?: AxisRange;
}

/** Month-by-month strips of a /timeline query's records, one per kind that matched. */
export function timelineChart(input: TimelineChartInput): ChartResult {
  const given = input.records;
  const matched = 'matched' in given ? given.matched : given.length;
  if (matched === 0) return { ok: false, note: 'No chart: no records matched.' };
  const monthsOf = 'matched' in given ? (kind: Searchable['kind']) => given.monthsOf(kind) : (kind: Searchable['kind']) => countBy(given.filter((r) => r.kind === kind), 'month');
  const series = SERIES.map((s) => ({ ...s, result: monthsOf(s.kind) })).filter((s) => s.result.total > 0);
  const singleKeys = series.flatMap((s) => s.result.rows.filter((r) => r.key !== UNKNOWN && !isSpanKey(r.key)).map((r) => r.key));
  if (singleKeys.length === 0) return { ok: false, note: 'No chart: no matching record is dated within a single month.' };
  const axis = timeAxis([...new Set(singleKeys)], 'month', input.range);
  if (axis === null) return { ok: false, note: TOO_MANY_PERIODS('month', 'timeline') };

  const bars: ChartBar[] = [];
  for (const s of series) {
    const counts = new Map(s.result.rows.map((r) => [r.key, r.count]));
    for (const key of axis) bars.push({ key, label: formatPartial(key), series: s.name, count: counts.get(key) ?? 0, muted: false });
  }
  const spans = series.flatMap((s) => s.result.rows.filter((r) => r.key !== UNKNOWN && isSpanKey(r.key)));
  const undated = series.reduce((n, s) => n + s.result.unknown, 0);
  const totals = series.map((s) => `${s.result.total} ${s.result.total === 1 ? s.name.replace(/s$/, '') : s.name}`);
  const caption = [
    `${totals.join(', ')} matched.`,
    offAxisLine(mergeSpanRows(spans), undated, 'month'),
    DISCLAIMER,
  ].filter((l): l is string => l !== null);
  return chart('timeline-by-month.png', {
    layout: 'time',
    unit: 'month',
    title: 'Timeline: records by month',
    subtitle: subtitleOf(input.readAs),
    caption,
    xTitle: 'Month',
    yTitle: 'Records',
    series: series.map((s) => s.name),
    bars,
  });
}

/** Span rows of several series, same spans added up, in order of start then end. */
function mergeSpanRows(rows: readonly CountRow[]): CountRow[] {
  const merged = new Map<string, CountRow>();
  for (const r of rows) {
    const seen = merged.get(r.key);
    merged.set(r.key, seen === undefined ? { ...r } : { ...seen, count: seen.count + r.count });
  }
  return [...merged.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function chart(name: string, spec: ChartSpec): ChartResult {
  return { ok: true, attachment: { kind: 'chart', name, chart: spec } };
}
