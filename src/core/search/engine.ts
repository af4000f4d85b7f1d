// The search engine. lunr is the analyser and the weighting: its tokenizer,
// stop words and stemmer (pipeline.ts) and its BM25 field weights with our
// boosts, compiled into flat typed arrays (compact.ts, built by build.ts
// exactly as lunr.Builder would weigh them). Queries run here rather than
// through lunr's Index#search, whose parser throws on ordinary input ("10:30",
// "title:", "bomb~"), or Index#query, which scores every document matching any
// clause before requiring anything (a common word costs as much as the corpus)
// and cannot say "this word, or a prefix or typo of it, is required". A query:
// (1) the structured filters compiled into a verdict per record
// (filter-index.ts); (2) for every word, its postings and those of its
// expansions walked once, counting which documents have it and keeping its
// best weight there; (3) the documents with every word (if none passes the
// filters, with any) and passing kind and filters kept; (4) only the page asked
// for taken out of them with a bounded heap, or, in date order, by the date
// ranks computed at build time, without scoring at all.
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import lunr from 'lunr';
import { matchFilters as referenceMatchFilters, recordSpan } from '../query/filter.ts';
import { SCHEMA_VERSION, type Incident, type Publication, type SourceDocument } from '../records/schema.ts';
import { CompactBuilder } from './build.ts';
import { forEachPosting, type CompactIndex } from './compact.ts';
import { FIELDS, forEachDocument, incidentDoc, passageRef, publicationDoc, sourceDocs } from './documents.ts';
import { expandToken, type Expansion } from './expand.ts';
import { DenseCache, type DenseTerm, type DenseWeights } from './dense.ts';
import { tableIdList } from './id-list.ts';
import { bandCeiling, decodeInto, Matches, TopK, wordPostings } from './postings.ts';
import { popcount, popcount32 } from './bits.ts';
import { FILTER_COLUMNS, FilterIndex, IMPRECISE, IN, kindSetOf, OUT, type FilterBits } from './filter-index.ts';
import { CITES_COLUMN, columnDefs, ColumnsBuilder, KIND_CODE, SOURCE_URL_COLUMN, type RecordColumns } from './columns.ts';
import { countColumns, countColumnsSet, sumCasualtiesColumns, sumCasualtiesSet } from './column-counts.ts';
import { MemoryStore, type RecordStore } from './store.ts';
import type { IdTable } from './ids.ts';
import type { CountKey, CountResult } from '../counts.ts';
import type { CasualtySums } from '../views.ts';
import { configurePipeline, queryTokens } from './pipeline.ts';
import type {
  Archive,
  ArchiveStats,
  Filters,
  Hit,
  ParsedQuery,
  RecordKindFilter,
  RecordSet,
  Searchable,
  SearchOptions,
  SearchResult,
  Selection,
} from './types.ts';

/** Bump when fields, boosts, refs, the pipeline or the saved layout change: a saved index of another version is rebuilt. */
export const INDEX_FORMAT_VERSION = 4;

export interface ArchiveData {
  sources: SourceDocument[];
  incidents: Incident[];
  publications: Publication[];
}

export type MatchFilters = (record: Searchable, filters: Filters) => { match: boolean; imprecise: boolean };

export interface ArchiveOptions {
  /** sha256 of data/ the records came from. */
  dataHash: string;
  matchFilters: MatchFilters;
  builtAt?: string;
}

/** Internal knobs, for tests that compare the scoring with lunr's. */
export interface SearchTuning {
  /** false: every word matches only its own stem (no prefix or typo matches). */
  expand?: boolean;
  /** false: walk every word's postings (the path the one-driver path is tested against). */
  driver?: boolean;
  /** Dense arrays for terms in at least this many documents (default: see dense.ts). */
  denseMinDocs?: number;
}

/** An Archive plus what saving and reloading need. */
export interface SearchArchive extends Archive {
  readonly compact: CompactIndex;
  readonly columns: RecordColumns;
  readonly store: RecordStore;
  readonly dataHash: string;
  readonly builtAt: string;
  /** The build the saved index and record store share ('' for an archive never saved). */
  readonly unitId: string;
  search(query: ParsedQuery, options?: SearchOptions, tuning?: SearchTuning): SearchResult;
  select(query: ParsedQuery, options?: SearchOptions, tuning?: SearchTuning): Selection;
  /**
   * Builds what the first queries would otherwise build (work arrays, filter
   * lists): await it before swapping the archive in. A step at a time with the
   * event loop let in between (each can set off a collection on a thread that
   * is serving).
   */
  warm(): Promise<void>;
}

const ALL_KINDS: readonly RecordKindFilter[] = ['incident', 'publication', 'source'];
const DEFAULT_LIMIT = 10;
/** ParsedQuery caps input length, but a hand-built one may not: more words than this are ignored. */
const MAX_WORDS = 32;

/** Builds the lunr index for the records with lunr.Builder: the reference build.ts is tested against (slow: minutes at 100k records). */
export function buildIndex(data: ArchiveData): lunr.Index {
  const builder = new lunr.Builder();
  configurePipeline(builder);
  builder.ref('ref');
  for (const f of FIELDS) builder.field(f.name, { boost: f.boost });
  for (const r of data.incidents) builder.add(incidentDoc(r));
  for (const r of data.publications) builder.add(publicationDoc(r));
  for (const r of data.sources) for (const d of sourceDocs(r)) builder.add(d);
  return builder.build();
}

/** The compact index of the records, built in this thread (rebuild.ts runs the same in a worker). */
export function buildCompact(data: ArchiveData): CompactIndex {
  const builder = new CompactBuilder();
  forEachDocument(data, (fields, meta) => builder.add(fields, meta));
  return builder.finish();
}

/** The records in the engine's order: incidents, publications, sources. */
export function recordsInOrder(data: ArchiveData): Searchable[] {
  return [...data.incidents, ...data.publications, ...data.sources];
}

/** The columns (columns.ts) of records in memory. */
export function columnsOf(records: Iterable<Searchable>): RecordColumns {
  const b = new ColumnsBuilder(columnDefs(FILTER_COLUMNS));
  for (const r of records) b.add(r);
  return b.finish();
}

/** Builds the index and the archive over it, synchronously, with the records kept in memory. */
export function createArchive(data: ArchiveData, opts: ArchiveOptions): SearchArchive {
  const records = recordsInOrder(data);
  return new LunrArchive(columnsOf(records), new MemoryStore(records), buildCompact(data), opts.dataHash, opts.builtAt ?? new Date().toISOString(), opts.matchFilters, '');
}

export type FromSavedResult = { ok: true; archive: SearchArchive } | { ok: false; reason: 'corrupt'; detail: string };

/**
 * An archive over an index built elsewhere (loaded from disk, see saved.ts, or
 * sent by the build worker), after checking that it holds exactly the
 * documents the records make, in the same order: an index that passed the
 * hash check but disagrees with the data is never served. The records are
 * kept in memory (see archiveFromUnit for records read from disk).
 */
export function archiveFromSaved(
  data: ArchiveData,
  saved: { compact: CompactIndex; dataHash: string; builtAt: string },
  opts: { matchFilters: MatchFilters },
): FromSavedResult {
  const records = recordsInOrder(data);
  return archiveFromUnit(columnsOf(records), new MemoryStore(records), { ...saved, unitId: '' }, opts);
}

/** An archive over columns, a record store and a compact index, after checking that they describe the same documents. */
export function archiveFromUnit(
  columns: RecordColumns,
  store: RecordStore,
  saved: { compact: CompactIndex; dataHash: string; builtAt: string; unitId: string },
  opts: { matchFilters: MatchFilters; prepared?: PreparedLayout },
): FromSavedResult {
  if (store.count !== columns.count) return { ok: false, reason: 'corrupt', detail: `store has ${store.count} records, columns ${columns.count}` };
  const documents = columns.count + columns.passNo.length;
  if (saved.compact.docCount !== documents) {
    return { ok: false, reason: 'corrupt', detail: `index has ${saved.compact.docCount} documents, the records make ${documents}` };
  }
  const layout = opts.prepared !== undefined ? DocLayout.fromPrepared(columns, opts.prepared) : DocLayout.of(columns, saved.compact.dateRank);
  if (layout === null) return { ok: false, reason: 'corrupt', detail: 'the index date order does not fit the records' };
  const fingerprint = opts.prepared !== undefined ? opts.prepared.refsHash : layout.refsFingerprint();
  if (fingerprint !== saved.compact.refsHash) {
    return { ok: false, reason: 'corrupt', detail: `index documents (${saved.compact.refsHash}) are not those of the records (${fingerprint})` };
  }
  return { ok: true, archive: new LunrArchive(columns, store, saved.compact, saved.dataHash, saved.builtAt, opts.matchFilters, saved.unitId, layout) };
}

/**
 * The document layout an archive needs besides the index, as typed arrays
 * only: computed where the unit is built (the build worker) and transferred,
 * so the main thread does not walk millions of documents before a swap.
 */
export interface PreparedLayout {
  docRec: Int32Array;
  docPassage: Int32Array;
  kindCode: Uint8Array;
  dateOrder: Int32Array;
  recordsByDate: Int32Array;
  recordDoc: Int32Array;
  /** refsFingerprint of the documents' refs. */
  refsHash: string;
}

/** The layout of the records' documents with the index's date ranks (null when the numbers of documents differ). */
export function prepareLayout(columns: RecordColumns, dateRank: Uint32Array): PreparedLayout | null {
  const layout = DocLayout.of(columns, dateRank);
  if (layout === null) return null;
  return {
    docRec: layout.docRec,
    docPassage: layout.docPassage,
    kindCode: layout.kindCode,
    dateOrder: layout.dateOrder,
    recordsByDate: layout.recordsByDate,
    recordDoc: layout.recordDoc,
    refsHash: layout.refsFingerprint(),
  };
}

/**
 * The documents the records make, as flat arrays (a few bytes per document
 * rather than an object): for each, its record and passage number. The order
 * is forEachDocument's (documents.ts). With the index's date ranks: the
 * documents in date order, the records' own documents in date order (the
 * answer to a query without words) and each record's own document.
 */
class DocLayout {
  readonly count: number;
  /** Record number of each document. */
  readonly docRec: Int32Array;
  /** Passage number of each document, 0 for a record's own document. */
  readonly docPassage: Int32Array;
  readonly kindCode: Uint8Array;
  /** dateOrder[position] = document at that position in date order (the inverse of compact.dateRank). */
  readonly dateOrder: Int32Array;
  /** Documents of records (no passages) in date order. */
  readonly recordsByDate: Int32Array;
  /** The record's own document, by record number. */
  readonly recordDoc: Int32Array;
  private readonly ids: IdTable;

  private constructor(ids: IdTable, p: Omit<PreparedLayout, 'refsHash'>) {
    this.ids = ids;
    this.count = p.docRec.length;
    this.docRec = p.docRec;
    this.docPassage = p.docPassage;
    this.kindCode = p.kindCode;
    this.dateOrder = p.dateOrder;
    this.recordsByDate = p.recordsByDate;
    this.recordDoc = p.recordDoc;
  }

  static fromPrepared(columns: RecordColumns, p: PreparedLayout): DocLayout | null {
    const n = columns.count;
    const count = p.docRec.length;
    if (count !== n + columns.passNo.length || p.docPassage.length !== count || p.kindCode.length !== count || p.dateOrder.length !== count) return null;
    if (p.recordsByDate.length !== n || p.recordDoc.length !== n) return null;
    return new DocLayout(columns.ids, p);
  }

  static of(columns: RecordColumns, dateRank: Uint32Array): DocLayout | null {
    const n = columns.count;
    const { passStart, passNo, kind } = columns;
    const count = n + passNo.length;
    if (dateRank.length !== count) return null;
    const docRec = new Int32Array(count);
    const docPassage = new Int32Array(count);
    const kindCode = new Uint8Array(count);
    const recordDoc = new Int32Array(n);
    let d = 0;
    for (let i = 0; i < n; i++) {
      recordDoc[i] = d;
      docRec[d] = i;
      kindCode[d] = kind[i]!;
      d++;
      for (let k = passStart[i]!; k < passStart[i + 1]!; k++) {
        docRec[d] = i;
        docPassage[d] = passNo[k]!;
        kindCode[d] = KIND_CODE.source;
        d++;
      }
    }
    const dateOrder = new Int32Array(count);
    for (let j = 0; j < count; j++) {
      const r = dateRank[j]!;
      if (r >= count) return null;
      dateOrder[r] = j;
    }
    const recordsByDate = new Int32Array(n);
    let k = 0;
    for (let p = 0; p < count; p++) {
      const doc = dateOrder[p]!;
      if (docPassage[doc] === 0) {
        if (k === n) return null;
        recordsByDate[k++] = doc;
      }
    }
    if (k !== n) return null;
    return new DocLayout(columns.ids, { docRec, docPassage, kindCode, dateOrder, recordsByDate, recordDoc });
  }

  /** refsFingerprint (compact.ts) of the documents' refs, from the id bytes (no id is decoded when they are ASCII). */
  refsFingerprint(): string {
    const h = { h1: 0x811c9dc5, h2: 0x01000193 ^ 0x5bd1e995 };
    mixRefs(this.ids, this.docRec, this.docPassage, 0, this.count, h);
    return refsHashOf(this.count, h);
  }

  ref(d: number): string {
    const id = this.ids.get(this.docRec[d]!);
    const n = this.docPassage[d]!;
    return n === 0 ? id : passageRef(id, n);
  }
}

/** Mixes the refs of documents d0 .. d1 - 1 into h, as refsFingerprint (compact.ts) does. */
function mixRefs(ids: IdTable, docRec: Int32Array, docPassage: Int32Array, d0: number, d1: number, h: { h1: number; h2: number }): void {
  const mix = (c: number): void => {
    h.h1 = Math.imul(h.h1 ^ c, 0x01000193);
    h.h2 = Math.imul(h.h2 ^ c, 0x01000193) ^ (h.h2 >>> 13);
  };
  for (let d = d0; d < d1; d++) {
    ids.mixInto(docRec[d]!, h);
    const n = docPassage[d]!;
    if (n !== 0) {
      mix(35); // '#'
      const digits = String(n);
      for (let j = 0; j < digits.length; j++) mix(digits.charCodeAt(j));
    }
    mix(10); // '\n'
  }
}

function refsHashOf(count: number, h: { h1: number; h2: number }): string {
  return `${count}:${(h.h1 >>> 0).toString(16).padStart(8, '0')}${(h.h2 >>> 0).toString(16).padStart(8, '0')}`;
}

/**
 * Checks a document layout read from disk (saved.ts) against what it is
 * derived from: the records' columns (each record's own document and its
 * passages, in forEachDocument's order), the index's date ranks (dateOrder
 * their inverse, recordsByDate the records' documents in that order) and the
 * index's refs (their fingerprint). Equivalent to recomputing it with
 * DocLayout.of and comparing, in slices of `slice` documents with the event
 * loop let in between: it runs in the background while the unit is served
 * (holder.ts), and a failure means the unit is rebuilt. Stops early (answering
 * ok) when `stop()` says the archive is no longer needed.
 */
export async function checkLayout(
  columns: RecordColumns,
  compact: Pick<CompactIndex, 'dateRank' | 'refsHash' | 'docCount'>,
  layout: PreparedLayout,
  opts: { slice?: number; stop?: () => boolean } = {},
): Promise<{ ok: true } | { ok: false; detail: string }> {
  const slice = Math.max(1, opts.slice ?? 1 << 16);
  const pause = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
  const bad = (what: string): { ok: false; detail: string } => ({ ok: false, detail: `the saved document layout ${what}` });
  const n = columns.count;
  const { passStart, passNo, kind } = columns;
  const count = n + passNo.length;
  const { docRec, docPassage, kindCode, dateOrder, recordsByDate, recordDoc } = layout;
  if (compact.docCount !== count || docRec.length !== count || docPassage.length !== count || kindCode.length !== count || dateOrder.length !== count) {
    return bad('does not have one entry per document');
  }
  if (recordsByDate.length !== n || recordDoc.length !== n || compact.dateRank.length !== count) return bad('does not have one entry per record');
  let d = 0;
  for (let i0 = 0; i0 < n; i0 += slice) {
    const i1 = Math.min(n, i0 + slice);
    for (let i = i0; i < i1; i++) {
      if (recordDoc[i] !== d || docRec[d] !== i || docPassage[d] !== 0 || kindCode[d] !== kind[i]) return bad(`differs from the records at record ${i}`);
      d++;
      for (let k = passStart[i]!; k < passStart[i + 1]!; k++) {
        if (docRec[d] !== i || docPassage[d] !== passNo[k] || kindCode[d] !== KIND_CODE.source) return bad(`differs from the records at document ${d}`);
        d++;
      }
    }
    if (opts.stop?.() === true) return { ok: true };
    await pause();
  }
  const rank = compact.dateRank;
  for (let j0 = 0; j0 < count; j0 += slice) {
    const j1 = Math.min(count, j0 + slice);
    for (let j = j0; j < j1; j++) if (dateOrder[rank[j]!] !== j) return bad('is not the inverse of the date ranks');
    if (opts.stop?.() === true) return { ok: true };
    await pause();
  }
  let k = 0;
  for (let p0 = 0; p0 < count; p0 += slice) {
    const p1 = Math.min(count, p0 + slice);
    for (let p = p0; p < p1; p++) {
      const doc = dateOrder[p]!;
      if (docPassage[doc] === 0) {
        if (k === n || recordsByDate[k] !== doc) return bad('lists the records in another date order');
        k++;
      }
    }
    if (opts.stop?.() === true) return { ok: true };
    await pause();
  }
  if (k !== n) return bad('lists fewer records by date than there are');
  const h = { h1: 0x811c9dc5, h2: 0x01000193 ^ 0x5bd1e995 };
  for (let d0 = 0; d0 < count; d0 += slice) {
    mixRefs(columns.ids, docRec, docPassage, d0, Math.min(count, d0 + slice), h);
    if (opts.stop?.() === true) return { ok: true };
    await pause();
  }
  const fingerprint = refsHashOf(count, h);
  if (fingerprint !== compact.refsHash) return { ok: false, detail: `index documents (${compact.refsHash}) are not those of the records (${fingerprint})` };
  return { ok: true };
}

type ScratchArrays = Pick<Scratch, 'count' | 'seenBy' | 'best' | 'score' | 'alive' | 'touched' | 'wordTouched'>;

/** Scratch's per-document arrays and how each is made. */
const SCRATCH_ARRAYS: ReadonlyArray<[keyof ScratchArrays, (n: number) => ScratchArrays[keyof ScratchArrays]]> = [
  ['count', (n) => new Uint16Array(n)],
  ['seenBy', (n) => new Int32Array(n)],
  ['best', (n) => new Float64Array(n)],
  ['score', (n) => new Float64Array(n)],
  ['alive', (n) => new Uint8Array(n)],
  ['touched', (n) => new Int32Array(n)],
  ['wordTouched', (n) => new Int32Array(n)],
];

/**
 * Work arrays for one query, one slot per document, kept between queries:
 * allocating and zeroing several arrays of ~300k slots per query would cost
 * more than the query. Each query resets the slots it touched. Safe because
 * search() is synchronous: two queries never interleave.
 */
class Scratch {
  /** How many query words each document contains. */
  readonly count: Uint16Array;
  /** The word number that last saw a document (a word's expansions count once). */
  readonly seenBy: Int32Array;
  /** The current word's best weight in each document it was seen in. */
  readonly best: Float64Array;
  readonly score: Float64Array;
  readonly alive: Uint8Array;
  /** Documents touched by any word, and by the current word. */
  readonly touched: Int32Array;
  readonly wordTouched: Int32Array;
  private wordStamp = 0;

  constructor(arrays: ScratchArrays) {
    this.count = arrays.count;
    this.seenBy = arrays.seenBy;
    this.best = arrays.best;
    this.score = arrays.score;
    this.alive = arrays.alive;
    this.touched = arrays.touched;
    this.wordTouched = arrays.wordTouched;
  }

  static of(n: number): Scratch {
    const arrays: Partial<Record<keyof ScratchArrays, unknown>> = {};
    for (const [name, make] of SCRATCH_ARRAYS) arrays[name] = make(n);
    return new Scratch(arrays as ScratchArrays);
  }

  /**
   * The same, one array per turn of the event loop: at 1M records they are
   * 90 MB, and that much new memory at once set off a full collection on the
   * spot (external memory over V8's hard limit), 110-160 ms measured while
   * warming a rebuilt archive; an array at a time lets it collect as it goes.
   */
  static async ofInTurns(n: number): Promise<Scratch> {
    const arrays: Partial<Record<keyof ScratchArrays, unknown>> = {};
    for (const [name, make] of SCRATCH_ARRAYS) {
      arrays[name] = make(n);
      await yieldToLoop();
    }
    return new Scratch(arrays as ScratchArrays);
  }

  /**
   * Work arrays of a query's own size, kept between queries by name and
   * grown when a query needs more: memory fresh from the system costs a page
   * fault per 4 KB on first touch, which for a few megabytes per query was
   * more than the query itself. Contents are whatever the last query left.
   */
  private readonly pool = new Map<string, Int32Array | Float64Array | Uint32Array>();

  private pooled<T extends Int32Array | Float64Array | Uint32Array>(name: string, n: number, make: (n: number) => T): T {
    let a = this.pool.get(name) as T | undefined;
    if (a === undefined || a.length < n) {
      a = make(Math.max(n, Math.ceil((a?.length ?? 0) * 1.5), 1024));
      this.pool.set(name, a);
    }
    return a.subarray(0, n) as T;
  }

  i32(name: string, n: number): Int32Array {
    return this.pooled(name, n, (k) => new Int32Array(k));
  }

  f64(name: string, n: number): Float64Array {
    return this.pooled(name, n, (k) => new Float64Array(k));
  }

  u32(name: string, n: number): Uint32Array {
    return this.pooled(name, n, (k) => new Uint32Array(k));
  }

  /** A fresh number for a query word; the marks are wiped before the counter could wrap. */
  nextWord(): number {
    if (this.wordStamp >= 0x7ffffff0) {
      this.seenBy.fill(0);
      this.wordStamp = 0;
    }
    return ++this.wordStamp;
  }
}

class LunrArchive implements SearchArchive {
  readonly compact: CompactIndex;
  readonly columns: RecordColumns;
  readonly store: RecordStore;
  readonly dataHash: string;
  readonly builtAt: string;
  readonly unitId: string;
  private readonly matchFilters: MatchFilters;
  private readonly layout: DocLayout;
  /** dateOrder[position] = document at that position in date order (the inverse of compact.dateRank). */
  private readonly dateOrder: Int32Array;
  /** Documents of records (no passages) in date order: the answer to a query without words. */
  private readonly recordsByDate: Int32Array;
  private scratchCache: Scratch | undefined;
  private filterIndexCache: FilterIndex | undefined;
  /** Reference path only: verdicts judged so far in this query, by record number. */
  private verdictCache: Uint8Array | undefined;
  /** Queries without words: record numbers in date order and records per kind mask (built on first use). */
  private byDateCache: Int32Array | undefined;
  private readonly kindSets = new Map<number, { bits: Uint32Array; count: number }>();
  private vocab: ReturnType<Archive['vocabulary']> | undefined;
  /** Dense arrays of common terms (dense.ts), by the minimum document count asked for (tests vary it). */
  private readonly denseCaches = new Map<number, DenseCache>();
  /** Top lists of common terms (TermTop), least recently used first. */
  private readonly termTops = new Map<number, TermTop>();
  /** Bitsets of the documents of each combination of kinds asked for. */
  private readonly docKindBitsCache = new Map<number, Uint32Array>();

  constructor(
    columns: RecordColumns,
    store: RecordStore,
    compact: CompactIndex,
    dataHash: string,
    builtAt: string,
    matchFilters: MatchFilters,
    unitId: string,
    layout?: DocLayout,
  ) {
    this.columns = columns;
    this.store = store;
    this.compact = compact;
    this.dataHash = dataHash;
    this.builtAt = builtAt;
    this.unitId = unitId;
    this.matchFilters = matchFilters;
    const l = layout ?? DocLayout.of(columns, compact.dateRank);
    if (l === null) throw new Error('the index and the records disagree on the number of documents');
    this.layout = l;
    this.dateOrder = l.dateOrder;
    this.recordsByDate = l.recordsByDate;
  }

  private get scratch(): Scratch {
    this.scratchCache ??= Scratch.of(this.layout.count);
    return this.scratchCache;
  }

  /** Verdicts from the filter columns for the real filters; built on the first filtered query. */
  private get filterIndex(): FilterIndex | undefined {
    if (this.matchFilters !== referenceMatchFilters) return undefined;
    this.filterIndexCache ??= new FilterIndex(this.columns, (r) => this.store.get(r));
    return this.filterIndexCache;
  }

  /** Builds what the first queries would otherwise build (work arrays, filter lists), e.g. right after a swap. */
  async warm(): Promise<void> {
    if (this.scratchCache === undefined) {
      const scratch = await Scratch.ofInTurns(this.layout.count);
      // (A query in between made its own: it is kept.)
      this.scratchCache ??= scratch;
    }
    await yieldToLoop();
    void this.filterIndex;
    await yieldToLoop();
    void this.columns.sortedIds;
  }

  get count(): number {
    return this.columns.count;
  }

  record(r: number): Searchable {
    return this.store.get(r);
  }

  recordId(r: number): string {
    return this.columns.ids.get(r);
  }

  recordKind(r: number): Searchable['kind'] {
    return this.columns.kindOf(r);
  }

  ordinalOf(id: string): number {
    return this.columns.ordinalOf(id);
  }

  fingerprint(r: number): string {
    return this.store.fingerprint(r);
  }

  sourceUrl(id: string): string | undefined {
    const r = this.columns.ordinalOf(id);
    if (r < 0) return undefined;
    const col = this.columns.column(SOURCE_URL_COLUMN);
    const code = col.codes !== null ? col.codes[r]! : 0;
    return code === 0 ? undefined : col.values[code - 1];
  }

  span(r: number): { from: string; to: string; exactDay: boolean } | undefined {
    const from = this.columns.spanFrom[r]!;
    const to = this.columns.spanTo[r]!;
    // -2: a date that is not plain days; the record itself decides.
    if (from === -2 || to === -2) return recordSpan(this.store.get(r));
    if (from < 0) return undefined;
    return { from: isoDay(from), to: isoDay(to), exactDay: this.columns.exact[r] === 1 };
  }

  get(id: string): Searchable | undefined {
    const r = this.columns.ordinalOf(id);
    return r < 0 ? undefined : this.store.get(r);
  }

  countBy(ordinals: ArrayLike<number>, by: CountKey): CountResult {
    return countColumns(this.columns, ordinals, by);
  }

  sumCasualties(ordinals: ArrayLike<number>): CasualtySums {
    return sumCasualtiesColumns(this.columns, ordinals);
  }

  stats(): ArchiveStats {
    const { counts, lastDataChange } = this.columns.meta;
    return {
      incidents: counts.incidents,
      publications: counts.publications,
      sources: counts.sources,
      passages: counts.passages,
      dataHash: this.dataHash,
      lastDataChange,
      indexVersion: `lunr ${lunr.version} / schema ${SCHEMA_VERSION} / index ${INDEX_FORMAT_VERSION}`,
      builtAt: this.builtAt,
    };
  }

  vocabulary(): ReturnType<Archive['vocabulary']> {
    this.vocab ??= this.computeVocabulary();
    return this.vocab;
  }

  private computeVocabulary(): ReturnType<Archive['vocabulary']> {
    // Distinct ignoring case; the first spelling seen is kept (column values are in first-seen order).
    const collect = (values: Iterable<string | undefined>): string[] => {
      const seen = new Map<string, string>();
      for (const v of values) if (v !== undefined && !seen.has(v.toLowerCase())) seen.set(v.toLowerCase(), v);
      return [...seen.values()].sort((a, b) => a.localeCompare(b, 'en'));
    };
    const values = (name: string): string[] => this.columns.column(`filter:${name}`).values;
    const ids = this.columns.ids;
    return {
      places: collect(values('place')),
      countries: collect(values('country')),
      outlets: collect(values('outlet')),
      media: collect(values('medium')),
      types: collect(values('type')),
      ids: tableIdList(ids, this.columns.sortedIds, (id) => this.columns.ordinalOf(id)),
    };
  }

  citing(sourceIds: readonly string[]): string[] {
    const wanted = new Set(sourceIds);
    const col = this.columns.column(CITES_COLUMN);
    const found = col.recordsTaking(col.accepting((id) => wanted.has(id)));
    // In date order: the records' own documents' date ranks.
    const rank = this.compact.dateRank;
    const doc = this.layout.recordDoc;
    found.sort((a, b) => rank[doc[a]!]! - rank[doc[b]!]!);
    return found.map((r) => this.columns.ids.get(r));
  }

  sourcesWithUrl(accepts: (url: string) => boolean): string[] {
    const col = this.columns.column(SOURCE_URL_COLUMN);
    return col.recordsTaking(col.accepting(accepts)).map((r) => this.columns.ids.get(r));
  }

  /**
   * verdict(record number): OUT, IN or IMPRECISE. Compiled from the filter
   * columns when the archive uses the real filters; otherwise (tests inject
   * stand-ins) the injected function is asked once per record, lazily.
   */
  private compileFilters(filters: Filters): { verdict: (rec: number) => number; done: () => void; bits?: FilterBits } | null {
    if (!hasFilters(filters)) return null;
    const fi = this.filterIndex;
    if (fi !== undefined) {
      const bits = fi.select(filters);
      const { pass, imprecise } = bits;
      const verdict =
        imprecise === null
          ? (rec: number): number => ((pass[rec >>> 5]! >>> (rec & 31)) & 1) * IN
          : (rec: number): number =>
              ((pass[rec >>> 5]! >>> (rec & 31)) & 1) === 0 ? OUT : ((imprecise[rec >>> 5]! >>> (rec & 31)) & 1) === 1 ? IMPRECISE : IN;
      return { verdict, done: () => undefined, bits };
    }
    this.verdictCache ??= new Uint8Array(this.columns.count);
    const cache = this.verdictCache;
    const judged: number[] = [];
    return {
      verdict: (rec) => {
        let v = cache[rec]!;
        if (v === 0) {
          const r = this.matchFilters(this.store.get(rec), filters);
          v = !r.match ? 1 : r.imprecise ? IMPRECISE : IN;
          cache[rec] = v;
          judged.push(rec);
        }
        return v === 1 ? OUT : v;
      },
      done: () => {
        for (const rec of judged) cache[rec] = 0;
      },
    };
  }

  /**
   * A query without words: the records passing kind and filters in date order.
   * With the filters as bitsets (filter-index.ts) the total is a count of bits
   * and the page is found by walking the date order only until it is full (or,
   * when few records pass, by sorting just their date ranks); without filters
   * the total is the kind's count. Only a selection of everything (limit
   * Infinity) walks every record.
   */
  private withoutWords(
    kindMask: number,
    compiled: { verdict: (rec: number) => number; bits?: FilterBits } | null,
    offset: number,
    limit: number,
    notes: string[],
    recordsOnly: boolean,
    verdictOf: (d: number) => number,
  ): Run {
    const empty = (total: number): Run => ({ docs: new Int32Array(0), scores: new Float64Array(0), imprecise: new Uint8Array(0), total, mode: 'none', notes, recordDocs: true, records: new Int32Array(0) });
    const { recordDoc, docRec } = this.layout;
    if (compiled !== null && compiled.bits === undefined) {
      // Filters asked record by record (a stand-in matchFilters): test every record in date order.
      const all = this.recordsByDate;
      const matched = new Int32Array(all.length);
      let m = 0;
      for (let j = 0; j < all.length; j++) {
        const d = all[j]!;
        if (verdictOf(d) !== OUT) matched[m++] = d;
      }
      const docs = matched.slice(Math.min(offset, m), limit === Infinity ? m : Math.min(m, offset + limit));
      const imprecise = new Uint8Array(docs.length);
      const records = new Int32Array(docs.length);
      for (let j = 0; j < docs.length; j++) {
        imprecise[j] = verdictOf(docs[j]!) === IMPRECISE ? 1 : 0;
        records[j] = docRec[docs[j]!]!;
      }
      return { docs, scores: new Float64Array(docs.length), imprecise, total: m, mode: 'none', notes, recordDocs: true, records };
    }
    const bits = compiled?.bits;
    const kinds = this.kindBits(kindMask);
    // The records passing kind and filters, and how many: the kind's own set when there are no filters (read-only).
    let sel = kinds.bits;
    let total = kinds.count;
    if (bits !== undefined) {
      const pass = bits.pass;
      sel = new Uint32Array(pass.length);
      total = 0;
      for (let i = 0; i < pass.length; i++) {
        const x = pass[i]! & kinds.bits[i]!;
        sel[i] = x;
        if (x !== 0) total += popcount32(x);
      }
    }
    const impr = bits?.imprecise ?? null;
    if (recordsOnly && offset === 0 && limit === Infinity) {
      // A selection of everything that matches: the set, with the records in date order made only if asked for.
      let imprecise: Uint32Array | null = null;
      if (impr !== null) {
        imprecise = new Uint32Array(sel.length);
        for (let i = 0; i < sel.length; i++) imprecise[i] = impr[i]! & sel[i]!;
      }
      const all = sel;
      const set: RecordSet = {
        bits: all,
        imprecise,
        firstByDate: (k, within) => this.firstRecordsByDate(within ?? all, within === undefined ? total : -1, k),
      };
      return { docs: new Int32Array(0), scores: new Float64Array(0), imprecise: new Uint8Array(0), total, mode: 'none', notes, recordDocs: true, set };
    }
    const want = limit === Infinity ? total : Math.min(total, offset + limit);
    if (want <= offset) return empty(total);
    const page = this.firstRecordsByDate(sel, total, want);
    const records = offset === 0 ? page : page.slice(offset);
    const imprecise = new Uint8Array(records.length);
    if (impr !== null) for (let j = 0; j < records.length; j++) imprecise[j] = (impr[records[j]! >>> 5]! >>> (records[j]! & 31)) & 1;
    let docs: Int32Array;
    if (recordsOnly) docs = new Int32Array(0);
    else {
      docs = new Int32Array(records.length);
      for (let j = 0; j < records.length; j++) docs[j] = recordDoc[records[j]!]!;
    }
    return { docs, scores: new Float64Array(docs.length), imprecise, total, mode: 'none', notes, recordDocs: true, records };
  }

  /**
   * The first k records of a set (with `count` records; -1: not known yet) in
   * date order: when few, their date ranks sorted (firstByDate); otherwise the
   * records in date order walked until k are found.
   */
  private firstRecordsByDate(bits: Uint32Array, count: number, k: number): Int32Array {
    const total = count >= 0 ? count : popcount(bits);
    const want = Math.min(k, total);
    if (want <= 0) return new Int32Array(0);
    const out = new Int32Array(want);
    if (total < this.columns.count / 16) {
      const { recordDoc, docRec } = this.layout;
      const docs = new Int32Array(total);
      let j = 0;
      for (let w = 0; w < bits.length; w++) {
        let x = bits[w]!;
        while (x !== 0) {
          const low = x & -x;
          x ^= low;
          docs[j++] = recordDoc[(w << 5) | (31 - Math.clz32(low))]!;
        }
      }
      const first = this.firstByDate(docs, want);
      for (let i = 0; i < want; i++) out[i] = docRec[first[i]!]!;
      return out;
    }
    let i = 0;
    if (this.byDateCache === undefined && want <= 1000) {
      // A page: through the records' documents in date order, without building the list of record numbers for it.
      const { recordsByDate, docRec } = this.layout;
      for (let j = 0; i < want && j < recordsByDate.length; j++) {
        const r = docRec[recordsByDate[j]!]!;
        if (((bits[r >>> 5]! >>> (r & 31)) & 1) === 1) out[i++] = r;
      }
      return out;
    }
    const byDate = this.recordNumbersByDate;
    for (let j = 0; i < want && j < byDate.length; j++) {
      const r = byDate[j]!;
      if (((bits[r >>> 5]! >>> (r & 31)) & 1) === 1) out[i++] = r;
    }
    return out;
  }

  /** The records whose kind code is in `mask`, as a set (built once per mask; read-only). */
  private kindBits(mask: number): { bits: Uint32Array; count: number } {
    let s = this.kindSets.get(mask);
    if (s === undefined) {
      s = kindSetOf(this.columns.kind, mask);
      this.kindSets.set(mask, s);
    }
    return s;
  }

  kindSet(kinds: readonly RecordKindFilter[]): Uint32Array {
    let mask = 0;
    for (const k of kinds) mask |= KIND_CODE[k] ?? 0;
    return this.kindBits(mask).bits;
  }

  countSet(bits: Uint32Array, by: CountKey): CountResult {
    return countColumnsSet(this.columns, bits, by);
  }

  sumCasualtiesSet(bits: Uint32Array): CasualtySums {
    return sumCasualtiesSet(this.columns, bits);
  }

  /** Record numbers in date order (the records' own documents' order), built on first use. */
  private get recordNumbersByDate(): Int32Array {
    if (this.byDateCache === undefined) {
      const all = this.recordsByDate;
      const docRec = this.layout.docRec;
      const out = new Int32Array(all.length);
      for (let j = 0; j < all.length; j++) out[j] = docRec[all[j]!]!;
      this.byDateCache = out;
    }
    return this.byDateCache;
  }

  search(query: ParsedQuery, options: SearchOptions = {}, tuning: SearchTuning = {}): SearchResult {
    const run = this.run(query, options, tuning);
    const hits: Hit[] = [];
    for (let j = 0; j < run.docs.length; j++) hits.push(this.hit(run.docs[j]!, run.scores[j]!, run.imprecise[j] === 1));
    return { hits, total: run.total, mode: run.mode, notes: run.notes };
  }

  /** search() as record numbers: each record once (a source matching through several passages too), in hit order. */
  select(query: ParsedQuery, options: SearchOptions = {}, tuning: SearchTuning = {}): Selection {
    const run = this.run(query, options, tuning, true);
    const docRec = this.layout.docRec;
    if (run.set !== undefined) {
      // Everything a query without words matches, as a set; the date-ordered records only when read.
      const set = run.set;
      const total = run.total;
      let records: Int32Array | undefined;
      let imprecise: Uint8Array | undefined;
      const recordsOf = (): Int32Array => (records ??= set.firstByDate(total));
      return {
        get records(): Int32Array {
          return recordsOf();
        },
        get imprecise(): Uint8Array {
          if (imprecise === undefined) {
            const rs = recordsOf();
            const im = set.imprecise;
            imprecise = new Uint8Array(rs.length);
            if (im !== null) for (let j = 0; j < rs.length; j++) imprecise[j] = (im[rs[j]! >>> 5]! >>> (rs[j]! & 31)) & 1;
          }
          return imprecise;
        },
        total,
        mode: run.mode,
        notes: run.notes,
        set,
      };
    }
    if (run.records !== undefined) return { records: run.records, imprecise: run.imprecise, total: run.total, mode: run.mode, notes: run.notes };
    if (run.recordDocs) {
      // Already one document per record (a query without words): no marking needed.
      const records = new Int32Array(run.docs.length);
      for (let j = 0; j < run.docs.length; j++) records[j] = docRec[run.docs[j]!]!;
      return { records, imprecise: run.imprecise, total: run.total, mode: run.mode, notes: run.notes };
    }
    const seen = this.scratch.alive;
    const records = new Int32Array(run.docs.length);
    const imprecise = new Uint8Array(run.docs.length);
    let k = 0;
    // `alive` is per document; the record's own document stands for the record.
    const recDoc = (r: number): number => this.recordDoc(r);
    for (let j = 0; j < run.docs.length; j++) {
      const r = docRec[run.docs[j]!]!;
      const mark = recDoc(r);
      if (seen[mark] === 1) continue;
      seen[mark] = 1;
      records[k] = r;
      imprecise[k] = run.imprecise[j]!;
      k++;
    }
    for (let j = 0; j < k; j++) seen[recDoc(records[j]!)] = 0;
    return { records: records.subarray(0, k), imprecise: imprecise.subarray(0, k), total: run.total, mode: run.mode, notes: run.notes };
  }

  /**
   * Walks the postings of one word's expansions: wordTouched[0, n) = the
   * documents containing any of them, each once, and best[d] = the word's
   * best weight there (exact beats prefix beats typo: lunr's field weights
   * summed, times the expansion's weight). Returns n.
   */
  private walkWord(expansions: readonly Expansion[], stamp: number): number {
    const sc = this.scratch;
    const { seenBy, best, wordTouched } = sc;
    let wn = 0;
    for (const x of expansions) {
      const size = this.compact.counts[x.t]!;
      const docs = sc.i32('walk.docs', size);
      const milli = sc.u32('walk.milli', size);
      const m = decodeInto(this.compact, x.t, docs, milli);
      const factor = x.weight;
      for (let k = 0; k < m; k++) {
        const d = docs[k]!;
        // Thousandths back to lunr's weight (exactly the 3-decimal number), times the expansion's weight.
        const s = factor * (milli[k]! / 1000);
        if (seenBy[d] !== stamp) {
          seenBy[d] = stamp;
          wordTouched[wn++] = d;
          best[d] = s;
        } else if (s > best[d]!) best[d] = s;
      }
    }
    return wn;
  }

  /**
   * One word, by relevance, a page of at most TOP_K_MAX: the documents are
   * taken straight into a bounded heap as the postings are read (a word with
   * one expansion is decoded and judged in one loop, with no per-document
   * marks at all). The same page and total as run()'s general path; null when
   * the page is too deep for a heap to pay.
   */
  private runSingle(
    expansions: readonly Expansion[],
    q: { limit: number; offset: number; verdictOf: (d: number) => number; kindMask: number },
  ): Omit<Run, 'notes'> | null {
    if (q.limit === Infinity || q.offset + q.limit > TOP_K_MAX) return null;
    if (expansions.length === 1 && q.kindMask >= 0) {
      const listed = this.fromTermTop(expansions[0]!, q.offset + q.limit, q.kindMask);
      if (listed !== null) {
        const from = Math.min(q.offset, listed.docs.length);
        const docs = listed.docs.subarray(from);
        return { docs, scores: listed.scores.subarray(from), imprecise: new Uint8Array(docs.length), total: listed.total, mode: 'all' };
      }
    }
    const top = new TopK(q.offset + q.limit, this.compact.refRank);
    let total = 0;
    const verdictOf = q.verdictOf;
    if (expansions.length === 1) {
      const x = expansions[0]!;
      const size = this.compact.counts[x.t]!;
      const docs = this.scratch.i32('single.docs', size);
      const milli = this.scratch.u32('single.milli', size);
      const m = decodeInto(this.compact, x.t, docs, milli);
      const factor = x.weight;
      for (let k = 0; k < m; k++) {
        const d = docs[k]!;
        if (verdictOf(d) === OUT) continue;
        total++;
        top.offer(d, factor * (milli[k]! / 1000));
      }
    } else {
      const list = wordPostings(this.compact, expansions, this.scratch, 'single');
      for (let j = 0; j < list.n; j++) {
        const d = list.docs[j]!;
        if (verdictOf(d) === OUT) continue;
        total++;
        top.offer(d, list.weights[j]!);
      }
    }
    const ranked = top.sorted();
    const from = Math.min(q.offset, ranked.docs.length);
    const docs = ranked.docs.subarray(from);
    const scores = new Float64Array(docs.length);
    const imprecise = new Uint8Array(docs.length);
    for (let j = 0; j < docs.length; j++) {
      scores[j] = Math.round(ranked.scores[from + j]! * 1000) / 1000;
      imprecise[j] = verdictOf(docs[j]!) === IMPRECISE ? 1 : 0;
    }
    return { docs, scores, imprecise, total, mode: 'all' };
  }

  /**
   * One term, no filters: its best documents come from the term's top list
   * (TermTop, made on first use and cached) and the total from its documents
   * counted per kind. Null when the list runs out before `want` documents of
   * the kinds asked for (the postings are then walked).
   */
  private fromTermTop(x: Expansion, want: number, kindMask: number): { docs: Int32Array; scores: Float64Array; total: number } | null {
    if (this.compact.counts[x.t]! <= TERM_TOP_MIN) return null;
    const top = this.termTop(x.t);
    const kindCode = this.layout.kindCode;
    let total = 0;
    for (let k = 0; k < top.kindCounts.length; k++) if ((k & kindMask) !== 0) total += top.kindCounts[k]!;
    const docs = new Int32Array(Math.min(want, total));
    const scores = new Float64Array(docs.length);
    let n = 0;
    for (let j = 0; j < top.docs.length && n < docs.length; j++) {
      const d = top.docs[j]!;
      if ((kindCode[d]! & kindMask) === 0) continue;
      docs[n] = d;
      scores[n] = Math.round(x.weight * (top.milli[j]! / 1000) * 1000) / 1000;
      n++;
    }
    return n === docs.length ? { docs, scores, total } : null;
  }

  private termTop(t: number): TermTop {
    const hit = this.termTops.get(t);
    if (hit !== undefined) {
      this.termTops.delete(t);
      this.termTops.set(t, hit);
      return hit;
    }
    const kindCode = this.layout.kindCode;
    const kindCounts = new Float64Array(8);
    const top = new TopK(TERM_TOP_LIST, this.compact.refRank);
    forEachPosting(this.compact, t, (d, w) => {
      kindCounts[kindCode[d]!]!++;
      top.offer(d, w);
    });
    const ranked = top.sorted();
    const made: TermTop = { docs: ranked.docs, milli: Uint32Array.from(ranked.scores, (w) => Math.round(w * 1000)), kindCounts };
    this.termTops.set(t, made);
    if (this.termTops.size > TERM_TOP_TERMS) this.termTops.delete(this.termTops.keys().next().value!);
    return made;
  }

  private denseFor(minDocs: number | undefined): DenseCache {
    const key = minDocs ?? -1;
    let cache = this.denseCaches.get(key);
    if (cache === undefined) {
      cache = new DenseCache(this.compact, minDocs !== undefined ? { minDocs } : {});
      this.denseCaches.set(key, cache);
    }
    return cache;
  }

  /**
   * A query of several words, all required, driven by one word: only the
   * postings of the word in the fewest documents (the driver) are walked;
   * every other word's weight in the driver's documents is read from its
   * common terms' dense arrays (dense.ts) and from the postings of its rare
   * ones. The same documents, scores (summed in word order, as run() sums
   * them) and page as walking every word. Null when it would not help (no
   * other word has a common term) or when no document passing the filters
   * has every word: run() then walks every word, and falls back to any word.
   */
  private runDriven(
    words: ReadonlyArray<readonly Expansion[]>,
    q: { limit: number; offset: number; byDate: boolean; verdictOf: (d: number) => number; kindMask: number; denseMinDocs: number | undefined },
  ): Omit<Run, 'notes'> | null {
    const counts = this.compact.counts;
    if (words.some((w) => w.length === 0)) return null;
    const cost = words.map((w) => w.reduce((sum, x) => sum + counts[x.t]!, 0));
    let driver = 0;
    for (let i = 1; i < words.length; i++) if (cost[i]! < cost[driver]!) driver = i;
    const dense = this.denseFor(q.denseMinDocs);
    if (words.every((w) => w.every((x) => dense.isDense(x.t)))) return this.runDense(words, dense, q);

    const sc = this.scratch;
    // The driver's documents passing kind and filters, with its weight in each, in document order.
    const driven = wordPostings(this.compact, words[driver]!, this.scratch, 'driver');
    const cand = sc.i32('cand', driven.n);
    const own = sc.f64('own', driven.n);
    const verdictOf = q.verdictOf;
    let n = 0;
    for (let j = 0; j < driven.n; j++) {
      const d = driven.docs[j]!;
      if (verdictOf(d) === OUT) continue;
      cand[n] = d;
      own[n] = driven.weights[j]!;
      n++;
    }
    const sum = sc.f64('sum', n).fill(0);
    for (let i = 0; i < words.length && n > 0; i++) {
      if (i === driver) {
        for (let j = 0; j < n; j++) sum[j] = sum[j]! + own[j]!;
        continue;
      }
      const rare: Expansion[] = [];
      const common: DenseWeights[] = [];
      const factors: number[] = [];
      for (const x of words[i]!) {
        const term = dense.isDense(x.t) ? dense.get(x.t) : null;
        if (term === null) rare.push(x);
        else {
          common.push(term.weights);
          factors.push(x.weight);
        }
      }
      // The word's weight in each candidate; a candidate without the word is dropped (compacting in place).
      let k = 0;
      if (rare.length === 0 && common.length === 1) {
        // The usual case, one common term: one array read per candidate.
        const weights = common[0]!;
        const factor = factors[0]!;
        for (let j = 0; j < n; j++) {
          const d = cand[j]!;
          const v = weights[d]!;
          if (v === 0) continue;
          cand[k] = d;
          own[k] = own[j]!;
          sum[k] = sum[j]! + factor * ((v - 1) / 1000);
          k++;
        }
      } else {
        // Rare terms as one sorted list, met in step with the candidates (both in document order).
        const list = rare.length > 0 ? wordPostings(this.compact, rare, this.scratch, 'word') : { docs: new Int32Array(0), weights: new Float64Array(0), n: 0 };
        let p = 0;
        for (let j = 0; j < n; j++) {
          const d = cand[j]!;
          while (p < list.n && list.docs[p]! < d) p++;
          let has = p < list.n && list.docs[p] === d;
          let b = has ? list.weights[p]! : 0;
          for (let e = 0; e < common.length; e++) {
            const v = common[e]![d]!;
            if (v === 0) continue;
            const s = factors[e]! * ((v - 1) / 1000);
            if (!has || s > b) b = s;
            has = true;
          }
          if (!has) continue;
          cand[k] = d;
          own[k] = own[j]!;
          sum[k] = sum[j]! + b;
          k++;
        }
      }
      n = k;
    }
    if (n === 0) return null;
    if (!q.byDate && q.limit !== Infinity && q.offset + q.limit <= TOP_K_MAX) {
      const top = new TopK(q.offset + q.limit, this.compact.refRank);
      for (let j = 0; j < n; j++) top.offer(cand[j]!, sum[j]!);
      return this.pageOf({ top, kept: [], keptScore: [], total: n }, q);
    }
    return this.pageOf({ top: null, kept: cand.subarray(0, n), keptScore: sum.subarray(0, n), total: n }, q);
  }

  /**
   * Several words whose terms are all common: the documents with every word
   * are the AND of the words' bitsets (each the OR of its terms'), and only
   * those are scored, from the dense weights, summed in word order. Without
   * filters (kinds are bitsets too) the total is a count of bits, and a page
   * by relevance scores only the blocks of 64 documents whose best possible
   * score (the sum of each word's best weight in the block) could still
   * reach the page, best blocks first. Null when no document passing the
   * filters has every word (run() then falls back to any word).
   */
  private runDense(
    words: ReadonlyArray<readonly Expansion[]>,
    dense: DenseCache,
    q: { limit: number; offset: number; byDate: boolean; verdictOf: (d: number) => number; kindMask: number },
  ): Omit<Run, 'notes'> | null {
    const terms = words.map((w) => w.map((x) => ({ term: dense.get(x.t)!, factor: x.weight })));
    const slots = (this.compact.docCount + 31) >>> 5;
    // An even number of words: a block of 64 documents is always two of them (no read past the end).
    const all = this.scratch.u32('all', slots + (slots & 1));
    all[all.length - 1] = 0;
    terms.forEach((w, i) => {
      // all &= (OR of the word's terms' bits); the first word starts it.
      if (w.length === 1) {
        const bits = w[0]!.term.bits;
        if (i === 0) all.set(bits);
        else for (let k = 0; k < slots; k++) all[k]! &= bits[k]!;
        return;
      }
      for (let k = 0; k < slots; k++) {
        let or = 0;
        for (const { term } of w) or |= term.bits[k]!;
        all[k] = i === 0 ? or : all[k]! & or;
      }
    });
    const verdictOf = q.verdictOf;
    const byScore = !q.byDate && q.limit !== Infinity && q.offset + q.limit <= TOP_K_MAX;
    const scoreOf = denseScorer(terms);
    if (byScore && q.kindMask >= 0) {
      const kinds = this.docKindBits(q.kindMask);
      let total = 0;
      for (let k = 0; k < slots; k++) {
        const x = kinds === null ? all[k]! : all[k]! & kinds[k]!;
        all[k] = x;
        total += popcount32(x);
      }
      if (total === 0) return null;
      const top = new TopK(q.offset + q.limit, this.compact.refRank);
      this.scoreBlocks(all, terms, top, scoreOf);
      const ranked = top.sorted();
      const from = Math.min(q.offset, ranked.docs.length);
      const docs = ranked.docs.subarray(from);
      return { docs, scores: ranked.scores.subarray(from).map((v) => Math.round(v * 1000) / 1000), imprecise: new Uint8Array(docs.length), total, mode: 'all' };
    }
    const found = new Matches(byScore ? new TopK(q.offset + q.limit, this.compact.refRank) : null);
    for (let k = 0; k < slots; k++) {
      let x = all[k]!;
      while (x !== 0) {
        const low = x & -x;
        x ^= low;
        const d = (k << 5) + 31 - Math.clz32(low);
        if (verdictOf(d) === OUT) continue;
        // In date order nothing is scored.
        found.add(d, q.byDate ? 0 : scoreOf(d));
      }
    }
    return found.total === 0 ? null : this.pageOf(found, q);
  }

  /**
   * Words whose terms are all common, with filters that leave few records:
   * the records passing the filters (`pass`, a bitset by record number) are
   * visited rather than the words' postings, each record's documents (its own
   * and its passages) judged by kind and scored from the dense weights. The
   * same documents and scores as walking the postings; null when the records
   * passing are not clearly fewer than the rarest word's postings, or when
   * none has every word (run() then falls back to any word).
   */
  private runByRecords(
    words: ReadonlyArray<readonly Expansion[]>,
    dense: DenseCache,
    pass: Uint32Array,
    q: { limit: number; offset: number; byDate: boolean; verdictOf: (d: number) => number; kindMask: number },
  ): Omit<Run, 'notes'> | null {
    const counts = this.compact.counts;
    let cheapest = Infinity;
    for (const w of words) cheapest = Math.min(cheapest, w.reduce((sum, x) => sum + counts[x.t]!, 0));
    const passing = popcount(pass);
    // A record of a source is several documents: count them as twice, against a posting's one.
    if (passing * 2 >= cheapest) return null;
    const scoreOf = denseScorer(words.map((w) => w.map((x) => ({ term: dense.get(x.t)!, factor: x.weight }))));
    const { recordDoc, kindCode, count: docCount } = this.layout;
    const records = this.columns.count;
    const byScore = !q.byDate && q.limit !== Infinity && q.offset + q.limit <= TOP_K_MAX;
    const found = new Matches(byScore ? new TopK(q.offset + q.limit, this.compact.refRank) : null);
    for (let k = 0; k < pass.length; k++) {
      let x = pass[k]!;
      while (x !== 0) {
        const low = x & -x;
        x ^= low;
        const r = (k << 5) + 31 - Math.clz32(low);
        const end = r + 1 < records ? recordDoc[r + 1]! : docCount;
        for (let d = recordDoc[r]!; d < end; d++) {
          if ((kindCode[d]! & q.kindMask) === 0) continue;
          const sum = scoreOf(d);
          if (sum >= 0) found.add(d, sum);
        }
      }
    }
    return found.total === 0 ? null : this.pageOf(found, q);
  }

  /**
   * The page of a query whose matches were either offered to `top` (by
   * relevance) or kept with their scores (in date order, or a page too deep
   * for a heap), with rounded scores and imprecision marks.
   */
  private pageOf(
    found: { top: TopK | null; kept: ArrayLike<number>; keptScore: ArrayLike<number>; total: number },
    q: { limit: number; offset: number; byDate: boolean; verdictOf: (d: number) => number },
  ): Omit<Run, 'notes'> {
    const { top, kept, keptScore, total } = found;
    let docs: Int32Array;
    let scores: Float64Array;
    if (top !== null) {
      const ranked = top.sorted();
      const from = Math.min(q.offset, ranked.docs.length);
      docs = ranked.docs.subarray(from);
      scores = ranked.scores.subarray(from).map((v) => Math.round(v * 1000) / 1000);
    } else {
      const survivors = Int32Array.from(kept);
      const want = q.limit === Infinity ? total : Math.min(total, q.offset + q.limit);
      const score = this.scratch.score;
      if (!q.byDate) for (let j = 0; j < survivors.length; j++) score[survivors[j]!] = keptScore[j]!;
      try {
        const page = q.byDate ? this.firstByDate(survivors, want) : this.firstByScore(survivors, want, score);
        docs = page.subarray(Math.min(q.offset, page.length));
        scores = new Float64Array(docs.length);
        if (!q.byDate) for (let j = 0; j < docs.length; j++) scores[j] = Math.round(score[docs[j]!]! * 1000) / 1000;
      } finally {
        if (!q.byDate) for (let j = 0; j < survivors.length; j++) score[survivors[j]!] = 0;
      }
    }
    const imprecise = new Uint8Array(docs.length);
    for (let j = 0; j < docs.length; j++) imprecise[j] = q.verdictOf(docs[j]!) === IMPRECISE ? 1 : 0;
    return { docs, scores, imprecise, total, mode: 'all' };
  }

  /**
   * Offers `top` the documents of `all` (a bitset) with their scores, block of
   * 64 by block, best possible block first, skipping every block whose best
   * possible score is below the worst score `top` holds once full: such a
   * block's documents cannot enter it. The bound of a block is each word's
   * best term weight there (dense.ts blockMax) summed in word order, so it is
   * never below a document's score computed the same way.
   */
  private scoreBlocks(
    all: Uint32Array,
    terms: ReadonlyArray<ReadonlyArray<{ term: DenseTerm; factor: number }>>,
    top: TopK,
    scoreOf: (d: number) => number,
  ): void {
    const blocks = (all.length + 1) >>> 1;
    // Column by column: each word's best possible weight per block, added in word order.
    const sc = this.scratch;
    const bound = sc.f64('bound', blocks).fill(0);
    const wordBest = sc.f64('wordBest', blocks);
    for (const w of terms) {
      wordBest.fill(0);
      for (const { term, factor } of w) {
        const blockMax = term.blockMax;
        for (let b = 0; b < blocks; b++) {
          const s = factor * (blockMax[b]! / 1000);
          if (s > wordBest[b]!) wordBest[b] = s;
        }
      }
      for (let b = 0; b < blocks; b++) bound[b] = bound[b]! + wordBest[b]!;
    }
    const live = sc.i32('live', blocks);
    let nLive = 0;
    let maxBound = 0;
    for (let b = 0; b < blocks; b++) {
      if ((all[2 * b]! | all[2 * b + 1]!) === 0) continue;
      if (bound[b]! > maxBound) maxBound = bound[b]!;
      live[nLive++] = b;
    }
    // Blocks in 256 bands of their bound, highest band first (a counting sort: no comparison sort of thousands of blocks).
    const BANDS = 256;
    const bandOf = sc.i32('band', nLive);
    const scale = maxBound === 0 ? 0 : BANDS / maxBound;
    const starts = new Int32Array(BANDS + 1);
    for (let j = 0; j < nLive; j++) {
      const k = Math.min(BANDS - 1, Math.floor(bound[live[j]!]! * scale));
      bandOf[j] = k;
      starts[k + 1]!++;
    }
    for (let k = 0; k < BANDS; k++) starts[k + 1]! += starts[k]!;
    const order = sc.i32('order', nLive);
    const fill = starts.slice(0, BANDS);
    for (let j = 0; j < nLive; j++) order[fill[bandOf[j]!]!++] = live[j]!;
    for (let k = BANDS - 1; k >= 0; k--) {
      for (let j = starts[k]!; j < starts[k + 1]!; j++) {
        const b = order[j]!;
        if (top.full && bound[b]! < top.worstScore) continue;
        for (let slot = 2 * b; slot < 2 * b + 2; slot++) {
          let x = all[slot]!;
          while (x !== 0) {
            const low = x & -x;
            x ^= low;
            const d = (slot << 5) + 31 - Math.clz32(low);
            top.offer(d, scoreOf(d));
          }
        }
      }
      // Every block of a lower band is bounded by this band's lower edge.
      if (k > 0 && top.full && bandCeiling(k, maxBound, BANDS) < top.worstScore) break;
    }
  }

  /** Documents of the kinds in `mask` (KIND_CODE bits) as a bitset, or null when every document is of them. */
  private docKindBits(mask: number): Uint32Array | null {
    const kindCode = this.layout.kindCode;
    let every = true;
    for (const code of Object.values(KIND_CODE)) if ((code & mask) === 0) every = false;
    if (every) return null;
    let bits = this.docKindBitsCache.get(mask);
    if (bits === undefined) {
      bits = new Uint32Array((kindCode.length + 31) >>> 5);
      for (let d = 0; d < kindCode.length; d++) if ((kindCode[d]! & mask) !== 0) bits[d >>> 5]! |= 1 << (d & 31);
      this.docKindBitsCache.set(mask, bits);
    }
    return bits;
  }

  private recordDoc(r: number): number {
    return this.layout.recordDoc[r]!;
  }

  /** The page of documents a query asks for, with scores and imprecision. */
  private run(query: ParsedQuery, options: SearchOptions, tuning: SearchTuning, recordsOnly = false): Run {
    const filters: Filters = query?.filters ?? {};
    const limit = options.limit === Infinity ? Infinity : wholeOr(options.limit, DEFAULT_LIMIT);
    const offset = wholeOr(options.offset, 0);
    const byDate = options.order === 'date';
    let kindMask = 0;
    for (const k of filters.kind !== undefined && filters.kind.length > 0 ? filters.kind : (options.defaultKinds ?? ALL_KINDS)) {
      kindMask |= KIND_CODE[k] ?? 0;
    }
    const notes: string[] = [];
    const parsed = queryTokens(Array.isArray(query?.terms) ? query.terms : []);
    const seenStems = new Set<string>();
    const tokens = parsed.tokens.filter((t) => !seenStems.has(t.stem) && seenStems.add(t.stem));
    if (tokens.length > MAX_WORDS) notes.push(`only the first ${MAX_WORDS} words were searched`);
    tokens.length = Math.min(tokens.length, MAX_WORDS);
    if (parsed.stopWords.length > 0) notes.push(`ignored common words: ${parsed.stopWords.join(', ')}`);

    const compiled = this.compileFilters(filters);
    const { docRec, kindCode } = this.layout;
    /** OUT, IN or IMPRECISE for a document: kind first, then the filters of its record. */
    const verdictOf = (d: number): number => {
      if ((kindCode[d]! & kindMask) === 0) return OUT;
      return compiled === null ? IN : compiled.verdict(docRec[d]!);
    };
    const sc = this.scratch;
    let touchedCount = 0;
    try {
      if (tokens.length === 0) {
        // No words: every record passing kind and filters, sources as a whole
        // rather than passage by passage. Nothing to rank by, so date order.
        return this.withoutWords(kindMask, compiled, offset, limit, notes, recordsOnly, verdictOf);
      }

      // Step 1: every word's postings, once. count[d] = how many words document d
      // contains; score[d] = the sum of each word's best weight in it (exact beats
      // prefix beats typo: lunr's field weights summed, times the expansion's
      // weight). In date order nothing is ranked, so nothing is scored.
      const { offsets, postings } = this.compact;
      const { count, seenBy, best, score, touched, wordTouched } = sc;
      const expand = tuning.expand !== false;
      const words = tokens.map((tok, i) => {
        const { expansions, capped } = expandToken(this.compact, tok, i === tokens.length - 1, !expand);
        if (capped) notes.push(`"${tok.raw}" matched many words; only the closest were searched`);
        if (expansions.length === 0) notes.push(`no record contains "${tok.raw}"`);
        return expansions;
      });
      const pass = compiled?.bits?.pass;
      if (pass !== undefined && tuning.driver !== false) {
        // Filters as a record set: when they leave few records and every word is common, visit those records.
        const dense = this.denseFor(tuning.denseMinDocs);
        if (words.every((w) => w.length > 0 && w.every((x) => dense.isDense(x.t)))) {
          const filtered = this.runByRecords(words, dense, pass, { limit, offset, byDate, verdictOf, kindMask });
          if (filtered !== null) return { ...filtered, notes };
        }
      }
      if (tokens.length > 1 && tuning.driver !== false) {
        const driven = this.runDriven(words, { limit, offset, byDate, verdictOf, kindMask: compiled === null ? kindMask : -1, denseMinDocs: tuning.denseMinDocs });
        if (driven !== null) return { ...driven, notes };
      }
      if (tokens.length === 1 && !byDate && tuning.driver !== false) {
        const one = this.runSingle(words[0]!, { limit, offset, verdictOf, kindMask: compiled === null ? kindMask : -1 });
        if (one !== null) return { ...one, notes };
      }
      // One word: its best weight per document is the score and every document it touched has all the words,
      // so the per-document counting (two more passes over every match) is skipped.
      const single = tokens.length === 1;
      let singleTouched = 0;
      words.forEach((expansions) => {
        const wn = this.walkWord(expansions, sc.nextWord());
        if (single) {
          singleTouched = wn;
          return;
        }
        for (let j = 0; j < wn; j++) {
          const d = wordTouched[j]!;
          const c = count[d]!;
          if (c === 0) touched[touchedCount++] = d;
          count[d] = c + 1;
          if (!byDate) score[d] = score[d]! + best[d]!;
        }
      });

      // Step 2: all words required; if no document passing the filters has them
      // all, any word (the command says so from mode 'any').
      const nWords = tokens.length;
      let mode: SearchResult['mode'] = 'all';
      const keep = new Int32Array(single ? singleTouched : touchedCount);
      let kept = 0;
      if (single) {
        for (let j = 0; j < singleTouched; j++) {
          const d = wordTouched[j]!;
          if (verdictOf(d) !== OUT) keep[kept++] = d;
        }
      } else {
        for (let j = 0; j < touchedCount; j++) {
          const d = touched[j]!;
          if (count[d] === nWords && verdictOf(d) !== OUT) keep[kept++] = d;
        }
      }
      if (kept === 0 && nWords > 1) {
        for (let j = 0; j < touchedCount; j++) {
          const d = touched[j]!;
          if (verdictOf(d) !== OUT) keep[kept++] = d;
        }
        if (kept > 0) mode = 'any';
      }
      const survivors = keep.subarray(0, kept);
      // In 'any' mode a record with two of three words outranks one with one.
      if (mode === 'any' && !byDate) for (const d of survivors) score[d] = (score[d]! * count[d]!) / nWords;

      // Step 3: the page.
      const want = limit === Infinity ? kept : Math.min(kept, offset + limit);
      const scoreOf = single ? best : score;
      const page = byDate ? this.firstByDate(survivors, want) : this.firstByScore(survivors, want, scoreOf);
      const docs = page.subarray(Math.min(offset, page.length));
      const scores = new Float64Array(docs.length);
      const imprecise = new Uint8Array(docs.length);
      for (let j = 0; j < docs.length; j++) {
        const d = docs[j]!;
        scores[j] = byDate ? 0 : Math.round(scoreOf[d]! * 1000) / 1000;
        imprecise[j] = verdictOf(d) === IMPRECISE ? 1 : 0;
      }
      return { docs, scores, imprecise, total: kept, mode, notes };
    } finally {
      // Leave the work arrays clean for the next query, whatever happened.
      for (let j = 0; j < touchedCount; j++) {
        const d = sc.touched[j]!;
        sc.count[d] = 0;
        sc.score[d] = 0;
      }
      compiled?.done();
    }
  }

  /** The first `want` documents in date order: by their precomputed ranks, never comparing dates. */
  private firstByDate(docs: Int32Array, want: number): Int32Array {
    if (want === 0) return new Int32Array(0);
    const n = this.layout.count;
    if (docs.length > n / 16) {
      // Many: mark them and walk the date order once.
      const alive = this.scratch.alive;
      for (const d of docs) alive[d] = 1;
      const out = new Int32Array(want);
      let k = 0;
      for (let p = 0; p < n && k < want; p++) {
        const d = this.dateOrder[p]!;
        if (alive[d] === 1) out[k++] = d;
      }
      for (const d of docs) alive[d] = 0;
      return out;
    }
    const ranks = new Uint32Array(docs.length);
    const rank = this.compact.dateRank;
    for (let j = 0; j < docs.length; j++) ranks[j] = rank[docs[j]!]!;
    ranks.sort();
    const out = new Int32Array(want);
    for (let j = 0; j < want; j++) out[j] = this.dateOrder[ranks[j]!]!;
    return out;
  }

  /** The `want` best documents by score (ties: ref order), best first, with a bounded heap. */
  private firstByScore(docs: Int32Array, want: number, score: Float64Array): Int32Array {
    const refRank = this.compact.refRank;
    /** True when a ranks after b. */
    const worse = (a: number, b: number): boolean => {
      const sa = score[a]!;
      const sb = score[b]!;
      return sa < sb || (sa === sb && refRank[a]! > refRank[b]!);
    };
    if (want === 0) return new Int32Array(0);
    if (want >= docs.length) {
      return Int32Array.from(docs).sort((a, b) => (worse(a, b) ? 1 : worse(b, a) ? -1 : 0));
    }
    // Max-heap on "worse": the root is the worst of the best so far.
    const heap = new Int32Array(want);
    let size = 0;
    for (let j = 0; j < docs.length; j++) {
      const d = docs[j]!;
      if (size < want) {
        let i = size++;
        heap[i] = d;
        while (i > 0) {
          const parent = (i - 1) >> 1;
          if (!worse(heap[i]!, heap[parent]!)) break;
          const t = heap[i]!;
          heap[i] = heap[parent]!;
          heap[parent] = t;
          i = parent;
        }
      } else if (worse(heap[0]!, d)) {
        heap[0] = d;
        for (let i = 0; ; ) {
          const l = 2 * i + 1;
          const r = l + 1;
          let top = i;
          if (l < size && worse(heap[l]!, heap[top]!)) top = l;
          if (r < size && worse(heap[r]!, heap[top]!)) top = r;
          if (top === i) break;
          const t = heap[i]!;
          heap[i] = heap[top]!;
          heap[top] = t;
          i = top;
        }
      }
    }
    return heap.sort((a, b) => (worse(a, b) ? 1 : worse(b, a) ? -1 : 0));
  }

  /** A hit whose record is read from the store when first asked for (a page of hits reads only its own records). */
  private hit(d: number, score: number, imprecise: boolean): Hit {
    const r = this.layout.docRec[d]!;
    const passage = this.layout.docPassage[d]!;
    const store = this.store;
    let record: Searchable | undefined;
    const hit = { ref: this.layout.ref(d), id: this.columns.ids.get(r), ordinal: r, score, imprecise } as Hit;
    Object.defineProperty(hit, 'record', {
      enumerable: true,
      configurable: true,
      get: () => (record ??= store.get(r)),
    });
    if (passage !== 0) hit.passage = passage;
    return hit;
  }
}

/**
 * A common term's best documents (by weight, then ref order), TERM_TOP_LIST
 * of them, and how many documents of each kind code contain it: a one-word
 * query without filters is answered from these.
 */
interface TermTop {
  docs: Int32Array;
  /** Weights in thousandths, as in the postings. */
  milli: Uint32Array;
  /** Documents containing the term, by kind code (columns.ts KIND_CODE). */
  kindCounts: Float64Array;
}
/** Terms in more documents than this get a top list ... */
const TERM_TOP_MIN = 4096;
/** ... of this many documents ... */
const TERM_TOP_LIST = 4096;
/** ... and this many terms' lists are kept (about 32 KB each), least recently used dropped first. */
const TERM_TOP_TERMS = 1024;

/** Deepest page (offset + limit) the one-word path ranks with a heap; deeper pages take the general path. */
const TOP_K_MAX = 4096;

interface Run {
  docs: Int32Array;
  scores: Float64Array;
  /** 1 where the document's record matched the date filters only imprecisely. */
  imprecise: Uint8Array;
  total: number;
  mode: SearchResult['mode'];
  notes: string[];
  /** Every document is a record's own document, each record once (a query without words). */
  recordDocs?: boolean;
  /** A query without words: the page as record numbers (then `docs` is left empty when only records were asked for). */
  records?: Int32Array;
  /** A query without words selecting everything it matches: the records as a set (docs and records left empty). */
  set?: RecordSet;
}

/**
 * Score of a document from the words' dense terms (dense.ts): each word's best
 * term there (exact beats prefix beats typo), summed in word order as run()
 * sums them; -1 when a word is not in the document.
 */
function denseScorer(terms: ReadonlyArray<ReadonlyArray<{ term: DenseTerm; factor: number }>>): (d: number) => number {
  const nWords = terms.length;
  const weights = terms.map((w) => w.map((x) => x.term.weights));
  const factors = terms.map((w) => w.map((x) => x.factor));
  if (weights.every((ws) => ws.length === 1)) {
    const first = weights.map((ws) => ws[0]!);
    const firstFactor = factors.map((fs) => fs[0]!);
    return (d) => {
      let sum = 0;
      for (let i = 0; i < nWords; i++) {
        const v = first[i]![d]!;
        if (v === 0) return -1;
        sum = sum + firstFactor[i]! * ((v - 1) / 1000);
      }
      return sum;
    };
  }
  return (d) => {
    let sum = 0;
    for (let i = 0; i < nWords; i++) {
      const ws = weights[i]!;
      const fs = factors[i]!;
      let b = -1;
      for (let e = 0; e < ws.length; e++) {
        const v = ws[e]![d]!;
        if (v === 0) continue;
        const s = fs[e]! * ((v - 1) / 1000);
        if (s > b) b = s;
      }
      if (b < 0) return -1;
      sum = sum + b;
    }
    return sum;
  };
}

/** YYYYMMDD back to YYYY-MM-DD. */
function isoDay(n: number): string {
  const y = Math.floor(n / 10000);
  const m = Math.floor(n / 100) % 100;
  const d = n % 100;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/**
 * Whether any filter besides kind (which the engine applies itself) is given.
 * Without one every record passes, so matchFilters is not called at all: even
 * a no-op call per record cost ~8 ms per 10k records in the benchmark.
 */
export function hasFilters(filters: Filters): boolean {
  for (const [key, value] of Object.entries(filters)) {
    if (key === 'kind' || value === undefined) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    return true;
  }
  return false;
}

/** A non-negative whole number, or the default for anything else (NaN, negative, missing). */
export function wholeOr(v: number | undefined, fallback: number): number {
  return v !== undefined && Number.isFinite(v) && v >= 0 ? Math.floor(v) : fallback;
}
