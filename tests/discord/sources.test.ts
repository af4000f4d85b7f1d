// Watched sources end to end: /sources through interactions, and the watcher
// (real timers, short intervals) posting through the real discord.js REST
// client to the Discord API double, polling the WordPress double. Both
// doubles run on 127.0.0.1 and stop with the test.
import { afterEach, describe, expect, it } from 'vitest';
import type { ArchiveHolder } from '../../src/core/search/holder.ts';
import { matchFilters } from '../../src/core/query/filter.ts';
import { openArchive } from '../../src/core/search/holder.ts';
import { DiscordDigestPoster } from '../../src/discord/digest-poster.ts';
import type { Poster } from '../../src/jobs/post-once.ts';
import { watchedSourcesDir } from '../../src/sources/paths.ts';
import { SqliteSourcesService } from '../../src/sources/service.ts';
import { SourceWatcher } from '../../src/sources/watcher.ts';
import { openStateDb } from '../../src/state/db.ts';
import { WatchStore } from '../../src/state/watch-store.ts';
import { tempStateDir } from '../digest/helpers.ts';
import { startWpDouble, type WpDouble } from '../sources/wp-double.ts';
import type { Json } from './double/index.ts';
import { ADMIN_PERMISSIONS, ask, int, startBot, str, textsOf, type Bot } from './harness.ts';

const EPHEMERAL = 64;
/** A watcher minute in ms: every:5 polls every 250 ms. */
const MINUTE_MS = 50;
const INTERVAL_MS = 5 * MINUTE_MS;

let bot: Bot | undefined;
let site: WpDouble | undefined;
let state: ReturnType<typeof tempStateDir> | undefined;
const watchers: SourceWatcher[] = [];
const stores: WatchStore[] = [];

afterEach(async () => {
  const stopping = watchers.splice(0);
  for (const w of stopping) w.stop();
  // A poll still in flight writes to its store when it ends: let it end before the stores close
  // (bounded: a watcher whose poster never answers, the "dying" one, never becomes idle).
  await Promise.race([Promise.all(stopping.map((w) => w.idle())), new Promise((r) => setTimeout(r, 3000))]);
  await bot?.stop();
  expect(bot?.double.errors ?? []).toEqual([]);
  bot = undefined;
  await site?.stop();
  site = undefined;
  for (const s of stores.splice(0)) s.db.close();
  state?.cleanup();
  state = undefined;
});

function minute(i: number): string {
  return new Date(Date.UTC(2026, 10, 1, 8, 0, 0) + i * 60_000).toISOString().slice(0, 19);
}

interface Setup {
  bot: Bot;
  site: WpDouble;
  holder: ArchiveHolder;
  store: WatchStore;
  /** A watcher over a new connection to the state file (a restart), started with real timers. */
  watcher(poster?: Poster, timeoutMs?: number): Promise<SourceWatcher>;
  poster: DiscordDigestPoster;
}

function openWatchStore(dir: string): WatchStore {
  const opened = openStateDb(dir);
  if (!opened.ok) throw new Error(opened.message);
  const s = new WatchStore(opened.db);
  stores.push(s);
  return s;
}

async function start(): Promise<Setup> {
  site = await startWpDouble();
  state = tempStateDir();
  const dir = state.dir;
  const holder = await openArchive({ dataDir: 'data', stateDir: dir, overlayDirs: [watchedSourcesDir(dir)], matchFilters });
  const store = openWatchStore(dir);
  const current: SourceWatcher[] = [];
  const service = new SqliteSourcesService({ store, onChange: () => current.forEach((w) => w.rearm()) });
  bot = await startBot(holder, { services: () => ({ sources: service }) });
  const b = bot;
  const poster = new DiscordDigestPoster(b.transport.client, { log: b.log! });
  return {
    bot: b,
    site,
    holder,
    store,
    poster,
    async watcher(p: Poster = poster, timeoutMs = 10_000) {
      const w = new SourceWatcher({
        store: openWatchStore(dir),
        sourcesDir: watchedSourcesDir(dir),
        holder,
        poster: p,
        clock: { now: () => new Date() },
        logger: b.log!,
        minuteMs: MINUTE_MS,
        fetch: { timeoutMs, retries: 0, backoffMs: 1 },
        retryDelayMs: 100,
        maxSleepMs: 200,
      });
      watchers.push(w);
      current.push(w);
      void w.start();
      return w;
    },
  };
}

function sub(name: string, options: Json[]): Json[] {
  return [{ name, type: 1, options }];
}

const channelMessages = (b: Bot, channelId: string): Json[] => b.double.messages.filter((m) => m['channel_id'] === channelId && m['interaction_metadata'] === undefined);

async function until<T>(what: string, check: () => T | undefined | false, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function addWatch(s: Setup, extra: Json[] = []): Promise<void> {
  const a = await ask(s.bot, {
    name: 'sources',
    options: sub('add', [str('url', s.site.postsUrl), { name: 'channel', type: 7, value: s.bot.double.channelId }, int('every', 5), ...extra]),
    memberPermissions: ADMIN_PERMISSIONS,
  });
  expect(a.message['flags'] ?? 0).toBe(0);
  expect(String(a.message['content'])).toContain('Watching 127.0.0.1');
}

describe('/sources through interactions', () => {
  it('GIVEN a member without Manage Server THEN an ephemeral refusal; GIVEN a bad url or interval THEN an ephemeral error naming the option; list shows the watch', async () => {
    const s = await start();
    const ch = { name: 'channel', type: 7, value: s.bot.double.channelId };
    const refused = await ask(s.bot, { name: 'sources', options: sub('add', [str('url', s.site.postsUrl), ch]) });
    expect(refused.message['flags']).toBe(EPHEMERAL);
    expect(String(refused.message['content'])).toContain('Manage Server');
    expect(s.store.active()).toEqual([]);

    const badUrl = await ask(s.bot, { name: 'sources', options: sub('add', [str('url', 'ftp://example.org'), ch]), memberPermissions: ADMIN_PERMISSIONS });
    expect(badUrl.message['flags']).toBe(EPHEMERAL);
    expect(String(badUrl.message['content'])).toContain('url:');
    const notPosts = await ask(s.bot, { name: 'sources', options: sub('add', [str('url', 'https://example.org/wp-json/wp/v2/users'), ch]), memberPermissions: ADMIN_PERMISSIONS });
    expect(String(notPosts.message['content'])).toContain('not a posts listing');
    const tooOften = await ask(s.bot, { name: 'sources', options: sub('add', [str('url', s.site.postsUrl), ch, int('every', 2)]), memberPermissions: ADMIN_PERMISSIONS });
    expect(tooOften.message['flags']).toBe(EPHEMERAL);
    expect(String(tooOften.message['content'])).toContain('every must be 5 or more');
    expect(s.store.active()).toEqual([]);

    await addWatch(s);
    const list = await ask(s.bot, { name: 'sources', options: sub('list', []), memberPermissions: ADMIN_PERMISSIONS });
    expect(list.message['flags']).toBe(EPHEMERAL);
    const listed = textsOf(list.message).join('\n');
    expect(listed).toMatch(/^\*\*1\.\*\* 127\\?\.0\.0\.1 → /m);
    expect(listed).toContain(`<#${s.bot.double.channelId}> — every 5 min, 0 imported`);
    expect(listed).toContain('not polled yet');
    const removed = await ask(s.bot, { name: 'sources', options: sub('remove', [str('watch', '1')]), memberPermissions: ADMIN_PERMISSIONS });
    expect(String(removed.message['content'])).toContain('Stopped watching 127.0.0.1');
    expect(s.store.active()).toEqual([]);
  });
});

describe('the watcher against both doubles', () => {
  it('GIVEN 250 earlier posts THEN one summary; a new post is announced with a thread within one interval and found by /search; its edit is noted in the thread; a restart repeats nothing', async () => {
    const s = await start();
    for (let i = 1; i <= 250; i++) s.site.publish(i, `Earlier report ${i}`, [`Paragraph of earlier report ${i}.`], minute(i));
    await addWatch(s);
    const ch = s.bot.double.channelId;
    const first = await s.watcher();
    const summary = await until('the summary', () => channelMessages(s.bot, ch)[0]);
    expect(String(summary['content'])).toContain('imported 250 earlier posts; announcing new ones from now on');
    await new Promise((r) => setTimeout(r, 3 * INTERVAL_MS));
    expect(channelMessages(s.bot, ch)).toHaveLength(1);

    const publishedAt = Date.now();
    s.site.publish(300, 'Claimed attack near Jalalabad airport', ['A claimed attack near Jalalabad airport on Monday.', 'More details follow.'], minute(1000));
    const announcement = await until('the announcement', () => channelMessages(s.bot, ch)[1]);
    // Within one polling interval (plus the jitter, the reload and the post itself).
    expect(Date.now() - publishedAt).toBeLessThan(INTERVAL_MS * 1.1 + 5000);
    const content = String(announcement['content']);
    expect(content).toContain('Claimed attack near Jalalabad airport');
    expect(content).toContain('A claimed attack near Jalalabad airport on Monday.');
    expect(content).toContain('monitor-site-300');
    const post = s.bot.double.calls.find((c) => c.method === 'POST' && c.path === `/channels/${ch}/messages` && JSON.stringify(c.body).includes('monitor-site-300'));
    expect(JSON.stringify(post?.body)).toContain('"enforce_nonce":true');
    const threadId = String(announcement['id']);
    await until('the thread', () => s.bot.double.channels.get(threadId));
    expect(s.bot.double.channels.get(threadId)).toMatchObject({ type: 11, name: 'Claimed attack near Jalalabad airport', parent_id: ch });

    const found = await ask(s.bot, { name: 'search', options: [str('query', 'jalalabad airport claimed')] });
    expect(textsOf(found.message).join('\n')).toContain('Claimed attack near Jalalabad airport');

    s.site.edit(300, { paragraphs: ['A claimed attack near Jalalabad airport on Monday killed two guards.', 'More details follow.'] }, minute(1001));
    const note = await until('the update note', () => channelMessages(s.bot, threadId)[0]);
    expect(String(note['content'])).toContain('Updated');
    expect(channelMessages(s.bot, ch)).toHaveLength(2);
    const again = await ask(s.bot, { name: 'search', options: [str('query', '"killed two guards"')] });
    expect(textsOf(again.message).join('\n')).toContain('Claimed attack near Jalalabad airport');

    // Restart: a new watcher over a new connection; several intervals pass; nothing is posted twice.
    first.stop();
    await first.idle();
    const postsBefore = s.bot.double.messages.length;
    await s.watcher();
    await new Promise((r) => setTimeout(r, 4 * INTERVAL_MS));
    expect(s.bot.double.messages.length).toBe(postsBefore);
  }, 30_000);

  it('GIVEN a crash after Discord took the announcement but before its id was recorded THEN the restarted watcher does not post it again', async () => {
    const s = await start();
    s.site.publish(1, 'Earlier', ['Earlier text.'], minute(1));
    await addWatch(s);
    const ch = s.bot.double.channelId;
    const w1 = await s.watcher();
    await until('the summary', () => channelMessages(s.bot, ch)[0]);
    w1.stop();
    await w1.idle();

    // The process "dies" right after Discord accepted the message: the post never returns.
    const dying: Poster = {
      post: async (channelId, message, nonce) => {
        await s.poster.post(channelId, message, nonce);
        return new Promise(() => undefined);
      },
      openThread: (c, m, n) => s.poster.openThread(c, m, n),
    };
    s.site.publish(2, 'A statement on the attack', ['The statement text.'], minute(2));
    const w2 = await s.watcher(dying);
    await until('the announcement', () => channelMessages(s.bot, ch)[1]);
    w2.stop();
    expect(s.store.pending()).toHaveLength(1);
    expect(s.store.pending()[0]!.messageIds).toEqual([]);

    await s.watcher();
    await until('the announcement recorded', () => s.store.pending().length === 0);
    expect(channelMessages(s.bot, ch)).toHaveLength(2);
    const announced = channelMessages(s.bot, ch)[1]!;
    await until('the thread', () => s.bot.double.channels.get(String(announced['id'])));
  }, 30_000);

  it('GIVEN a site failing 5 times in a row THEN the channel hears once that it backed off, and once that it recovered', async () => {
    const s = await start();
    s.site.publish(1, 'Earlier', ['Earlier text.'], minute(1));
    await addWatch(s);
    const ch = s.bot.double.channelId;
    s.site.fail('500', '500', 'malformed', 'hang', '500');
    await s.watcher(s.poster, 1000);
    const notice = await until('the back-off notice', () => channelMessages(s.bot, ch).find((m) => String(m['content']).includes('failed 5 times in a row')), 15_000);
    expect(String(notice['content'])).toContain('HTTP 500');
    const list = await ask(s.bot, { name: 'sources', options: sub('list', []), memberPermissions: ADMIN_PERMISSIONS });
    expect(textsOf(list.message).join('\n')).toContain('backed off after 5 failures in a row');
    await until('the recovery', () => channelMessages(s.bot, ch).find((m) => String(m['content']).includes('answers again; back to polling')), 15_000);
    await until('the summary', () => channelMessages(s.bot, ch).find((m) => String(m['content']).includes('imported 1 earlier post')), 5000);
    expect(channelMessages(s.bot, ch).filter((m) => String(m['content']).includes('failed 5 times'))).toHaveLength(1);
  }, 40_000);
});
