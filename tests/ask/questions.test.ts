// The question table: questions as researchers type them on an ordinary day
// (wording, typos, word order, politeness; people, periods, outlets, media,
// languages, casualties, recency), each with the records the answer must
// contain or lead with. The expected ids were worked out by reading data/ and
// the source article (data/sources/thekhorasandiary-28362.json), not by
// recording what the code answers. `via` says how the answer is reached:
// 'read' (the strict reading), 'loosen' (only after guessed filters become
// words, so the first line must say what was loosened) or 'intent' (who is /
// latest / casualties / a pasted address / the words of an unreadable question).
import { beforeAll, describe, expect, it } from 'vitest';
import type { CommandDeps } from '../../commands/shared/definition.ts';
import { answerQuestion } from '../../commands/shared/answer.ts';
import { ViewSchema } from '../../src/core/views.ts';
import { NOW, seedArchive } from './helpers.ts';

// Record ids, by what the article says about them.
const SYED = 'inc-2021-kabul-syed-al-shuhada-school-bombing';
const PESH = 'inc-2022-03-04-peshawar-imambargah-bombing';
const KAJ = 'inc-2022-09-30-kabul-kaj-educational-centre-bombing';
const SHIRAZ = 'inc-2022-10-27-shiraz-shia-shrine-attack';
const RAHIM = 'inc-2022-kabul-abdul-rahim-shahid-high-school-attack';
const MUMTAZ = 'inc-2022-kabul-mumtaz-education-centre-attack';
const MAZAR_WORSHIP = 'inc-2022-mazar-e-sharif-places-of-worship-attacks';
const MUHARRAM = 'inc-2022-muharram-kabul-processions-buses';
const R_HERAT = 'inc-2022-ramadan-herat-attacks';
const R_KABUL = 'inc-2022-ramadan-kabul-attacks';
const R_MAZAR = 'inc-2022-ramadan-mazar-e-sharif-attacks';
const R_MOSQUE = 'inc-2022-ramadan-mosque-explosion';
const OP = 'op-2022-kabul-taliban-ct-operation';
const QAHAR = 'pub-2022-02-abdul-qahar-book-us-and-shias';
const SHARIA = 'pub-2022-05-book-sharia-rulings-on-shia-sects';
const FATWA = 'pub-2022-07-26-fatwa-places-of-worship';
const BOOKLET = 'pub-2022-08-23-booklet-is-leaders-on-shia';
const VIDEO = 'pub-2022-11-04-video-abu-aisha';
const PUGWASH_2 = 'pub-2022-abdul-qahar-pugwash-book-vol-2';
const AZAIM = 'pub-2022-al-azaim-statement-on-peshawar-attack';
const AHVAZ = 'pub-2022-book-history-of-ahvaz';
const PUGWASH_1 = 'pub-abdul-qahar-pugwash-book-vol-1';
const NABA_329 = 'pub-al-naba-329';
const NABA_336 = 'pub-al-naba-336';
const NABA_351 = 'pub-al-naba-351';
const DABIQ = 'pub-dabiq-6';
const KHAWARIJ = 'pub-iskp-publication-shias-apostates-taliban-khawarij';
const GHAG = ['pub-khurasan-ghag-3', 'pub-khurasan-ghag-4', 'pub-khurasan-ghag-6', 'pub-khurasan-ghag-7'];
const VOK_3 = 'pub-voice-of-khurasan-3';
const VOK_4 = 'pub-voice-of-khurasan-4';
const VOK_6 = 'pub-voice-of-khurasan-6';
const SOURCE = 'thekhorasandiary-28362';
const SOURCE_URL = 'https://thekhorasandiary.com/new/2023/03/13/a-timeline-of-iskp-attacks-on-shias-in-2022-3/';

const RAMADAN_ATTACKS = [R_HERAT, R_KABUL, R_MAZAR, R_MOSQUE];
const HAZARA_SCHOOLS = [SYED, RAHIM, MUMTAZ, KAJ];
const QAHAR_BOOKS = [QAHAR, PUGWASH_1, PUGWASH_2];
const KABUL_ATTACKS_2022 = [KAJ, R_KABUL, MUHARRAM, RAHIM, MUMTAZ];

interface Row {
  q: string;
  via: 'read' | 'loosen' | 'intent';
  /** Every one of these is in the answer (the first page of a list, every counted record of a count). */
  has?: string[];
  /** The answer starts with exactly these, in this order. */
  leads?: string[];
  /** The answer's first entries are these, in any order. */
  first?: string[];
  /** None of these is in the answer. */
  not?: string[];
  /** The answer is empty. */
  none?: boolean;
}

const TABLE: Row[] = [
  // People
  { q: 'who is Abdul Qahar?', via: 'intent', has: QAHAR_BOOKS },
  { q: "who's abdul qahar", via: 'intent', has: QAHAR_BOOKS },
  { q: 'Abdul Qahar', via: 'intent', has: QAHAR_BOOKS },
  { q: 'what did Abdul Qahar write?', via: 'intent', has: QAHAR_BOOKS },
  { q: 'tell me about Abdul Qahar please', via: 'read', has: QAHAR_BOOKS },
  { q: 'books by abdul qahar', via: 'read', has: QAHAR_BOOKS },
  { q: 'who is Abu Aisha al-Omari', via: 'intent', has: [VIDEO, SHIRAZ] },
  { q: 'who was Julaybib al-Kabuli?', via: 'intent', has: [PESH] },
  { q: 'what do you know about the Pugwash Organisation', via: 'intent', has: [PUGWASH_1, PUGWASH_2] },
  { q: 'anything on Qassem Soleimani?', via: 'intent', has: [VOK_6] },
  { q: 'who is Abu Bakr al-Baghdadi', via: 'intent', has: [BOOKLET] },
  { q: 'who are the Fatemyioun', via: 'intent', has: [AZAIM, VIDEO] },
  { q: 'Zainabiyoun brigade', via: 'intent', has: [AZAIM, VIDEO] },
  { q: 'what is Khurasan Ghag', via: 'intent', has: GHAG },
  { q: 'tell me about Ahvaz', via: 'read', has: [AHVAZ] },
  // Periods: certain before possible
  { q: 'attacks during ramadan 2022', via: 'read', first: RAMADAN_ATTACKS, has: [RAHIM, MUMTAZ] },
  { q: 'what happened in Ramadan 1443?', via: 'read', first: [...RAMADAN_ATTACKS, VOK_3, VOK_4] },
  { q: 'attacks in muharram 2022', via: 'read', leads: [MUHARRAM], has: [MAZAR_WORSHIP] },
  // Possible in Muharram 1444 (30 Jul - 27 Aug 2022), in date order: the six dated only to 2022, the al-Azaim statement (after 4 Mar 2022), ...
  { q: 'timeline for muharram 1444', via: 'read', leads: [MUHARRAM, BOOKLET], has: [RAHIM, MUMTAZ, PUGWASH_2, NABA_329, AZAIM], not: [KAJ] },
  { q: 'what was published in August 2022', via: 'read', leads: [BOOKLET], has: [AHVAZ] },
  { q: 'attacks in March 2022', via: 'read', leads: [PESH] },
  { q: 'attacks in 2021', via: 'read', leads: [SYED] },
  { q: 'anything in September 2022?', via: 'read', leads: [KAJ], has: [AZAIM], not: [SHIRAZ] },
  { q: 'attacks since September 2022', via: 'read', first: [KAJ, SHIRAZ], not: [PESH] },
  { q: 'attacks in october 2022', via: 'read', leads: [SHIRAZ] },
  { q: 'what happened on 4 March 2022', via: 'read', leads: [PESH] },
  { q: 'publications from november 2022', via: 'read', leads: [VIDEO] },
  { q: 'attacks between april and may 2022', via: 'read', first: RAMADAN_ATTACKS },
  { q: 'incidents in 2022 in kabul', via: 'read', has: [...KABUL_ATTACKS_2022, OP] },
  { q: 'ramadan attacks in herat', via: 'read', leads: [R_HERAT] },
  // Recency
  { q: 'latest attacks', via: 'intent', leads: [SHIRAZ, KAJ] },
  { q: 'most recent publications', via: 'intent', leads: [VIDEO] },
  { q: 'newest publications please', via: 'intent', leads: [VIDEO] },
  { q: "what's the most recent attack in Kabul?", via: 'intent', leads: [KAJ] },
  { q: 'last 3 attacks', via: 'intent', leads: [SHIRAZ, KAJ] },
  { q: 'first attack', via: 'intent', leads: [SYED] },
  { q: 'oldest attacks', via: 'intent', leads: [SYED] },
  { q: 'recent videos', via: 'intent', leads: [VIDEO] },
  { q: 'latest from Voice of Khurasan', via: 'intent', first: [VOK_3, VOK_4] },
  { q: 'most recent operations against ISKP', via: 'intent', leads: [OP] },
  // al-Naba 329, 336 and 351 report on March, April and August: the later the issue, the later it came out.
  { q: 'list Al-Naba issues newest first', via: 'intent', leads: [NABA_351, NABA_336, NABA_329] },
  { q: 'anything new?', via: 'intent', leads: [VIDEO] },
  // Casualties
  { q: 'how many people were killed in the Peshawar attack?', via: 'intent', has: [PESH] },
  { q: 'how many were killed and wounded in Peshawar', via: 'intent', has: [PESH] },
  { q: 'casualties in ramadan 2022', via: 'intent', has: [R_MOSQUE] },
  { q: 'death toll of the mosque explosion', via: 'intent', has: [R_MOSQUE] },
  { q: 'how many killed in Kabul in 2022', via: 'intent', has: KABUL_ATTACKS_2022 },
  { q: 'how many ISKP members were killed in the Taliban operation', via: 'loosen', has: [OP] },
  // Places and targets
  { q: 'attacks in Herat', via: 'read', has: [R_HERAT] },
  { q: 'attacks in herrat', via: 'read', has: [R_HERAT] },
  { q: 'attacks in mazar', via: 'read', has: [R_MAZAR, MAZAR_WORSHIP] },
  { q: 'mazar i sharif attacks', via: 'read', has: [R_MAZAR, MAZAR_WORSHIP] },
  { q: 'peshawar imambargah bombing', via: 'read', leads: [PESH] },
  { q: 'show me the Peshawar mosque bombing', via: 'read', leads: [PESH] },
  { q: 'attacks on schools', via: 'read', has: HAZARA_SCHOOLS },
  { q: 'school attacks in kabul', via: 'read', has: HAZARA_SCHOOLS },
  { q: 'attacks on education centres', via: 'read', has: [KAJ, MUMTAZ] },
  { q: 'attacks on shia mosques', via: 'read', has: [R_MOSQUE, MAZAR_WORSHIP] },
  { q: 'attacks on shrines', via: 'read', leads: [SHIRAZ] },
  { q: 'attacks on places of worship', via: 'read', has: [MAZAR_WORSHIP] },
  { q: 'attacks on buses', via: 'read', leads: [MUHARRAM] },
  { q: 'attacks on processions during muharram', via: 'read', leads: [MUHARRAM] },
  { q: 'attacks on mosques in afghanistan', via: 'read', has: [R_MOSQUE, MAZAR_WORSHIP] },
  { q: 'attacks on imambargahs', via: 'read', leads: [PESH] },
  { q: 'operations against ISKP', via: 'read', leads: [OP] },
  { q: 'taliban raids on isis-k', via: 'read', leads: [OP] },
  { q: 'counter-terrorism operations in Kabul', via: 'read', leads: [OP] },
  { q: 'attacks in Iran', via: 'read', leads: [SHIRAZ] },
  { q: 'iranian attacks', via: 'read', leads: [SHIRAZ] },
  { q: 'attacks in pakistan', via: 'read', leads: [PESH] },
  { q: 'suicide bombings', via: 'read', leads: [PESH] },
  { q: 'suicide attacks in 2022', via: 'read', leads: [PESH] },
  { q: 'bombings in kabul', via: 'read', has: [SYED, KAJ] },
  { q: 'explosions in afghanistan', via: 'read', has: [R_MOSQUE] },
  { q: 'unclaimed attacks', via: 'read', has: [SYED, KAJ, SHIRAZ, RAHIM, MUMTAZ], not: RAMADAN_ATTACKS },
  { q: 'claimed attacks in ramadan', via: 'read', first: RAMADAN_ATTACKS },
  { q: 'attacks claimed by ISKP in Kabul', via: 'read', has: [R_KABUL], not: [KAJ] },
  { q: 'hi! any attacks on shiites in peshawar?', via: 'read', leads: [PESH] },
  { q: 'atacks in mazar-e-sharif', via: 'read', has: [R_MAZAR, MAZAR_WORSHIP] },
  // Loosening: guessed filters become words, then any word, then the guess's words go
  { q: 'peshawer mosque attack', via: 'loosen', leads: [PESH] },
  { q: 'attacks on mosques in peshawar', via: 'loosen', leads: [PESH] },
  { q: 'attacks on Hazaras', via: 'loosen', has: HAZARA_SCHOOLS },
  { q: 'timeline of attacks on Hazaras', via: 'loosen', has: HAZARA_SCHOOLS },
  { q: 'hazara killings in kabul', via: 'loosen', has: HAZARA_SCHOOLS },
  { q: 'hazara schools', via: 'loosen', has: HAZARA_SCHOOLS },
  { q: 'attacks in mazar-e-sharif after the fatwa', via: 'loosen', leads: [MAZAR_WORSHIP] },
  { q: 'fatwa attacks in mazar', via: 'loosen', leads: [MAZAR_WORSHIP] },
  { q: 'attacks after the fatwa', via: 'loosen', has: [MAZAR_WORSHIP] },
  { q: 'bombing of a mosque in ramadan', via: 'loosen', has: [R_MOSQUE] },
  { q: 'attacks on police in kabul', via: 'loosen', has: [KAJ], not: [PESH] },
  { q: 'attacks against the taliban', via: 'loosen', has: [MUMTAZ] },
  { q: 'who claimed the Kaj educational centre bombing?', via: 'loosen', leads: [KAJ] },
  { q: 'claimed attacks on schools', via: 'loosen', has: HAZARA_SCHOOLS },
  // Nothing in the archive is about Sikhs: loosening finds nothing either, and nothing is made up.
  { q: 'were there any attacks on Sikhs?', via: 'read', none: true },
  // Outlets, media, languages
  { q: 'voice of khurasan issues', via: 'read', has: [VOK_3, VOK_4, VOK_6] },
  { q: 'voice of khorasan', via: 'read', has: [VOK_3, VOK_4, VOK_6] },
  { q: 'VoK 6', via: 'read', leads: [VOK_6] },
  { q: 'al naba', via: 'read', has: [NABA_329, NABA_336, NABA_351] },
  { q: 'al-naba issue 336', via: 'read', leads: [NABA_336] },
  { q: 'dabiq', via: 'read', has: [DABIQ] },
  { q: 'khurasan ghag magazine', via: 'read', has: GHAG },
  { q: 'pashto magazines', via: 'read', has: GHAG },
  { q: 'publications in pashto', via: 'read', has: GHAG, not: [VOK_3] },
  { q: 'english language propaganda', via: 'read', has: [VOK_3, VOK_4, VOK_6, DABIQ], not: GHAG },
  { q: 'fatwas', via: 'read', leads: [FATWA] },
  { q: 'fatwas on places of worship', via: 'read', leads: [FATWA] },
  { q: 'statements by al-azaim', via: 'read', leads: [AZAIM] },
  { q: 'al azaim foundation', via: 'read', leads: [AZAIM] },
  { q: 'videos', via: 'read', leads: [VIDEO] },
  { q: 'booklets', via: 'read', leads: [BOOKLET] },
  { q: 'books on shias', via: 'read', has: [QAHAR, SHARIA] },
  { q: 'newsletters', via: 'read', has: [NABA_329, NABA_336, NABA_351] },
  { q: 'how many publications by outlet', via: 'read', has: [NABA_329, DABIQ, GHAG[0]!, VOK_3, AZAIM] },
  { q: 'what did ISKP publish about the Taliban', via: 'read', has: [VOK_6, KHAWARIJ] },
  { q: 'propaganda about Iran', via: 'read', has: [AHVAZ] },
  // Politeness, order, counts
  { q: 'pls show me attacks in kabul in 2022, thanks', via: 'read', has: KABUL_ATTACKS_2022 },
  { q: 'could you list the attacks in herat during ramadan?', via: 'read', leads: [R_HERAT] },
  { q: 'in 2022 kabul attacks how many', via: 'read', has: KABUL_ATTACKS_2022, not: [OP] },
  { q: 'kabul attacks by month', via: 'read', has: [SYED, KAJ] },
  { q: 'number of attacks in Afghanistan vs Pakistan', via: 'read', has: [PESH, KAJ] },
  // A pasted address, and markup around a question
  { q: SOURCE_URL, via: 'intent', leads: [SOURCE], has: [SYED, RAHIM] },
  { q: `what records cite ${SOURCE_URL.slice(0, -1)} ?`, via: 'intent', leads: [SOURCE] },
  { q: '<@123456789012345678> how many attacks in Kabul @everyone', via: 'read', has: [SYED, KAJ, R_KABUL] },
  { q: 'attacks in Herat <@&555555555555555555> <:flag:123456789012345678>', via: 'read', has: [R_HERAT] },
];

let deps: CommandDeps;

beforeAll(async () => {
  const { archive } = await seedArchive();
  deps = { archive, now: () => NOW };
});

function answerIds(q: string): { ids: string[]; line: string } {
  const answer = answerQuestion(q, deps);
  if (!answer.ok) throw new Error(`not understood: ${answer.notUnderstood.reason}`);
  const view = ViewSchema.parse(answer.view);
  if (view.type !== 'list' && view.type !== 'count') throw new Error(`expected a list or a count, got ${view.type}`);
  return { ids: [...new Set(view.entries.map((e) => e.id))], line: answer.readAs };
}

describe('the question table', () => {
  it('has at least 100 questions, 30 of them answered only through loosening or the intents', () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(100);
    expect(new Set(TABLE.map((r) => r.q)).size).toBe(TABLE.length);
    expect(TABLE.filter((r) => r.via !== 'read').length).toBeGreaterThanOrEqual(30);
  });

  it.each(TABLE)('$q', (row) => {
    const { ids, line } = answerIds(row.q);
    for (const id of row.has ?? []) expect(ids, `${id} in the answer to "${row.q}" (${line})`).toContain(id);
    if (row.leads !== undefined) expect(ids.slice(0, row.leads.length), line).toEqual(row.leads);
    if (row.first !== undefined) expect([...ids.slice(0, row.first.length)].sort(), line).toEqual([...row.first].sort());
    for (const id of row.not ?? []) expect(ids, line).not.toContain(id);
    if (row.none === true) expect(ids, line).toEqual([]);
    if (row.via === 'loosen') expect(line).toMatch(/^Nothing with /u);
    else expect(line).not.toMatch(/^Nothing with /u);
  });
});

describe('follow-ups keep the intents and the loosening', () => {
  function ask(q: string, previous?: Parameters<typeof answerQuestion>[2]) {
    const answer = answerQuestion(q, deps, previous);
    if (!answer.ok) throw new Error(answer.notUnderstood.reason);
    const view = ViewSchema.parse(answer.view);
    const ids = view.type === 'list' || view.type === 'count' ? view.entries.map((e) => e.id) : [];
    return { answer, ids };
  }

  it('GIVEN "latest attacks" THEN "and in Kabul?" is still newest first', () => {
    const first = ask('latest attacks');
    const next = ask('and in Kabul?', first.answer.ok ? first.answer.understood : undefined);
    expect(next.ids[0]).toBe(KAJ);
    expect(next.answer.readAs).toMatch(/newest first/u);
  });

  it('GIVEN "how many were killed in Peshawar" THEN "and in Kabul?" still gives casualty figures', () => {
    const first = ask('how many were killed in Peshawar');
    const next = ask('and in Kabul?', first.answer.ok ? first.answer.understood : undefined);
    expect(next.answer.view.type).toBe('count');
    expect(next.answer.readAs).toMatch(/^Casualty figures/u);
    expect(next.ids).toEqual(expect.arrayContaining(KABUL_ATTACKS_2022));
  });

  it('GIVEN "timeline of attacks on Hazaras" THEN "what about 2021?" is loosened the same way', () => {
    const first = ask('timeline of attacks on Hazaras');
    const next = ask('what about 2021?', first.answer.ok ? first.answer.understood : undefined);
    expect(next.ids).toEqual([SYED]);
  });
});
