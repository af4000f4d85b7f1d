// Splitting a source's text into sentences and clauses, with the passage each
// sentence comes from. Quotes are whole sentences, cut from the passage text
// verbatim, so the quote-in-source check of data:check always accepts them.

export interface Sentence {
  passage: number;
  /** Verbatim from the passage. */
  text: string;
  /** Position in the document, for "earlier in the text". */
  index: number;
}

export interface Clause {
  text: string;
  /** The word that opened the clause ("where", "which", "while", ";"...), lower case; '' for the first. */
  opener: string;
}

// A sentence ends at . ! ? (optionally followed by a closing quote or bracket) before a capital or an opening quote.
const SENTENCE_END = /(?<=[.!?][”"’)]?)\s+(?=[“"‘(]?[A-Z0-9])/u;

export function sentencesOf(passages: ReadonlyArray<{ n: number; text: string }>): Sentence[] {
  const out: Sentence[] = [];
  for (const p of passages) {
    for (const raw of p.text.split(SENTENCE_END)) {
      const text = raw.trim();
      if (text.length >= 8) out.push({ passage: p.n, text, index: out.length });
    }
  }
  return out;
}

// Clause openers: a semicolon, a bracket, or a comma before a relative or contrasting word.
const CLAUSE_SPLIT = /\s*;\s*|\s*\(\s*|\s*\)\s*|,\s+(?=(?:which|while|whereas|where|who|the same who|but)\b)/giu;

export function clausesOf(sentence: string): Clause[] {
  const out: Clause[] = [];
  let last = 0;
  let opener = '';
  for (const m of sentence.matchAll(CLAUSE_SPLIT)) {
    const text = sentence.slice(last, m.index).trim();
    if (text !== '') out.push({ text, opener });
    const after = sentence.slice(m.index + m[0].length);
    opener = m[0].includes(';') ? ';' : m[0].includes('(') ? '(' : m[0].includes(')') ? ')' : (/^(the same who|\w+)/i.exec(after)?.[0] ?? '').toLowerCase();
    last = m.index + m[0].length;
  }
  const rest = sentence.slice(last).trim();
  if (rest !== '') out.push({ text: rest, opener });
  return out;
}

const SMALL_NUMBERS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen', 'twenty'];
const ORDINALS = ['zeroth', 'first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth', 'eleventh', 'twelfth', 'thirteenth', 'fourteenth', 'fifteenth', 'sixteenth', 'seventeenth', 'eighteenth', 'nineteenth', 'twentieth'];

/** A number written in digits, as a word (up to twenty) or as an ordinal ("6th", "sixth"); undefined otherwise. */
export function numberOf(word: string): number | undefined {
  const w = word.toLowerCase().replace(/,/g, '');
  if (/^\d+$/.test(w)) return Number(w);
  const ord = /^(\d+)(st|nd|rd|th)$/.exec(w);
  if (ord) return Number(ord[1]);
  const small = SMALL_NUMBERS.indexOf(w);
  if (small >= 0) return small;
  const o = ORDINALS.indexOf(w);
  return o >= 0 ? o : undefined;
}

export const NUMBER_WORD = `(?:\\d+(?:st|nd|rd|th)?|${[...SMALL_NUMBERS, ...ORDINALS].join('|')})`;
