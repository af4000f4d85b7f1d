// /discuss end to end: the real router and DiscordDiscussions against the
// Discord API double. The card is a channel message of the bot's, the thread
// is started from it (public), and inside a thread the card is posted there
// without another thread. Other commands work inside threads too.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { discussionThreadName } from '../../src/core/discussion.ts';
import type { ArchiveHolder } from '../../src/core/search/holder.ts';
import { DiscordDiscussions } from '../../src/discord/discuss.ts';
import { payloadOf, type Json, type RecordedCall } from './double/index.ts';
import { ask, embedsOf, openHolder, startBot, str, tempDir, type Bot } from './harness.ts';

const ID = 'inc-2022-03-04-peshawar-imambargah-bombing';
const TITLE = 'Suicide bombing of an Imambargah in Peshawar';
const ARTICLE = 'https://thekhorasandiary.com/new/2023/03/13/a-timeline-of-iskp-attacks-on-shias-in-2022-3/';
const EPHEMERAL = 64;
const USER = '500000000000000001';

let index: Awaited<ReturnType<typeof tempDir>>;
let holder: ArchiveHolder;
let bot: Bot | undefined;

beforeAll(async () => {
  index = await tempDir('archivist-discuss-');
  holder = await openHolder('data', index.path);
});
afterAll(async () => {
  await index.remove();
});
afterEach(async () => {
  await bot?.stop();
  expect(bot?.double.errors ?? []).toEqual([]);
  bot = undefined;
});

async function start(): Promise<Bot> {
  bot = await startBot(holder, { services: ({ log, client }) => ({ discussions: new DiscordDiscussions(client, log) }) });
  return bot;
}

const cardPosts = (b: Bot, channelId: string): RecordedCall[] =>
  b.double.calls.filter((c) => c.method === 'POST' && c.path === `/channels/${channelId}/messages`);
const threadPosts = (b: Bot): RecordedCall[] => b.double.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/threads'));

describe('/discuss', () => {
  it('GIVEN /discuss record:<id> in a channel THEN the card is posted with its citations and a public thread named after the record opens on it', async () => {
    const b = await start();
    const ch = b.double.channelId;
    const a = await ask(b, { name: 'discuss', options: [str('record', ID)] });
    expect(a.callbackType).toBe(5);

    const [post] = cardPosts(b, ch);
    expect(cardPosts(b, ch)).toHaveLength(1);
    const card = payloadOf(post!.body);
    expect(card['allowed_mentions']).toEqual({ parse: [] });
    // Who opened it is named (a mention that cannot ping); the card is /record's.
    expect(String(card['content'])).toContain(`<@${USER}> opened a discussion`);
    const embeds = embedsOf(card);
    expect(embeds[0]?.['title']).toBe(TITLE);
    expect(String(embeds.find((e) => e['title'] === 'Citations')?.['description'])).toContain(`](${ARTICLE})`);

    const cardMessage = b.double.messages.find((m) => m['channel_id'] === ch && m['interaction_metadata'] === undefined)!;
    const threads = threadPosts(b);
    expect(threads).toHaveLength(1);
    expect(threads[0]!.path).toBe(`/channels/${ch}/messages/${String(cardMessage['id'])}/threads`);
    expect(payloadOf(threads[0]!.body)['name']).toBe(TITLE);
    const thread = b.double.channels.get(String(cardMessage['id']));
    expect(thread).toMatchObject({ type: 11, name: TITLE, parent_id: ch });

    // The asker alone is told where the thread is; the channel sees only the card.
    expect(a.message['flags']).toBe(EPHEMERAL);
    expect(String(a.message['content'])).toContain(`<#${String(thread!['id'])}>`);
    expect(a.message['allowed_mentions']).toEqual({ parse: [] });
  });

  it('GIVEN /discuss used inside a thread THEN the card is posted in that thread and no other thread is opened; other commands answer there too', async () => {
    const b = await start();
    await ask(b, { name: 'discuss', options: [str('record', ID)] });
    const threadId = String(threadPosts(b)[0]!.path.split('/')[4]);
    expect(b.double.channels.get(threadId)?.['type']).toBe(11);

    const other = holder.current.vocabulary().ids.first(2).find((id) => id !== ID)!;
    const a = await ask(b, { name: 'discuss', options: [str('record', other)], channelId: threadId });
    expect(a.message['flags']).toBe(EPHEMERAL);
    expect(String(a.message['content'])).toContain('in this thread');
    const inThread = cardPosts(b, threadId);
    expect(inThread).toHaveLength(1);
    expect(String(payloadOf(inThread[0]!.body)['content'])).toContain(`<@${USER}> shared this record here.`);
    expect(threadPosts(b)).toHaveLength(1);

    // Any command works in a thread: /record answers in place.
    const record = await ask(b, { name: 'record', options: [str('id', ID)], channelId: threadId });
    expect(record.callbackType).toBe(5);
    expect(embedsOf(record.message)[0]?.['title']).toBe(TITLE);
  });

  it('GIVEN an unknown id THEN an ephemeral error with the closest ids, and nothing posted', async () => {
    const b = await start();
    const a = await ask(b, { name: 'discuss', options: [str('record', 'inc-2022-03-04-peshawar')] });
    expect(a.message['flags']).toBe(EPHEMERAL);
    expect(String(a.message['content'])).toContain(ID);
    expect(cardPosts(b, b.double.channelId)).toEqual([]);
    expect(threadPosts(b)).toEqual([]);
  });

  it('GIVEN the bot may post but not create threads THEN the card stays and the asker is told why; GIVEN it may not post THEN an ephemeral refusal', async () => {
    const b = await start();
    b.double.failNext(/\/threads$/, { status: 403, code: 50013, message: 'Missing Permissions' }, 'POST');
    const a = await ask(b, { name: 'discuss', options: [str('record', ID)] });
    expect(a.message['flags']).toBe(EPHEMERAL);
    expect(String(a.message['content'])).toContain('no thread could be opened: the bot may not create public threads');
    expect(cardPosts(b, b.double.channelId)).toHaveLength(1);

    b.double.failNext(/^\/channels\/\d+\/messages$/, { status: 403, code: 50013, message: 'Missing Permissions' }, 'POST');
    const refused = await ask(b, { name: 'discuss', options: [str('record', ID)] });
    expect(refused.message['flags']).toBe(EPHEMERAL);
    expect(String(refused.message['content'])).toContain('may not post in this channel');
  });

  it('GIVEN the record option being typed THEN autocomplete offers record ids', async () => {
    const b = await start();
    const { id } = b.double.dispatchInteraction({ type: 4, name: 'discuss', options: [{ name: 'record', type: 3, value: 'peshawar', focused: true }] });
    await b.double.waitForCall((c) => c.method === 'POST' && c.path.startsWith(`/interactions/${id}/`));
    const choices = b.double.interactions.get(id)?.choices as Json[];
    expect(choices.map((c) => c['value'])).toContain(ID);
  });

  it('GIVEN the deployed commands THEN /discuss is registered with an autocompleted, required record option', async () => {
    const b = await start();
    const discuss = b.double.globalCommands.find((c) => c['name'] === 'discuss');
    expect(discuss?.['options']).toEqual([expect.objectContaining({ name: 'record', type: 3, required: true, autocomplete: true })]);
    expect(discuss?.['default_member_permissions']).toBeNull();
  });
});

describe('discussionThreadName', () => {
  it('GIVEN a title of any length THEN 1-100 characters, cut at a word', () => {
    expect(discussionThreadName(TITLE, ID)).toBe(TITLE);
    const long = `${'Attack on a checkpoint near the old bazaar '.repeat(4)}in Jalalabad`;
    const name = discussionThreadName(long, ID);
    expect(name.length).toBeLessThanOrEqual(100);
    expect(name.endsWith('…')).toBe(true);
    expect(long.startsWith(name.slice(0, -1))).toBe(true);
    expect(discussionThreadName('   ', ID)).toBe(ID);
    expect(discussionThreadName('😀'.repeat(60), ID).length).toBeLessThanOrEqual(100);
  });
});
