// Looking up a record by id, with suggestions when the id is unknown: ids are
// long slugs (inc-2022-03-04-peshawar-imambargah), so a typo or a half-typed
// id is the usual mistake, and the closest real ids are the useful answer.
import type { Archive, Searchable } from '../../src/core/search/types.ts';
import { errorView, type ErrorView } from '../../src/core/views.ts';

/** Edit distance (insert, delete, substitute), cut off early once above `max`. */
export function editDistance(a: string, b: string, max: number = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      cur.push(v);
      if (v < best) best = v;
    }
    if (best > max) return max + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * Up to `limit` ids closest to `input`: ids containing it (or all of its
 * hyphen-separated words) first, then ids within a small edit distance.
 */
export function closestIds(input: string, ids: readonly string[], limit = 5): string[] {
  const needle = input.trim().toLowerCase();
  if (needle === '') return [];
  const words = needle.split(/[-\s]+/).filter((w) => w !== '');
  const scored: { id: string; score: number }[] = [];
  const maxDistance = Math.max(2, Math.floor(needle.length / 3));
  for (const id of ids) {
    let score: number;
    if (id.includes(needle)) score = 0;
    else if (words.length > 1 && words.every((w) => id.includes(w))) score = 1;
    else {
      const d = editDistance(needle, id, maxDistance);
      if (d > maxDistance) continue;
      score = 2 + d;
    }
    scored.push({ id, score });
  }
  scored.sort((a, b) => a.score - b.score || a.id.length - b.id.length || (a.id < b.id ? -1 : 1));
  return scored.slice(0, limit).map((s) => s.id);
}

export type LookupResult = { ok: true; record: Searchable } | { ok: false; error: ErrorView };

export function lookup(command: string, archive: Archive, id: string): LookupResult {
  const record = archive.get(id.trim()) ?? archive.get(id.trim().toLowerCase());
  if (record !== undefined) return { ok: true, record };
  const suggestions = closestIds(id, archive.vocabulary().ids);
  const hints =
    suggestions.length > 0
      ? [`Closest ids: ${suggestions.join(', ')}`]
      : ['Find ids with /search or /timeline; each entry shows its id.'];
  return { ok: false, error: errorView(command, 'not-found', `No record has the id "${id}".`, hints) };
}
