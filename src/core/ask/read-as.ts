// The one line that starts every answer to a question, saying how it was
// read: "Counting attacks by month · place Kabul · 2022". It is built from
// the filters the query language parsed out of the generated query (not from
// the question), so it says exactly what the command will apply; a reader
// who sees "place Heart" instead of Herat knows at once.
import { defaultKindsFor, KEY_NOUN, type CountKey } from '../counts.ts';
import { describeFilters } from '../query/filter.ts';
import { hijriLabel } from '../calendar/hijri.ts';
import { formatPartial, lastDay } from '../records/dates.ts';
import type { Filters, IncidentCategoryFilter, ParsedQuery, RecordKindFilter } from '../search/types.ts';
import type { AskCommand } from './types.ts';

const KIND_PLURAL: Record<RecordKindFilter, string> = { incident: 'incidents', publication: 'publications', source: 'sources' };
const CATEGORY_PLURAL: Record<IncidentCategoryFilter, string> = { attack: 'attacks', operation: 'operations against the group' };

function startLabel(day: string): string {
  if (day.endsWith('-01-01')) return day.slice(0, 4);
  if (day.endsWith('-01')) return formatPartial(day.slice(0, 7));
  return formatPartial(day);
}

function endLabel(day: string): string {
  if (day.endsWith('-12-31')) return day.slice(0, 4);
  if (lastDay(day.slice(0, 7)) === day) return formatPartial(day.slice(0, 7));
  return formatPartial(day);
}

/** "2022", "Aug 2026", "Mar 2022 to Jun 2022", "since Mar 2022", "up to 2021". */
export function datePhrase(filters: Filters): string | undefined {
  const { from, to } = filters;
  if (from !== undefined && to !== undefined) {
    const a = startLabel(from);
    const b = endLabel(to);
    // Same precision and same period: one label ("2022", "Aug 2026").
    if (a === b) return a;
    // Mixed precision ("2022" to "Jun 2022") reads better with both ends at the finer one.
    if (a.length === 4 && b.length !== 4) return `${formatPartial(from.slice(0, 7))} to ${b}`;
    if (b.length === 4 && a.length !== 4) return `${a} to ${formatPartial(to.slice(0, 7))}`;
    return `${a} to ${b}`;
  }
  if (from !== undefined) return `since ${startLabel(from)}`;
  if (to !== undefined) return `up to ${endLabel(to)}`;
  return undefined;
}

function duringPhrase(filters: Filters): string | undefined {
  const d = filters.during;
  if (d === undefined) return undefined;
  if (d.hijriYear !== undefined) return `during ${hijriLabel(d.hijriYear, d.month)}`;
  if (d.gregorianYear !== undefined) return `during ${describeFilters({ during: d }).join('')}`;
  return `during ${d.name} (any year)`;
}

/** The phrases for every filter but kind and dates, as the slash commands word them. */
function fieldPhrases(f: Filters): string[] {
  const { place, country, type, target, outlet, medium, language, claimed } = f;
  return describeFilters({ place, country, type, target, outlet, medium, language, claimed });
}

export function kindsNoun(kinds: readonly RecordKindFilter[]): string {
  return kinds.map((k) => KIND_PLURAL[k]).join(' and ');
}

/**
 * What is counted or listed: the kinds, or with a category on incidents
 * alone, the side that acted ("attacks", "operations against the group").
 */
function subject(kinds: readonly RecordKindFilter[], categories: readonly IncidentCategoryFilter[], joiner: string): string | undefined {
  const kindNoun = kinds.length > 0 ? kinds.map((k) => KIND_PLURAL[k]).join(joiner) : undefined;
  if (categories.length === 0) return kindNoun;
  const categoryNoun = categories.map((c) => CATEGORY_PLURAL[c]).join(joiner);
  if (kindNoun === undefined || (kinds.length === 1 && kinds[0] === 'incident')) return categoryNoun;
  return `${kindNoun} (${categoryNoun})`;
}

export function readAsLine(command: AskCommand, parsed: ParsedQuery, opts: { by?: CountKey; id?: string }): string {
  if (command === 'record') return `Showing the record ${opts.id ?? ''}`.trim();
  const f = parsed.filters;
  const kinds = f.kind ?? [];
  const categories = f.category ?? [];
  const parts: string[] = [];
  if (command === 'count') {
    const by = opts.by ?? 'year';
    const what = subject(kinds, categories, ' and ') ?? kindsNoun(defaultKindsFor(by));
    parts.push(`Counting ${what} by ${KEY_NOUN[by]}`);
  } else {
    parts.push(command === 'timeline' ? 'Timeline' : 'Searching');
    const what = subject(kinds, categories, ' or ');
    if (what !== undefined) parts.push(what);
  }
  parts.push(...fieldPhrases(f));
  const dates = datePhrase(f);
  if (dates !== undefined) parts.push(dates);
  const during = duringPhrase(f);
  if (during !== undefined) parts.push(during);
  if (parsed.terms.length > 0) parts.push(`'${parsed.terms.join(' ')}'`);
  if (parsed.order === 'newest') parts.push('newest first');
  else if (parsed.order === 'oldest') parts.push('oldest first');
  return parts.join(' · ');
}
