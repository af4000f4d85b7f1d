// Hits are per indexed document, so a source can come back once per matching
// passage. Timelines, counts, exports and digests work on records: each once,
// in the order the hits came.
import type { Hit, Searchable } from './types.ts';

export function distinctRecords(hits: readonly Hit[]): Searchable[] {
  const seen = new Set<string>();
  const records: Searchable[] = [];
  for (const hit of hits) {
    if (seen.has(hit.record.id)) continue;
    seen.add(hit.record.id);
    records.push(hit.record);
  }
  return records;
}
