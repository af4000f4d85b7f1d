// End to end with a data folder of the test's own: a record whose text tries
// to mention everyone and inject markdown reaches Discord shown literally, and
// /reload swaps in new records, or keeps serving the last good index when a
// file is broken.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_PERMISSIONS, ask, dataCopy, embedsOf, openHolder, startBot, str, tempDir, textsOf, type Bot } from './harness.ts';

const QUOTE = 'in 2022, Abdul Rahim Shahid High School and Mumtaz Education Centre, also in Kabul';

function incident(id: string, title: string, summary: string, place = 'Kabul'): object {
  return {
    kind: 'incident',
    id,
    title,
    summary,
    category: 'attack',
    date: { start: '2022-05', precision: 'month' },
    place: { place, country: 'Afghanistan', precision: 'city' },
    target: 'a school <@&123>',
    sources: [{ source: 'thekhorasandiary-28362', quote: QUOTE }],
  };
}

const EVIL = incident(
  'inc-test-evil-markdown',
  'Hostile text @everyone **bold**',
  'Ping @everyone and @here, <@&123> and <@123> in <#1>; **bold**, __under__, ||spoiler||, `code` and [x](https://evil.example).',
  '**Kabul** <@123>',
);

let bot: Bot | undefined;
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  await bot?.stop();
  expect(bot?.double.errors ?? []).toEqual([]);
  bot = undefined;
  for (const c of cleanups.splice(0)) await c();
});

async function start(extra: { [file: string]: unknown } = {}): Promise<{ bot: Bot; data: string }> {
  const data = await dataCopy(extra);
  const state = await tempDir('archivist-data-state-');
  cleanups.push(data.remove, state.remove);
  bot = await startBot(await openHolder(data.path, state.path));
  return { bot, data: data.path };
}

function expectLiteral(texts: string[]): void {
  const all = texts.join('\n');
  // Mentions are shown, not parsed: the forms Discord turns into pings or pills are broken up.
  for (const mention of ['@everyone', '@here', '<@&123>', '<@123>', '<#1>']) expect(all).not.toContain(mention);
  expect(all).toContain('everyone');
  expect(all).toContain('@\u200Beveryone');
  // Markdown from the data is escaped, so it reads as typed.
  expect(all).toContain('\\*\\*bold\\*\\*');
  expect(all).not.toMatch(/(?<!\\)\*\*bold/);
  expect(all).toContain('\\|\\|spoiler\\|\\|');
  // A masked link cannot form: both brackets are escaped.
  expect(all).not.toContain('[x](https://evil.example)');
  expect(all).toContain('\\[x\\](https://evil.example)');
}

describe('hostile text in data', () => {
  it('GIVEN a record with @everyone, <@&123>, **bold** and [x](https://evil.example) THEN /record shows them literally and parses no mention', async () => {
    const { bot: b } = await start({ 'incidents/inc-test-evil-markdown.json': EVIL });
    const a = await ask(b, { name: 'record', options: [str('id', 'inc-test-evil-markdown')] });
    expect(a.callbackType).toBe(5);
    expect(a.message['allowed_mentions']).toEqual({ parse: [] });
    expectLiteral(textsOf(a.message));
  });

  it('GIVEN the same record in a /search result THEN the timeline entry shows it literally too', async () => {
    const { bot: b } = await start({ 'incidents/inc-test-evil-markdown.json': EVIL });
    const a = await ask(b, { name: 'search', options: [str('query', 'hostile spoiler')] });
    expect(embedsOf(a.message).map((e) => e['footer'])).toContainEqual({ text: 'incident · inc-test-evil-markdown' });
    expect(a.message['allowed_mentions']).toEqual({ parse: [] });
    expectLiteral(textsOf(a.message));
  });
});

describe('/reload with changed data', () => {
  it('GIVEN a new record file THEN /reload names it as added and the next /record finds it; GIVEN then a broken file THEN the last good index keeps serving', async () => {
    const { bot: b, data } = await start();
    const missing = await ask(b, { name: 'record', options: [str('id', 'inc-test-added')] });
    expect(String(missing.message['content'])).toContain('No record has the id');

    await writeFile(join(data, 'incidents', 'inc-test-added.json'), JSON.stringify(incident('inc-test-added', 'Added record', 'A record added while the bot ran.')));
    const reloaded = await ask(b, { name: 'reload', memberPermissions: ADMIN_PERMISSIONS });
    expect(reloaded.callbackType).toBe(5);
    const [report] = embedsOf(reloaded.message);
    expect(report?.['title']).toBe('Data reloaded');
    expect(report?.['fields']).toContainEqual({ name: 'Added (1)', value: '`inc-test-added`' });
    const found = await ask(b, { name: 'record', options: [str('id', 'inc-test-added')] });
    expect(embedsOf(found.message)[0]?.['title']).toBe('Added record');

    await writeFile(join(data, 'incidents', 'inc-test-broken.json'), '{ "kind": "incident", ');
    await rm(join(data, 'incidents', 'inc-test-added.json'));
    const refused = await ask(b, { name: 'reload', memberPermissions: ADMIN_PERMISSIONS });
    const texts = textsOf(refused.message).join('\n');
    expect(embedsOf(refused.message)[0]?.['title']).toBe('Data not reloaded — the index being served was kept');
    expect(texts).toContain('inc-test-broken.json');
    // The record removed together with the broken edit is still served: nothing was swapped.
    const still = await ask(b, { name: 'record', options: [str('id', 'inc-test-added')] });
    expect(embedsOf(still.message)[0]?.['title']).toBe('Added record');
  });
});
