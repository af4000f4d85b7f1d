// A record's fingerprint: sha256 of its canonical JSON (object keys sorted at
// every level, no whitespace). The digest compares fingerprints to tell new
// and changed records from ones already reported, instead of trusting dates
// someone set by hand: any edit to any field, a corrected casualty figure or
// a new citation, changes the fingerprint.
import { createHash } from 'node:crypto';
import type { Searchable } from '../search/types.ts';

/** JSON with object keys sorted, so two equal records give the same text whatever order their keys were written in. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    // undefined inside arrays becomes null, as JSON.stringify does.
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as { [k: string]: unknown })
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

// Records are immutable once loaded, and a digest fingerprints every record in
// scope each day: cache per record object.
const cache = new WeakMap<object, string>();

/** sha256 (hex) of the record's canonical JSON. */
export function fingerprint(record: Searchable): string {
  let fp = cache.get(record);
  if (fp === undefined) {
    fp = createHash('sha256').update(canonicalJson(record)).digest('hex');
    cache.set(record, fp);
  }
  return fp;
}
