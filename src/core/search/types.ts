// Contracts between the query language, the index and the commands. Kept in one
// small file so each side can be built and tested on its own.
import type { IdList } from './id-list.ts';
import type { CountKey, CountResult } from '../counts.ts';
import type { Incident, Publication, SourceDocument } from '../records/schema.ts';
import type { CasualtySums } from '../views.ts';

export type RecordKindFilter = 'incident' | 'publication' | 'source';
export type IncidentCategoryFilter = 'attack' | 'operation';

/** A Hijri month filter: `during:ramadan`, `during:muharram 1444`, `during:ramadan 2022`. */
export interface HijriFilter {
  /** Hijri month number 1-12 (1 = Muharram, 9 = Ramadan). */
  month: number;
  /** Canonical month name as shown to users ("Ramadan"). */
  name: string;
  /** A Hijri year (e.g. 1443) when the user gave one >= 1300, */
  hijriYear?: number;
  /** or a Gregorian year (e.g. 2022) meaning: the occurrence(s) of that month starting in that year. */
  gregorianYear?: number;
}

/** Structured filters; every field is optional and all given fields must match (AND). */
export interface Filters {
  kind?: RecordKindFilter[];
  /** Incident category: attacks by the group, or operations against it. Publications and sources never match. */
  category?: IncidentCategoryFilter[];
  /** Matches site/place/district/province (spelling-tolerant). Several values: any of them. */
  place?: string[];
  country?: string[];
  /** Incident attack types. */
  type?: string[];
  /** Incident target or target type. */
  target?: string[];
  outlet?: string[];
  medium?: string[];
  language?: string[];
  /** Incidents imported from these event datasets (key, release or name: ucdp-ged, acled, gtd, a sheet's key). */
  dataset?: string[];
  /** Incidents naming this actor: dataset sides, actors, associated actors, perpetrator groups, perpetrator, claimant. */
  actor?: string[];
  /** Incidents of this kind of violence ("state-based", "one-sided", "political violence"). */
  violence?: string[];
  /** claimed:yes keeps incidents whose claim.status is "claimed"; claimed:no the others. */
  claimed?: boolean;
  /** Closed interval of ISO days (YYYY-MM-DD); a record matches when its date interval overlaps. */
  from?: string;
  to?: string;
  /** year:2022 is stored as from/to too, but kept for display. */
  year?: number;
  during?: HijriFilter;
}

export interface QueryProblem {
  /** The filter name or 'text' the problem is about. */
  option: string;
  message: string;
}

/** `order:` in the query language: by date, newest or oldest first, or by relevance (best match first). */
export type QueryOrder = 'newest' | 'oldest' | 'relevance';

/** The result of parsing a `query` option. Parsing never throws. */
export interface ParsedQuery {
  /** The original input (trimmed, capped in length). */
  input: string;
  /** Free-text words left after filters were taken out (lower-cased tokens as typed). */
  terms: string[];
  filters: Filters;
  /** Things the user should fix; the command answers with these instead of results when non-empty. */
  problems: QueryProblem[];
  /** Non-blocking notes to show with the answer (e.g. "ignored a lone '-'", "input cut to 500 characters"). */
  notes: string[];
  /** `order:` when the query gave one; each command has its own default (search: relevance, timeline: oldest). */
  order?: QueryOrder;
}

export type Searchable = Incident | Publication | SourceDocument;

/** One hit. For a source passage, `passage` is its number and `record` the source document. */
export interface Hit {
  ref: string;
  /** The record's id, and its number in the archive (see Archive.record): known without reading the record. */
  id?: string;
  ordinal?: number;
  /** Read from the record store when first used. */
  record: Searchable;
  passage?: number;
  score: number;
  /** True when the record's date is less precise than a day and a date filter was applied. */
  imprecise: boolean;
}

export interface SearchResult {
  hits: Hit[];
  /** Number of matches before the limit. */
  total: number;
  /** all: every term was required; any: no record had all terms, so any-term matching was used; none: no free text. */
  mode: 'all' | 'any' | 'none';
  notes: string[];
}

export interface SearchOptions {
  /** Max hits returned (default 10). `Infinity` returns every match (timeline, count). */
  limit?: number;
  offset?: number;
  /** Kinds searched when the query has no kind: filter (default: all three). */
  defaultKinds?: RecordKindFilter[];
  /** Order: by relevance (default) or by date ascending (records without a date last). */
  order?: 'relevance' | 'date';
}

export interface ArchiveStats {
  incidents: number;
  publications: number;
  sources: number;
  passages: number;
  /** sha256 of data/ the index was built from. */
  dataHash: string;
  /** Latest `modified`/`published` among sources, ISO, or null. */
  lastDataChange: string | null;
  /** e.g. "lunr 2.3.9 / schema 1 / index 1". */
  indexVersion: string;
  builtAt: string;
}

/**
 * A query's matching records as numbers (see Archive.record), each once, in
 * the order search() would list them: what counts, exports, charts and
 * digests work from, without reading a record they do not show.
 */
export interface Selection {
  records: Int32Array;
  /** 1 where the record matched the date filters only imprecisely (as Hit.imprecise). */
  imprecise: Uint8Array;
  total: number;
  mode: SearchResult['mode'];
  notes: string[];
  /**
   * The same records as a set by record number, when the archive has it at
   * hand (the engine, for a query without words): then `records` and
   * `imprecise` are made only when first read, and /count works from the set.
   */
  set?: RecordSet;
}

/** Records as a bitset by record number: record r is bit (r & 31) of word r >>> 5. Read-only. */
export interface RecordSet {
  bits: Uint32Array;
  /** The records that matched the date filters only imprecisely; null when none could. */
  imprecise: Uint32Array | null;
  /** The first k records in date order of `within` (a subset of `bits`; all of them when absent). */
  firstByDate(k: number, within?: Uint32Array): Int32Array;
}

/** What commands need from the index. Implemented by the search engine. */
export interface Archive {
  search(query: ParsedQuery, options?: SearchOptions): SearchResult;
  /** search() as record numbers, each record once. */
  select(query: ParsedQuery, options?: SearchOptions): Selection;
  /** Any incident, publication or source by id (read from the record store). */
  get(id: string): Searchable | undefined;
  /** Records are numbered 0 .. count - 1. */
  readonly count: number;
  /** The record numbered r, read from the record store: the one accessor for full records. */
  record(r: number): Searchable;
  recordId(r: number): string;
  recordKind(r: number): Searchable['kind'];
  /** The number of the record with this id, or -1. */
  ordinalOf(id: string): number;
  /** The URL of the source with this id, from the columns (no record read); undefined when it is not a source here. */
  sourceUrl(id: string): string | undefined;
  /** The days the record's date can mean, as recordSpan (query/filter.ts) gives them, from the columns; undefined when undated. */
  span(r: number): { from: string; to: string; exactDay: boolean } | undefined;
  /** sha256 of the record's canonical JSON (digest/fingerprint.ts), kept with the store. */
  fingerprint(r: number): string;
  /** countBy (counts.ts) over the records numbered `ordinals`, from the columns. */
  countBy(ordinals: ArrayLike<number>, by: CountKey): CountResult;
  /** sumCasualties (counts.ts) over the incidents numbered `ordinals`, from the columns. */
  sumCasualties(ordinals: ArrayLike<number>): CasualtySums;
  /** For a Selection with a `set`: the records of these kinds as a set (read-only), and countBy / sumCasualties over a set. */
  kindSet?(kinds: readonly RecordKindFilter[]): Uint32Array;
  countSet?(bits: Uint32Array, by: CountKey): CountResult;
  sumCasualtiesSet?(bits: Uint32Array): CasualtySums;
  stats(): ArchiveStats;
  /** Distinct values for autocomplete and for spelling-tolerant matching; the record ids as an IdList (id-list.ts: never a million strings). */
  vocabulary(): { places: string[]; countries: string[]; outlets: string[]; media: string[]; types: string[]; ids: IdList };
  /** Ids of the incidents and publications citing any of these sources, in date order (no record is read). */
  citing(sourceIds: readonly string[]): string[];
  /** Ids of the sources whose URL `accepts` takes, each distinct URL asked once (no record is read). */
  sourcesWithUrl(accepts: (url: string) => boolean): string[];
}
