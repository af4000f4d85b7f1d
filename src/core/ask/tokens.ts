// Words of a question with their place in the text, and a mark for the ones a
// reading step has already explained (a date, a place, a cue). Each step only
// looks at unexplained words, so a word is never read twice, and what is left
// at the end is the free text. Positions are kept so that a date found by
// chrono in the text can be mapped back to the words it covers.
import type { Phrase } from './lexicon.ts';

export interface Token {
  /** As typed. */
  raw: string;
  /** For matching: lower case, no diacritics, no apostrophes, no possessive "'s". */
  lower: string;
  /** Offsets in the normalised question text. */
  start: number;
  end: number;
  /** Explained by some reading step. */
  used: boolean;
  /** Locked as free text (after "mention", inside a quoted phrase or a definite description). */
  text: boolean;
}

// Letters/digits with apostrophes inside ("sha'ban", "taliban's"); hyphens,
// dots and other punctuation separate words, so "Mazar-i-Sharif" is three
// words (names.ts compares names with the connectors dropped anyway).
const WORD = /[\p{L}\p{N}\p{M}]+(?:'[\p{L}\p{N}\p{M}]+)*/gu;

/** NFKC, curly quotes made straight, control characters made spaces. */
export function normaliseQuestion(question: string): string {
  return question
    .normalize('NFKC')
    .replace(/[\u2018\u2019\u02BC\u02BB\u02BE\u02BF`\u00B4]/gu, "'")
    .replace(/[\u201C\u201D\u201E\u201F\u00AB\u00BB]/gu, '"')
    .replace(/\p{Cc}/gu, ' ');
}

/** The matching form of a word. */
export function lowerWord(raw: string): string {
  return raw
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/'s$/u, '')
    .replace(/'/gu, '');
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const m of text.matchAll(WORD)) {
    const lower = lowerWord(m[0]);
    if (lower === '') continue;
    tokens.push({ raw: m[0], lower, start: m.index, end: m.index + m[0].length, used: false, text: false });
  }
  return tokens;
}

/** True when `phrase` matches the free (unused, not locked) tokens from `at`. */
export function phraseAt(tokens: readonly Token[], at: number, phrase: Phrase): boolean {
  if (at + phrase.length > tokens.length) return false;
  for (let k = 0; k < phrase.length; k++) {
    const t = tokens[at + k]!;
    if (t.used || t.text || t.lower !== phrase[k]) return false;
  }
  return true;
}

export interface PhraseHit<T> {
  start: number;
  length: number;
  value: T;
}

/**
 * Every match of the listed phrases among free tokens, left to right, the
 * longest phrase winning at each position. Matches are not marked used; the
 * caller decides (see `use`).
 */
export function findPhrases<T>(tokens: readonly Token[], list: ReadonlyArray<readonly [Phrase, T]>): PhraseHit<T>[] {
  const sorted = [...list].sort((a, b) => b[0].length - a[0].length);
  const hits: PhraseHit<T>[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const hit = sorted.find(([p]) => phraseAt(tokens, i, p));
    if (hit === undefined) continue;
    hits.push({ start: i, length: hit[0].length, value: hit[1] });
    i += hit[0].length - 1;
  }
  return hits;
}

/** Marks tokens [start, start + length) as explained. */
export function use(tokens: readonly Token[], start: number, length: number): void {
  for (let k = start; k < start + length; k++) {
    const t = tokens[k];
    if (t !== undefined) t.used = true;
  }
}

/** Finds, marks used and returns the matches of the listed phrases. */
export function takePhrases<T>(tokens: readonly Token[], list: ReadonlyArray<readonly [Phrase, T]>): PhraseHit<T>[] {
  const hits = findPhrases(tokens, list);
  for (const h of hits) use(tokens, h.start, h.length);
  return hits;
}

/** The word before token `i` (used or not), skipping "the". */
export function wordBefore(tokens: readonly Token[], i: number): string | undefined {
  let k = i - 1;
  while (k >= 0 && tokens[k]!.lower === 'the') k--;
  return k >= 0 ? tokens[k]!.lower : undefined;
}

/** Pairs of a phrase with `true`, for phrase lists that carry no value. */
export function flagged(list: readonly Phrase[]): ReadonlyArray<readonly [Phrase, true]> {
  return list.map((p) => [p, true] as const);
}
