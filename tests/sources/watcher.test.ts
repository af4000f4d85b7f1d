// The source watcher against the WordPress double, with a fake Discord that
// honours nonces (tests/digest/helpers.ts), a real state store and the real
// archive holder. Driven by tick(now) with a test clock: nothing waits for a
// timer.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseQuery } from '../../src/core/query/parse.ts';
import { matchFilters } from '../../src/core/query/filter.ts';
import { openArchive, type ArchiveHolder } from '../../src/core/search/holder.ts';
import { openStateDb } from '../../src/state/db.ts';
import { WatchStore } from '../../src/state/watch-store.ts';
import { SqliteSourcesService } from '../../src/sources/service.ts';
import { SourceWatcher, type WatcherOptions } from '../../src/sources/watcher.ts';
import { watchedSourcesDir } from '../../src/sources/paths.ts';
import { FakeDiscord, MemoryLog, TestClock, tempStateDir } from '../digest/helpers.ts';
import { startWpDouble, type WpDouble } from './wp-double.ts';

const CHANNEL = '300000000000000001';
const GUILD = '200000000000000001';
const START = new Date('2026-11-30T09:00:00Z');

function minute(i: number): string {
  return new Date(Date.UTC(2026, 10, 1, 8, 0, 0) + i * 60_000).toISOString().slice(0, 19);
}

let site: WpDouble;
let state: ReturnType<typeof tempStateDir>;
let holder: ArchiveHolder;
let discord: FakeDiscord;
let clock: TestClock;
let log: MemoryLog;
const stores: WatchStore[] = [];

function openWatchStore(): WatchStore {
  const opened = openStateDb(state.dir);
  if (!opened.ok) throw new Error(opened.message);
  const s = new WatchStore(opened.db);
  stores.push(s);
  return s;
}

function watcher(store: WatchStore, extra: Partial<WatcherOptions> = {}): SourceWatcher {
  return new SourceWatcher({
    store,
    sourcesDir: watchedSourcesDir(state.dir),
    holder,
    poster: discord,
    clock,
    logger: log,
    random: () => 0.5,
    fetch: { timeoutMs: 10_000, retries: 0, backoffMs: 1, maxBytes: 512 * 1024, sleep: async () => undefined },
    ...extra,
  });
}

function addWatch(store: WatchStore, opts: { every?: number; query?: string } = {}): number {
  const service = new SqliteSourcesService({ store });
  const r = service.add({ guildId: GUILD, channelId: CHANNEL, channelName: 'osint', url: site.postsUrl, everyMinutes: opts.every ?? 30, query: opts.query ?? '', userId: 'u1' }, clock.now());
  if (!r.ok) throw new Error(r.message);
  return r.watch.id;
}

/** Moves the clock past the watch's next poll and ticks. */
async function nextPoll(w: SourceWatcher, store: WatchStore, id: number) {
  clock.set(new Date(Date.parse(store.byId(id)!.nextPollAt) + 1000));
  return w.tick(clock.now());
}

function found(words: string): string[] {
  return holder.current.search(parseQuery(words), { limit: 50 }).hits.map((h) => h.record.id);
}

beforeEach(async () => {
  site = await startWpDouble();
  state = tempStateDir();
  holder = await openArchive({ dataDir: 'data', stateDir: state.dir, overlayDirs: [watchedSourcesDir(state.dir)], matchFilters });
  discord = new FakeDiscord();
  clock = new TestClock(START);
  log = new MemoryLog();
});
afterEach(async () => {
  for (const s of stores.splice(0)) s.db.close();
  await site.stop();
  state.cleanup();
});

describe('a watched site, from its back catalogue to an edit', () => {
  it('GIVEN 250 earlier posts THEN the first poll imports all silently with one summary; a new post is announced with a thread and searchable; its edit is noted in the thread', async () => {
    for (let i = 1; i <= 250; i++) site.publish(i, `Earlier report ${i}`, [`Archive paragraph number ${i} about Jalalabad.`], minute(i));
    const store = openWatchStore();
    const id = addWatch(store);
    const w = watcher(store);
    const first = await w.tick(clock.now());
    expect(first).toMatchObject([{ ok: true, new: 250, summarized: true }]);
    expect(discord.messages).toHaveLength(1);
    expect(discord.messages[0]!.content).toContain('imported 250 earlier posts; announcing new ones from now on');
    expect(discord.threads.size).toBe(0);
    const files = await readdir(join(watchedSourcesDir(state.dir), 'sources'));
    expect(files.filter((f) => f.endsWith('.json'))).toHaveLength(250);
    expect(found('"Earlier report 137"')).toContain('monitor-site-137');

    // Nothing new: no message; the poll is answered 304 (one page with validators) or with the overlap post only.
    await nextPoll(w, store, id);
    expect(discord.messages).toHaveLength(1);

    site.publish(251, 'Attack on a checkpoint in Kunar', ['Militants attacked a checkpoint in Kunar on Sunday night.', 'Second paragraph.'], minute(400));
    const polled = await nextPoll(w, store, id);
    expect(polled).toMatchObject([{ ok: true, new: 1, summarized: false }]);
    expect(discord.messages).toHaveLength(2);
    const announcement = discord.messages[1]!;
    expect(announcement.channelId).toBe(CHANNEL);
    expect(announcement.content).toContain('Attack on a checkpoint in Kunar');
    expect(announcement.content).toContain(`https://${site.host}/`);
    expect(announcement.content).toContain('Analyst 2');
    expect(announcement.content).toContain('Militants attacked a checkpoint in Kunar on Sunday night.');
    expect(announcement.content).toContain('monitor-site-251');
    expect(discord.threads.get(announcement.id)).toBe('Attack on a checkpoint in Kunar');
    expect(found('checkpoint kunar')).toContain('monitor-site-251');

    site.edit(251, { paragraphs: ['Militants attacked two checkpoints in Kunar on Sunday night.', 'Second paragraph.'] }, minute(500));
    await nextPoll(w, store, id);
    expect(discord.messages).toHaveLength(3);
    const note = discord.messages[2]!;
    expect(note.channelId).toBe(announcement.id); // the thread of the announcement
    expect(note.content).toContain('Updated');
    expect(note.content).toContain('1 passage changed');
    const doc = JSON.parse(await readFile(join(watchedSourcesDir(state.dir), 'sources', 'monitor-site-251.json'), 'utf8')) as { text: string };
    expect(doc.text).toContain('two checkpoints');
    expect(found('"two checkpoints"')).toEqual(['monitor-site-251']);

    // A restart (new connection, new watcher) posts nothing again.
    const w2 = watcher(openWatchStore());
    await w2.tick(clock.now());
    await nextPoll(w2, store, id);
    expect(discord.messages).toHaveLength(3);
  });

  it('GIVEN more than 10 new posts in one later poll THEN one summary, no announcements', async () => {
    site.publish(1, 'First', ['x'], minute(1));
    const store = openWatchStore();
    const id = addWatch(store);
    const w = watcher(store);
    await w.tick(clock.now());
    for (let i = 2; i <= 13; i++) site.publish(i, `Burst ${i}`, [`Burst text ${i}.`], minute(10 + i));
    const r = await nextPoll(w, store, id);
    expect(r).toMatchObject([{ new: 12, summarized: true }]);
    expect(discord.messages.map((m) => m.content).at(-1)).toContain('imported 12 posts at once');
    expect(discord.threads.size).toBe(0);
  });

  it('GIVEN a watch with query words THEN only posts containing all of them are taken in', async () => {
    const store = openWatchStore();
    const id = addWatch(store, { query: 'Kunar attack' });
    const w = watcher(store);
    await w.tick(clock.now());
    site.publish(1, 'Attack in Kunar', ['Details.'], minute(1));
    site.publish(2, 'Attack in Herat', ['Details.'], minute(2));
    const r = await nextPoll(w, store, id);
    expect(r).toMatchObject([{ new: 1 }]);
    expect(discord.messages.map((m) => m.content).join('\n')).toContain('Attack in Kunar');
    expect(discord.messages.map((m) => m.content).join('\n')).not.toContain('Herat');
  });
});

describe('exactly once', () => {
  it('GIVEN a crash after Discord took the message but before its id was recorded THEN the restart does not post it again', async () => {
    const store = openWatchStore();
    const id = addWatch(store);
    await watcher(store).tick(clock.now());
    site.publish(7, 'A new statement', ['Text of the statement.'], minute(7));
    discord.postFaults = ['hang-after'];
    const crashed = watcher(store);
    clock.set(new Date(Date.parse(store.byId(id)!.nextPollAt) + 1000));
    void crashed.tick(clock.now()); // never finishes: the process "died" inside the post
    for (let i = 0; i < 200 && discord.messages.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(discord.messages).toHaveLength(1);
    const pending = store.pending();
    expect(pending).toHaveLength(1);
    expect(pending[0]!.messageIds).toEqual([]);

    const restarted = watcher(openWatchStore());
    await restarted.tick(clock.now());
    expect(discord.messages).toHaveLength(1);
    expect(discord.postCalls).toHaveLength(2);
    expect(discord.postCalls[0]).toBe(discord.postCalls[1]);
    expect(discord.threads.size).toBe(1);
    expect(store.pending()).toEqual([]);
  });
});

describe('faults and back-off', () => {
  it('GIVEN a site failing 5 times in a row THEN the watch backs off and says so once; when it answers again it says so and resumes', async () => {
    site.publish(1, 'First', ['x'], minute(1));
    const store = openWatchStore();
    const id = addWatch(store, { every: 10 });
    const w = watcher(store, { fetch: { timeoutMs: 1000, retries: 0, maxBytes: 512 * 1024, sleep: async () => undefined } });
    await w.tick(clock.now());
    const faults = ['500', 'hang', 'malformed', 'oversized', '429', '500', 'not-array'] as const;
    site.retryAfter = 1;
    for (const f of faults) {
      site.fail(f);
      const r = await nextPoll(w, store, id);
      expect(r[0]!.ok).toBe(false);
    }
    const watch = store.byId(id)!;
    expect(watch.failures).toBe(7);
    expect(watch.backedOffAt).not.toBeNull();
    const notices = discord.messages.filter((m) => m.content.includes('failed 5 times in a row'));
    expect(notices).toHaveLength(1);
    // Backed off: the interval grew beyond the watch's 10 minutes.
    expect(Date.parse(watch.nextPollAt) - Date.parse(watch.lastPollAt!)).toBeGreaterThan(10 * 60_000 * 2);
    const list = new SqliteSourcesService({ store }).list(GUILD);
    expect(list[0]).toMatchObject({ failures: 7, lastError: expect.stringContaining('expected a JSON array') });

    site.publish(2, 'Back online', ['Text.'], minute(2));
    const ok = await nextPoll(w, store, id);
    expect(ok[0]!.ok).toBe(true);
    expect(store.byId(id)).toMatchObject({ failures: 0, backedOffAt: null, lastError: null });
    const recovered = discord.messages.filter((m) => m.content.includes('answers again; back to polling'));
    expect(recovered).toHaveLength(1);
    expect(discord.messages.some((m) => m.content.includes('Back online'))).toBe(true);
  });

  it('GIVEN a Retry-After longer than the interval THEN the next poll waits for it', async () => {
    const store = openWatchStore();
    const id = addWatch(store, { every: 5 });
    site.retryAfter = 3600;
    site.fail('429');
    await watcher(store).tick(clock.now());
    const watch = store.byId(id)!;
    expect(Date.parse(watch.nextPollAt) - clock.now().getTime()).toBeGreaterThanOrEqual(3600_000);
  });
});
