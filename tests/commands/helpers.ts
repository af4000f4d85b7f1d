// A small archive built with the real engine from inline records, for the
// command, renderer and console tests. Records go through the zod schemas so
// defaults are filled in exactly as loadData would.
import { matchFilters } from '../../src/core/query/filter.ts';
import { Incident, Publication, SourceDocument } from '../../src/core/records/schema.ts';
import { createArchive, type SearchArchive } from '../../src/core/search/engine.ts';
import type { CommandDeps } from '../../commands/shared/definition.ts';
import { ViewSchema, type View } from '../../src/core/views.ts';

export const NOW = new Date('2025-11-27T12:00:00Z');

export const NEWS = SourceDocument.parse({
  kind: 'source',
  id: 'example-news-1',
  url: 'https://example.org/news/2022/attacks-on-worshippers-in-peshawar-and-kabul',
  title: 'Attacks on worshippers in Peshawar and Kabul',
  publisher: 'Example News',
  published: '2022-05-10T09:00:00',
  author: 7,
  text:
    'A suicide bomber struck an Imambargah in Peshawar on March 4, killing and wounding more than 200 people.\n\n' +
    'In April, gunmen and a bomb killed at least five people in Kabul, wounding 10 to 12 others.\n\n' +
    'During Ramadan, an explosion at a mosque in Mazar-e-Sharif killed 10 and wounded about 20.',
  passages: [
    { n: 1, text: 'A suicide bomber struck an Imambargah in Peshawar on March 4, killing and wounding more than 200 people.' },
    { n: 2, text: 'In April, gunmen and a bomb killed at least five people in Kabul, wounding 10 to 12 others.' },
    { n: 3, text: 'During Ramadan, an explosion at a mosque in Mazar-e-Sharif killed 10 and wounded about 20.' },
  ],
});

export const REVIEW = SourceDocument.parse({
  kind: 'source',
  id: 'example-review-2',
  url: 'https://example.org/reviews/propaganda-2022',
  title: 'Propaganda review 2022',
  publisher: 'Example Monitor',
  published: '2023-01-15T00:00:00',
  modified: '2023-02-01T00:00:00',
  author: 'A. Analyst',
  text:
    'Voice of Khurasan issue 3 appeared in April 2022 in English. Issue 4 followed in May.\n\n' +
    'The newsletter al-Naba issue 329 ranked the province first. A Pashto book on Shia sects appeared in February.\n\n' +
    'Security forces raided a hideout in Kabul in October, killing 6 militants. Other attacks in Kabul went unrecorded by date.',
  passages: [
    { n: 1, text: 'Voice of Khurasan issue 3 appeared in April 2022 in English. Issue 4 followed in May.' },
    { n: 2, text: 'The newsletter al-Naba issue 329 ranked the province first. A Pashto book on Shia sects appeared in February.' },
    { n: 3, text: 'Security forces raided a hideout in Kabul in October, killing 6 militants. Other attacks in Kabul went unrecorded by date.' },
  ],
});

export const INCIDENTS = [
  {
    kind: 'incident',
    id: 'inc-2022-03-04-peshawar',
    title: 'Suicide bombing of an Imambargah in Peshawar',
    summary: 'A suicide bomber struck an Imambargah in Peshawar, killing and wounding more than 200 people.',
    date: { start: '2022-03-04', precision: 'day' },
    category: 'attack',
    place: { site: 'Imambargah', place: 'Peshawar', country: 'Pakistan', precision: 'city' },
    attackTypes: ['suicide bombing'],
    targetType: 'religious institution',
    claim: { status: 'attributed', by: 'Example News' },
    casualties: { combined: { low: 200, qualifier: 'more than' } },
    sources: [
      { source: 'example-news-1', quote: 'A suicide bomber struck an Imambargah in Peshawar on March 4' },
      { source: 'example-news-1', quote: 'Attacks on worshippers in Peshawar and Kabul' },
    ],
  },
  {
    kind: 'incident',
    id: 'inc-2022-04-kabul',
    title: 'Shooting and bombing in Kabul',
    summary: 'Gunmen and a bomb killed at least five people in Kabul.',
    date: { start: '2022-04', precision: 'month' },
    category: 'attack',
    place: { place: 'Kabul', country: 'Afghanistan', precision: 'city' },
    attackTypes: ['shooting', 'bombing'],
    targetType: 'civilians',
    claim: { status: 'claimed', channel: 'Amaq' },
    casualties: { killed: { low: 5, qualifier: 'at least' }, wounded: { low: 10, high: 12 } },
    sources: [{ source: 'example-news-1', quote: 'gunmen and a bomb killed at least five people in Kabul' }],
  },
  {
    kind: 'incident',
    id: 'inc-2022-ramadan-mazar',
    title: 'Mosque explosion in Mazar-e-Sharif',
    summary: 'An explosion at a mosque in Mazar-e-Sharif during Ramadan killed 10 and wounded about 20.',
    date: { start: '2022-04-02', end: '2022-05-01', precision: 'range', label: 'Ramadan 1443 (Apr–May 2022)' },
    category: 'attack',
    place: { place: 'Mazar-e-Sharif', province: 'Balkh', country: 'Afghanistan', precision: 'city' },
    attackTypes: ['bombing'],
    targetType: 'religious institution',
    claim: { status: 'claimed' },
    casualties: { killed: { low: 10 }, wounded: { low: 20, qualifier: 'about' } },
    sources: [{ source: 'example-news-1', quote: 'an explosion at a mosque in Mazar-e-Sharif killed 10 and wounded about 20' }],
  },
  {
    kind: 'incident',
    id: 'op-2022-10-kabul-raid',
    title: 'Raid on a hideout in Kabul',
    summary: 'Security forces raided a hideout in Kabul, killing 6 militants.',
    date: { start: '2022-10', precision: 'month' },
    category: 'operation',
    place: { place: 'Kabul', country: 'Afghanistan', precision: 'city' },
    casualties: { killed: { low: 6 }, note: 'militants' },
    sources: [{ source: 'example-review-2', quote: 'Security forces raided a hideout in Kabul in October, killing 6 militants.' }],
  },
  {
    kind: 'incident',
    id: 'inc-2022-kabul-undated-month',
    title: 'Other attacks in kabul',
    summary: 'Other attacks in Kabul that the review does not date more precisely than the year.',
    date: { start: '2022', precision: 'year' },
    category: 'attack',
    place: { place: 'kabul', country: 'Afghanistan', precision: 'city' },
    group: { note: 'several attacks' },
    sources: [{ source: 'example-review-2', quote: 'Other attacks in Kabul went unrecorded by date.' }],
  },
  {
    kind: 'incident',
    id: 'inc-undated-unknown-place',
    title: 'Attack at an unknown place',
    summary: 'An attack the review mentions without a date or place.',
    category: 'attack',
    place: { precision: 'unknown' },
    sources: [{ source: 'example-review-2', quote: 'Other attacks in Kabul went unrecorded by date.' }],
  },
].map((r) => Incident.parse(r));

export const PUBLICATIONS = [
  {
    kind: 'publication',
    id: 'pub-vok-3',
    title: 'Voice of Khurasan issue 3',
    summary: 'English-language magazine issue released in April 2022.',
    date: { start: '2022-04', precision: 'month' },
    outlet: 'Voice of Khurasan',
    medium: 'magazine issue',
    issue: 3,
    language: 'English',
    sources: [{ source: 'example-review-2', quote: 'Voice of Khurasan issue 3 appeared in April 2022 in English.' }],
  },
  {
    kind: 'publication',
    id: 'pub-vok-4',
    title: 'Voice of Khurasan issue 4',
    summary: 'English-language magazine issue released in May 2022.',
    date: { start: '2022-05', precision: 'month' },
    outlet: 'Voice of Khurasan',
    medium: 'magazine issue',
    issue: 4,
    language: 'English',
    sources: [{ source: 'example-review-2', quote: 'Issue 4 followed in May.' }],
  },
  {
    kind: 'publication',
    id: 'pub-al-naba-329',
    title: 'al-Naba issue 329',
    summary: 'Newsletter issue that ranked the province first.',
    date: { start: '2022', precision: 'year' },
    outlet: 'al-Naba',
    medium: 'newsletter issue',
    issue: 329,
    language: 'Arabic',
    sources: [{ source: 'example-review-2', quote: 'The newsletter al-Naba issue 329 ranked the province first.' }],
  },
  {
    kind: 'publication',
    id: 'pub-2022-02-book-shia-sects',
    title: 'Book on Shia sects',
    summary: 'A Pashto book on Shia sects.',
    date: { start: '2022-02', precision: 'month' },
    medium: 'book',
    language: 'Pashto',
    sources: [{ source: 'example-review-2', quote: 'A Pashto book on Shia sects appeared in February.' }],
  },
].map((r) => Publication.parse(r));

export function testArchive(): SearchArchive {
  return createArchive(
    { sources: [NEWS, REVIEW], incidents: INCIDENTS, publications: PUBLICATIONS },
    { dataHash: 'test-hash', matchFilters, builtAt: '2025-11-27T00:00:00.000Z' },
  );
}

let shared: SearchArchive | undefined;

/** One archive for a test file (building is the slow part); records are never mutated. */
export function deps(now: Date = NOW): CommandDeps {
  shared ??= testArchive();
  return { archive: shared, now: () => now };
}

/** Asserts the value is a valid View and returns it typed. */
export function valid(view: unknown): View {
  return ViewSchema.parse(view);
}

/** Narrows a View to one type, failing the test with the View when it is another. */
export function as<T extends View['type']>(view: View, type: T): Extract<View, { type: T }> {
  if (view.type !== type) throw new Error(`expected a ${type} View, got ${JSON.stringify(view, null, 2)}`);
  return view as Extract<View, { type: T }>;
}
