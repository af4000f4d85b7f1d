// What one record becomes in the archive's tables (schema.ts): its row of
// columns and its index documents as weighted tsvectors. Everything is
// computed here by the embedded engine's own definitions (FILTER_COLUMNS,
// keysOf, recordSpan, documentsOfRecord, the lunr pipeline), so a filter, a
// count or a word means the same in both backends.
import lunr from 'lunr';
import { COUNT_KEYS, figureBounds, isVictimFigure, keysOf } from '../core/counts.ts';
import { fingerprint } from '../core/digest/fingerprint.ts';
import { recordSpan } from '../core/query/filter.ts';
import type { Figure } from '../core/records/schema.ts';
import { dayNumber, KIND_CODE } from '../core/search/columns.ts';
import { documentsOfRecord, FIELDS, firstDayOf } from '../core/search/documents.ts';
import { FILTER_COLUMNS } from '../core/search/filter-index.ts';
import { analyseToken } from '../core/search/pipeline.ts';
import type { Searchable } from '../core/search/types.ts';

/** tsvector weights by field, in FIELDS order: title A, names B, summary C, body D. */
const WEIGHT_LETTERS = ['A', 'B', 'C', 'D'] as const;
if (FIELDS.length !== WEIGHT_LETTERS.length) throw new Error('archive-pg: one tsvector weight per index field');

/** PostgreSQL refuses lexemes longer than this (bytes); such a token is left out of the tsvector. */
export const MAX_LEXEME_BYTES = 2046;
/** PostgreSQL positions run 1..16383. */
const MAX_POSITION = 16383;

/** Values are stored as text; PostgreSQL text cannot hold U+0000 (the target column's separator), so it is swapped for U+0001. */
export const toDb = (v: string): string => v.replaceAll('\u0000', '\u0001');
export const fromDb = (v: string): string => v.replaceAll('\u0001', '\u0000');

const SEP = lunr.tokenizer.separator;
const stemMemo = new Map<string, string | null>();

/** The stems of one field's text, as the compact builder makes them (build.ts): split, lower-cased, the lunr pipeline. */
export function fieldStems(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(SEP)) {
    if (raw === '') continue;
    const piece = raw.toLowerCase();
    let stem = stemMemo.get(piece);
    if (stem === undefined) {
      stem = analyseToken(piece);
      if (stemMemo.size > 500_000) stemMemo.clear();
      stemMemo.set(piece, stem);
    }
    if (stem !== null && stem !== '') out.push(stem);
  }
  return out;
}

/** A lexeme quoted for tsvector/tsquery input: quotes and backslashes doubled. */
export function quoteLexeme(s: string): string {
  return `'${s.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}

/** A tsvector literal for a document's fields: every stem once per field, weighted by the field, and the stems it holds. */
export function tsvectorOf(fields: readonly string[]): { literal: string; stems: string[] } {
  const positions = new Map<string, string[]>();
  let pos = 0;
  fields.forEach((text, f) => {
    const seen = new Set<string>();
    for (const stem of fieldStems(text)) {
      if (seen.has(stem) || Buffer.byteLength(stem) > MAX_LEXEME_BYTES) continue;
      seen.add(stem);
      pos = Math.min(pos + 1, MAX_POSITION);
      let list = positions.get(stem);
      if (list === undefined) positions.set(stem, (list = []));
      list.push(`${pos}${WEIGHT_LETTERS[f]}`);
    }
  });
  const parts: string[] = [];
  for (const [stem, list] of positions) parts.push(`${quoteLexeme(stem)}:${list.join(',')}`);
  return { literal: parts.join(' '), stems: [...positions.keys()] };
}

export interface DocRow {
  passage: number;
  kind: number;
  tsv: string;
  stems: string[];
}

export interface RecordRow {
  id: string;
  kind: number;
  fingerprint: string;
  body: string;
  firstDay: string | null;
  /** [from, to] as YYYYMMDD numbers, or null (undated, or not plain days). */
  span: [number, number] | null;
  exact: boolean;
  grouped: boolean;
  sourceUrl: string | null;
  casFlag: number;
  cas: Array<number | null>;
  countMulti: number;
  /** Values per filter column (FILTER_COLUMNS order) and per count key (COUNT_KEYS order), each once. */
  filterValues: string[][];
  countValues: string[][];
}

const FIGURES = ['killed', 'wounded', 'combined'] as const;

/** The row of a record (no documents: see docsOf). */
export function rowOf(r: Searchable): RecordRow {
  const s = recordSpan(r);
  let span: [number, number] | null = null;
  if (s !== undefined) {
    const from = dayNumber(s.from);
    const to = dayNumber(s.to);
    if (from >= 0 && to >= 0) span = [from, to];
  }
  const cas: Array<number | null> = [];
  const c = r.kind === 'incident' ? r.casualties : undefined;
  for (const f of FIGURES) {
    const fig: Figure | undefined = c?.[f];
    if (fig === undefined) cas.push(null, null);
    else {
      const b = figureBounds(fig);
      cas.push(b.low, b.high === null ? Infinity : b.high);
    }
  }
  let countMulti = 0;
  const countValues = COUNT_KEYS.map((by, k) => {
    const keys = [...new Set(keysOf(r, by))];
    if (keys.length > 1) countMulti |= 1 << k;
    // Case-folded keys once per record, under the first spelling (as countBy and the columnar count do).
    const folded = new Map<string, string>();
    for (const key of keys) if (!folded.has(key.toLowerCase())) folded.set(key.toLowerCase(), key);
    return [...folded.values()].map(toDb);
  });
  return {
    id: r.id,
    kind: KIND_CODE[r.kind],
    fingerprint: fingerprint(r),
    body: JSON.stringify(r),
    firstDay: firstDayOf(r),
    span,
    exact: s !== undefined && s.exactDay,
    grouped: r.kind === 'incident' && r.group !== undefined,
    sourceUrl: r.kind === 'source' ? r.url : null,
    casFlag: c === undefined || r.kind !== 'incident' ? 0 : isVictimFigure(r) ? 2 : 1,
    cas,
    countMulti,
    filterValues: FILTER_COLUMNS.map((d) => [...new Set(d.values(r).filter((v): v is string => v !== undefined))].map(toDb)),
    countValues,
  };
}

/** The index documents of a record (its own, then a source's passages) as tsvectors. */
export function docsOf(r: Searchable): DocRow[] {
  const out: DocRow[] = [];
  documentsOfRecord(r, (fields, meta) => {
    const { literal, stems } = tsvectorOf(fields);
    out.push({ passage: meta.passage, kind: meta.passage === 0 ? KIND_CODE[r.kind] : KIND_CODE.source, tsv: literal, stems });
  });
  return out;
}
