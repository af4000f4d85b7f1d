// /about — what is in the index: counts per kind, the sources, when the data
// last changed and which index version answers.
import { parseQuery } from '../src/core/query/parse.ts';
import { sourceRef } from '../src/core/citations.ts';
import type { SourceDocument } from '../src/core/records/schema.ts';
import type { AboutView, View } from '../src/core/views.ts';
import type { ArgsOf, CommandDefinition, CommandDeps } from './shared/definition.ts';

export const definition = {
  name: 'about',
  description: 'What the index holds: counts, sources, last data change, index version',
  options: [],
} as const satisfies CommandDefinition;

export type Args = ArgsOf<typeof definition>;

export function handle(_args: Args, deps: CommandDeps): View {
  const stats = deps.archive.stats();
  // The sources only (a query without words of kind source): the other records are never read.
  const sources = deps.archive
    .search(parseQuery(''), { limit: Infinity, order: 'date', defaultKinds: ['source'] })
    .hits.map((h) => h.record)
    .filter((r): r is SourceDocument => r.kind === 'source')
    // Newest first: the sources a team member most likely wants to check.
    .sort((a, b) => (a.published < b.published ? 1 : a.published > b.published ? -1 : a.id < b.id ? -1 : 1))
    .map((s, i) => sourceRef(s, i + 1));
  const view: AboutView = {
    type: 'about',
    command: 'about',
    counts: { incidents: stats.incidents, publications: stats.publications, sources: stats.sources, passages: stats.passages },
    sources,
    lastDataChange: stats.lastDataChange,
    indexVersion: stats.indexVersion,
    dataHash: stats.dataHash,
    builtAt: stats.builtAt,
  };
  return view;
}
