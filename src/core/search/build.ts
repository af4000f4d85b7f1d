// Builds the compact index (compact.ts) straight from the documents, without
// lunr.Builder. lunr.Builder was the slow part of a rebuild (about 3 minutes
// at 100k records: it keeps an object per term per field per document, then
// a field vector per field per document); what the engine needs of it is only
// lunr's analysis and lunr's weights, and both are reproduced here exactly:
//
// - analysis: lunr.tokenizer's split (lower-cased, on lunr.tokenizer.separator),
//   then the same pipeline the lunr builder runs (pipeline.ts: our trimmer,
//   lunr.stopWordFilter, lunr.stemmer). The pipeline runs once per distinct
//   token (memoised), not once per occurrence.
// - weights: lunr.Builder#createFieldVectors' BM25 (k1 1.2, b 0.75, lunr.idf,
//   where a term's document frequency counts every field it occurs in, the
//   average length of each field over all documents, the field boost), each
//   field's weight rounded to 3 decimals as lunr rounds it, then summed over
//   the fields and rounded again as compactFromLunr does.
//
// tests/search/build.test.ts checks that the result equals compactFromLunr of
// lunr.Builder's index, term for term and weight for weight.
import lunr from 'lunr';
import { putVarint, ranksOf, refsFingerprint, type CompactIndex } from './compact.ts';
import { FIELDS } from './documents.ts';
import { analyseToken } from './pipeline.ts';

const K1 = 1.2;
const NO_DAY = 0xffffffff;
const EMPTY = -2;
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/** SEPARATOR[code] = 1 for every UTF-16 code unit lunr.tokenizer.separator matches (whitespace and hyphen). */
const SEPARATOR: Uint8Array = (() => {
  const table = new Uint8Array(65536);
  const sep = new RegExp(`^(?:${lunr.tokenizer.separator.source})$`);
  for (let c = 0; c < 65536; c++) if (sep.test(String.fromCharCode(c))) table[c] = 1;
  return table;
})();
const B = 0.75;
const FIELD_COUNT = FIELDS.length;
const BOOSTS = FIELDS.map((f) => f.boost);
/** Sets of fields, a bit per field. */
const FIELD_SETS = 1 << FIELD_COUNT;
/** The boosts' sum of each set of fields. */
const SET_BOOST = Array.from({ length: FIELD_SETS }, (_, set) => BOOSTS.reduce((sum, b, f) => (set & (1 << f) ? sum + b : sum), 0));

/** What ranks a document needs besides its text. */
export interface DocMeta {
  ref: string;
  /** The record's id (a passage's source id). */
  recordId: string;
  /** Passage number, 0 for a record's own document. */
  passage: number;
  /** First day the record's date can mean, YYYY-MM-DD, or null when undated. */
  day: string | null;
}

const CHUNK_BITS = 20;
const CHUNK = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK - 1;

/**
 * A growable array of uint32 in fixed chunks of 4 MB: growing never copies
 * and never holds twice the room (a doubling array at 1M records held up to
 * 2x the ~110M (term, tf) pairs, 3x while copying), and finish() can let the
 * chunks go one by one once they are read.
 */
class Chunked {
  chunks: Array<Uint32Array | undefined> = [];
  length = 0;
  private last: Uint32Array = new Uint32Array(0);
  private at = 0;
  push(v: number): void {
    if (this.at === this.last.length) {
      if (this.chunks.length <= 1 && this.last.length < CHUNK) {
        // A small build stays small: the first chunk doubles (a copy of at most 2 MB) up to the chunk size.
        const first = new Uint32Array(Math.max(1024, this.last.length * 2));
        first.set(this.last);
        this.last = first;
        this.chunks[0] = first;
      } else {
        this.last = new Uint32Array(CHUNK);
        this.chunks.push(this.last);
        this.at = 0;
      }
    }
    this.last[this.at++] = v;
    this.length++;
  }
  get(i: number): number {
    return this.chunks[i >>> CHUNK_BITS]![i & CHUNK_MASK]!;
  }
}

/** Bytes of v as a varint (VarintWriter's encoding). */
function varintSize(v: number): number {
  return v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5;
}

/**
 * Feed documents in ordinal order with add(), then finish(). Memory is a few
 * typed arrays proportional to the number of (term, field, document) triples.
 */
export class CompactBuilder {
  /** Lower-cased token as split -> term number (first-seen numbering), or -1 when the pipeline drops it. */
  private readonly memo = new Map<string, number>();
  private readonly stemNo = new Map<string, number>();
  private readonly termStr: string[] = [];
  /** Per term: in how many (field, document) pairs it occurs: lunr.idf's count. */
  private fieldDf = new Uint32Array(1024);
  /** Per term: in how many documents it occurs: the length of its posting list. */
  private docDf = new Uint32Array(1024);
  private lastDoc = new Int32Array(1024).fill(-1);
  private tf = new Uint32Array(1024);
  /** Per term: bytes of its posting list's document deltas (known as documents come: see finish). */
  private deltaBytes = new Float64Array(1024);
  /** Per term and set of fields (a bit per field): in how many documents the term is in exactly those fields. */
  private fieldSets = new Uint32Array(1024 * FIELD_SETS);
  /** Per term: the fields it is in within the current document. */
  private docFields = new Uint8Array(1024);
  /** Terms of the current document. */
  private docTerms = new Uint32Array(1024);
  /** (term, tf) of every field of every document, fields in order. */
  private readonly fieldTerms = new Chunked();
  private readonly fieldTfs = new Chunked();
  /** Per (document, field): where its (term, tf) pairs end in fieldTerms. */
  private readonly fieldEnd = new Chunked();
  private readonly fieldLen = new Chunked();
  private readonly totalLen = new Float64Array(FIELD_COUNT);
  /**
   * What ranks need of each document, in columns rather than an object per
   * document (2.9M objects at 1M records): its ref, its record id (the same
   * string as the ref for a record's own document, and as the previous
   * document's for a source's next passages), passage number, first day.
   */
  private readonly refs: string[] = [];
  private readonly recordIds: string[] = [];
  private readonly passages: number[] = [];
  /** Per document: its first day's number in `days` (first-seen numbering), or NO_DAY. */
  private readonly dayNo = new Chunked();
  private readonly days = new Map<string, number>();
  private finished = false;
  private touched = new Uint32Array(1024);
  private slotTerm = new Int32Array(1 << 14).fill(EMPTY);
  private slotHash = new Int32Array(1 << 14);
  private slotKey = new Array<string>(1 << 14);
  private slotsUsed = 0;

  get docCount(): number {
    return this.refs.length;
  }

  private termOf(piece: string): number {
    let id = this.memo.get(piece);
    if (id !== undefined) return id;
    const stem = analyseToken(piece);
    if (stem === null) id = -1;
    else {
      id = this.stemNo.get(stem);
      if (id === undefined) {
        id = this.termStr.length;
        this.termStr.push(stem);
        this.stemNo.set(stem, id);
        if (id >= this.tf.length) this.growTerms();
      }
    }
    this.memo.set(piece, id);
    return id;
  }

  private growTerms(): void {
    const n = this.tf.length * 2;
    const grow32 = (a: Uint32Array<ArrayBuffer>): Uint32Array<ArrayBuffer> => {
      const b = new Uint32Array(n);
      b.set(a);
      return b;
    };
    this.fieldDf = grow32(this.fieldDf);
    this.docDf = grow32(this.docDf);
    this.tf = grow32(this.tf);
    this.touched = grow32(this.touched);
    this.docTerms = grow32(this.docTerms);
    const deltaBytes = new Float64Array(n);
    deltaBytes.set(this.deltaBytes);
    this.deltaBytes = deltaBytes;
    const fieldSets = new Uint32Array(n * FIELD_SETS);
    fieldSets.set(this.fieldSets);
    this.fieldSets = fieldSets;
    const docFields = new Uint8Array(n);
    docFields.set(this.docFields);
    this.docFields = docFields;
    const last = new Int32Array(n).fill(-1);
    last.set(this.lastDoc);
    this.lastDoc = last;
  }

  /**
   * The term number of the token text[start, end), whose lower-cased ASCII
   * characters hash to `h`. Looked up in an open-addressing table keyed by the
   * characters, so the common case allocates no string at all (a substring and
   * a Map lookup per token was most of a rebuild's time).
   */
  private asciiTerm(text: string, start: number, end: number, h: number): number {
    const len = end - start;
    let mask = this.slotTerm.length - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const term = this.slotTerm[i]!;
      if (term === EMPTY) {
        const piece = text.slice(start, end).toLowerCase();
        const id = this.termOf(piece);
        this.slotTerm[i] = id;
        this.slotHash[i] = h;
        this.slotKey[i] = piece;
        if (++this.slotsUsed * 2 > this.slotTerm.length) this.growSlots();
        return id;
      }
      if (this.slotHash[i] === h) {
        const key = this.slotKey[i]!;
        if (key.length === len) {
          let same = true;
          for (let j = 0; j < len; j++) {
            let c = text.charCodeAt(start + j);
            if (c >= 65 && c <= 90) c += 32;
            if (key.charCodeAt(j) !== c) {
              same = false;
              break;
            }
          }
          if (same) return term;
        }
      }
      mask = this.slotTerm.length - 1;
    }
  }

  private growSlots(): void {
    const oldTerm = this.slotTerm;
    const oldHash = this.slotHash;
    const oldKey = this.slotKey;
    const size = oldTerm.length * 2;
    this.slotTerm = new Int32Array(size).fill(EMPTY);
    this.slotHash = new Int32Array(size);
    this.slotKey = new Array<string>(size);
    const mask = size - 1;
    for (let i = 0; i < oldTerm.length; i++) {
      if (oldTerm[i] === EMPTY) continue;
      let j = oldHash[i]! & mask;
      while (this.slotTerm[j] !== EMPTY) j = (j + 1) & mask;
      this.slotTerm[j] = oldTerm[i]!;
      this.slotHash[j] = oldHash[i]!;
      this.slotKey[j] = oldKey[i]!;
    }
  }

  /** One document: its field texts in FIELDS order. */
  add(fields: readonly string[], meta: DocMeta): void {
    if (this.finished) throw new Error('CompactBuilder: add() after finish()');
    const doc = this.refs.length;
    this.refs.push(meta.ref);
    const prevId = doc > 0 ? this.recordIds[doc - 1]! : undefined;
    this.recordIds.push(meta.recordId === meta.ref ? meta.ref : meta.recordId === prevId ? prevId : meta.recordId);
    this.passages.push(meta.passage);
    if (meta.day === null) this.dayNo.push(NO_DAY);
    else {
      let no = this.days.get(meta.day);
      if (no === undefined) {
        no = this.days.size;
        this.days.set(meta.day, no);
      }
      this.dayNo.push(no);
    }
    let nDocTerms = 0;
    for (let f = 0; f < FIELD_COUNT; f++) {
      const text = fields[f] ?? '';
      let len = 0;
      let nTouched = 0;
      // lunr.tokenizer: lower-case, cut at every separator character. A token
      // with only ASCII characters is looked up by its characters; any other
      // is lower-cased as a string (toLowerCase can change its length, and
      // lower-casing a token alone equals lower-casing the whole text and
      // cutting it: no separator takes part in a case mapping).
      const length = text.length;
      let start = 0;
      let h = FNV_OFFSET;
      let ascii = true;
      for (let i = 0; i <= length; i++) {
        const c = i < length ? text.charCodeAt(i) : 32;
        if (SEPARATOR[c] === 0) {
          if (c >= 128) ascii = false;
          h = Math.imul(h ^ (c >= 65 && c <= 90 ? c + 32 : c), FNV_PRIME);
          continue;
        }
        if (i > start) {
          const t = ascii ? this.asciiTerm(text, start, i, h) : this.termOf(text.slice(start, i).toLowerCase());
          if (t >= 0) {
            len++;
            if (this.tf[t] === 0) this.touched[nTouched++] = t;
            this.tf[t]!++;
          }
        }
        start = i + 1;
        h = FNV_OFFSET;
        ascii = true;
      }
      for (let i = 0; i < nTouched; i++) {
        const t = this.touched[i]!;
        this.fieldTerms.push(t);
        this.fieldTfs.push(this.tf[t]!);
        this.tf[t] = 0;
        this.fieldDf[t]!++;
        if (this.lastDoc[t] !== doc) {
          this.deltaBytes[t]! += varintSize(doc - this.lastDoc[t]!);
          this.lastDoc[t] = doc;
          this.docDf[t]!++;
          this.docTerms[nDocTerms++] = t;
          this.docFields[t] = 1 << f;
        } else this.docFields[t]! |= 1 << f;
      }
      this.fieldEnd.push(this.fieldTerms.length);
      this.fieldLen.push(len);
      this.totalLen[f]! += len;
    }
    for (let i = 0; i < nDocTerms; i++) {
      const t = this.docTerms[i]!;
      this.fieldSets[t * FIELD_SETS + this.docFields[t]!]!++;
    }
  }

  /**
   * The index. Postings are written in one pass over the stored (term, tf)
   * pairs, the varints straight into one buffer where each term has room for
   * as many bytes as its list can take (no per-posting arrays, no doubling
   * writer), letting each chunk of pairs go once it is read; then the lists
   * are moved together. (Sizing every list exactly took a pass of its own:
   * 3.3 s of the 12 s this took at 1M records.) The builder is used up: add()
   * and finish() cannot be called again.
   * `sharedRanks`: the ranks in shared memory (a worker's build: the main
   * thread hands them on to the record worker without a copy, unit.ts).
   */
  finish(opts: { sharedRanks?: boolean } = {}): CompactIndex {
    if (this.finished) throw new Error('CompactBuilder: finish() called twice');
    this.finished = true;
    const n = this.refs.length;
    const nTerms = this.termStr.length;
    // Sorted dictionary: sorted position of each first-seen term number.
    const order = Array.from({ length: nTerms }, (_, i) => i).sort((a, b) => {
      const x = this.termStr[a]!;
      const y = this.termStr[b]!;
      return x < y ? -1 : x > y ? 1 : 0;
    });
    const sortedNo = new Uint32Array(nTerms);
    order.forEach((t, pos) => {
      sortedNo[t] = pos;
    });
    const terms = order.map((t) => this.termStr[t]!);

    // lunr.idf, with lunr's documentCount and its per-field document frequency.
    const idf = new Float64Array(nTerms);
    for (let t = 0; t < nTerms; t++) {
      const df = this.fieldDf[t]!;
      const x = (n - df + 0.5) / (df + 0.5);
      idf[t] = Math.log(1 + Math.abs(x));
    }
    // lunr.Builder#calculateAverageFieldLengths: every document has every field (empty counts as length 0).
    const avg = Array.from(this.totalLen, (total) => (n === 0 ? 0 : total / n));

    const counts = new Uint32Array(nTerms);
    for (let pos = 0; pos < nTerms; pos++) counts[pos] = this.docDf[order[pos]!]!;
    // Each term's list gets room for exactly its documents' deltas (counted as they came) and for its weights as
    // large as they can be: a weight (below) is a sum over the fields the term is in of at most
    // idf * (K1 + 1) * boost each, plus roundings; the documents are counted by the set of fields the term is in.
    // One pass over the (term, tf) pairs then writes every list in its room, and the lists are moved together.
    const room = new Float64Array(nTerms + 1);
    for (let pos = 0; pos < nTerms; pos++) {
      const t = order[pos]!;
      let bytes = this.deltaBytes[t]!;
      for (let set = 1; set < FIELD_SETS; set++) {
        const docs = this.fieldSets[t * FIELD_SETS + set]!;
        if (docs > 0) bytes += docs * varintSize(Math.floor(1000 * idf[t]! * (K1 + 1) * SET_BOOST[set]!) + FIELD_COUNT + 2);
      }
      room[pos + 1] = room[pos]! + bytes;
    }
    if (room[nTerms]! >= 2 ** 32) throw new Error(`the postings take up to ${room[nTerms]} bytes: more than the index format's 4 GB offsets`);
    /** Per sorted term: where its next posting goes. */
    const cursor = room.slice(0, nTerms);
    const lastDoc = new Int32Array(nTerms).fill(-1);
    const acc = new Float64Array(nTerms);
    const seen = new Int32Array(nTerms).fill(-1);
    const touched = new Uint32Array(nTerms);
    let postings = new Uint8Array(room[nTerms]!);

    const fieldTerms = this.fieldTerms.chunks;
    const fieldTfs = this.fieldTfs.chunks;
    const fieldEnd = this.fieldEnd;
    const fieldLen = this.fieldLen;
    let ci = 0;
    let cj = 0;
    let termChunk = fieldTerms[0];
    let tfChunk = fieldTfs[0];
    let start = 0;
    for (let d = 0; d < n; d++) {
      let nTouched = 0;
      for (let f = 0; f < FIELD_COUNT; f++) {
        const slot = d * FIELD_COUNT + f;
        const end = fieldEnd.get(slot);
        const fieldLength = fieldLen.get(slot);
        const boost = BOOSTS[f]!;
        for (let k = start; k < end; k++) {
          const t = termChunk![cj]!;
          const tf = tfChunk![cj]!;
          if (++cj === CHUNK) {
            // Read for the last time: let it go.
            fieldTerms[ci] = undefined;
            fieldTfs[ci] = undefined;
            ci++;
            cj = 0;
            termChunk = fieldTerms[ci];
            tfChunk = fieldTfs[ci];
          }
          // Exactly lunr.Builder#createFieldVectors, operation for operation (the rounding must agree).
          let score = (idf[t]! * ((K1 + 1) * tf)) / (K1 * (1 - B + B * (fieldLength / avg[f]!)) + tf);
          score *= boost;
          const rounded = Math.round(score * 1000) / 1000;
          if (seen[t] !== d) {
            seen[t] = d;
            acc[t] = 0;
            touched[nTouched++] = t;
          }
          acc[t] = acc[t]! + rounded;
        }
        start = end;
      }
      for (let i = 0; i < nTouched; i++) {
        const t = touched[i]!;
        const pos = sortedNo[t]!;
        // Weights in thousandths: lunr's per-field weights have 3 decimals, so their sum is whole thousandths.
        const milli = Math.round(acc[t]! * 1000) >>> 0;
        const delta = d - lastDoc[pos]!;
        lastDoc[pos] = d;
        cursor[pos] = putVarint(postings, putVarint(postings, cursor[pos]!, delta), milli);
      }
    }
    // The lists, moved together in term order (each only ever moves down). A list past its room would have
    // written into the next one's: checked, though the room is an upper bound by construction.
    const offsets = new Uint32Array(nTerms + 1);
    let packed = 0;
    for (let pos = 0; pos < nTerms; pos++) {
      if (cursor[pos]! > room[pos + 1]!) throw new Error(`the postings of term ${terms[pos]} outgrew the room made for them`);
      const from = room[pos]!;
      const bytes = cursor[pos]! - from;
      if (from !== packed) postings.copyWithin(packed, from, from + bytes);
      packed += bytes;
      offsets[pos + 1] = packed;
    }
    postings = postings.subarray(0, packed);
    this.fieldTerms.chunks = [];
    this.fieldTfs.chunks = [];
    this.fieldEnd.chunks = [];
    this.fieldLen.chunks = [];

    const ranks = (): Uint32Array => (opts.sharedRanks === true ? new Uint32Array(new SharedArrayBuffer(n * 4)) : new Uint32Array(n));
    const refs = this.refs;
    const refRank = ranksOf(
      n,
      (a, b) => {
        const x = refs[a]!;
        const y = refs[b]!;
        return x < y ? -1 : x > y ? 1 : 0;
      },
      ranks(),
    );
    // Days numbered in sorted order, so comparing numbers compares the days' text.
    const dayList = [...this.days.keys()].sort();
    const dayRankOf = new Uint32Array(dayList.length);
    dayList.forEach((day, i) => {
      dayRankOf[this.days.get(day)!] = i;
    });
    const dayKey = new Uint32Array(n);
    const passageOf = this.passages;
    for (let i = 0; i < n; i++) {
      const no = this.dayNo.get(i);
      dayKey[i] = no === NO_DAY ? NO_DAY : dayRankOf[no]!;
    }
    const recordIds = this.recordIds;
    const dateRank = ranksOf(
      n,
      (a, b) => {
        const x = dayKey[a]!;
        const y = dayKey[b]!;
        if (x !== y) return x < y ? -1 : 1;
        const p = recordIds[a]!;
        const q = recordIds[b]!;
        if (p !== q) return p < q ? -1 : 1;
        return passageOf[a]! - passageOf[b]!;
      },
      ranks(),
    );
    return {
      docCount: n,
      terms,
      counts,
      offsets,
      postings,
      refRank,
      dateRank,
      refsHash: refsFingerprint(
        n,
        (i) => recordIds[i]!,
        (i) => passageOf[i]!,
      ),
    };
  }
}

/** Date order: first day ascending, undated last, then record id, then passage (the record before its passages). */
export function compareMetaByDate(a: DocMeta, b: DocMeta): number {
  if (a.day !== b.day) {
    if (a.day === null) return 1;
    if (b.day === null) return -1;
    return a.day < b.day ? -1 : 1;
  }
  if (a.recordId !== b.recordId) return a.recordId < b.recordId ? -1 : 1;
  return a.passage - b.passage;
}
