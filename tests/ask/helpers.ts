// The real archive built from data/ (the seed corpus), and comparison by
// meaning: a question's generated query and the expected query are both
// parsed by the query language, and their filters and words compared, so a
// test does not care how the query string is spelt or ordered.
import { matchFilters } from '../../src/core/query/filter.ts';
import { parseQuery } from '../../src/core/query/parse.ts';
import { loadData, type LoadResult } from '../../src/core/records/load.ts';
import { createArchive, type SearchArchive } from '../../src/core/search/engine.ts';
import type { Filters } from '../../src/core/search/types.ts';
import type { Understanding, Understood, Vocabulary } from '../../src/core/ask/types.ts';

/** The fixed "now" relative dates are read against. */
export const NOW = new Date('2026-11-27T09:00:00Z');

let seed: { data: LoadResult; archive: SearchArchive } | undefined;

export async function seedArchive(): Promise<{ data: LoadResult; archive: SearchArchive }> {
  if (seed === undefined) {
    const data = await loadData('data');
    seed = { data, archive: createArchive(data, { dataHash: 'seed', matchFilters }) };
  }
  return seed;
}

/** The seed vocabulary plus names no record has yet, standing for new data. */
export function withNewNames(v: Vocabulary): Vocabulary {
  return { ...v, places: [...v.places, 'Jalalabad'], outlets: [...v.outlets, 'Amaq News Agency'] };
}

/** Filters with list values sorted, so order of mention does not matter. */
export function canonical(filters: Filters): Filters {
  const out: Filters = { ...filters };
  for (const key of ['kind', 'category', 'place', 'country', 'type', 'target', 'outlet', 'medium', 'language'] as const) {
    const list = out[key];
    if (list !== undefined) (out as Record<string, unknown>)[key] = [...list].map((v) => v.toLowerCase()).sort();
  }
  return out;
}

export function meaning(query: string | undefined): { filters: Filters; terms: string[] } {
  const parsed = parseQuery(query ?? '');
  if (parsed.problems.length > 0) throw new Error(`query ${JSON.stringify(query)} has problems: ${JSON.stringify(parsed.problems)}`);
  return { filters: canonical(parsed.filters), terms: [...parsed.terms].sort() };
}

export function understood(u: Understanding): Understood {
  if (!u.ok) throw new Error(`expected the question to be understood, got: ${u.reason}`);
  return u;
}
