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

const FILTER_LABEL: Record<GuessedFilter['filter'], string> = { target: 'target', type: 'attack type', medium: 'medium', claimed: 'claim status' };
const PRIORITY: readonly GuessedFilter['filter'][] = ['target', 'type', 'medium', 'claimed'];

/** The guess still stands in the reading (a follow-up may have changed that filter since). */
function stands(r: Reading, g: GuessedFilter): boolean {
  if (g.filter === 'claimed') return r.claimed !== undefined && String(r.claimed) === g.value;
  return r[g.filter].includes(g.value);
}

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
  if (words.length === 0) return `Nothing with ${dropped.join(' and ')}; showing: ${readAs}`;
  const quoted = words.map((w) => `"${w}"`).join(' ');
  const as = words.length === 1 ? `${quoted} as a word` : `${quoted} as words`;
  return `Nothing with ${dropped.join(' and ')}; searched ${as} instead: ${readAs}`;
}

interface Undone {
  reading: Reading;
  dropped: string[];
  words: string[];
}

/** `base` with the guesses `gs` undone: filters to words, a claim status dropped. */
function undo(base: Reading, gs: readonly GuessedFilter[]): Undone {
  const reading: Reading = { ...base, target: [...base.target], type: [...base.type], medium: [...base.medium], terms: [...base.terms] };
  const dropped: string[] = [];
  const words: string[] = [];
  for (const g of gs) {
    if (g.filter === 'claimed') {
      // Asked about, not a word to search for: dropped.
      delete reading.claimed;
      dropped.push(g.value === 'true' ? 'claimed' : 'not claimed');
    } else {
      const filter = g.filter;
      reading[filter] = reading[filter].filter((v) => v !== g.value);
      dropped.push(`${FILTER_LABEL[filter]} ${g.value}`);
      for (const w of wordsOf(g.words)) {
        if (!reading.terms.includes(w)) reading.terms.push(w);
        if (!words.includes(w)) words.push(w);
      }
    }
  }
  reading.guessed = (base.guessed ?? []).filter((x) => !gs.includes(x));
  return { reading, dropped, words };
}

/**
 * The readings to try, in order, when `u` finds nothing: each guess undone
 * alone (the least certain first), then more and more of them together, and
 * last the guesses' words dropped as well when what the user named still
 * narrows the answer. The first that finds records is the answer.
 */
export function looserReadings(u: Understood, vocabulary: Vocabulary): LooserReading[] {
  const guessed = [...(u.reading.guessed ?? [])]
    .filter((g) => stands(u.reading, g))
    .sort((a, b) => PRIORITY.indexOf(a.filter) - PRIORITY.indexOf(b.filter));
  if (guessed.length === 0 || u.command === 'record') return [];
  const sets: GuessedFilter[][] = guessed.map((g) => [g]);
  for (let k = 2; k <= guessed.length; k++) sets.push(guessed.slice(0, k));
  const out: LooserReading[] = [];
  for (const gs of sets) {
    const { reading, dropped, words } = undo(u.reading, gs);
    const built = build(u.question, reading, vocabulary);
    if (built.ok) out.push({ understood: built, dropped, words, line: loosenedLine(dropped, words, built.readAs) });
  }
  // "peshawar mosque attack" is the attacks in Peshawar when none of them says "mosque".
  const all = undo(u.reading, guessed);
  const bare: Reading = { ...all.reading, terms: all.reading.terms.filter((t) => !all.words.includes(t)) };
  const named =
    bare.place.length + bare.country.length + bare.outlet.length + bare.language.length + bare.target.length + bare.type.length + bare.medium.length > 0 ||
    bare.date !== undefined ||
    bare.during !== undefined ||
    bare.terms.length > 0 ||
    bare.claimed !== undefined;
  if (named && all.words.length > 0) {
    const built = build(u.question, bare, vocabulary);
    if (built.ok) {
      const quoted = all.words.map((w) => `"${w}"`).join(' or ');
      const line = `Nothing with ${all.dropped.join(' and ')}, nor with the word${all.words.length === 1 ? '' : 's'} ${quoted}; showing: ${built.readAs}`;
      out.push({ understood: built, dropped: all.dropped, words: [], line });
    }
  }
  return out;
}
