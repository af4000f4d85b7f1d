// Place names the suggester recognises: the archive's own vocabulary first,
// then a gazetteer of Afghanistan, Pakistan, Iran and their Central Asian
// neighbours down to district level (gazetteer.json, built from GeoNames by
// src/cli/gazetteer-build.ts; see there for the package and why).
//
// Names are matched after folding case, diacritics, apostrophes, hyphens and
// spaces, and the Persian izafe however it is transliterated (-e-, -i-, -ye-),
// so "Mazar-e-Sharif", "Mazār-e Sharīf", "Mazar e Sharif" and "Mazar-i-Sharif"
// are one name. The place a suggestion carries keeps the source's own spelling.
import { readFileSync } from 'node:fs';

export type PlaceKind = 'country' | 'province' | 'district' | 'city' | 'site';

export interface PlaceEntry {
  kind: PlaceKind;
  country?: string;
  province?: string;
}

export interface Gazetteer {
  /** Entries for a folded name, most specific kind last. */
  lookup(name: string): readonly PlaceEntry[];
}

/** The key names are compared by: letters and digits only, lower case, no diacritics, one spelling of the izafe. */
export function foldName(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    // The izafe between two words of a name: "Mazar-i-Sharif", "Mazar-e Sharif", "Dasht-ye Barchi".
    .replace(/(?<=\p{L})[-\s]+(?:e|i|ye|yi|-e|-i)[-\s]+(?=\p{L})/gu, 'e')
    .replace(/[^\p{L}\p{N}]/gu, '');
}

const KIND: Record<string, PlaceKind> = { n: 'country', p: 'province', d: 'district', c: 'city' };

/** Names too short or too common as words to be taken for places on their own. */
const MIN_KEY = 4;

interface GazetteerFile {
  source: string;
  rows: string[][];
}

let bundled: Map<string, PlaceEntry[]> | undefined;

function bundledEntries(): Map<string, PlaceEntry[]> {
  if (bundled !== undefined) return bundled;
  const file = JSON.parse(readFileSync(new URL('./gazetteer.json', import.meta.url), 'utf8')) as GazetteerFile;
  const map = new Map<string, PlaceEntry[]>();
  for (const [name, kind, country, province] of file.rows) {
    if (name === undefined || kind === undefined) continue;
    const key = foldName(name);
    if (key.length < MIN_KEY) continue;
    const entry: PlaceEntry = { kind: KIND[kind] ?? 'city', ...(country ? { country } : {}), ...(province ? { province } : {}) };
    const list = map.get(key);
    if (list === undefined) map.set(key, [entry]);
    else list.push(entry);
  }
  bundled = map;
  return map;
}

export interface VocabularyPlaces {
  /** Place names (cities, sites) the archive's records use, with their country when the record gives one. */
  places: ReadonlyArray<{ name: string; country?: string }>;
  countries: readonly string[];
}

/** The bundled gazetteer, with the archive's own place names added in front. */
export function createGazetteer(vocabulary?: VocabularyPlaces): Gazetteer {
  const base = bundledEntries();
  const extra = new Map<string, PlaceEntry[]>();
  for (const c of vocabulary?.countries ?? []) {
    const key = foldName(c);
    if (key.length >= MIN_KEY) extra.set(key, [{ kind: 'country', country: c }]);
  }
  for (const p of vocabulary?.places ?? []) {
    const key = foldName(p.name);
    if (key.length < MIN_KEY || extra.has(key)) continue;
    const known = base.get(key);
    // A gazetteer entry in the same country says more (province, kind) than the bare vocabulary name.
    const same = known?.filter((e) => p.country === undefined || e.country === p.country);
    extra.set(key, same !== undefined && same.length > 0 ? same : [{ kind: 'city', ...(p.country !== undefined ? { country: p.country } : {}) }]);
  }
  return {
    lookup(name: string): readonly PlaceEntry[] {
      const key = foldName(name);
      return extra.get(key) ?? base.get(key) ?? [];
    },
  };
}

/** Where the bundled gazetteer comes from, for citing it. */
export function gazetteerSource(): string {
  return (JSON.parse(readFileSync(new URL('./gazetteer.json', import.meta.url), 'utf8')) as GazetteerFile).source;
}
