// Small record builders for the search tests: valid records (they pass the
// schema, so the holder tests can write them to a data folder) with only the
// fields a test cares about spelled out.
import type { Incident, Publication, SourceDocument } from '../../src/core/records/schema.ts';
import type { ArchiveData } from '../../src/core/search/engine.ts';
import type { Filters, ParsedQuery, Searchable } from '../../src/core/search/types.ts';

export function source(id: string, passages: string[], extra: Partial<SourceDocument> = {}): SourceDocument {
  return {
    kind: 'source',
    id,
    url: `https://example.org/${id}`,
    title: `Report ${id}`,
    publisher: 'Example News',
    published: '2022-05-01T10:00:00',
    categories: [],
    tags: [],
    text: passages.join('\n\n'),
    passages: passages.map((text, i) => ({ n: i + 1, text })),
    ...extra,
  };
}

/** An incident citing `src` with `quote` (which must be in that source for loadData to accept it). */
export function incident(id: string, extra: Partial<Incident> = {}, cite = { source: 'src-a', quote: 'a verbatim quote' }): Incident {
  return {
    kind: 'incident',
    id,
    title: `Incident ${id}`,
    summary: 'An event was reported.',
    tags: [],
    sources: [cite],
    category: 'attack',
    place: { precision: 'unknown' },
    attackTypes: [],
    ...extra,
  };
}

export function publication(id: string, extra: Partial<Publication> = {}, cite = { source: 'src-a', quote: 'a verbatim quote' }): Publication {
  return {
    kind: 'publication',
    id,
    title: `Publication ${id}`,
    summary: 'A release was reported.',
    tags: [],
    sources: [cite],
    medium: 'statement',
    topics: [],
    ...extra,
  };
}

export function data(parts: Partial<ArchiveData>): ArchiveData {
  return { sources: parts.sources ?? [], incidents: parts.incidents ?? [], publications: parts.publications ?? [] };
}

export function q(terms: string[], filters: Filters = {}): ParsedQuery {
  return { input: terms.join(' '), terms, filters, problems: [], notes: [] };
}

/** A stand-in for the real filters: only `year` (overlap of the record's date with the year) and `place`. */
export function simpleFilters(record: Searchable, f: Filters): { match: boolean; imprecise: boolean } {
  if (f.kind !== undefined && f.kind.length > 0 && !f.kind.includes(record.kind)) return { match: false, imprecise: false };
  if (f.place !== undefined && f.place.length > 0) {
    if (record.kind !== 'incident') return { match: false, imprecise: false };
    const names = [record.place.place, record.place.province].map((s) => s?.toLowerCase());
    if (!f.place.some((p) => names.includes(p.toLowerCase()))) return { match: false, imprecise: false };
  }
  if (f.year !== undefined) {
    if (record.kind === 'source') return { match: record.published.startsWith(String(f.year)), imprecise: false };
    if (record.date === undefined) return { match: false, imprecise: false };
    const year = Number(record.date.start.slice(0, 4));
    const end = Number((record.date.end ?? record.date.start).slice(0, 4));
    if (year > f.year || end < f.year) return { match: false, imprecise: false };
    return { match: true, imprecise: record.date.precision !== 'day' };
  }
  return { match: true, imprecise: false };
}
