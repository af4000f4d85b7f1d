// Spelling-tolerant matching of proper names (places, outlets, languages,
// attack types). The same place reaches the archive as "Mazar-e-Sharif",
// "Mazar-i-Sharif" or "Mazar i Sharif", and users type "peshwar" or "kabol";
// a filter that demanded the exact spelling would silently return nothing.

/**
 * Persian/Dari connector (ezafe) and Arabic article forms that transliterations
 * write in different ways or leave out: "Mazar-e-Sharif" / "Mazar-i-Sharif",
 * "Rabi-ul-Awwal" / "Rabi al-Awwal", "al-Naba" / "Naba". Dropping them makes the
 * variants equal instead of merely close.
 */
const CONNECTORS = new Set(['e', 'i', 'ul', 'ol', 'al', 'el']);

// Apostrophes and ayn/hamza letters inside transliterations ("Sha'ban",
// "Rabiʿ"): removed rather than treated as word breaks, so "sha'ban" = "shaban".
const APOSTROPHES = /['\u2018\u2019\u02BC\u02BB\u02BE\u02BF`\u00B4]/g;

// Arabic-script letters written differently in Arabic and Persian/Pashto
// keyboards (yeh, kaf) and the final forms (alef maksura, teh marbuta) that
// spellings alternate with: folded so the same word matches across keyboards.
const ARABIC_FOLDS: ReadonlyArray<[RegExp, string]> = [
  [/[\u064A\u0649]/g, '\u06CC'], // ي ى -> ی
  [/\u0643/g, '\u06A9'], // ك -> ک
  [/\u0629/g, '\u0647'], // ة -> ه
];

const NON_WORD = /[^\p{L}\p{N}]+/u;

/** Lower-cased words of a name, without diacritics or apostrophes, connectors kept. */
export function nameWords(s: string): string[] {
  let t = s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(APOSTROPHES, '');
  for (const [re, to] of ARABIC_FOLDS) t = t.replace(re, to);
  return t.split(NON_WORD).filter((w) => w !== '');
}

function joinWithoutConnectors(words: readonly string[]): string {
  const kept = words.filter((w) => !CONNECTORS.has(w));
  // A name made only of connectors ("e", "Al") is still a name: keep it.
  return (kept.length > 0 ? kept : words).join('');
}

/**
 * Canonical form for comparing names: lower case, no diacritics, connector
 * words (e, i, ul, al, ...) dropped, only letters and digits left, so
 * "Mazar-e-Sharif", "Mazar-i-Sharif", "Mazar i Sharif" and "mazar e sharif"
 * are all "mazarsharif".
 */
export function normaliseName(s: string): string {
  return joinWithoutConnectors(nameWords(s));
}

/**
 * Optimal-string-alignment distance (Damerau-Levenshtein restricted to
 * non-overlapping transpositions), computed on code points. Returns `max + 1`
 * as soon as the distance is known to exceed `max`, which keeps comparisons
 * against long candidates cheap.
 */
export function editDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  const s = Array.from(a);
  const t = Array.from(b);
  if (Math.abs(s.length - t.length) > max) return max + 1;
  if (s.length === 0) return t.length;
  if (t.length === 0) return s.length;
  let prev2: number[] = [];
  let prev: number[] = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const cur: number[] = [i];
    let rowMin = i;
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      cur.push(d);
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return max + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[t.length]!;
}

/** Typos tolerated for a query of this many letters: none below 4, one up to 7, two from 8. */
export function allowedTypos(length: number): number {
  if (length < 4) return 0;
  return length >= 8 ? 2 : 1;
}

function matchesNormalised(q: string, c: string): boolean {
  if (q === '' || c === '') return false;
  if (q === c) return true;
  if (q.length >= 3 && c.startsWith(q)) return true;
  const max = allowedTypos(Array.from(q).length);
  return max > 0 && editDistance(q, c, max) <= max;
}

/**
 * True when `query` names `candidate`: equal once normalised, or a prefix of
 * it (query of 3+ letters: "maz" finds Mazar-e-Sharif), or within a small
 * edit distance (1 typo for 4-7 letters, 2 from 8): "peshwar" ~ "peshawar",
 * "kabol" ~ "kabul". Transpositions count as one typo, so "heart" matches
 * "herat"; with place names that is more often a typo than a meaning, and the
 * answer lists what matched, so we accept it.
 */
export function nameMatches(query: string, candidate: string): boolean {
  return matchesNormalised(normaliseName(query), normaliseName(candidate));
}

/**
 * Like `nameMatches`, but the query may also name the candidate from any of
 * its words onwards: "khurasan" finds "Voice of Khurasan", "airport" finds
 * "Kabul Airport", "bombing" finds "suicide bombing". Record fields hold
 * descriptive names, while users type the distinctive word.
 */
export function nameMatchesWithin(query: string, candidate: string): boolean {
  const q = normaliseName(query);
  if (q === '') return false;
  const words = nameWords(candidate);
  for (let i = 0; i < words.length; i++) {
    if (i > 0 && CONNECTORS.has(words[i]!)) continue;
    if (matchesNormalised(q, joinWithoutConnectors(words.slice(i)))) return true;
  }
  return false;
}
