// Never an empty answer when a looser reading has one. The reader guesses
// some filters from common nouns ("mosque" -> target, "fatwa" -> medium,
// "bombing" -> attack type); when the strict reading finds nothing, those
// guesses become words to search for, one at a time (the least certain first:
// targets, then attack types, then media), each step keeping the ones before.
// The engine then falls back from all words to any word by itself. Named
// filters ("in Kabul", an outlet, a date) are loosened only after that, by the
// query-language loosening the slash commands suggest (src/core/query/loosen.ts).
import { build } from './build.ts';
import type { GuessedFilter, Reading, Understood, Vocabulary } from './types.ts';

const FILTER_LABEL: Record<GuessedFilter['filter'], string> = { target: 'target', type: 'attack type', medium: 'medium' };
const PRIORITY: readonly GuessedFilter['filter'][] = ['target', 'type', 'medium'];

export interface LooserReading {
  understood: Understood;
  /** The guesses undone, e.g. ["target mosque"]. */
  dropped: string[];
  /** The words searched instead. */
  words: string[];
  /** The first line: "Nothing with target mosque; searched "mosque" as a word: Timeline · attacks · place Peshawar · 'mosque'". */
  line: string;
}

function wordsOf(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}\p{M}]+/u)
    .filter((w) => w.length > 1);
}

/** The line that starts a loosened answer. */
export function loosenedLine(dropped: readonly string[], words: readonly string[], readAs: string): string {
  const quoted = words.map((w) => `"${w}"`).join(' ');
  const as = words.length === 1 ? `${quoted} as a word` : `${quoted} as words`;
  return `Nothing with ${dropped.join(' and ')}; searched ${as} instead: ${readAs}`;
}

/** The readings to try, in order, when `u` finds nothing: each undoes one more guessed filter. */
export function looserReadings(u: Understood, vocabulary: Vocabulary): LooserReading[] {
  const guessed = [...(u.reading.guessed ?? [])]
    .filter((g) => (u.reading[g.filter] as readonly string[]).includes(g.value))
    .sort((a, b) => PRIORITY.indexOf(a.filter) - PRIORITY.indexOf(b.filter));
  if (guessed.length === 0 || u.command === 'record') return [];
  const out: LooserReading[] = [];
  const reading: Reading = {
    ...u.reading,
    target: [...u.reading.target],
    type: [...u.reading.type],
    medium: [...u.reading.medium],
    terms: [...u.reading.terms],
  };
  const dropped: string[] = [];
  const words: string[] = [];
  for (const g of guessed) {
    reading[g.filter] = reading[g.filter].filter((v) => v !== g.value);
    dropped.push(`${FILTER_LABEL[g.filter]} ${g.value}`);
    for (const w of wordsOf(g.words)) {
      if (!reading.terms.includes(w)) reading.terms.push(w);
      if (!words.includes(w)) words.push(w);
    }
    reading.guessed = (reading.guessed ?? []).filter((x) => x !== g);
    const built = build(u.question, { ...reading, terms: [...reading.terms] }, vocabulary);
    if (!built.ok) continue;
    out.push({ understood: built, dropped: [...dropped], words: [...words], line: loosenedLine(dropped, words, built.readAs) });
  }
  // Last, the guesses' words dropped too (any of no words), when what the user named still narrows the answer:
  // "peshawar mosque attack" is the attacks in Peshawar when none of them says "mosque".
  const bare: Reading = { ...reading, terms: reading.terms.filter((t) => !words.includes(t)) };
  const named = bare.place.length + bare.country.length + bare.outlet.length + bare.language.length + bare.target.length + bare.type.length + bare.medium.length > 0 || bare.date !== undefined || bare.during !== undefined || bare.terms.length > 0 || bare.claimed !== undefined;
  if (named && words.length > 0) {
    const built = build(u.question, bare, vocabulary);
    if (built.ok) {
      const quoted = words.map((w) => `"${w}"`).join(' or ');
      out.push({ understood: built, dropped: [...dropped], words: [], line: `Nothing with ${dropped.join(' and ')}, nor with the word${words.length === 1 ? '' : 's'} ${quoted}; showing: ${built.readAs}` });
    }
  }
  return out;
}
