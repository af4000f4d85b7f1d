// /timeline [query] [from] [to] [page] — matching incidents and publications in
// date order. Imprecise dates keep their own label ("Mar 2022", "Ramadan
// 1443"), and an entry whose date is less precise than the date filter is
// flagged, since it may fall partly outside the period asked for.
import { timelineChart } from '../src/core/charts.ts';
import type { ParsedQuery, Searchable } from '../src/core/search/types.ts';
import { distinctRecords } from '../src/core/search/distinct.ts';
import { listHits } from '../src/core/listing.ts';
import { buildListView, PAGE_SIZE, pageCount } from '../src/core/timeline.ts';
import type { View } from '../src/core/views.ts';
import type { ArgsOf, CommandDefinition, CommandDeps } from './shared/definition.ts';
import { withLooser } from './shared/looser.ts';
import { mergeDateOptions, modeNotes, pageOf, pastTheEnd, readAs, readQuery } from './shared/query.ts';

export const definition = {
  name: 'timeline',
  description: 'Matching incidents and publications in date order',
  options: [
    {
      name: 'query',
      type: 'string',
      description: 'Words and filters, e.g. place:kabul, during:muharram 2022, kind:source',
      autocomplete: true,
      maxLength: 500,
    },
    { name: 'from', type: 'string', description: 'Start date: YYYY, YYYY-MM or YYYY-MM-DD', maxLength: 10 },
    { name: 'to', type: 'string', description: 'End date: YYYY, YYYY-MM or YYYY-MM-DD (inclusive)', maxLength: 10 },
    { name: 'page', type: 'integer', description: 'Page of results (10 per page)', minValue: 1, maxValue: 1000 },
    { name: 'order', type: 'string', description: 'newest or oldest first by date, or best match first (relevance)', choices: ['newest', 'oldest', 'relevance'] },
    { name: 'chart', type: 'boolean', description: 'Attach a month-by-month chart of incidents and publications (PNG)' },
  ],
} as const satisfies CommandDefinition;

export type Args = ArgsOf<typeof definition>;

export function handle(args: Args, deps: CommandDeps): View {
  const read = readQuery('timeline', args.query);
  if (!read.ok) return read.error;
  const merged = mergeDateOptions('timeline', read.parsed, args.from, args.to);
  if (!merged.ok) return merged.error;
  // The order option wins over an order: in the query.
  const parsed = args.order !== undefined ? { ...merged.parsed, order: args.order } : merged.parsed;
  const page = pageOf(args.page);
  const order = parsed.order ?? 'oldest';
  const result = listHits(deps.archive, parsed, {
    limit: PAGE_SIZE,
    offset: (page - 1) * PAGE_SIZE,
    order,
    defaultKinds: ['incident', 'publication'],
  });
  const pages = pageCount(result.total);
  if (page > 1 && page > pages) return pastTheEnd('timeline', page, pages, result.total);
  const notes = [...parsed.notes, ...merged.notes, ...modeNotes(result), ...result.notes];
  const chart = args.chart === true ? timelineChart({ records: allRecords(deps, parsed), readAs: readAs(parsed), range: parsed.filters }) : null;
  if (chart !== null && !chart.ok) notes.push(chart.note);
  const view = buildListView({
    command: 'timeline',
    hits: result.hits,
    total: result.total,
    page,
    readAs: readAs(parsed),
    notes,
    archive: deps.archive,
    filters: parsed.filters,
    order,
    ...(result.split !== undefined ? { split: result.split } : {}),
  });
  const answered = withLooser(view, 'timeline', parsed, deps);
  return chart?.ok === true && answered.type === 'list' ? { ...answered, attachments: [chart.attachment] } : answered;
}

/** Every matching record, each once (the chart covers all pages, not just this one). */
function allRecords(deps: CommandDeps, parsed: ParsedQuery): Searchable[] {
  const result = deps.archive.search(parsed, { limit: Infinity, order: 'date', defaultKinds: ['incident', 'publication'] });
  return distinctRecords(result.hits);
}
