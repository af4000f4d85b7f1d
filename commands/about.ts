// /about — what is in the index: counts per kind, the newest sources, when the data
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

/**
 * Sources listed, newest first; the others are counted (the renderers say how
 * many more there are and how to list them). A million-record archive has some
 * 200,000 sources: listing them all read every one from disk and made
 * thousands of Discord messages.
 */
export const ABOUT_SOURCES = 20;

export function handle(_args: Args, deps: CommandDeps): View {
  const stats = deps.archive.stats();
  // The sources in date order (published day, then id), as numbers: only those listed are read, from the newest
  // back. Every source of the last day listed is read too, so that one day's sources keep their order by time.
  const order = deps.archive.select(parseQuery(''), { limit: Infinity, order: 'date', defaultKinds: ['source'] }).records;
  const newest: SourceDocument[] = [];
  let lastDay: string | undefined;
  for (let i = order.length - 1; i >= 0; i--) {
    const r = deps.archive.record(order[i]!);
    if (r.kind !== 'source') continue;
    const day = r.published.slice(0, 10);
    if (newest.length >= ABOUT_SOURCES && day !== lastDay) break;
    newest.push(r);
    lastDay = day;
  }
  const sources = newest
    // Newest first: the sources a team member most likely wants to check.
    .sort((a, b) => (a.published < b.published ? 1 : a.published > b.published ? -1 : a.id < b.id ? -1 : 1))
    .slice(0, ABOUT_SOURCES)
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
