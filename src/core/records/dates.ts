// Turning a DateSpec into the closed interval of days it may cover. Every date
// filter, the timeline order and the labels go through here, so an imprecise
// date is treated as the whole period it names, never as its first day.
import type { DateSpec, PartialDate } from './schema.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** First day (YYYY-MM-DD) a partial date can mean. */
export function firstDay(d: PartialDate): string {
  if (d.length === 4) return `${d}-01-01`;
  if (d.length === 7) return `${d}-01`;
  return d;
}

/** Last day (YYYY-MM-DD) a partial date can mean. */
export function lastDay(d: PartialDate): string {
  if (d.length === 4) return `${d}-12-31`;
  if (d.length === 7) {
    const [y, m] = d.split('-').map(Number) as [number, number];
    const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
    return `${d}-${String(days).padStart(2, '0')}`;
  }
  return d;
}

/** The closed interval [from, to] of ISO days a DateSpec covers. */
export function dateInterval(date: DateSpec): { from: string; to: string } {
  return { from: firstDay(date.start), to: lastDay(date.end ?? date.start) };
}

/** True when the record's date is known to the day. */
export function isExactDay(date: DateSpec | undefined): boolean {
  return date !== undefined && date.precision === 'day';
}

/** Human label for a partial date: "4 Mar 2022", "Mar 2022", "2022". */
export function formatPartial(d: PartialDate): string {
  const [y, m, day] = d.split('-');
  if (m === undefined) return y!;
  const mon = MONTHS[Number(m) - 1]!;
  return day === undefined ? `${mon} ${y}` : `${Number(day)} ${mon} ${y}`;
}

/** The label a reader sees: the source's named period when given, else the date at its precision. */
export function dateLabel(date: DateSpec | undefined): string {
  if (date === undefined) return 'date unknown';
  const plain =
    date.precision === 'range' && date.end !== undefined
      ? `${formatPartial(date.start)} – ${formatPartial(date.end)}`
      : formatPartial(date.start);
  return date.label ?? plain;
}
