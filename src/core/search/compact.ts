// The query-time form of the index: lunr's BM25 weights (see build.ts, which
// computes them exactly as lunr.Builder does) compiled into a few flat typed
// arrays. Per term, the documents that contain it and the term's weight in
// each, summed over the fields:
//
//   terms[t]                                   sorted term dictionary (UTF-16 order, as lunr sorts)
//   counts[t]                                  how many documents contain term t
//   postings[offsets[t] .. offsets[t+1])       term t's postings: per document, two
//                                              LEB128 varints, the gap from the previous
//                                              document (the first from -1) and the weight
//                                              in thousandths
//
// lunr rounds every field weight to 3 decimals, so a weight summed over the
// fields is a whole number of thousandths: stored as that integer it is
// exact, and small. Varints make the postings about 2.5x smaller than a
// Uint32 document and a Float32 weight each; on this machine fresh memory
// costs ~6 ms per MB to touch, so the size of the index is most of its load
// time, and walking varints costs a query little.
//
// Plus two permutations of the documents, computed when the index is built so
// loading never sorts: their order by ref (ties in relevance) and by date.
// Typed arrays live outside the JS heap, are saved and loaded as raw bytes
// (saved.ts) and move from the build worker without a copy.
import lunr from 'lunr';
import { internals } from './lunr-internals.ts';

export interface CompactIndex {
  /** Number of documents (records and source passages). */
  docCount: number;
  /** Every index term (stemmed), sorted as lunr sorts them (UTF-16 order), each once. */
  terms: string[];
  /** Per term: the number of documents containing it. */
  counts: Uint32Array;
  /** terms.length + 1 entries: term t's postings are the bytes [offsets[t], offsets[t+1]). */
  offsets: Uint32Array;
  /** Varint pairs (document gap, weight in thousandths) of all terms. */
  postings: Uint8Array;
  /** refRank[ord] = position of the document's ref in sorted (UTF-16) ref order. */
  refRank: Uint32Array;
  /** dateRank[ord] = position of the document in date order (see build.ts compareMetaByDate). */
  dateRank: Uint32Array;
  /** Fingerprint of the refs in ordinal order: a saved index is only used for the documents it was built from. */
  refsHash: string;
}

/** Writes v as a LEB128 varint at bytes[at]; returns where the next byte goes. */
export function putVarint(bytes: Uint8Array, at: number, v: number): number {
  while (v >= 128) {
    bytes[at++] = (v & 127) | 128;
    v >>>= 7;
  }
  bytes[at++] = v;
  return at;
}

/** Appends LEB128 varints to a growing byte buffer. */
export class VarintWriter {
  bytes = new Uint8Array(1 << 16);
  length = 0;

  push(v: number): void {
    if (this.length + 5 > this.bytes.length) {
      const next = new Uint8Array(this.bytes.length * 2);
      next.set(this.bytes.subarray(0, this.length));
      this.bytes = next;
    }
    this.length = putVarint(this.bytes, this.length, v);
  }

  /** The bytes written, trimmed to their length (a copy, so the spare capacity is freed). */
  take(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

/**
 * Calls visit(doc, weight) for every posting of term t, in document order.
 * The engine inlines the same loop where it matters; this is for the rest.
 */
export function forEachPosting(c: CompactIndex, t: number, visit: (doc: number, weight: number) => void): void {
  const bytes = c.postings;
  let p = c.offsets[t]!;
  const end = c.offsets[t + 1]!;
  let doc = -1;
  while (p < end) {
    let v = bytes[p++]!;
    if (v >= 128) {
      v &= 127;
      let shift = 7;
      let b: number;
      do {
        b = bytes[p++]!;
        v |= (b & 127) << shift;
        shift += 7;
      } while (b >= 128);
    }
    doc += v;
    let w = bytes[p++]!;
    if (w >= 128) {
      w &= 127;
      let shift = 7;
      let b: number;
      do {
        b = bytes[p++]!;
        w |= (b & 127) << shift;
        shift += 7;
      } while (b >= 128);
    }
    visit(doc, w / 1000);
  }
}

/** Term t's postings as [doc, weight] pairs. */
export function postingsOf(c: CompactIndex, t: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  forEachPosting(c, t, (d, w) => out.push([d, w]));
  return out;
}

/** Encodes per-term posting lists (docs ascending, weights in thousandths). */
export function encodePostings(lists: ReadonlyArray<{ docs: ArrayLike<number>; milli: ArrayLike<number> }>): {
  counts: Uint32Array;
  offsets: Uint32Array;
  postings: Uint8Array;
} {
  const out = new VarintWriter();
  const counts = new Uint32Array(lists.length);
  const offsets = new Uint32Array(lists.length + 1);
  lists.forEach((l, t) => {
    offsets[t] = out.length;
    counts[t] = l.docs.length;
    let prev = -1;
    for (let i = 0; i < l.docs.length; i++) {
      out.push(l.docs[i]! - prev);
      out.push(l.milli[i]!);
      prev = l.docs[i]!;
    }
  });
  offsets[lists.length] = out.length;
  return { counts, offsets, postings: out.take() };
}

function compareUtf16(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The term number of `term`, or -1: a binary search of the sorted dictionary. */
export function termId(c: Pick<CompactIndex, 'terms'>, term: string): number {
  const terms = c.terms;
  let lo = 0;
  let hi = terms.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (terms[mid]! < term) lo = mid + 1;
    else hi = mid;
  }
  return lo < terms.length && terms[lo] === term ? lo : -1;
}

/** The terms as one UTF-8 blob, '\n' between them (a term never holds whitespace: the tokenizer cut there). */
export function encodeTerms(terms: readonly string[]): Uint8Array {
  return new TextEncoder().encode(terms.join('\n'));
}

/** The inverse of encodeTerms; throws on bytes that are not UTF-8. */
export function decodeTerms(blob: Uint8Array, count: number): string[] {
  if (count === 0) return [];
  return new TextDecoder('utf-8', { fatal: true }).decode(blob).split('\n');
}

/** How many documents contain term t. */
export function docFrequency(c: CompactIndex, t: number): number {
  return c.counts[t]!;
}

/**
 * FNV-1a-like hash (two 32-bit lanes) of the refs in ordinal order, each ref
 * given as its record id and passage number (0: the record itself; the ref is
 * then the id, else `<id>#<n>`), hashed as the ref's characters without
 * building the string. Not cryptographic: it only notices a saved index that
 * was built for other documents (the data hash is the real check).
 */
export function refsFingerprint(count: number, idAt: (i: number) => string, passageAt: (i: number) => number): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x5bd1e995;
  // (Mixing inlined: this runs over every character of every ref at each load.)
  for (let i = 0; i < count; i++) {
    const id = idAt(i);
    const n = passageAt(i);
    const tail = n === 0 ? '\n' : `#${n}\n`;
    for (let j = 0; j < id.length; j++) {
      const c = id.charCodeAt(j);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x01000193) ^ (h2 >>> 13);
    }
    for (let j = 0; j < tail.length; j++) {
      const c = tail.charCodeAt(j);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x01000193) ^ (h2 >>> 13);
    }
  }
  return `${count}:${(h1 >>> 0).toString(16).padStart(8, '0')}${(h2 >>> 0).toString(16).padStart(8, '0')}`;
}

/** Positions of the items in sorted order: rank[i] = where item i lands. */
export function ranksOf(count: number, compare: (a: number, b: number) => number, rank: Uint32Array = new Uint32Array(count)): Uint32Array {
  const order = Array.from({ length: count }, (_, i) => i).sort(compare);
  for (let p = 0; p < count; p++) rank[order[p]!] = p;
  return rank;
}

/**
 * The compact form of an index lunr.Builder built. Kept as the reference the
 * fast builder (build.ts) is tested against: both must give the same terms,
 * postings and weights. `refs` gives the ordinal of every document; the ranks
 * are passed in (they do not depend on lunr).
 */
export function compactFromLunr(index: lunr.Index, refs: string[], ranks: { refRank: Uint32Array; dateRank: Uint32Array }): CompactIndex {
  const ix = internals(index);
  const terms = Object.keys(ix.invertedIndex).sort(compareUtf16);
  // lunr numbers terms in the order it met them; ours are the sorted positions.
  const termNoOfIndex = new Int32Array(terms.length);
  terms.forEach((t, i) => {
    termNoOfIndex[ix.invertedIndex[t]!._index] = i;
  });
  // Walking documents in ordinal order fills every posting list already sorted.
  const lists: number[][] = terms.map(() => []);
  const sum = new Map<number, number>();
  for (let ord = 0; ord < refs.length; ord++) {
    sum.clear();
    for (const field of ix.fields) {
      const vector = ix.fieldVectors[`${field}/${refs[ord]}`];
      if (vector === undefined) throw new Error(`lunr index has no document ${refs[ord]}`);
      const el = vector.elements;
      for (let i = 0; i < el.length; i += 2) sum.set(el[i]!, (sum.get(el[i]!) ?? 0) + el[i + 1]!);
    }
    for (const [termIndex, w] of sum) lists[termNoOfIndex[termIndex]!]!.push(ord, Math.round(w * 1000) / 1000);
  }
  const encoded = encodePostings(
    lists.map((l) => ({
      docs: Array.from({ length: l.length / 2 }, (_, i) => l[2 * i]!),
      milli: Array.from({ length: l.length / 2 }, (_, i) => Math.round(l[2 * i + 1]! * 1000)),
    })),
  );
  return {
    docCount: refs.length,
    terms,
    ...encoded,
    refRank: ranks.refRank,
    dateRank: ranks.dateRank,
    refsHash: refsFingerprint(
      refs.length,
      (i) => refs[i]!,
      () => 0,
    ),
  };
}

type Check = { ok: true } | { ok: false; detail: string };
const OK: Check = { ok: true };

/** What costs nothing to check: the lengths of the arrays and the ends of the offsets. */
export function checkCompactShape(c: CompactIndex): Check {
  const { terms, offsets, counts, postings, docCount } = c;
  if (offsets.length !== terms.length + 1 || counts.length !== terms.length) return { ok: false, detail: 'offsets or counts do not match terms' };
  if (offsets[0] !== 0 || offsets[terms.length] !== postings.length) return { ok: false, detail: 'offsets do not cover the postings' };
  for (const [name, rank] of [
    ['refRank', c.refRank],
    ['dateRank', c.dateRank],
  ] as const) {
    if (rank.length !== docCount) return { ok: false, detail: `${name} has ${rank.length} entries for ${docCount} documents` };
  }
  return OK;
}

/** Terms t0 .. t1 - 1: offsets in order, postings well-formed, ascending and in range, as many as counted. */
function checkTerms(c: CompactIndex, t0: number, t1: number): Check {
  const { terms, offsets, counts, postings, docCount } = c;
  for (let t = Math.max(1, t0); t < t1; t++) {
    if (!(terms[t - 1]! < terms[t]!)) return { ok: false, detail: 'terms are not sorted' };
  }
  for (let t = t0; t < t1; t++) {
    let p = offsets[t]!;
    const end = offsets[t + 1]!;
    if (end < p || end > postings.length) return { ok: false, detail: `offsets of "${terms[t]}" are malformed` };
    let doc = -1;
    let n = 0;
    while (p < end) {
      // Two varints of at most 4 bytes each (28 bits), both inside this term's bytes.
      for (let part = 0; part < 2; part++) {
        let v = 0;
        let shift = 0;
        let b: number;
        do {
          if (p >= end || shift > 21) return { ok: false, detail: `postings of "${terms[t]}" are malformed` };
          b = postings[p++]!;
          v |= (b & 127) << shift;
          shift += 7;
        } while (b >= 128);
        if (part === 0) {
          if (v < 1) return { ok: false, detail: `postings of "${terms[t]}" are not ascending` };
          doc += v;
          if (doc >= docCount) return { ok: false, detail: `postings of "${terms[t]}" point past the last document` };
        }
      }
      n++;
    }
    if (n !== counts[t]) return { ok: false, detail: `"${terms[t]}" has ${n} postings, its count says ${counts[t]}` };
  }
  return OK;
}

/** Entries i0 .. i1 - 1 of a rank: in range and not seen before (`seen` is shared across the calls for one rank). */
function checkRank(name: string, rank: Uint32Array, seen: Uint8Array, i0: number, i1: number): Check {
  const n = seen.length;
  for (let i = i0; i < i1; i++) {
    const r = rank[i]!;
    if (r >= n || seen[r] === 1) return { ok: false, detail: `${name} is not a permutation` };
    seen[r] = 1;
  }
  return OK;
}

/**
 * Checks every structural promise the query code relies on, so a damaged or
 * hand-edited file is rejected rather than half-used: offsets rising from 0 to
 * the posting count, each term's documents strictly ascending and in range,
 * weights finite and not negative, the ranks permutations, the terms sorted.
 * Linear in the size of the index (tens of milliseconds at 100k records, about
 * a second at a million: see validateCompactAsync).
 */
export function validateCompact(c: CompactIndex): Check {
  const shape = checkCompactShape(c);
  if (!shape.ok) return shape;
  const terms = checkTerms(c, 0, c.terms.length);
  if (!terms.ok) return terms;
  for (const [name, rank] of [
    ['refRank', c.refRank],
    ['dateRank', c.dateRank],
  ] as const) {
    const r = checkRank(name, rank, new Uint8Array(c.docCount), 0, c.docCount);
    if (!r.ok) return r;
  }
  return OK;
}

/**
 * validateCompact in slices of about `sliceBytes` of postings (and a quarter
 * as many rank entries), letting the event loop in between: for checking an index
 * that is already being served, in the background, without holding up a
 * query for the second the whole walk takes at a million records. Stops early
 * (answering ok) when `stop()` says the index is no longer needed.
 */
export async function validateCompactAsync(c: CompactIndex, opts: { sliceBytes?: number; stop?: () => boolean } = {}): Promise<Check> {
  const slice = Math.max(1, opts.sliceBytes ?? 1 << 20);
  const pause = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
  const shape = checkCompactShape(c);
  if (!shape.ok) return shape;
  const count = c.terms.length;
  for (let t0 = 0; t0 < count; ) {
    // Terms until about `slice` bytes of postings (at least one term).
    let t1 = t0 + 1;
    const limit = c.offsets[t0]! + slice;
    while (t1 < count && c.offsets[t1 + 1]! <= limit) t1++;
    const r = checkTerms(c, t0, t1);
    if (!r.ok) return r;
    t0 = t1;
    await pause();
    if (opts.stop?.() === true) return OK;
  }
  for (const [name, rank] of [
    ['refRank', c.refRank],
    ['dateRank', c.dateRank],
  ] as const) {
    const seen = new Uint8Array(c.docCount);
    // A rank entry costs about what a few bytes of postings do.
    const entries = Math.max(1, slice >>> 2);
    for (let i0 = 0; i0 < c.docCount; i0 += entries) {
      const r = checkRank(name, rank, seen, i0, Math.min(c.docCount, i0 + entries));
      if (!r.ok) return r;
      await pause();
      if (opts.stop?.() === true) return OK;
    }
  }
  return OK;
}
