// /search query [page] — the best matches across incidents, publications and
// source passages, each as a timeline entry with numbered citations.
import { listHits } from '../src/core/listing.ts';
import { buildListView, PAGE_SIZE, pageCount } from '../src/core/timeline.ts';
import { errorView, type View } from '../src/core/views.ts';
import type { ArgsOf, CommandDefinition, CommandDeps } from './shared/definition.ts';
import { withLooser } from './shared/looser.ts';
import { isEmptyQuery, modeNotes, pageOf, pastTheEnd, QUERY_EXAMPLES, readAs, readQuery } from './shared/query.ts';

export const definition = {
  name: 'search',
  description: 'Best matching incidents, publications and source passages, with citations',
  options: [
    {
      name: 'query',
      type: 'string',
      required: true,
      description: 'Words and filters, e.g. peshawar imambargah, or place:kabul year:2022',
      autocomplete: true,
      maxLength: 500,
    },
    { name: 'page', type: 'integer', description: 'Page of results (10 per page)', minValue: 1, maxValue: 1000 },
    { name: 'order', type: 'string', description: 'newest or oldest first by date, or best match first (relevance)', choices: ['newest', 'oldest', 'relevance'] },
  ],
} as const satisfies CommandDefinition;

export type Args = ArgsOf<typeof definition>;

export function handle(args: Args, deps: CommandDeps): View {
  const read = readQuery('search', args.query);
  if (!read.ok) return read.error;
  // The order option wins over an order: in the query.
  const parsed = args.order !== undefined ? { ...read.parsed, order: args.order } : read.parsed;
  if (isEmptyQuery(parsed)) {
    return errorView('search', 'empty-query', 'There is nothing to search for in that query.', [
      ...parsed.notes,
      ...QUERY_EXAMPLES.slice(0, 3).map((q) => `Try: /search query:"${q}"`),
    ]);
  }
  const page = pageOf(args.page);
  const order = parsed.order ?? 'relevance';
  const result = listHits(deps.archive, parsed, { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE, order });
  const pages = pageCount(result.total);
  if (page > 1 && page > pages) return pastTheEnd('search', page, pages, result.total);
  const notes = [...parsed.notes, ...modeNotes(result), ...result.notes];
  const view = buildListView({
    command: 'search',
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
  return withLooser(view, 'search', parsed, deps);
}
