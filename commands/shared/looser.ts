// An empty slash answer keeps its exact meaning but says what a looser query
// would find, as a ready line with its count (src/core/query/loosen.ts makes
// the steps; the first that finds records is offered).
import { looserSteps } from '../../src/core/query/loosen.ts';
import type { ParsedQuery, RecordKindFilter } from '../../src/core/search/types.ts';
import type { Looser, View } from '../../src/core/views.ts';
import type { CommandDeps } from './definition.ts';

/** The first looser query that finds records, or undefined. */
export function findLooser(
  command: string,
  parsed: ParsedQuery,
  deps: CommandDeps,
  defaultKinds: RecordKindFilter[] | undefined,
  prefix = '',
): Looser | undefined {
  for (const step of looserSteps(parsed)) {
    const result = deps.archive.search(step.parsed, { limit: 1, order: 'date', ...(defaultKinds !== undefined ? { defaultKinds } : {}) });
    if (result.total === 0) continue;
    const query = step.query;
    // The console's slash syntax: a quoted value with \" for inner quotes.
    const line = `/${command} ${prefix}query:"${query.replace(/\\/gu, '\\\\').replace(/"/gu, '\\"')}"`;
    return { change: step.changes.join('; '), query, line, total: result.total };
  }
  return undefined;
}

/** The line saying what the looser query finds. */
export function looserNote(looser: Looser): string {
  return `Nothing matched exactly. Looser (${looser.change}), ${looser.total} record${looser.total === 1 ? '' : 's'}: ${looser.line}`;
}

/** `view` with a looser suggestion when it is an empty list or count. */
export function withLooser(view: View, command: 'search' | 'timeline' | 'count', parsed: ParsedQuery, deps: CommandDeps, opts: { defaultKinds?: RecordKindFilter[]; prefix?: string } = {}): View {
  if ((view.type !== 'list' && view.type !== 'count') || view.total > 0) return view;
  const kinds = opts.defaultKinds ?? (command === 'timeline' ? ['incident', 'publication'] : undefined);
  const looser = findLooser(command, parsed, deps, kinds, opts.prefix);
  if (looser === undefined) return view;
  return { ...view, notes: [...view.notes, looserNote(looser)], looser };
}
