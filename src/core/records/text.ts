// Text normalisation for matching quotes against source text. Quotes are typed
// or pasted by people, while source text comes from HTML, so the two differ in
// typography (curly vs straight quotes, dashes, non-breaking spaces, line
// breaks) even when the words are verbatim. Only typography is folded: case and
// punctuation otherwise stay, so a changed word still fails to match.

// Single quotes, apostrophes and primes: ‘ ’ ‚ ‛ ′ ‵ and the modifier-letter apostrophe ʼ.
const SINGLE_QUOTES = /[\u2018\u2019\u201A\u201B\u2032\u2035\u02BC]/g;
// Double quotes and double primes: “ ” „ ‟ ″ ‶.
const DOUBLE_QUOTES = /[\u201C\u201D\u201E\u201F\u2033\u2036]/g;
// Hyphen, non-breaking hyphen, figure dash, en dash, em dash, horizontal bar.
const DASHES = /[\u2010\u2011\u2012\u2013\u2014\u2015]/g;
// \s covers ASCII whitespace, nbsp, the U+2000 spaces, line/paragraph separators and BOM.
const WHITESPACE = /\s+/gu;

function foldTypography(s: string): string {
  return s.replace(SINGLE_QUOTES, "'").replace(DOUBLE_QUOTES, '"').replace(DASHES, '-');
}

/**
 * Canonical form for quote matching: NFKC, curly quotes and primes made
 * straight, dashes made '-', whitespace runs collapsed to one space, trimmed.
 * Case is kept.
 */
export function normaliseForQuote(s: string): string {
  // Fold before NFKC as well as after: NFKC turns a double prime (″) into two
  // primes, which would otherwise become two apostrophes instead of one '"'.
  return foldTypography(foldTypography(s).normalize('NFKC')).replace(WHITESPACE, ' ').trim();
}
