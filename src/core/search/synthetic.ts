// A deterministic synthetic archive for the benchmark and for tests that need
// volume: records shaped like the team's (Afghan and Pakistani places, ISKP
// outlets, attack types, English summaries, sources with numbered passages that
// the records quote verbatim). Same seed and size, same corpus, byte for byte.
import type { DateSpec, Incident, Publication, SourceDocument } from '../records/schema.ts';
import type { ArchiveData } from './engine.ts';

/** mulberry32: small, fast, good enough for test data, and identical on every platform. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Loc {
  place: string;
  district?: string;
  province: string;
  country: string;
}

export const LOCATIONS: readonly Loc[] = [
  { place: 'Kabul', district: 'Dasht-e-Barchi', province: 'Kabul', country: 'Afghanistan' },
  { place: 'Kabul', district: 'Shahr-e-Naw', province: 'Kabul', country: 'Afghanistan' },
  { place: 'Kabul', district: 'Karte Sakhi', province: 'Kabul', country: 'Afghanistan' },
  { place: 'Kabul', district: 'Wazir Akbar Khan', province: 'Kabul', country: 'Afghanistan' },
  { place: 'Jalalabad', province: 'Nangarhar', country: 'Afghanistan' },
  { place: 'Achin', district: 'Achin', province: 'Nangarhar', country: 'Afghanistan' },
  { place: 'Spin Ghar', district: 'Pachir Wa Agam', province: 'Nangarhar', country: 'Afghanistan' },
  { place: 'Asadabad', province: 'Kunar', country: 'Afghanistan' },
  { place: 'Kunduz', province: 'Kunduz', country: 'Afghanistan' },
  { place: 'Mazar-i-Sharif', province: 'Balkh', country: 'Afghanistan' },
  { place: 'Kandahar', province: 'Kandahar', country: 'Afghanistan' },
  { place: 'Herat', province: 'Herat', country: 'Afghanistan' },
  { place: 'Pul-e-Khumri', province: 'Baghlan', country: 'Afghanistan' },
  { place: 'Ghazni', province: 'Ghazni', country: 'Afghanistan' },
  { place: 'Mehtarlam', province: 'Laghman', country: 'Afghanistan' },
  { place: 'Faizabad', province: 'Badakhshan', country: 'Afghanistan' },
  { place: 'Taloqan', province: 'Takhar', country: 'Afghanistan' },
  { place: 'Peshawar', province: 'Khyber Pakhtunkhwa', country: 'Pakistan' },
  { place: 'Khar', district: 'Bajaur', province: 'Khyber Pakhtunkhwa', country: 'Pakistan' },
  { place: 'Parachinar', district: 'Kurram', province: 'Khyber Pakhtunkhwa', country: 'Pakistan' },
  { place: 'Landi Kotal', district: 'Khyber', province: 'Khyber Pakhtunkhwa', country: 'Pakistan' },
  { place: 'Dera Ismail Khan', province: 'Khyber Pakhtunkhwa', country: 'Pakistan' },
  { place: 'Quetta', province: 'Balochistan', country: 'Pakistan' },
  { place: 'Mastung', province: 'Balochistan', country: 'Pakistan' },
  { place: 'Karachi', province: 'Sindh', country: 'Pakistan' },
  { place: 'Kerman', province: 'Kerman', country: 'Iran' },
  { place: 'Shiraz', province: 'Fars', country: 'Iran' },
  { place: 'Termez', province: 'Surxondaryo', country: 'Uzbekistan' },
  { place: 'Moscow', province: 'Moscow Oblast', country: 'Russia' },
];

const SITES = [
  'mosque', 'imambargah', 'Shia mosque', 'Sufi shrine', 'girls school', 'education centre', 'hospital', 'market',
  'police checkpoint', 'bus station', 'wedding hall', 'election rally', 'airport gate', 'embassy', 'ministry building',
  'Taliban checkpoint', 'hotel', 'university', 'sports ground', 'prison',
];
const ATTACK_TYPES = [
  'suicide bombing', 'IED', 'VBIED', 'magnetic IED', 'armed assault', 'assassination', 'targeted killing',
  'rocket attack', 'grenade attack', 'kidnapping', 'complex attack', 'beheading',
];
const TARGETS: ReadonlyArray<[string, string]> = [
  ['Shia Hazara worshippers', 'religious'], ['Sufi worshippers', 'religious'], ['Taliban fighters', 'military'],
  ['Taliban officials', 'government'], ['police officers', 'police'], ['Pakistani soldiers', 'military'],
  ['JUI-F members', 'political'], ['Sikh community members', 'religious'], ['foreign nationals', 'civilians'],
  ['Russian embassy staff', 'diplomatic'], ['Chinese nationals', 'civilians'], ['journalists', 'media'],
  ['polio workers', 'NGO'], ['Salafi clerics', 'religious'], ['students', 'education'], ['civilians', 'civilians'],
];
const OUTLETS = [
  'Voice of Khurasan', 'al-Naba', 'Amaq', 'Al-Azaim Foundation', 'Khurasan Ghag', 'Al-Millat Media',
  'Voice of Hind', 'Tawhid Media', 'Ummat Media', 'Al-Qitaal',
];
const MEDIA: Publication['medium'][] = [
  'magazine issue', 'newsletter issue', 'book', 'booklet', 'video', 'audio', 'statement', 'fatwa', 'article', 'other',
];
const LANGUAGES = ['English', 'Pashto', 'Dari', 'Urdu', 'Arabic', 'Tajik', 'Uzbek', 'Russian', 'Hindi', 'Malayalam'];
const TOPICS = [
  'Taliban apostasy', 'Hazara Shia', 'recruitment', 'jihad in Central Asia', 'Uyghurs and China', 'democracy',
  'JUI-F', 'hijra', 'prisoners', 'women', 'Islamic Emirate legitimacy', 'Durand Line', 'Pakistani army',
  'Russian intervention', 'zakat', 'martyrdom operations', 'Salafism', 'Deobandi scholars',
];
const PUBLISHERS = [
  'The Khorasan Diary', 'TOLOnews', 'Dawn', 'Ariana News', 'Pajhwok Afghan News', 'Khaama Press', 'RFE/RL Gandhara',
  'Reuters', 'Al Jazeera', 'The Express Tribune', 'Hasht-e Subh', 'Associated Press',
];
const VERBS = ['killed', 'wounded', 'struck', 'targeted', 'hit', 'attacked'];
const FIRST = ['Abdul', 'Mohammad', 'Gul', 'Sher', 'Noor', 'Hafiz', 'Mawlawi', 'Qari', 'Sayed', 'Ahmad', 'Zia', 'Hamid'];
const LAST = [
  'Rahman', 'Haqqani', 'Zakir', 'Farooqi', 'Omari', 'Wardak', 'Akhund', 'Muhajir', 'Khorasani', 'Baloch', 'Afridi',
  'Yousafzai', 'Mehsud', 'Orakzai', 'Shinwari', 'Mohmand',
];
const FILLER = [
  'Security officials said an investigation was under way.',
  'Witnesses described scenes of panic as ambulances arrived.',
  'The Taliban spokesman condemned the attack and promised to find those responsible.',
  'Hospital staff said the number of casualties could rise.',
  'The area was cordoned off and journalists were not allowed near the site.',
  'Residents said the neighbourhood had been threatened before.',
  'Analysts said the attack fitted a pattern of sectarian violence by the Islamic State Khorasan Province.',
  'No further details were immediately available.',
  'Local elders called on the authorities to improve security around places of worship.',
  'The provincial governor visited the wounded in hospital.',
];

// Word lists for the long tail of report text: a real archive's vocabulary
// keeps growing with its size (names, villages, reporting words), which is what
// makes prefix and typo matching cost something.
const NOUNS = [
  'official', 'resident', 'commander', 'villager', 'elder', 'spokesman', 'governor', 'militant', 'fighter', 'worshipper',
  'student', 'teacher', 'doctor', 'driver', 'shopkeeper', 'guard', 'soldier', 'cleric', 'tribesman', 'family',
  'convoy', 'vehicle', 'motorcycle', 'compound', 'road', 'bridge', 'bazaar', 'clinic', 'madrasa', 'office',
  'checkpost', 'district', 'valley', 'border', 'crossing', 'camp', 'village', 'neighbourhood', 'ceremony', 'funeral',
  'prayer', 'gathering', 'protest', 'meeting', 'operation', 'raid', 'ambush', 'explosion', 'blast', 'gunfire',
  'statement', 'message', 'video', 'photograph', 'report', 'investigation', 'arrest', 'detainee', 'network', 'cell',
  'recruiter', 'financier', 'courier', 'weapon', 'explosive', 'device', 'vest', 'rifle', 'grenade', 'mortar',
];
const VERBS_PAST = [
  'said', 'reported', 'confirmed', 'denied', 'claimed', 'announced', 'warned', 'arrested', 'detained', 'released',
  'killed', 'injured', 'targeted', 'attacked', 'ambushed', 'detonated', 'planted', 'discovered', 'seized', 'destroyed',
  'evacuated', 'surrounded', 'searched', 'questioned', 'identified', 'buried', 'mourned', 'condemned', 'blamed', 'praised',
];
const ADJECTIVES = [
  'local', 'provincial', 'senior', 'former', 'unidentified', 'armed', 'masked', 'young', 'elderly', 'injured',
  'heavy', 'crowded', 'remote', 'mountainous', 'nearby', 'rival', 'sectarian', 'tribal', 'foreign', 'Afghan',
  'Pakistani', 'Tajik', 'Uzbek', 'Hazara', 'Pashtun', 'Baloch', 'Shia', 'Sunni', 'Sufi', 'Salafi',
];
const SYLLABLES = [
  'zar', 'ghun', 'shin', 'kai', 'dar', 'ra', 'khel', 'gul', 'bagh', 'kot', 'mir', 'wa', 'ghar', 'pur', 'lam', 'tang',
  'sang', 'ab', 'ja', 'lal', 'nar', 'ba', 'dam', 'chah', 'ka', 'lay', 'qa', 'la', 'sha', 'hid', 'zai', 'mand',
];

const RAMADAN: ReadonlyArray<[number, string, string]> = [
  [1437, '2016-06', '2016-07'], [1438, '2017-05', '2017-06'], [1439, '2018-05', '2018-06'], [1440, '2019-05', '2019-06'],
  [1441, '2020-04', '2020-05'], [1442, '2021-04', '2021-05'], [1443, '2022-04', '2022-05'], [1444, '2023-03', '2023-04'],
];

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

class Gen {
  constructor(readonly rnd: () => number) {}
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.rnd() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rnd() * xs.length)]!;
  }
  /** Skewed pick: early items much more frequent (a few places and outlets dominate real data). */
  skewed<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rnd() ** 2.2 * xs.length)]!;
  }
  chance(p: number): boolean {
    return this.rnd() < p;
  }
  day(): string {
    return `${this.int(2015, 2024)}-${pad(this.int(1, 12), 2)}-${pad(this.int(1, 28), 2)}`;
  }
  date(): DateSpec | undefined {
    const r = this.rnd();
    const d = this.day();
    if (r < 0.7) return { start: d, precision: 'day' };
    if (r < 0.85) return { start: d.slice(0, 7), precision: 'month' };
    if (r < 0.9) return { start: d.slice(0, 4), precision: 'year' };
    if (r < 0.95) {
      const [h, start, end] = this.pick(RAMADAN);
      return { start, end, precision: 'range', label: `Ramadan ${h}` };
    }
    return undefined;
  }
  person(): string {
    return `${this.pick(FIRST)} ${this.pick(FIRST)} ${this.pick(LAST)}`;
  }
  /** A made-up transliterated name ("Zarghunkhel"). */
  name(): string {
    const n = this.int(2, 3);
    let out = '';
    for (let i = 0; i < n; i++) out += this.pick(SYLLABLES);
    return out[0]!.toUpperCase() + out.slice(1);
  }
  /** Zipf-like pick: a few items are everywhere, most are rare. */
  zipf<T>(xs: readonly T[]): T {
    return xs[Math.min(xs.length - 1, Math.floor(xs.length ** this.rnd()) - 1)]!;
  }
}

export interface CorpusOptions {
  /** Total records (incidents + publications + sources). */
  records: number;
  seed?: number;
}

/**
 * About 55% incidents, 25% publications and 20% sources. Each source has 3-12
 * passages (one in twenty has 30-60, like a year's timeline); every incident and
 * publication cites one or two sources by a sentence that is in their text.
 */
export function syntheticCorpus(opts: CorpusOptions): ArchiveData {
  const data: ArchiveData = { sources: [], incidents: [], publications: [] };
  for (const r of syntheticRecords(opts)) {
    if (r.kind === 'incident') data.incidents.push(r);
    else if (r.kind === 'publication') data.publications.push(r);
    else data.sources.push(r);
  }
  return data;
}

/**
 * The same corpus as syntheticCorpus, record by record in the engine's order
 * (incidents, publications, sources): incidents and publications are let go
 * as soon as they are taken, so a million-record build holds only the sources
 * being written (what the benchmark's build measures).
 */
export function* syntheticRecords(opts: CorpusOptions): Generator<Incident | Publication | SourceDocument> {
  const g = new Gen(prng(opts.seed ?? 20240322));
  const nSources = Math.max(1, Math.round(opts.records * 0.2));
  const nIncidents = Math.round(opts.records * 0.55);
  const nPublications = Math.max(0, opts.records - nSources - nIncidents);
  // Pools grow with the corpus, as an archive's villages and names do.
  const villages = Array.from({ length: Math.max(50, Math.round(opts.records / 4)) }, () => g.name());
  const people = Array.from({ length: Math.max(50, Math.round(opts.records / 4)) }, () => `${g.pick(FIRST)} ${g.name()}`);
  const report = (): string =>
    `${g.pick(['A', 'One', 'Another'])} ${g.pick(ADJECTIVES).toLowerCase()} ${g.pick(NOUNS)} in ${g.zipf(villages)} ` +
    `${g.pick(VERBS_PAST)} that ${g.pick(ADJECTIVES).toLowerCase()} ${g.pick(NOUNS)}s had ${g.pick(VERBS_PAST)} ` +
    `${g.zipf(people)} and a ${g.pick(NOUNS)} near the ${g.pick(NOUNS)}.`;

  interface Draft {
    id: string;
    title: string;
    publisher: string;
    published: string;
    passages: string[][];
  }
  const drafts: Draft[] = [];
  for (let i = 0; i < nSources; i++) {
    const publisher = g.skewed(PUBLISHERS);
    const day = g.day();
    drafts.push({
      id: `src-${pad(i, 6)}`,
      title: '',
      publisher,
      published: `${day}T${pad(g.int(0, 23), 2)}:${pad(g.int(0, 59), 2)}:00`,
      passages: [],
    });
  }
  /** Puts a sentence into a random source's passage and returns the citation. */
  const cite = (sentence: string): { source: string; quote: string } => {
    const d = g.pick(drafts);
    const last = d.passages[d.passages.length - 1];
    if (last !== undefined && last.length < 3 && g.chance(0.5)) last.push(sentence);
    else d.passages.push([sentence]);
    if (d.title === '') d.title = sentence.replace(/\.$/, '');
    return { source: d.id, quote: sentence };
  };

  for (let i = 0; i < nIncidents; i++) {
    const loc = g.skewed(LOCATIONS);
    const site = g.pick(SITES);
    const type = g.skewed(ATTACK_TYPES);
    const [target, targetType] = g.skewed(TARGETS);
    const killed = g.int(0, 60);
    const wounded = g.int(0, 120);
    const date = g.date();
    const operation = g.chance(0.1);
    const claimed = g.chance(0.6);
    const when = date === undefined ? '' : ` in ${date.label ?? date.start}`;
    const where = `${loc.district !== undefined ? `${loc.district}, ` : ''}${loc.place}`;
    const named = g.chance(0.05) ? ` The commander ${g.person()} was among the dead.` : ` ${report()}`;
    const s1 = operation
      ? `Security forces raided an ISKP hideout near the ${site} in ${where}${when}, killing ${killed} militants.`
      : `A ${type} at a ${site} in ${where}${when} ${g.pick(VERBS)} ${target}, leaving ${killed} dead and ${wounded} wounded.`;
    const s2 = claimed
      ? `The Islamic State claimed the attack through ${g.skewed(OUTLETS)}.`
      : 'No group immediately claimed responsibility.';
    const sources = [cite(s1)];
    if (g.chance(0.3)) sources.push(cite(s2));
    const incident: Incident = {
      kind: 'incident',
      id: `inc-${pad(i, 6)}-${loc.place.toLowerCase().replace(/[^a-z]+/g, '-')}`,
      title: operation ? `Raid on ISKP cell near ${loc.place}` : `${type[0]!.toUpperCase()}${type.slice(1)} at ${site}, ${loc.place}`,
      summary: `${s1} ${s2}${named}`,
      tags: g.chance(0.3) ? [g.pick(['sectarian', 'Hazara', 'urban', 'Ramadan', 'cross-border', 'high-profile'])] : [],
      sources,
      category: operation ? 'operation' : 'attack',
      place: { site: `${site}`, place: loc.place, province: loc.province, country: loc.country, precision: 'city' },
      attackTypes: operation ? [] : [type],
      target,
      targetType,
      perpetrator: operation ? 'Afghan security forces' : 'ISKP',
      claim: claimed
        ? { status: 'claimed', by: 'Islamic State', channel: g.skewed(['Amaq', 'al-Naba', 'Voice of Khurasan']) }
        : { status: 'unclaimed' },
      casualties: { killed: { low: killed, qualifier: g.pick(['exact', 'at least', 'about'] as const) }, wounded: { low: wounded, qualifier: 'exact' } },
    };
    if (date !== undefined) incident.date = date;
    if (loc.district !== undefined) incident.place.district = loc.district;
    yield incident;
  }

  for (let i = 0; i < nPublications; i++) {
    const outlet = g.skewed(OUTLETS);
    const medium = g.pick(MEDIA);
    const language = g.skewed(LANGUAGES);
    const topics = [g.pick(TOPICS), g.pick(TOPICS)].filter((t, j, a) => a.indexOf(t) === j);
    const issue = g.int(1, 400);
    const date = g.date();
    const s1 = `${outlet} released a ${language} ${medium} on ${topics.join(' and ')}.`;
    const s2 = `The ${medium} attacks the Taliban and calls on Muslims in ${g.skewed(LOCATIONS).province} to join the group.`;
    const pub: Publication = {
      kind: 'publication',
      id: `pub-${pad(i, 6)}-${outlet.toLowerCase().replace(/[^a-z]+/g, '-')}`,
      title: `${outlet} ${medium} ${issue}: ${topics[0]}`,
      summary: `${s1} ${s2}`,
      tags: [],
      sources: [cite(s1)],
      outlet,
      medium,
      issue,
      language,
      topics,
    };
    if (g.chance(0.3)) pub.author = g.person();
    if (g.chance(0.3)) pub.producer = g.pick(['Al-Azaim Foundation', 'Al-Millat Media', 'Khalid Media']);
    if (date !== undefined) pub.date = date;
    yield pub;
  }

  for (let i = 0; i < drafts.length; i++) {
    const d = drafts[i]!;
    // Let go of each draft once its source is made.
    drafts[i] = undefined as unknown as Draft;
    // Pad to 3-12 passages (1 in 20 to 30-60) with reporting boilerplate.
    const want = g.chance(0.05) ? g.int(30, 60) : g.int(3, 12);
    while (d.passages.length < want) d.passages.push([g.pick(FILLER), report(), report()]);
    // Real reports add background to the passages that carry the facts too.
    for (const p of d.passages) if (p.length < 3) p.push(report());
    const texts = d.passages.map((p) => p.join(' '));
    const title = d.title === '' ? `${g.pick(['Attacks', 'Violence', 'Security'])} in ${g.skewed(LOCATIONS).place}` : d.title;
    yield {
      kind: 'source',
      id: d.id,
      url: `https://example.org/${d.publisher.toLowerCase().replace(/[^a-z]+/g, '-')}/${d.id}`,
      title,
      publisher: d.publisher,
      published: d.published,
      categories: [],
      tags: [],
      text: texts.join('\n\n'),
      passages: texts.map((text, j) => ({ n: j + 1, text })),
    };
  }
}
