// The search engine. lunr builds the index (tokenising, our pipeline, BM25
// with field boosts; see compact.ts for the form it is kept in) and queries run
// in three steps here rather than through lunr's Index#search, whose parser
// throws on ordinary input ("10:30", "title:", "bomb~"), or Index#query, which
// scores every document matching any clause before requiring anything (a
// common word costs as much as the corpus) and cannot say "this word, or a
// prefix or typo of it, is required". The steps: (1) for every word, the
// documents containing it or one of its expansions, as plain membership;
// (2) the words' sets intersected (all words required; if no document passing
// the filters has them all, any word), kind and filters applied; (3) only the
// survivors scored, and only the page asked for sorted out of them.
import lunr from 'lunr';
import { dateInterval } from '../records/dates.ts';
import { SCHEMA_VERSION, type Incident, type Publication, type SourceDocument } from '../records/schema.ts';
import { compactFromLunr, type CompactIndex } from './compact.ts';
import { FIELDS, incidentDoc, passageRef, publicationDoc, sourceDocs, uniquePassages } from './documents.ts';
import { expandToken } from './expand.ts';
import { tokenSetOf } from './lunr-internals.ts';
import { configurePipeline, queryTokens } from './pipeline.ts';
import { topK } from './topk.ts';
import type {
  Archive,
  ArchiveStats,
  Filters,
  Hit,
  ParsedQuery,
  RecordKindFilter,
  Searchable,
  SearchOptions,
  SearchResult,
} from './types.ts';

/** Bump when fields, boosts, refs or the pipeline change: a saved index of another version is rebuilt. */
export const INDEX_FORMAT_VERSION = 1;

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

/** An Archive plus what saving and reloading need. */
export interface SearchArchive extends Archive {
  readonly compact: CompactIndex;
  readonly data: ArchiveData;
  readonly dataHash: string;
  readonly builtAt: string;
}

const ALL_KINDS: readonly RecordKindFilter[] = ['incident', 'publication', 'source'];
const DEFAULT_LIMIT = 10;
/** ParsedQuery caps input length, but a hand-built one may not: more words than this are ignored. */
const MAX_WORDS = 32;

/** One lunr document: a record, or a passage of a source. */
interface Entry {
  ref: string;
  kind: RecordKindFilter;
  record: Searchable;
  passage?: number;
  /** First day (YYYY-MM-DD) for date order; null when undated. */
  day: string | null;
}

function firstDayOf(record: Searchable): string | null {
  if (record.kind === 'source') return record.published.slice(0, 10);
  return record.date === undefined ? null : dateInterval(record.date).from;
}

function entriesOf(data: ArchiveData): Entry[] {
  const out: Entry[] = [];
  for (const r of data.incidents) out.push({ ref: r.id, kind: 'incident', record: r, day: firstDayOf(r) });
  for (const r of data.publications) out.push({ ref: r.id, kind: 'publication', record: r, day: firstDayOf(r) });
  for (const r of data.sources) {
    const day = firstDayOf(r);
    out.push({ ref: r.id, kind: 'source', record: r, day });
    for (const p of uniquePassages(r)) out.push({ ref: passageRef(r.id, p.n), kind: 'source', record: r, passage: p.n, day });
  }
  return out;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Date order: first day ascending, undated last, then id, then passage (the record before its passages). */
function compareByDate(a: Entry, b: Entry): number {
  if (a.day !== b.day) {
    if (a.day === null) return 1;
    if (b.day === null) return -1;
    return compareStrings(a.day, b.day);
  }
  return compareStrings(a.record.id, b.record.id) || (a.passage ?? 0) - (b.passage ?? 0);
}

/** Builds the lunr index for the records (the slow part: seconds for ten thousand records). */
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

/** Builds the index and the archive over it. */
export function createArchive(data: ArchiveData, opts: ArchiveOptions): SearchArchive {
  const entries = entriesOf(data);
  const compact = compactFromLunr(buildIndex(data), entries.map((e) => e.ref));
  return new LunrArchive(data, entries, compact, opts.dataHash, opts.builtAt ?? new Date().toISOString(), opts.matchFilters);
}

export type FromSavedResult = { ok: true; archive: SearchArchive } | { ok: false; reason: 'corrupt'; detail: string };

/**
 * An archive over an index loaded from disk (see saved.ts), after checking that
 * it holds exactly the documents the records make, in the same order: a saved
 * index that passed the hash check but disagrees with the data is never served.
 */
export function archiveFromSaved(
  data: ArchiveData,
  saved: { compact: CompactIndex; dataHash: string; builtAt: string },
  opts: { matchFilters: MatchFilters },
): FromSavedResult {
  const entries = entriesOf(data);
  const refs = saved.compact.refs;
  if (refs.length !== entries.length) {
    return { ok: false, reason: 'corrupt', detail: `index has ${refs.length} documents, the records make ${entries.length}` };
  }
  for (let i = 0; i < refs.length; i++) {
    if (refs[i] !== entries[i]!.ref) return { ok: false, reason: 'corrupt', detail: `index document ${i} is ${refs[i]}, expected ${entries[i]!.ref}` };
  }
  return { ok: true, archive: new LunrArchive(data, entries, saved.compact, saved.dataHash, saved.builtAt, opts.matchFilters) };
}

/**
 * Work arrays for one query, one slot per document, kept between queries:
 * allocating and zeroing several arrays of ~20k-250k slots per query showed up
 * as GC pauses in the benchmark. Each query resets the slots it touched.
 * Safe because search() is synchronous: two queries never interleave.
 */
class Scratch {
  /** How many query words each document contains. */
  readonly count: Uint16Array;
  /** The word number that last counted a document (a word's expansions count once). */
  readonly seenBy: Int32Array;
  readonly alive: Uint8Array;
  readonly score: Float64Array;
  readonly wordScore: Float64Array;
  /** Filter verdict per record (at the record's own ordinal): 0 not judged yet, 1 out, 2 in, 3 in but imprecise. */
  readonly verdict: Uint8Array;
  private wordStamp = 0;

  constructor(n: number) {
    this.count = new Uint16Array(n);
    this.seenBy = new Int32Array(n);
    this.alive = new Uint8Array(n);
    this.score = new Float64Array(n);
    this.wordScore = new Float64Array(n);
    this.verdict = new Uint8Array(n);
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

const KIND_CODE: { [K in RecordKindFilter]: number } = { incident: 1, publication: 2, source: 4 };

class LunrArchive implements SearchArchive {
  readonly compact: CompactIndex;
  readonly data: ArchiveData;
  readonly dataHash: string;
  readonly builtAt: string;
  private readonly matchFilters: MatchFilters;
  private readonly entries: Entry[];
  /** Per document: the ordinal of its record's own document (a passage shares its source's filter verdict). */
  private readonly recordOrd: Int32Array;
  private readonly kindCode: Uint8Array;
  private readonly byId = new Map<string, Searchable>();
  /** rank[ord] = position in date order. */
  private readonly rank: Int32Array;
  /** Ordinals of the records (no passages) in date order: the answer to a query without words. */
  private readonly recordsByDate: Int32Array;
  private readonly scratch: Scratch;
  private tokenSetCache: lunr.TokenSet | undefined;
  private vocab: ReturnType<Archive['vocabulary']> | undefined;

  constructor(data: ArchiveData, entries: Entry[], compact: CompactIndex, dataHash: string, builtAt: string, matchFilters: MatchFilters) {
    this.data = data;
    this.entries = entries;
    this.compact = compact;
    this.dataHash = dataHash;
    this.builtAt = builtAt;
    this.matchFilters = matchFilters;
    const n = entries.length;
    this.recordOrd = new Int32Array(n);
    this.kindCode = new Uint8Array(n);
    entries.forEach((e, i) => {
      if (e.passage === undefined) this.byId.set(e.ref, e.record);
      // entriesOf lists a source right before its passages.
      this.recordOrd[i] = e.passage === undefined ? i : this.recordOrd[i - 1]!;
      this.kindCode[i] = KIND_CODE[e.kind];
    });
    const order = entries.map((_, i) => i).sort((a, b) => compareByDate(entries[a]!, entries[b]!));
    this.rank = new Int32Array(n);
    order.forEach((ord, position) => {
      this.rank[ord] = position;
    });
    this.recordsByDate = Int32Array.from(order.filter((ord) => entries[ord]!.passage === undefined));
    this.scratch = new Scratch(n);
  }

  /** lunr's automaton over the terms, built on the first typo match: most queries never need it. */
  private tokenSet = (): lunr.TokenSet => {
    this.tokenSetCache ??= tokenSetOf(this.compact.terms);
    return this.tokenSetCache;
  };

  get(id: string): Searchable | undefined {
    return this.byId.get(id);
  }

  stats(): ArchiveStats {
    let passages = 0;
    let last: string | null = null;
    for (const s of this.data.sources) {
      passages += uniquePassages(s).length;
      for (const t of [s.published, s.modified]) if (t !== undefined && (last === null || t > last)) last = t;
    }
    return {
      incidents: this.data.incidents.length,
      publications: this.data.publications.length,
      sources: this.data.sources.length,
      passages,
      dataHash: this.dataHash,
      lastDataChange: last,
      indexVersion: `lunr ${lunr.version} / schema ${SCHEMA_VERSION} / index ${INDEX_FORMAT_VERSION}`,
      builtAt: this.builtAt,
    };
  }

  vocabulary(): ReturnType<Archive['vocabulary']> {
    this.vocab ??= this.computeVocabulary();
    return this.vocab;
  }

  private computeVocabulary(): ReturnType<Archive['vocabulary']> {
    // Distinct ignoring case; the first spelling seen is kept.
    const collect = (values: Iterable<string | undefined>): string[] => {
      const seen = new Map<string, string>();
      for (const v of values) if (v !== undefined && !seen.has(v.toLowerCase())) seen.set(v.toLowerCase(), v);
      return [...seen.values()].sort((a, b) => a.localeCompare(b, 'en'));
    };
    const { incidents, publications, sources } = this.data;
    return {
      places: collect(incidents.flatMap((r) => [r.place.site, r.place.place, r.place.district, r.place.province])),
      countries: collect(incidents.map((r) => r.place.country)),
      outlets: collect(publications.map((r) => r.outlet)),
      media: collect(publications.map((r) => r.medium)),
      types: collect(incidents.flatMap((r) => r.attackTypes)),
      ids: [...incidents, ...publications, ...sources].map((r) => r.id).sort(compareStrings),
    };
  }

  search(query: ParsedQuery, options: SearchOptions = {}): SearchResult {
    const filters: Filters = query?.filters ?? {};
    const limit = options.limit === Infinity ? Infinity : wholeOr(options.limit, DEFAULT_LIMIT);
    const offset = wholeOr(options.offset, 0);
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

    const sc = this.scratch;
    const judged: number[] = [];
    const filtered = hasFilters(filters);
    /** 1 out, 2 in, 3 in but imprecise: kind first, then the injected filters, once per record. */
    const verdict = (ord: number): number => {
      if ((this.kindCode[ord]! & kindMask) === 0) return 1;
      if (!filtered) return 2;
      const rec = this.recordOrd[ord]!;
      let v = sc.verdict[rec]!;
      if (v === 0) {
        const r = this.matchFilters(this.entries[rec]!.record, filters);
        v = !r.match ? 1 : r.imprecise ? 3 : 2;
        sc.verdict[rec] = v;
        judged.push(rec);
      }
      return v;
    };
    const touched: number[] = [];
    let survivors: number[] = [];
    try {
      if (tokens.length === 0) {
        // No words: every record passing kind and filters, sources as a whole
        // rather than passage by passage. Nothing to rank by, so date order.
        const matched: number[] = [];
        for (const ord of this.recordsByDate) if (verdict(ord) >= 2) matched.push(ord);
        const page = matched.slice(offset, limit === Infinity ? undefined : offset + limit);
        return { hits: page.map((ord) => this.hit(ord, 0, verdict(ord) === 3)), total: matched.length, mode: 'none', notes };
      }

      // Step 1: membership. count[ord] = how many of the words the document contains.
      const { termNo, ords, weights } = this.compact;
      const { count, seenBy, alive, score, wordScore } = sc;
      const words: Array<Array<{ weight: number; t: number }>> = [];
      tokens.forEach((tok, i) => {
        const { expansions, capped } = expandToken(this.compact, this.tokenSet, tok, i === tokens.length - 1);
        if (capped) notes.push(`"${tok.raw}" matched many words; only the closest were searched`);
        if (expansions.length === 0) notes.push(`no record contains "${tok.raw}"`);
        const word = expansions.map((x) => ({ weight: x.weight, t: termNo.get(x.term)! }));
        const stamp = sc.nextWord();
        for (const { t } of word) {
          for (const ord of ords[t]!) {
            if (seenBy[ord] === stamp) continue;
            seenBy[ord] = stamp;
            const c = count[ord]!;
            if (c === 0) touched.push(ord);
            count[ord] = c + 1;
          }
        }
        words.push(word);
      });

      // Step 2: all words required; if no document passing the filters has them
      // all, any word (the command says so from mode 'any').
      let mode: SearchResult['mode'] = 'all';
      survivors = touched.filter((ord) => count[ord] === tokens.length && verdict(ord) >= 2);
      if (survivors.length === 0 && tokens.length > 1) {
        survivors = touched.filter((ord) => verdict(ord) >= 2);
        if (survivors.length > 0) mode = 'any';
      }

      // Step 3: score the survivors only. A word's score in a document is that
      // of its best expansion there (exact beats prefix beats typo): lunr's
      // BM25 weight summed over the fields, boosts included. Words add up.
      for (const ord of survivors) alive[ord] = 1;
      for (const word of words) {
        for (const { weight, t } of word) {
          const o = ords[t]!;
          const w = weights[t]!;
          for (let k = 0; k < o.length; k++) {
            const ord = o[k]!;
            if (alive[ord] === 0) continue;
            const s = weight * w[k]!;
            if (s > wordScore[ord]!) wordScore[ord] = s;
          }
        }
        for (const ord of survivors) {
          score[ord] = score[ord]! + wordScore[ord]!;
          wordScore[ord] = 0;
        }
      }
      // In 'any' mode a record with two of three words outranks one with one.
      if (mode === 'any') for (const ord of survivors) score[ord] = (score[ord]! * count[ord]!) / tokens.length;

      const rank = this.rank;
      const refs = this.compact.refs;
      const compare =
        options.order === 'date'
          ? (a: number, b: number) => rank[a]! - rank[b]!
          : (a: number, b: number) => score[b]! - score[a]! || compareStrings(refs[a]!, refs[b]!);
      const page = topK(survivors, offset + limit, compare).slice(offset);
      return {
        hits: page.map((ord) => this.hit(ord, Math.round(score[ord]! * 1000) / 1000, verdict(ord) === 3)),
        total: survivors.length,
        mode,
        notes,
      };
    } finally {
      // Leave the work arrays clean for the next query, whatever happened.
      for (const ord of touched) sc.count[ord] = 0;
      for (const ord of survivors) {
        sc.alive[ord] = 0;
        sc.score[ord] = 0;
      }
      for (const rec of judged) sc.verdict[rec] = 0;
    }
  }

  private hit(ord: number, score: number, imprecise: boolean): Hit {
    const e = this.entries[ord]!;
    const hit: Hit = { ref: e.ref, record: e.record, score, imprecise };
    if (e.passage !== undefined) hit.passage = e.passage;
    return hit;
  }
}

/**
 * Whether any filter besides kind (which the engine applies itself) is given.
 * Without one every record passes, so matchFilters is not called at all: even
 * a no-op call per record cost ~8 ms per 10k records in the benchmark.
 */
function hasFilters(filters: Filters): boolean {
  for (const [key, value] of Object.entries(filters)) {
    if (key === 'kind' || value === undefined) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    return true;
  }
  return false;
}

/** A non-negative whole number, or the default for anything else (NaN, negative, missing). */
function wholeOr(v: number | undefined, fallback: number): number {
  return v !== undefined && Number.isFinite(v) && v >= 0 ? Math.floor(v) : fallback;
}
