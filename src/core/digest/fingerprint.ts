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
  // Loops and concatenation rather than entries/filter/map/join: a rebuild fingerprints every record (a million).
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      // A hole stays empty, as Array#map then join left it.
      if (i in value) out += canonicalJson(value[i]);
    }
    return `${out}]`;
  }
  const obj = value as { [k: string]: unknown };
  // The default sort compares UTF-16 code units: the order of a < b.
  const keys = Object.keys(obj).sort();
  let out = '{';
  let first = true;
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue;
    if (!first) out += ',';
    first = false;
    out += `${JSON.stringify(k)}:${canonicalJson(v)}`;
  }
  return `${out}}`;
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
