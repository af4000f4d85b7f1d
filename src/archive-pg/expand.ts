// Which vocabulary terms each query word stands for, as the embedded engine
// decides it (search/expand.ts): the word's own stem; a prefix range of the
// vocabulary (btree on archive_terms, shortest first, capped); typo
// neighbours within one edit for rare words. Typo candidates come from
// pg_trgm's trigram index on the vocabulary (a similarity floor every
// one-edit neighbour of an alphanumeric word clears) and are kept only when
// they are truly one edit away (editDistance); candidates the trigram index
// cannot see (words with characters pg_trgm treats as separators) are looked
// up directly, so the neighbours are exactly the engine's.
import { EXPANSION, prefixForms } from '../core/search/expand.ts';
import { queryTokens, type QueryToken } from '../core/search/pipeline.ts';
import { editDistance } from '../core/query/names.ts';
import type { ParsedQuery } from '../core/search/types.ts';
import type { PgQuery } from './archive.ts';

/** ParsedQuery caps input length, but a hand-built one may not: more words than this are ignored (as the engine). */
const MAX_WORDS = 32;

export interface ExpandedWord {
  raw: string;
  /** Vocabulary terms by the weight they count with: 1 (the word), 0.5 (prefix), 0.3 (typo). Each term once, at its best weight. */
  exact: string[];
  prefix: string[];
  fuzzy: string[];
}

export interface ExpandedQuery {
  words: ExpandedWord[];
  notes: string[];
}

const ALNUM = /^[a-z0-9]+$/;

/** The expansions of every word of the query, and the notes the engine gives about them. */
export function expandWords(db: PgQuery, query: ParsedQuery, alphabet: readonly string[]): ExpandedQuery {
  const notes: string[] = [];
  const parsed = queryTokens(Array.isArray(query?.terms) ? query.terms : []);
  const seenStems = new Set<string>();
  const tokens = parsed.tokens.filter((t) => !seenStems.has(t.stem) && seenStems.add(t.stem));
  if (tokens.length > MAX_WORDS) notes.push(`only the first ${MAX_WORDS} words were searched`);
  tokens.length = Math.min(tokens.length, MAX_WORDS);
  if (parsed.stopWords.length > 0) notes.push(`ignored common words: ${parsed.stopWords.join(', ')}`);
  const words = tokens.map((tok, i) => {
    const w = expandOne(db, tok, i === tokens.length - 1, alphabet);
    if (w.capped) notes.push(`"${tok.raw}" matched many words; only the closest were searched`);
    if (w.exact.length + w.prefix.length + w.fuzzy.length === 0) notes.push(`no record contains "${tok.raw}"`);
    return { raw: tok.raw, exact: w.exact, prefix: w.prefix, fuzzy: w.fuzzy };
  });
  return { words, notes };
}

function byLength(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** The smallest string greater than every string starting with `p` (in "C" order), as a range bound. */
const prefixEnd = (p: string): string => `${p}\u{10FFFF}`;

function expandOne(db: PgQuery, tok: QueryToken, isLast: boolean, alphabet: readonly string[]): { exact: string[]; prefix: string[]; fuzzy: string[]; capped: boolean } {
  const weight = new Map<string, number>();
  const add = (term: string, w: number): void => {
    if ((weight.get(term) ?? 0) < w) weight.set(term, w);
  };
  const prefixes = prefixForms(tok, isLast);
  const wantPrefix = prefixes.length > 0;
  // One round trip: the word's document frequency and the first prefix terms (one more than kept, to know whether it was capped).
  const params: unknown[] = [tok.stem];
  let sql = `SELECT 'e' AS how, term, ndoc FROM archive_terms WHERE term = $1`;
  if (wantPrefix) {
    const ranges = prefixes.map((p) => {
      params.push(p, prefixEnd(p));
      return `(term >= $${params.length - 1} AND term < $${params.length})`;
    });
    sql += ` UNION ALL (SELECT 'p', term, 0 FROM archive_terms WHERE ${ranges.join(' OR ')} ORDER BY length(term), term LIMIT ${EXPANSION.maxPrefix + 1})`;
  }
  const res = db.query<{ how: string; term: string; ndoc: number }>(sql, params);
  let exactDocs = 0;
  const prefixTerms: string[] = [];
  for (const row of res.rows) {
    if (row.how === 'e') {
      exactDocs = row.ndoc;
      add(row.term, 1);
    } else if (prefixes.some((p) => row.term.startsWith(p))) prefixTerms.push(row.term);
  }
  prefixTerms.sort(byLength);
  const capped = prefixTerms.length > EXPANSION.maxPrefix;
  for (const term of prefixTerms.slice(0, EXPANSION.maxPrefix)) add(term, EXPANSION.prefixWeight);

  if (!tok.raw.includes('*') && tok.raw.length >= EXPANSION.fuzzyMin && tok.raw.length <= EXPANSION.fuzzyMax && exactDocs < EXPANSION.fuzzyBelowDocs) {
    const terms = typoNeighbours(db, tok.stem, alphabet).sort(byLength);
    for (const term of terms.slice(0, EXPANSION.maxFuzzy)) add(term, EXPANSION.fuzzyWeight);
  }
  const exact: string[] = [];
  const prefix: string[] = [];
  const fuzzy: string[] = [];
  for (const [term, w] of weight) (w === 1 ? exact : w === EXPANSION.prefixWeight ? prefix : fuzzy).push(term);
  return { exact, prefix, fuzzy, capped };
}

/** Every string one edit from `word` (delete, transpose neighbours, substitute, insert) over `alphabet`, the word included. */
function oneEditStrings(word: string, alphabet: readonly string[]): Set<string> {
  const out = new Set<string>([word]);
  const n = word.length;
  for (let i = 0; i < n; i++) {
    const head = word.slice(0, i);
    const tail = word.slice(i + 1);
    out.add(head + tail);
    if (i + 1 < n) out.add(head + word[i + 1]! + word[i]! + word.slice(i + 2));
    for (const c of alphabet) out.add(head + c + tail);
  }
  for (let i = 0; i <= n; i++) for (const c of alphabet) out.add(word.slice(0, i) + c + word.slice(i));
  return out;
}

/**
 * Vocabulary terms within one edit of `word`. For an alphanumeric word, pg_trgm
 * finds the candidates: a one-edit change alters at most 4 of the word's n+1
 * trigrams, so a neighbour shares at least n-3 of them and its similarity is
 * at least (n-3)/(n+6); the index is asked for a floor below that. Neighbours
 * with a character pg_trgm splits words at are looked up as strings.
 */
export function typoNeighbours(db: PgQuery, word: string, alphabet: readonly string[]): string[] {
  const found = new Set<string>();
  const n = [...word].length;
  if (ALNUM.test(word)) {
    const floor = Math.max(0.05, (0.8 * (n - 3)) / (n + 6));
    db.query(`SELECT set_config('pg_trgm.similarity_threshold', $1, false)`, [String(floor)]);
    const res = db.query<{ term: string }>('SELECT term FROM archive_terms WHERE term % $1', [word]);
    for (const { term } of res.rows) if (editDistance(word, term, 1) <= 1) found.add(term);
    const odd = alphabet.filter((c) => !ALNUM.test(c));
    if (odd.length > 0) {
      const candidates = [...oneEditStrings(word, odd)].filter((c) => !ALNUM.test(c));
      if (candidates.length > 0) for (const { term } of db.query<{ term: string }>('SELECT term FROM archive_terms WHERE term = ANY($1::text[])', [candidates]).rows) found.add(term);
    }
  } else {
    const candidates = [...oneEditStrings(word, alphabet)];
    for (const { term } of db.query<{ term: string }>('SELECT term FROM archive_terms WHERE term = ANY($1::text[])', [candidates]).rows) found.add(term);
  }
  return [...found];
}
