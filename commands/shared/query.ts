// The `query` option and the options that add to it (from, to, page), shared
// by /search, /timeline and /count: parse the query language, merge the date
// options into its filters, and say how the query was read.
import { describeFilters } from '../../src/core/query/filter.ts';
import { parseQuery } from '../../src/core/query/parse.ts';
import { firstDay, lastDay } from '../../src/core/records/dates.ts';
import { PartialDate } from '../../src/core/records/schema.ts';
import type { Filters, ParsedQuery, SearchResult } from '../../src/core/search/types.ts';
import { errorView, type ErrorView } from '../../src/core/views.ts';

/** Examples shown when a query cannot be used, so the user sees what works. */
export const QUERY_EXAMPLES = [
  'peshawar imambargah',
  // No inner quotes: hints wrap an example in query:"…", and a Discord user pastes it into a field as is.
  'place:kabul type:bombing',
  'medium:magazine year:2022',
  'during:muharram 2022',
  'claimed:yes from:2022-03 to:2022-06',
];

export type QueryResult = { ok: true; parsed: ParsedQuery } | { ok: false; error: ErrorView };

/** Parses the query option; problems (things the user must fix) become an error View. */
export function readQuery(command: string, text: string | undefined): QueryResult {
  const parsed = parseQuery(text ?? '');
  if (parsed.problems.length === 0) return { ok: true, parsed };
  const problems = parsed.problems.map((p) => (p.option === 'text' ? p.message : `${p.option}: ${p.message}`));
  return {
    ok: false,
    error: errorView(command, 'bad-query', `The query could not be used: ${problems.join('; ')}`, [
      ...QUERY_EXAMPLES.slice(0, 3).map((q) => `Try: /${command} query:"${q}"`),
      'Type /help for the query language.',
    ]),
  };
}

/** True when the query has neither words nor filters. */
export function isEmptyQuery(parsed: ParsedQuery): boolean {
  return parsed.terms.length === 0 && Object.values(parsed.filters).every((v) => v === undefined);
}

export const ORDER_PHRASE = { newest: 'newest first', oldest: 'oldest first', relevance: 'best match first' } as const;

/** How the query was read: one phrase per filter, then the words, then the order when one was asked for. */
export function readAs(parsed: ParsedQuery): string[] {
  const words = parsed.terms.length > 0 ? [`words: ${parsed.terms.map((t) => `"${t}"`).join(' ')}`] : [];
  const order = parsed.order !== undefined ? [ORDER_PHRASE[parsed.order]] : [];
  return [...describeFilters(parsed.filters), ...words, ...order];
}

export type DateOptionsResult = { ok: true; parsed: ParsedQuery; notes: string[] } | { ok: false; error: ErrorView };

function dateOption(command: string, name: 'from' | 'to', value: string): { ok: true; day: string } | { ok: false; error: ErrorView } {
  if (!PartialDate.safeParse(value).success) {
    return {
      ok: false,
      error: errorView(command, 'bad-option', `${name} must be a date written YYYY, YYYY-MM or YYYY-MM-DD, not "${value}".`, [
        `e.g. /${command} ${name}:2022-03`,
      ]),
    };
  }
  return { ok: true, day: name === 'from' ? firstDay(value) : lastDay(value) };
}

/**
 * Merges the `from` / `to` options into the query's filters. Both may be
 * given; where the option and the query disagree the option wins and a note
 * says so. `from:2022` means from 1 Jan 2022 and `to:2022` up to 31 Dec 2022.
 */
export function mergeDateOptions(command: string, parsed: ParsedQuery, from: string | undefined, to: string | undefined): DateOptionsResult {
  const filters: Filters = { ...parsed.filters };
  const notes: string[] = [];
  const year = parsed.filters.year;
  for (const [name, value] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (value === undefined) continue;
    const day = dateOption(command, name, value);
    if (!day.ok) return day;
    const before = filters[name];
    if (before !== undefined && before !== day.day) {
      const what = year !== undefined ? `year:${year}` : `${name}:${before}`;
      notes.push(`The ${name} option (${day.day}) replaces ${what} from the query for the ${name === 'from' ? 'start' : 'end'} date.`);
    }
    filters[name] = day.day;
    // year: is also stored as from/to; once an option changes either end it no longer describes the filter.
    if (filters.year !== undefined && before !== day.day) delete filters.year;
  }
  if (filters.from !== undefined && filters.to !== undefined && filters.from > filters.to) {
    return {
      ok: false,
      error: errorView(command, 'bad-option', `The start date (${filters.from}) is after the end date (${filters.to}).`, [
        `e.g. /${command} from:2022-01 to:2022-06`,
      ]),
    };
  }
  return { ok: true, parsed: { ...parsed, filters }, notes };
}

/** The page option: 1 when absent. Validation (whole number >= 1) is done by the definition's minValue. */
export function pageOf(page: number | undefined): number {
  return page ?? 1;
}

/** An error View for a page past the end. */
export function pastTheEnd(command: string, page: number, pageCount: number, total: number): ErrorView {
  return errorView(
    command,
    'bad-page',
    `There is no page ${page}: ${total} result${total === 1 ? '' : 's'} fill ${pageCount} page${pageCount === 1 ? '' : 's'}.`,
    [`Ask for page:${Math.max(1, pageCount)} or lower.`],
  );
}

export const ANY_MODE_NOTE = 'No record had all of the words; showing records with any of them.';

/** The note a search's matching mode calls for: only 'any' (a fallback the user should know about) has one. */
export function modeNotes(result: SearchResult): string[] {
  return result.mode === 'any' ? [ANY_MODE_NOTE] : [];
}
