// Daily digests end to end: /digest through interactions, and the scheduled
// post through the real DigestRunner and DiscordDigestPoster against the
// Discord API double (real discord.js REST). The runner is driven with
// tick(now) and a chosen clock, so nothing waits for a timer.
//
// The seed corpus has one day-precise record on 4 March (the 2022 Peshawar
// imambargah bombing), so the digest for 2026-03-04 has an "on this day"
// item citing its source: the citation the message must carry.
import { DiscordAPIError } from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ArchiveHolder } from '../../src/core/search/holder.ts';
import { DiscordDigestPoster, digestPostError, snowflakeAt } from '../../src/discord/digest-poster.ts';
import { DiscordDiscussions } from '../../src/discord/discuss.ts';
import { DigestPostError, DigestRunner, type DigestPoster } from '../../src/digest/runner.ts';
import { SqliteDigestService } from '../../src/digest/service.ts';
import type { DigestStore } from '../../src/state/store.ts';
import { openStore, tempStateDir } from '../digest/helpers.ts';
import { payloadOf, type Json, type RecordedCall } from './double/index.ts';
import { ADMIN_PERMISSIONS, ask, openHolder, startBot, str, tempDir, type Bot } from './harness.ts';

const ARTICLE = 'https://thekhorasandiary.com/new/2023/03/13/a-timeline-of-iskp-attacks-on-shias-in-2022-3/';
const EPHEMERAL = 64;
/** When the subscription is made (the commands' clock): the day before the first digest. */
const SUBSCRIBED_AT = new Date('2026-03-03T12:00:00Z');
/** 08:00 Europe/London on 4 March 2026 is 08:00Z (summer time starts on the 29th). */
const DUE = new Date('2026-03-04T08:00:00Z');

let index: Awaited<ReturnType<typeof tempDir>>;
let holder: ArchiveHolder;
let bot: Bot | undefined;
let db: ReturnType<typeof tempStateDir> | undefined;
const stores: DigestStore[] = [];

beforeAll(async () => {
  index = await tempDir('archivist-digest-bot-');
  holder = await openHolder('data', index.path);
});
afterAll(async () => {
  await index.remove();
});
afterEach(async () => {
  await bot?.stop();
  expect(bot?.double.errors ?? []).toEqual([]);
  bot = undefined;
  for (const s of stores.splice(0)) s.close();
  db?.cleanup();
  db = undefined;
});

interface Setup {
  bot: Bot;
  store: DigestStore;
  dir: string;
  runner: (poster?: DigestPoster) => DigestRunner;
  poster: DiscordDigestPoster;
}

/** The bot with a digest store, as main.ts wires it; `runner()` builds a runner over a fresh connection to the same file (a restart). */
async function start(): Promise<Setup> {
  db = tempStateDir();
  const store = openStore(db.dir);
  stores.push(store);
  const runners: DigestRunner[] = [];
  const service = new SqliteDigestService({ store, onChange: () => runners.forEach((r) => r.rearm()) });
  bot = await startBot(holder, {
    now: () => SUBSCRIBED_AT,
    services: ({ log, client }) => ({ digest: service, discussions: new DiscordDiscussions(client, log) }),
  });
  const b = bot;
  const poster = new DiscordDigestPoster(b.transport.client, { log: b.log! });
  const dir = db.dir;
  return {
    bot: b,
    store,
    dir,
    poster,
    runner: (p: DigestPoster = poster) => {
      const own = openStore(dir);
      stores.push(own);
      const r = new DigestRunner({ store: own, archive: () => holder.current, poster: p, clock: { now: () => DUE }, logger: b.log! });
      runners.push(r);
      return r;
    },
  };
}

function sub(name: string, options: Json[]): Json[] {
  return [{ name, type: 1, options }];
}

function channel(b: Bot): Json {
  return { name: 'channel', type: 7, value: b.double.channelId };
}

const subscribeOptions = (b: Bot, time = '08:00', timezone = 'Europe/London'): Json[] =>
  sub('subscribe', [channel(b), str('time', time), str('timezone', timezone)]);

const isPost = (channelId: string) => (c: RecordedCall) => c.method === 'POST' && c.path === `/channels/${channelId}/messages`;
const isThreadPost = (channelId: string) => (c: RecordedCall) => c.method === 'POST' && /^\/channels\/\d+\/messages\/\d+\/threads$/.test(c.path) && c.path.startsWith(`/channels/${channelId}/`);
const channelMessages = (b: Bot, channelId: string): Json[] => b.double.messages.filter((m) => m['channel_id'] === channelId && m['interaction_metadata'] === undefined);

async function subscribe(s: Setup): Promise<void> {
  const a = await ask(s.bot, { name: 'digest', options: subscribeOptions(s.bot), memberPermissions: ADMIN_PERMISSIONS });
  expect(a.message['flags'] ?? 0).not.toBe(EPHEMERAL);
}

describe('/digest through interactions', () => {
  it('GIVEN a member without Manage Server THEN an ephemeral refusal and nothing stored; GIVEN one with it THEN the subscription is stored and announced', async () => {
    const s = await start();
    const refused = await ask(s.bot, { name: 'digest', options: subscribeOptions(s.bot) });
    expect(refused.callbackType).toBe(4);
    expect(refused.message['flags']).toBe(EPHEMERAL);
    expect(String(refused.message['content'])).toContain('Manage Server');
    expect(s.store.active()).toEqual([]);

    const a = await ask(s.bot, { name: 'digest', options: subscribeOptions(s.bot), memberPermissions: ADMIN_PERMISSIONS });
    expect(a.callbackType).toBe(5);
    expect(a.message['flags'] ?? 0).toBe(0);
    expect(a.message['allowed_mentions']).toEqual({ parse: [] });
    const content = String(a.message['content']);
    // The channel is linked (a channel mention never pings); the zone's underscore-free name is shown as typed.
    expect(content).toContain(`<#${s.bot.double.channelId}>`);
    expect(content).toContain('08:00 Europe/London');
    expect(content).toContain('2026-03-04 08:00 Europe/London');
    const stored = s.store.byChannel(s.bot.double.channelId);
    expect(stored).toMatchObject({ guildId: s.bot.double.guildId, time: '08:00', timezone: 'Europe/London', query: '', active: true, createdBy: '500000000000000001' });
    expect(stored?.activeSince).toBe(SUBSCRIBED_AT.toISOString());

    // Status: only for the asker.
    const status = await ask(s.bot, { name: 'digest', options: sub('status', []), memberPermissions: ADMIN_PERMISSIONS });
    expect(status.message['flags']).toBe(EPHEMERAL);
    expect(String(status.message['content'])).toContain(`<#${s.bot.double.channelId}> — daily at 08:00 Europe/London, all records`);
    expect(String(status.message['content'])).toMatch(/Next: <t:\d+:f>/);
  });

  it.each([
    { option: 'time', time: '25:00', timezone: 'Europe/London', says: ['time:', 'hours run from 00 to 23'] },
    { option: 'time', time: '8am', timezone: 'Europe/London', says: ['time:', '8am is 08:00'] },
    { option: 'timezone', time: '08:00', timezone: 'Europe/Lndon', says: ['timezone:', 'Europe/London'] },
  ])('GIVEN a bad $option ($time $timezone) THEN an ephemeral error naming the option, and nothing stored', async ({ time, timezone, says }) => {
    const s = await start();
    const a = await ask(s.bot, { name: 'digest', options: subscribeOptions(s.bot, time, timezone), memberPermissions: ADMIN_PERMISSIONS });
    expect(a.message['flags']).toBe(EPHEMERAL);
    for (const text of says) expect(String(a.message['content'])).toContain(text);
    expect(s.store.active()).toEqual([]);
  });

  it('GIVEN a subscribed channel THEN /digest preview shows the next digest only to the asker, with its citations', async () => {
    const s = await start();
    await subscribe(s);
    const a = await ask(s.bot, { name: 'digest', options: sub('preview', []), memberPermissions: ADMIN_PERMISSIONS });
    expect(a.message['flags']).toBe(EPHEMERAL);
    const content = String(a.message['content']);
    expect(content).toContain('**Digest 2026-03-04** (Europe/London)');
    expect(content).toContain(`(<${ARTICLE}>)`);
    expect(content).toContain('Preview, nothing posted or recorded.');
    expect(channelMessages(s.bot, s.bot.double.channelId)).toEqual([]);
  });
});

describe('the scheduled digest', () => {
  it('GIVEN a subscription due now THEN exactly one message with citations and one public thread; ticking again or restarting posts nothing more', async () => {
    const s = await start();
    await subscribe(s);
    const ch = s.bot.double.channelId;

    const runner = s.runner();
    const outcomes = await runner.tick(new Date(DUE.getTime() + 5_000));
    expect(outcomes).toEqual([expect.objectContaining({ outcome: 'completed', localDate: '2026-03-04', messages: 1 })]);

    const posts = s.bot.double.calls.filter(isPost(ch));
    expect(posts).toHaveLength(1);
    const body = payloadOf(posts[0]!.body);
    expect(body).toMatchObject({ nonce: 'd1-20260304-0', enforce_nonce: true, allowed_mentions: { parse: [] } });
    const content = String(body['content']);
    expect(content.length).toBeLessThanOrEqual(2000);
    expect(content).toContain('**Digest 2026-03-04** (Europe/London)');
    expect(content).toContain('Suicide bombing of an Imambargah in Peshawar');
    // The citation: the quote and the source's URL, inline, as a suppressed-preview link.
    expect(content).toContain(`(<${ARTICLE}>)`);
    expect(content).toContain('4 years ago');

    const messages = channelMessages(s.bot, ch);
    expect(messages).toHaveLength(1);
    const messageId = String(messages[0]!['id']);
    const threads = s.bot.double.calls.filter(isThreadPost(ch));
    expect(threads).toHaveLength(1);
    expect(threads[0]!.path).toBe(`/channels/${ch}/messages/${messageId}/threads`);
    expect(payloadOf(threads[0]!.body)['name']).toBe('Digest 2026-03-04');
    // Started from the message: public (11), with the message's id.
    expect(s.bot.double.channels.get(messageId)).toMatchObject({ type: 11, name: 'Digest 2026-03-04', parent_id: ch });
    expect(s.store.run(1, '2026-03-04')).toMatchObject({ status: 'completed', messageIds: [messageId], threadId: messageId });

    // The same runner again, then a new runner over a new connection to the same file (a restart).
    expect(await runner.tick(new Date(DUE.getTime() + 60_000))).toEqual([]);
    const restarted = s.runner();
    expect(await restarted.start()).toEqual([]);
    restarted.stop();
    expect(s.bot.double.calls.filter(isPost(ch))).toHaveLength(1);
    expect(s.bot.double.calls.filter(isThreadPost(ch))).toHaveLength(1);
    expect(channelMessages(s.bot, ch)).toHaveLength(1);

    // Status reports the run.
    const status = await ask(s.bot, { name: 'digest', options: sub('status', []), memberPermissions: ADMIN_PERMISSIONS });
    expect(String(status.message['content'])).toContain('Last: 2026-03-04 completed');
  });

  it('GIVEN the send was accepted but its answer lost THEN the resumed run reuses the message: by nonce while Discord remembers it, by content after', async () => {
    const s = await start();
    await subscribe(s);
    const ch = s.bot.double.channelId;
    // Dies after Discord created the message (the answer never arrives), on the first send only.
    let lost = 0;
    const losing: DigestPoster = {
      post: async (channelId, message, nonce) => {
        const done = await s.poster.post(channelId, message, nonce);
        if (lost++ === 0) throw new Error(`socket hang up (message ${done.messageId} was created)`);
        return done;
      },
      openThread: (c, m, n) => s.poster.openThread(c, m, n),
    };
    const first = await s.runner(losing).tick(new Date(DUE.getTime() + 5_000));
    expect(first).toEqual([expect.objectContaining({ outcome: 'retry' })]);
    expect(channelMessages(s.bot, ch)).toHaveLength(1);
    expect(s.store.run(1, '2026-03-04')).toMatchObject({ status: 'intent', messageIds: [] });

    // Within Discord's nonce window, a poster without the lookup: the same nonce returns the same message.
    const nonceOnly: DigestPoster = { post: (c, m, n) => s.poster.post(c, m, n), openThread: (c, m, n) => s.poster.openThread(c, m, n) };
    const resumed = await s.runner(nonceOnly).tick(new Date(DUE.getTime() + 60_000));
    expect(resumed).toEqual([expect.objectContaining({ outcome: 'completed', messages: 1 })]);
    const posts = s.bot.double.calls.filter(isPost(ch));
    expect(posts.map((c) => payloadOf(c.body)['nonce'])).toEqual(['d1-20260304-0', 'd1-20260304-0']);
    expect(channelMessages(s.bot, ch)).toHaveLength(1);
    expect(s.bot.double.calls.filter(isThreadPost(ch))).toHaveLength(1);

    // The next day, the same loss, but the restart comes after Discord forgot the nonce: found by content.
    lost = 0;
    const nextDue = new Date(DUE.getTime() + 86_400_000);
    const day2 = await s.runner(losing).tick(new Date(nextDue.getTime() + 5_000));
    expect(day2).toEqual([expect.objectContaining({ outcome: 'retry', localDate: '2026-03-05' })]);
    s.bot.double.forgetNonces();
    const before = s.bot.double.calls.length;
    const found = await s.runner().tick(new Date(nextDue.getTime() + 3_600_000));
    expect(found).toEqual([expect.objectContaining({ outcome: 'completed', localDate: '2026-03-05', messages: 1 })]);
    const after = s.bot.double.calls.slice(before);
    expect(after.filter(isPost(ch))).toEqual([]);
    const lookup = after.find((c) => c.method === 'GET' && c.path === `/channels/${ch}/messages`);
    expect(lookup?.query).toMatchObject({ limit: '100', after: snowflakeAt(new Date(nextDue.getTime() - 5 * 60_000)) });
    expect(channelMessages(s.bot, ch)).toHaveLength(2);
    const day2Run = s.store.run(1, '2026-03-05');
    expect(day2Run?.messageIds).toEqual([String(channelMessages(s.bot, ch)[1]!['id'])]);
  });

  it('GIVEN the thread was opened but not recorded THEN the resumed run takes the existing thread (160004) instead of failing', async () => {
    const s = await start();
    await subscribe(s);
    const ch = s.bot.double.channelId;
    const forgetful: DigestPoster = {
      post: (c, m, n) => s.poster.post(c, m, n),
      openThread: async (c, m, n) => {
        await s.poster.openThread(c, m, n);
        throw new Error('socket hang up');
      },
    };
    expect(await s.runner(forgetful).tick(new Date(DUE.getTime() + 5_000))).toEqual([expect.objectContaining({ outcome: 'retry' })]);
    const resumed = await s.runner().tick(new Date(DUE.getTime() + 60_000));
    expect(resumed).toEqual([expect.objectContaining({ outcome: 'completed' })]);
    const threadCalls = s.bot.double.calls.filter(isThreadPost(ch));
    expect(threadCalls.map((c) => c.status)).toEqual([201, 400]);
    const run = s.store.run(1, '2026-03-04');
    expect(run?.threadId).toBe(run?.messageIds[0]);
    expect(channelMessages(s.bot, ch)).toHaveLength(1);
  });

  it('GIVEN Discord refuses for good (deleted channel, missing permission) THEN the run fails without retrying; a thread refused does not undo the digest', async () => {
    const s = await start();
    await subscribe(s);
    const ch = s.bot.double.channelId;
    s.bot.double.failNext(/^\/channels\/\d+\/messages$/, { status: 403, code: 50013, message: 'Missing Permissions' }, 'POST');
    const failed = await s.runner().tick(new Date(DUE.getTime() + 5_000));
    expect(failed).toEqual([expect.objectContaining({ outcome: 'failed' })]);
    expect(failed[0]?.error).toContain('50013');
    expect(s.store.run(1, '2026-03-04')).toMatchObject({ status: 'failed', attempts: 1 });
    expect(await s.runner().tick(new Date(DUE.getTime() + 600_000))).toEqual([]);

    // Next day: the message goes out, the thread is refused; the digest still completes.
    s.bot.double.failNext(/\/threads$/, { status: 403, code: 50013, message: 'Missing Permissions' }, 'POST');
    const next = await s.runner().tick(new Date(DUE.getTime() + 86_400_000 + 5_000));
    expect(next).toEqual([expect.objectContaining({ outcome: 'completed', localDate: '2026-03-05' })]);
    expect(s.store.run(1, '2026-03-05')).toMatchObject({ status: 'completed', threadId: null });
    expect(channelMessages(s.bot, ch)).toHaveLength(1);

    // Poster level: a channel that does not exist is permanent (10003).
    const gone = await s.poster.post('400000000000009999', { content: 'x' }, 'n-1').catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(DigestPostError);
    expect((gone as DigestPostError).permanent).toBe(true);
    expect((gone as DigestPostError).message).toContain('10003');
  });

  it('GIVEN the same nonce twice THEN Discord (enforce_nonce) returns the first message; GIVEN a thread opened twice THEN the message id', async () => {
    const s = await start();
    const ch = s.bot.double.channelId;
    const one = await s.poster.post(ch, { content: 'Digest 2026-03-04: nothing to report.' }, 'd9-20260304-0');
    const two = await s.poster.post(ch, { content: 'Digest 2026-03-04: nothing to report.' }, 'd9-20260304-0');
    expect(two.messageId).toBe(one.messageId);
    expect(channelMessages(s.bot, ch)).toHaveLength(1);
    const t1 = await s.poster.openThread(ch, one.messageId, 'Digest 2026-03-04');
    const t2 = await s.poster.openThread(ch, one.messageId, 'Digest 2026-03-04');
    expect(t1.threadId).toBe(one.messageId);
    expect(t2.threadId).toBe(one.messageId);
    // Nothing else by the bot after the planned time: the lookup finds nothing, and interaction replies never count.
    expect(await s.poster.findPosted(ch, { content: 'something else' }, 'n', new Date(Date.now() - 60_000))).toBeNull();
    expect(await s.poster.findPosted(ch, { content: 'Digest 2026-03-04: nothing to report.' }, 'n', new Date(Date.now() - 60_000))).toBe(one.messageId);
  });
});

describe('digestPostError', () => {
  const apiError = (status: number, code: number): DiscordAPIError =>
    new DiscordAPIError({ code, message: 'x' }, code, status, 'POST', 'https://discord.test/api/v10/channels/1/messages', { body: undefined, files: undefined });

  it.each([
    [404, 10003, true],
    [403, 50001, true],
    [403, 50013, true],
    [400, 50035, true],
    [400, 160004, false],
    [500, 0, false],
  ])('GIVEN Discord answers %i (%i) THEN permanent is %s', (status, code, permanent) => {
    expect(digestPostError('posting', apiError(status, code)).permanent).toBe(permanent);
  });

  it('GIVEN a network failure THEN it is retried later (not permanent)', () => {
    expect(digestPostError('posting', new Error('ECONNRESET')).permanent).toBe(false);
  });
});
