// Looking up a record by id, with suggestions when the id is unknown: ids are
// long slugs (inc-2022-03-04-peshawar-imambargah), so a typo or a half-typed
// id is the usual mistake, and the closest real ids are the useful answer.
import type { Archive, Searchable } from '../../src/core/search/types.ts';
import { errorView, type ErrorView } from '../../src/core/views.ts';

export type LookupResult = { ok: true; record: Searchable } | { ok: false; error: ErrorView };

export function lookup(command: string, archive: Archive, id: string): LookupResult {
  const record = archive.get(id.trim()) ?? archive.get(id.trim().toLowerCase());
  if (record !== undefined) return { ok: true, record };
  const suggestions = archive.vocabulary().ids.closest(id);
  const hints =
    suggestions.length > 0
      ? [`Closest ids: ${suggestions.join(', ')}`]
      : ['Find ids with /search or /timeline; each entry shows its id.'];
  return { ok: false, error: errorView(command, 'not-found', `No record has the id "${id}".`, hints) };
}
