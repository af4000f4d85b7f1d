// Token normalisation shared by indexing and querying. lunr's own trimmer strips
// `\W`, which in a non-unicode regex means every non-ASCII letter: Pashto, Dari
// and Arabic words would be trimmed to an empty token and "Nangarhār" would lose
// its last letter. Ours trims by Unicode class instead and folds diacritics so
// "Nangarhār" and "Nangarhar" meet. lunr's stop-word filter and Porter stemmer
// are kept as they are.
import lunr from 'lunr';

/** The label lunr knows the trimmer by. */
export const TRIMMER_LABEL = 'archivistTrimmer';

const EDGE = /^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu;
const MARKS = /\p{M}+/gu;

/** Lower-cased, diacritics folded, non-letter/digit edges removed; '' when nothing is left. */
export function normaliseToken(s: string): string {
  return s.toLowerCase().normalize('NFKD').replace(MARKS, '').normalize('NFC').replace(EDGE, '');
}

/** lunr pipeline function: returning null drops the token (nothing left after trimming). */
const archivistTrimmer: lunr.PipelineFunction = (token) => {
  const out = normaliseToken(token.toString());
  return out === '' ? null : token.update(() => out);
};

// Registered by label at import, as lunr requires of pipeline functions (it
// warns otherwise, and lunr.Index.load of a serialised index looks them up by
// this label). Our saved form is not lunr's JSON, but the label keeps the
// builder's pipeline serialisable should anything call Index#toJSON.
lunr.Pipeline.registerFunction(archivistTrimmer, TRIMMER_LABEL);

/** Configure a builder: our trimmer, then lunr's stop words and stemmer (queryTokens does the same to query words). */
export function configurePipeline(builder: lunr.Builder): void {
  builder.pipeline.reset();
  builder.pipeline.add(archivistTrimmer, lunr.stopWordFilter, lunr.stemmer);
  builder.searchPipeline.reset();
  builder.searchPipeline.add(archivistTrimmer, lunr.stemmer);
}

/**
 * What the indexing pipeline (configurePipeline) makes of one token as lunr's
 * tokenizer cut it: its stem, or null when the trimmer leaves nothing or it is
 * a stop word. The same lunr functions in the same order; build.ts runs this
 * once per distinct token instead of once per occurrence.
 */
export function analyseToken(piece: string): string | null {
  const raw = normaliseToken(piece);
  if (raw === '') return null;
  // lunr's filter returns undefined for a stop word (its typings say Token).
  if ((lunr.stopWordFilter(new lunr.Token(raw, {})) as lunr.Token | undefined) === undefined) return null;
  return lunr.stemmer(new lunr.Token(raw, {})).toString();
}

/** One query word as the index sees it. */
export interface QueryToken {
  /** Normalised, unstemmed (used for prefix matching: a prefix is not a word the stemmer knows). */
  raw: string;
  /** Normalised and stemmed: the form stored in the index. */
  stem: string;
}

/**
 * Split user terms the way the indexer splits text (whitespace and hyphens), then
 * normalise, drop stop words and stem. Returns the kept tokens and the dropped words.
 */
export function queryTokens(terms: readonly unknown[]): { tokens: QueryToken[]; stopWords: string[]; empty: string[] } {
  const tokens: QueryToken[] = [];
  const stopWords: string[] = [];
  const empty: string[] = [];
  for (const term of terms) {
    if (typeof term !== 'string') continue;
    for (const piece of term.split(lunr.tokenizer.separator)) {
      if (piece === '') continue;
      const raw = normaliseToken(piece);
      if (raw === '') {
        empty.push(piece);
        continue;
      }
      // lunr's filter returns undefined for a stop word (its typings say Token).
      if ((lunr.stopWordFilter(new lunr.Token(raw, {})) as lunr.Token | undefined) === undefined) {
        stopWords.push(raw);
        continue;
      }
      const stem = lunr.stemmer(new lunr.Token(raw, {})).toString();
      tokens.push({ raw, stem });
    }
  }
  return { tokens, stopWords, empty };
}
