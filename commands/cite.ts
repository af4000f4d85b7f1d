// /cite id [style] — references for a record's sources, ready to paste into a
// report, with the accessed date taken from deps.now(). For a source id, the
// reference to that source itself.
import { citedSource, findPassage, formatReference, isoDay } from '../src/core/citations.ts';
import type { SourceDocument } from '../src/core/records/schema.ts';
import { CitationStyleSchema, errorView, type CitationsView, type View } from '../src/core/views.ts';
import type { ArgsOf, CommandDefinition, CommandDeps } from './shared/definition.ts';
import { lookup } from './shared/ids.ts';

export const definition = {
  name: 'cite',
  description: 'Citations for a record, ready to paste (markdown, Chicago or APA)',
  options: [
    { name: 'id', type: 'string', required: true, description: 'Record id, as shown in search results', autocomplete: true, maxLength: 200 },
    { name: 'style', type: 'string', description: 'Citation style (default markdown)', choices: CitationStyleSchema.options },
  ],
} as const satisfies CommandDefinition;

export type Args = ArgsOf<typeof definition>;

export function handle(args: Args, deps: CommandDeps): View {
  const found = lookup('cite', deps.archive, args.id);
  if (!found.ok) return found.error;
  const record = found.record;
  const style = args.style ?? 'markdown';
  const accessed = deps.now();

  // One reference per source, in the order the record first cites it, with all of its quotes from that source.
  const bySource = new Map<string, { source: SourceDocument; quotes: CitationsView['items'][number]['quotes'] }>();
  if (record.kind === 'source') {
    bySource.set(record.id, { source: record, quotes: [] });
  } else {
    for (const citation of record.sources) {
      const source = citedSource(deps.archive, citation);
      if (source === undefined) continue;
      const entry = bySource.get(source.id) ?? { source, quotes: [] };
      entry.quotes.push({ quote: citation.quote, passage: findPassage(source, citation.quote) });
      bySource.set(source.id, entry);
    }
  }
  if (bySource.size === 0) {
    // data:check rejects records whose sources are missing, so this means the index and data disagree.
    return errorView('cite', 'not-found', `None of the sources "${record.id}" cites are in the index.`, ['Run npm run data:check.']);
  }

  return {
    type: 'citations',
    command: 'cite',
    id: record.id,
    title: record.title,
    style,
    accessed: isoDay(accessed),
    items: [...bySource.values()].map(({ source, quotes }) => ({
      source: source.id,
      text: formatReference(source, style, accessed),
      url: source.url,
      title: source.title,
      quotes,
    })),
  };
}
