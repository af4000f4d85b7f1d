// A ParsedQuery compiled to SQL over the archive's tables (schema.ts): the
// same decisions as the embedded engine (search/engine.ts run(),
// search/filter-index.ts), written as one statement per page:
//
// - structured filters: each filter's wanted values are matched against the
//   column's distinct values with the engine's own predicates (FILTER_COLUMNS
//   accepts(): spelling-tolerant names, media, languages, targets), and the
//   accepted codes become `f_<name> && '{codes}'` on the GIN-indexed int[]
//   column; a filter that applies to some kinds only keeps only those kinds;
// - dates: the filter's day intervals (filterIntervals: from/to/year and the
//   Hijri `during:` occurrences) as an int4multirange the record's span must
//   overlap (GiST); "imprecise" when the span is not one exact day inside one
//   interval;
// - words: each word is the OR of its expansions (expand.ts); all words
//   required (`tsv @@ w1 & w2`), or, when no document passing the filters has
//   them all, any word (mode 'any'), as the engine;
// - order: by date (first day, undated last, then id, then passage: the
//   engine's date order exactly) or by relevance: ts_rank with the field
//   weights (title 1.0, names 0.5, summary 0.3, body 0.1: the lunr boosts
//   10/5/3/1 scaled), each word's best expansion counted (the word itself,
//   a prefix x0.5, a typo x0.3), summed over words. Scores are PostgreSQL's
//   ranking, not lunr's BM25: the set of matches and the totals are the
//   engine's, the relevance order of near-equal matches may differ.
import { filterIntervals } from '../core/query/filter.ts';
import { dayNumber, KIND_CODE } from '../core/search/columns.ts';
import { EXPANSION } from '../core/search/expand.ts';
import { FILTER_COLUMNS } from '../core/search/filter-index.ts';
import { hasFilters, wholeOr } from '../core/search/engine.ts';
import type { Filters, ParsedQuery, RecordKindFilter, SearchOptions } from '../core/search/types.ts';
import type { ExpandedQuery, ExpandedWord } from './expand.ts';
import { quoteLexeme } from './rows.ts';
import { filterColumn } from './schema.ts';

export interface DocRow {
  ordinal: number;
  id: string;
  passage: number;
  imprecise: boolean;
  score: number;
  total: string;
}

export interface ValueSource {
  /** Distinct values of a column by code (values[code - 1]); holes for codes no longer used. */
  valuesOf(col: string): ReadonlyArray<string | undefined>;
}

export interface CompiledPage {
  sql: string;
  params: unknown[];
  /** A count of the same matches, for a page that can come back empty while there are matches (an offset, or limit 0). */
  count?: { sql: string; params: unknown[] };
}

export interface SearchPlan {
  /** Number of query words (0: no free text). */
  words: number;
  page(text: 'all' | 'any'): CompiledPage;
  /**
   * The page as records (each once, at its first document's place) in two
   * arrays, one row: what select() returns, without a row per document
   * crossing the connection. Columns: o (ordinals), i (imprecise), total (documents).
   */
  records(text: 'all' | 'any'): CompiledPage;
}

const ALL_KINDS: readonly RecordKindFilter[] = ['incident', 'publication', 'source'];
const DEFAULT_LIMIT = 10;
/** ts_rank weights {D, C, B, A}: body, summary, names, title; the lunr boosts 1/3/5/10 scaled to 1. */
const RANK_WEIGHTS = '{0.1,0.3,0.5,1.0}';

export class Params {
  readonly list: unknown[] = [];
  add(v: unknown, type: string): string {
    this.list.push(v);
    return `$${this.list.length}::${type}`;
  }
}

/** The record-level conditions of the filters (on alias r), and the expression saying a passing record matched only imprecisely. */
export function compileFilters(filters: Filters, values: ValueSource, p: Params): { where: string[]; imprecise: () => string } {
  const where: string[] = [];
  if (!hasFilters(filters)) return { where, imprecise: () => 'false' };
  let kindsOk = KIND_CODE.incident | KIND_CODE.publication | KIND_CODE.source;
  for (const def of FILTER_COLUMNS) {
    const pred = def.accepts(filters);
    if (pred === null) continue;
    let bits = 0;
    for (const k of def.kinds) bits |= KIND_CODE[k];
    kindsOk &= bits;
    const accepted: number[] = [];
    values.valuesOf(`filter:${def.name}`).forEach((v, i) => {
      if (v !== undefined && pred(v)) accepted.push(i + 1);
    });
    where.push(accepted.length === 0 ? 'false' : `r.${filterColumn(def.name)} && ${p.add(`{${accepted.join(',')}}`, 'integer[]')}`);
  }
  if (kindsOk !== 7) where.push(`(r.kind & ${kindsOk}) <> 0`);
  const intervals = filterIntervals(filters);
  let imprecise = (): string => 'false';
  if (intervals !== null) {
    const from = intervals.map((i) => dayNumber(i.from));
    const to = intervals.map((i) => dayNumber(i.to));
    if (intervals.length === 0 || from.some((d) => d < 0) || to.some((d) => d < 0)) where.push('false');
    else {
      where.push(`r.span && ${p.add(`{${from.map((f, i) => `[${f},${to[i]}]`).join(',')}}`, 'int4multirange')}`);
      // (Parameters added when the expression is used: a count leaves it out.)
      // Inside: one interval holds the whole span (the intervals are disjoint, so it is the engine's "first interval ending on or after its first day").
      imprecise = () => `NOT (r.exact AND EXISTS (SELECT 1 FROM unnest(${p.add(from, 'integer[]')}, ${p.add(to, 'integer[]')}) AS i(f, t) WHERE i.f <= lower(r.span) AND upper(r.span) - 1 <= i.t))`;
    }
  }
  return { where, imprecise };
}

function wordQuery(w: ExpandedWord): string | null {
  const all = [...w.exact, ...w.prefix, ...w.fuzzy];
  return all.length === 0 ? null : all.map(quoteLexeme).join(' | ');
}

export function compileSearch(query: ParsedQuery, options: SearchOptions, expanded: ExpandedQuery, values: ValueSource): SearchPlan {
  const filters: Filters = query?.filters ?? {};
  const limit = options.limit === Infinity ? Infinity : wholeOr(options.limit, DEFAULT_LIMIT);
  const offset = wholeOr(options.offset, 0);
  const byDate = options.order === 'date';
  let kindMask = 0;
  for (const k of filters.kind !== undefined && filters.kind.length > 0 ? filters.kind : (options.defaultKinds ?? ALL_KINDS)) kindMask |= KIND_CODE[k] ?? 0;
  const words = expanded.words;
  const paging = (p: Params): string => {
    let s = '';
    if (limit !== Infinity) s += ` LIMIT ${p.add(limit, 'bigint')}`;
    if (offset > 0) s += ` OFFSET ${p.add(offset, 'bigint')}`;
    return s;
  };

  const build = (text: 'all' | 'any', forCount: boolean): { sql: string; params: unknown[] } => {
    const p = new Params();
    const f = compileFilters(filters, values, p);
    if (words.length === 0) {
      const where = [`(r.kind & ${kindMask}) <> 0`, ...f.where].join(' AND ');
      if (forCount) return { sql: `SELECT count(*) AS n FROM archive_records r WHERE ${where}`, params: p.list };
      return {
        sql:
          `SELECT r.ordinal, r.id, 0 AS passage, ${f.imprecise()} AS imprecise, 0 AS score, count(*) OVER () AS total ` +
          `FROM archive_records r WHERE ${where} ORDER BY r.first_day, r.id${paging(p)}`,
        params: p.list,
      };
    }
    const perWord = words.map(wordQuery);
    const present = perWord.filter((q): q is string => q !== null);
    let match: string;
    if (text === 'all') match = present.length < words.length ? 'false' : `d.tsv @@ ${p.add(present.map((q) => `(${q})`).join(' & '), 'tsquery')}`;
    else match = present.length === 0 ? 'false' : `d.tsv @@ ${p.add(present.map((q) => `(${q})`).join(' | '), 'tsquery')}`;
    const where = [match, `(d.kind & ${kindMask}) <> 0`, ...f.where].join(' AND ');
    const from = 'FROM archive_docs d JOIN archive_records r ON r.rid = d.rid';
    if (forCount) return { sql: `SELECT count(*) AS n ${from} WHERE ${where}`, params: p.list };
    let score = '0';
    let order = 'r.first_day, r.id, d.passage';
    if (!byDate) {
      const terms = words.map((w) => {
        const parts: string[] = [];
        const rank = (lexemes: string[], weight: number): void => {
          if (lexemes.length === 0) return;
          const r = `ts_rank('${RANK_WEIGHTS}'::float4[], d.tsv, ${p.add(lexemes.map(quoteLexeme).join(' | '), 'tsquery')})`;
          parts.push(weight === 1 ? r : `${weight} * ${r}`);
        };
        rank(w.exact, 1);
        rank(w.prefix, EXPANSION.prefixWeight);
        rank(w.fuzzy, EXPANSION.fuzzyWeight);
        return parts.length === 0 ? '0' : parts.length === 1 ? parts[0]! : `GREATEST(${parts.join(', ')})`;
      });
      score = `(${terms.join(' + ')})`;
      if (text === 'any') {
        // A document with two of three words outranks one with one (as the engine).
        const hits = perWord.map((q) => (q === null ? '0' : `(d.tsv @@ ${p.add(q, 'tsquery')})::int`));
        score = `(${score} * (${hits.join(' + ')}) / ${words.length}.0)`;
      }
      order = 'score DESC, r.id, d.passage';
    }
    return {
      sql:
        `SELECT r.ordinal, r.id, d.passage, ${f.imprecise()} AS imprecise, ${score}::float8 AS score, count(*) OVER () AS total ` +
        `${from} WHERE ${where} ORDER BY ${order}${paging(p)}`,
      params: p.list,
    };
  };

  return {
    words: words.length,
    page(text) {
      const page = build(text, false);
      return offset === 0 && limit !== 0 ? page : { ...page, count: build(text, true) };
    },
    records(text) {
      const page = build(text, false);
      // The page's documents numbered in their order; each record at its first document (its verdict is the record's, so any document's imprecision is its).
      const sql =
        `SELECT coalesce(array_agg(ordinal ORDER BY pos), '{}') AS o, coalesce(array_agg(imp ORDER BY pos), '{}') AS i, coalesce(max(total), 0) AS total ` +
        `FROM (SELECT ordinal, min(pos) AS pos, bool_or(imprecise)::int AS imp, max(total) AS total ` +
        `FROM (SELECT p.*, row_number() OVER () AS pos FROM (${page.sql}) AS p) AS numbered GROUP BY ordinal) AS per_record`;
      const out: CompiledPage = { sql, params: page.params };
      return offset === 0 && limit !== 0 ? out : { ...out, count: build(text, true) };
    },
  };
}
