// Asking in plain words on Discord: @mentions and DMs, end to end through the
// real discord.js Client and the Discord API double. Each test dispatches
// MESSAGE_CREATE as Discord would and asserts on the REST calls the bot makes
// (thread creation, the answer's content and embeds, allowed_mentions), plus
// the pure helpers and the DISCORD_MESSAGE_CONTENT flag.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { GatewayIntentBits } from 'discord.js';
import { WebSocketServer } from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { discordSettings, parseConfig, Secret, type DiscordSettings } from '../../src/config.ts';
import { answerQuestion } from '../../commands/shared/answer.ts';
import type { Understood } from '../../src/core/ask/index.ts';
import type { ArchiveHolder } from '../../src/core/search/holder.ts';
import { createDiscordTransport, DISALLOWED_INTENT_HINT, type DiscordTransport } from '../../src/discord/client.ts';
import { deployCommands } from '../../src/discord/deploy-commands.ts';
import { answerMessages, EMPTY_MENTION_HELP, mentionsUser, questionText, threadName } from '../../src/discord/mentions.ts';
import { createLogger } from '../../src/logger.ts';
import { payloadOf, snowflake, startDiscordDouble, type DiscordDouble, type Json, type RecordedCall } from './double/index.ts';
import { thread as threadObject } from './double/payloads.ts';
import { ask, BOT_TOKEN, buttonsOf, embedsOf, isCallback, openHolder, str, tempDir, textsOf, withTimeout } from './harness.ts';

const ARTICLE = 'https://thekhorasandiary.com/new/2023/03/13/a-timeline-of-iskp-attacks-on-shias-in-2022-3/';
const NOW = new Date('2026-01-15T12:00:00Z');
const HUMAN = { id: '500000000000000001', username: 'analyst', discriminator: '0', global_name: 'analyst', avatar: null, public_flags: 0 };
const ZWSP = '\u200B';

interface Bot {
  double: DiscordDouble;
  transport: DiscordTransport;
  lines: string[];
  stop(): Promise<void>;
}

let state: Awaited<ReturnType<typeof tempDir>>;
let holder: ArchiveHolder;
let bot: Bot | undefined;

beforeAll(async () => {
  state = await tempDir('archivist-mentions-');
  holder = await openHolder('data', state.path);
});
afterAll(async () => {
  await state.remove();
});
afterEach(async () => {
  await bot?.stop();
  expect(bot?.double.errors ?? []).toEqual([]);
  bot = undefined;
});

/** The bot on a fresh double, with DISCORD_MESSAGE_CONTENT as given; commands deployed as an operator would. */
async function start(messageContent: boolean): Promise<Bot> {
  const double = await startDiscordDouble();
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const settings: DiscordSettings = { token: new Secret(BOT_TOKEN), applicationId: double.applicationId, apiUrl: double.apiBase, messageContent };
  const log = await createLogger({ level: 'debug', destination, secrets: [settings.token] });
  await deployCommands(settings);
  const transport = createDiscordTransport({ settings, holder, log, now: () => NOW, drainTimeoutMs: 3000 });
  await withTimeout(transport.start(), 8000, 'bot start');
  bot = {
    double,
    transport,
    lines,
    async stop() {
      await transport.stop();
      await double.stop();
    },
  };
  return bot;
}

/**
 * A user's message as Discord dispatches it. In a server channel it is stored
 * in the double first (seedMessage), so starting a thread from it works.
 */
function userMessage(
  double: DiscordDouble,
  content: string,
  opts: { channelId?: string; dm?: boolean; thread?: boolean; mentionBot?: boolean; mentionEveryone?: boolean; mentionRoles?: string[] } = {},
): Json {
  const base: Json = opts.dm
    ? { id: snowflake(), channel_id: opts.channelId, author: HUMAN, content, timestamp: new Date().toISOString(), edited_timestamp: null, tts: false, attachments: [], embeds: [], components: [], pinned: false, flags: 0, type: 0 }
    : double.seedMessage({ channelId: opts.channelId ?? double.channelId, content, author: HUMAN });
  const mentionBot = opts.mentionBot ?? content.includes(`<@${double.botUserId}>`);
  return {
    ...base,
    type: 0,
    // Discord sends the channel's type with every MESSAGE_CREATE; discord.js needs it to build a DM channel it has not seen.
    channel_type: opts.dm ? 1 : opts.thread ? 11 : 0,
    mention_everyone: opts.mentionEveryone ?? false,
    mention_roles: opts.mentionRoles ?? [],
    mentions: mentionBot ? [{ id: double.botUserId, username: 'Archivist', discriminator: '0000', avatar: null, bot: true, public_flags: 0 }] : [],
  };
}

const isThreadFrom = (channelId: string, messageId: string) => (c: RecordedCall) =>
  c.method === 'POST' && c.path === `/channels/${channelId}/messages/${messageId}/threads`;
const isPostIn = (channelId: string) => (c: RecordedCall) => c.method === 'POST' && c.path === `/channels/${channelId}/messages`;
const postsIn = (double: DiscordDouble, channelId: string) => double.calls.filter(isPostIn(channelId));

/** Waits for the n-th (1-based) message the bot posts in a channel. */
async function nthPost(double: DiscordDouble, channelId: string, n: number): Promise<Json> {
  await double.waitForCall(() => postsIn(double, channelId).length >= n, 5000);
  return payloadOf(postsIn(double, channelId)[n - 1]!.body);
}

const allText = (payload: Json): string => textsOf(payload).join('\n');

/**
 * The read-as lines the core gives for a conversation, in order: the Discord
 * side must show exactly these (the core's own tests pin their wording).
 */
function readAsLines(...questions: string[]): string[] {
  const deps = { archive: holder.current, now: () => NOW };
  const out: string[] = [];
  let previous: Understood | undefined;
  for (const q of questions) {
    const a = answerQuestion(q, deps, previous);
    if (!a.ok) throw new Error(`the core could not read ${q}`);
    previous = a.understood;
    out.push(`Read as: ${a.readAs}`);
  }
  return out;
}
const settle = (ms = 150) => new Promise((r) => setTimeout(r, ms));

describe('questions by @mention, end to end', () => {
  it('GIVEN a mention with a question in a channel THEN a public thread from the message, answered with the read-as line and citation links', async () => {
    const b = await start(true);
    const d = b.double;
    const msg = userMessage(d, `<@${d.botUserId}> how many attacks in Kabul in 2022?`);
    d.dispatch('MESSAGE_CREATE', msg);
    const id = String(msg['id']);

    const threadCall = await d.waitForCall(isThreadFrom(d.channelId, id), 5000);
    const thread = payloadOf(threadCall.body);
    expect(thread['name']).toBe('how many attacks in Kabul in 2022?');
    expect(thread['auto_archive_duration']).toBe(1440);
    // The thread shares the message's id (Discord's rule for a thread started from a message).
    const answer = await nthPost(d, id, 1);
    const [expected] = readAsLines('how many attacks in Kabul in 2022?');
    expect(expected).toMatch(/^Read as: Counting .* by month · place Kabul · 2022$/);
    expect(String(answer['content']).split('\n')[0]).toBe(expected);
    expect(embedsOf(answer)[0]?.['title']).toBe('Count by month');
    expect(JSON.stringify(answer)).toContain(ARTICLE);
    expect(answer['allowed_mentions']).toEqual({ parse: [], replied_user: false });
    // Started from the message, so no reply reference is needed.
    expect(answer['message_reference']).toBeUndefined();
    // Nothing was posted in the channel itself.
    expect(postsIn(d, d.channelId)).toEqual([]);
  });

  it('GIVEN a follow-up without a mention in the thread the bot opened THEN the previous question refined (place Herat, same year), as a reply', async () => {
    const b = await start(true);
    const d = b.double;
    const first = userMessage(d, `<@${d.botUserId}> how many attacks in Kabul in 2022?`);
    d.dispatch('MESSAGE_CREATE', first);
    const threadId = String(first['id']);
    await nthPost(d, threadId, 1);

    const followUp = userMessage(d, 'and in Herat?', { channelId: threadId, thread: true });
    d.dispatch('MESSAGE_CREATE', followUp);
    const answer = await nthPost(d, threadId, 2);
    const [, herat, herat2021] = readAsLines('how many attacks in Kabul in 2022?', 'and in Herat?', 'what about 2021?');
    expect(herat).toMatch(/^Read as: Counting .* by month · place Herat · 2022$/);
    expect(herat2021).toMatch(/^Read as: Counting .* by month · place Herat · 2021$/);
    expect(String(answer['content']).split('\n')[0]).toBe(herat);
    expect(answer['message_reference']).toMatchObject({ message_id: followUp['id'], fail_if_not_exists: false });
    expect(answer['allowed_mentions']).toEqual({ parse: [], replied_user: false });

    // And another: the year changes, the place stays.
    d.dispatch('MESSAGE_CREATE', userMessage(d, 'what about 2021?', { channelId: threadId, thread: true }));
    const third = await nthPost(d, threadId, 3);
    expect(String(third['content']).split('\n')[0]).toBe(herat2021);
    // No second thread was opened for follow-ups.
    expect(d.calls.filter((c) => c.path.endsWith('/threads'))).toHaveLength(1);
  });

  it('GIVEN a question with @everyone and a role mention THEN nothing pings: allowed_mentions parse [] and the text is neutralised', async () => {
    const b = await start(true);
    const d = b.double;
    const role = '600000000000000001';
    const msg = userMessage(d, `<@${d.botUserId}> @everyone <@&${role}> how many attacks in Kabul?`, { mentionEveryone: true, mentionRoles: [role] });
    d.dispatch('MESSAGE_CREATE', msg);
    const threadCall = await d.waitForCall(isThreadFrom(d.channelId, String(msg['id'])), 5000);
    const name = String(payloadOf(threadCall.body)['name']);
    expect(name).not.toMatch(/@everyone/);
    // Only words are search words: @everyone and the role are not part of the question, nor of its thread's name.
    expect(name).toBe('how many attacks in Kabul?');

    const answer = await nthPost(d, String(msg['id']), 1);
    expect(answer['allowed_mentions']).toEqual({ parse: [], replied_user: false });
    const text = allText(answer);
    expect(text).not.toMatch(/@everyone/);
    expect(text).not.toMatch(/<@&/);
    expect(text).toContain('place Kabul');
  });

  it('GIVEN messages that do not address the bot (no mention, @everyone, a role, another bot) THEN they are ignored', async () => {
    const b = await start(true);
    const d = b.double;
    const ignored = [
      userMessage(d, 'how many attacks in Kabul in 2022?'),
      userMessage(d, '@everyone how many attacks in Kabul?', { mentionEveryone: true }),
      userMessage(d, `<@&600000000000000001> how many attacks in Kabul?`, { mentionRoles: ['600000000000000001'] }),
      { ...userMessage(d, `<@${d.botUserId}> how many attacks in Kabul?`), author: { ...HUMAN, id: '700000000000000001', username: 'otherbot', bot: true } },
      { ...userMessage(d, `<@${d.botUserId}> how many attacks in Kabul?`), webhook_id: '800000000000000001' },
    ];
    for (const m of ignored) d.dispatch('MESSAGE_CREATE', m);
    // A message that does address it, sent last: once it is answered, the ones before have been handled too.
    const control = userMessage(d, `<@${d.botUserId}> timeline of attacks in Kabul`);
    d.dispatch('MESSAGE_CREATE', control);
    await nthPost(d, String(control['id']), 1);
    await settle();
    const writes = d.calls.filter((c) => c.method !== 'GET' && c.path.startsWith('/channels/'));
    expect(writes.map((c) => c.path)).toEqual([`/channels/${d.channelId}/messages/${String(control['id'])}/threads`, `/channels/${String(control['id'])}/messages`]);
  });

  it('GIVEN a mention with no question THEN a short help reply in the channel and no thread; GIVEN an unreadable question, a remark and a question in its thread THEN examples, silence, examples', async () => {
    const b = await start(true);
    const d = b.double;
    const bare = userMessage(d, `<@${d.botUserId}>`);
    d.dispatch('MESSAGE_CREATE', bare);
    const help = await nthPost(d, d.channelId, 1);
    expect(String(help['content'])).toBe(EMPTY_MENTION_HELP);
    expect((help['message_reference'] as Json | undefined)?.['message_id']).toBe(bare['id']);
    expect(d.calls.some(isThreadFrom(d.channelId, String(bare['id'])))).toBe(false);

    const msg = userMessage(d, `<@${d.botUserId}> hello there`);
    d.dispatch('MESSAGE_CREATE', msg);
    const threadId = String(msg['id']);
    const threadCall = await d.waitForCall(isThreadFrom(d.channelId, threadId), 5000);
    expect(payloadOf(threadCall.body)['name']).toBe('hello there');
    const empty = await nthPost(d, threadId, 1);
    const lines = String(empty['content']).split('\n');
    expect(lines[0]).toMatch(/^\*\*Could not read the question: /);
    const examples = lines.filter((l) => l.startsWith('• Try: '));
    expect(examples.length).toBeGreaterThanOrEqual(2);
    expect(examples.length).toBeLessThanOrEqual(3);

    // People talk in the thread too: a remark that is not a question gets no reply...
    d.dispatch('MESSAGE_CREATE', userMessage(d, 'thanks!', { channelId: threadId, thread: true }));
    // ...a question it cannot read does.
    d.dispatch('MESSAGE_CREATE', userMessage(d, 'hello there?', { channelId: threadId, thread: true }));
    const second = await nthPost(d, threadId, 2);
    expect(String(second['content'])).toMatch(/^\*\*Could not read the question: /);
    await settle();
    expect(postsIn(d, threadId)).toHaveLength(2);
  });

  it('GIVEN an answer with more pages THEN Prev/Next buttons, which page it in place like a slash command', async () => {
    const b = await start(true);
    const d = b.double;
    const msg = userMessage(d, `<@${d.botUserId}> timeline of attacks in 2022`);
    d.dispatch('MESSAGE_CREATE', msg);
    const threadId = String(msg['id']);
    const answer = await nthPost(d, threadId, 1);
    expect(String(answer['content'])).toContain('page 1 of 2');
    const [prev, next] = buttonsOf(answer);
    expect(prev?.disabled).toBe(true);
    expect(next?.disabled).toBe(false);

    // Pressing Next on the answer (a message in the thread) goes through the router.
    const posted = d.messages.find((m) => m['channel_id'] === threadId && (m['author'] as Json)['bot'] === true);
    expect(posted).toBeDefined();
    const { id } = d.dispatchInteraction({ type: 3, customId: next!.customId, channelId: threadId, message: posted! });
    const callback = await d.waitForCall(isCallback(id), 5000);
    const type = payloadOf(callback.body)['type'];
    expect([6, 7]).toContain(type);
    const page2 = type === 7 ? (payloadOf(callback.body)['data'] as Json) : payloadOf((await d.waitForCall((c) => c.method === 'PATCH' && c.path.includes('@original'), 5000)).body);
    expect(String(page2['content'])).toContain('page 2 of 2');
  });

  it('GIVEN a thread cannot be started from the message THEN the answer is a reply in the channel', async () => {
    const b = await start(true);
    const d = b.double;
    // Not stored in the double: starting a thread from it fails (Unknown Message), as when a thread already hangs off it.
    const msg = { ...userMessage(d, `<@${d.botUserId}> how many attacks in Kabul in 2022?`), id: snowflake() };
    d.dispatch('MESSAGE_CREATE', msg);
    const answer = await nthPost(d, d.channelId, 1);
    const [expected] = readAsLines('how many attacks in Kabul in 2022?');
    expect(String(answer['content']).split('\n')[0]).toBe(expected);
    expect(answer['message_reference']).toMatchObject({ message_id: msg['id'] });
    expect(answer['allowed_mentions']).toEqual({ parse: [], replied_user: false });
    expect(d.calls.filter((c) => c.path.endsWith('/threads')).map((c) => c.status)).toEqual([404]);
  });

  it('GIVEN a thread the bot did not open THEN only a mention is answered there, in the thread', async () => {
    const b = await start(true);
    const d = b.double;
    const threadId = snowflake();
    const t = threadObject({ id: threadId, guildId: d.guildId, parentId: d.channelId, ownerId: HUMAN.id, name: 'team chat', type: 11, autoArchiveDuration: 1440 });
    d.channels.set(threadId, t);
    d.dispatch('THREAD_CREATE', { ...t, newly_created: true });
    d.dispatch('MESSAGE_CREATE', userMessage(d, 'how many attacks in Kabul in 2022?', { channelId: threadId, thread: true }));
    const asked = userMessage(d, `<@${d.botUserId}> how many attacks in Herat?`, { channelId: threadId, thread: true });
    d.dispatch('MESSAGE_CREATE', asked);
    const answer = await nthPost(d, threadId, 1);
    expect(String(answer['content'])).toContain('place Herat');
    expect(answer['message_reference']).toMatchObject({ message_id: asked['id'] });
    await settle();
    expect(postsIn(d, threadId)).toHaveLength(1);
    expect(d.calls.filter((c) => c.path.endsWith('/threads'))).toEqual([]);
  });

  it('GIVEN a direct message and a follow-up THEN both answered in the DM, the follow-up refined', async () => {
    const b = await start(true);
    const d = b.double;
    const dm = snowflake();
    // The DM channel as Discord holds it (the double answers posts only to channels it knows).
    d.channels.set(dm, { id: dm, type: 1, last_message_id: null, recipients: [HUMAN], flags: 0 });
    d.dispatch('MESSAGE_CREATE', userMessage(d, 'how many attacks in Kabul in 2022?', { dm: true, channelId: dm }));
    const first = await nthPost(d, dm, 1);
    const [kabul, claimed] = readAsLines('how many attacks in Kabul in 2022?', 'only claimed ones');
    expect(claimed).toMatch(/^Read as: Counting .* by month · place Kabul · .*claimed.* · 2022$/);
    expect(String(first['content']).split('\n')[0]).toBe(kabul);
    d.dispatch('MESSAGE_CREATE', userMessage(d, 'only claimed ones', { dm: true, channelId: dm }));
    const second = await nthPost(d, dm, 2);
    expect(String(second['content']).split('\n')[0]).toBe(claimed);
    expect(second['allowed_mentions']).toEqual({ parse: [], replied_user: false });
    expect(d.calls.filter((c) => c.path.endsWith('/threads'))).toEqual([]);
  });

  it('GIVEN DISCORD_MESSAGE_CONTENT=true THEN IDENTIFY asks for the message intents', async () => {
    const b = await start(true);
    const intents = Number(b.double.lastIdentify?.['intents']);
    for (const bit of [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages, GatewayIntentBits.MessageContent]) {
      expect(intents & bit).toBe(bit);
    }
  });

  it('GIVEN DISCORD_MESSAGE_CONTENT=false THEN no message intents, a mention is ignored, and /search still works', async () => {
    const b = await start(false);
    const d = b.double;
    const intents = Number(d.lastIdentify?.['intents']);
    expect(intents).toBe(GatewayIntentBits.Guilds);
    expect(intents & GatewayIntentBits.MessageContent).toBe(0);
    expect(b.transport.mentions).toBeNull();

    const msg = userMessage(d, `<@${d.botUserId}> how many attacks in Kabul in 2022?`);
    d.dispatch('MESSAGE_CREATE', msg);
    const a = await ask({ double: d, transport: b.transport, holder, lines: b.lines, settings: {} as DiscordSettings, stop: b.stop }, { name: 'search', options: [str('query', 'kabul')] });
    expect(a.callbackType).toBe(5);
    expect(embedsOf(a.message).length).toBeGreaterThan(0);
    await settle();
    expect(d.calls.filter((c) => c.path.startsWith('/channels/') && c.method === 'POST')).toEqual([]);
  });
});

describe('Discord refusing the privileged intent', () => {
  it('GIVEN the portal switch is off (gateway close 4014) THEN start() fails with a line naming the switch and the flag', async () => {
    // A minimal gateway that refuses IDENTIFY the way Discord does when Message Content is not enabled.
    const server = createServer((req, res) => {
      const port = (server.address() as AddressInfo).port;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ url: `ws://127.0.0.1:${port}`, shards: 1, session_start_limit: { total: 1000, remaining: 1000, reset_after: 1000, max_concurrency: 1 } }));
      void req;
    });
    const wss = new WebSocketServer({ server });
    wss.on('connection', (socket) => {
      socket.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 41_250 }, s: null, t: null }));
      socket.on('message', (data) => {
        if ((JSON.parse(String(data)) as { op: number }).op === 2) socket.close(4014, 'Disallowed intent(s).');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const port = (server.address() as AddressInfo).port;
    const log = await createLogger({ level: 'silent' });
    const settings: DiscordSettings = { token: new Secret(BOT_TOKEN), applicationId: '200000000000000001', apiUrl: `http://127.0.0.1:${port}/api`, messageContent: true };
    const transport = createDiscordTransport({ settings, holder, log, drainTimeoutMs: 100 });
    try {
      const error = await withTimeout(transport.start(), 8000, 'refused start').then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toBe(DISALLOWED_INTENT_HINT);
      expect(DISALLOWED_INTENT_HINT).toContain('Message Content Intent');
      expect(DISALLOWED_INTENT_HINT).toContain('DISCORD_MESSAGE_CONTENT=false');
    } finally {
      await transport.stop();
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('DISCORD_MESSAGE_CONTENT', () => {
  const base = { DISCORD_TOKEN: 'MTIz.secret-part.abc', DISCORD_APPLICATION_ID: '200000000000000001' };

  it.each([
    ['true', true],
    ['TRUE', true],
    [' false ', false],
  ])('GIVEN %j THEN messageContent is %s', (value, expected) => {
    const parsed = parseConfig({ ...base, DISCORD_MESSAGE_CONTENT: value });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const s = discordSettings(parsed.config);
    expect(s.ok && s.settings.messageContent).toBe(expected);
  });

  it('GIVEN it unset or blank THEN off', () => {
    for (const env of [base, { ...base, DISCORD_MESSAGE_CONTENT: '' }]) {
      const parsed = parseConfig(env);
      if (!parsed.ok) throw new Error(parsed.message);
      const s = discordSettings(parsed.config);
      expect(s.ok && s.settings.messageContent === true).toBe(false);
    }
  });

  it.each(['yes', '1', 'on', 'tru'])('GIVEN the malformed %j THEN one line naming it, without the token', (value) => {
    const parsed = parseConfig({ ...base, DISCORD_MESSAGE_CONTENT: value });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.message).toBe('config: DISCORD_MESSAGE_CONTENT must be true or false');
  });
});

describe('mention helpers', () => {
  const BOT = '200000000000000001';

  it('GIVEN message texts THEN only <@bot> and <@!bot> count as addressing the bot', () => {
    expect(mentionsUser(`<@${BOT}> hi`, BOT)).toBe(true);
    expect(mentionsUser(`hi <@!${BOT}>`, BOT)).toBe(true);
    expect(mentionsUser(`<@&${BOT}> hi`, BOT)).toBe(false);
    expect(mentionsUser('@everyone hi', BOT)).toBe(false);
    expect(mentionsUser('<@200000000000000002> hi', BOT)).toBe(false);
  });

  it('GIVEN mentions of users, roles and channels THEN they are stripped from the question; @everyone stays as text', () => {
    expect(questionText(`<@${BOT}>  how many attacks\nin <#400000000000000001> Kabul? <@&123> <@!42>`)).toBe('how many attacks in Kabul?');
    expect(questionText(`<@${BOT}> @everyone attacks`)).toBe('attacks');
    expect(questionText(`<@${BOT}> attacks <:pepe:123456> @here https://example.org/a`)).toBe('attacks https://example.org/a');
    expect(questionText(`Archivist, how many attacks in Kabul?`, ['Archivist'])).toBe('how many attacks in Kabul?');
    expect(questionText(`<@${BOT}>`)).toBe('');
  });

  it('GIVEN questions of any length THEN thread names of 1-100 characters on one line', () => {
    expect(threadName('')).toBe('Question');
    const long = threadName('word '.repeat(60));
    expect(long.length).toBe(100);
    expect(long.endsWith('…')).toBe(true);
    expect(threadName('a\nb')).toBe('a b');
  });

  it('GIVEN an answer that is a record THEN the read-as line comes first in the content', () => {
    const deps = { archive: holder.current, now: () => NOW };
    const answer = answerQuestion('show me the record inc-2022-03-04-peshawar-imambargah-bombing', deps);
    expect(answer.ok).toBe(true);
    const parts = answerMessages(answer);
    expect(parts[0]?.content.split('\n')[0]).toBe('Read as: Showing the record inc-2022-03-04-peshawar-imambargah-bombing');
    expect(parts[0]?.embeds[0]?.title).toBe('Suicide bombing of an Imambargah in Peshawar');
    for (const p of parts) expect(p.content.length).toBeLessThanOrEqual(2000);
  });
});
