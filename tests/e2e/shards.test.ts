// Two bot processes, one shard each, against one PostgreSQL (a real server
// from tests/helpers/postgres.ts) and the shard-aware Discord double: the
// deployment `SHARD_IDS=0 SHARD_COUNT=2 npm start` + `SHARD_IDS=1 ...` with a
// shared DATABASE_URL. Each process is `node --import tsx src/main.ts`,
// configured only through its environment, as operators run it.
//
// 1. A digest subscribed by slash command for the next minute is posted once,
//    with one thread, whichever process takes its lease.
// 2. A follow-up in a thread is answered by the process that took over the
//    shard after the one that opened the thread died (memory in PostgreSQL).
// 3. Twenty times, with a seeded random kill point: a job is due (a digest in
//    a new channel, or a source announcement of a newly published post);
//    when the process holding its lease makes its k-th post or thread request
//    (k drawn from the parts it has to send), that process is SIGKILLed, and
//    the request is either dropped (it never reached Discord) or taken (the
//    message exists, the answer is lost). The other process takes the lease
//    over after it expires (LEASE_SECONDS=1) and finishes: exactly one message
//    per part and one thread, every time. The killed process is started again
//    and both answer a slash command in their own guild before the next round.
//
// The seed: SHARDS_E2E_SEED (default 17); the figures of the run are printed.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlPort } from '../../src/db/sql.ts';
import { DigestStore } from '../../src/state/store.ts';
import { WatchStore } from '../../src/state/watch-store.ts';
import { openStateStore } from '../../src/state/open.ts';
import { guildIdForShard, payloadOf, snowflake, startDiscordDouble, type DiscordDouble, type Json } from '../discord/double/index.ts';
import { ADMIN_PERMISSIONS, BOT_TOKEN, isCallback, tempDir, withTimeout } from '../discord/harness.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { startWpDouble, type WpDouble } from '../sources/wp-double.ts';
import { until } from '../helpers/until.ts';

const SEED = Number(process.env['SHARDS_E2E_SEED'] ?? 17);
const ROUNDS = Number(process.env['SHARDS_E2E_ROUNDS'] ?? 20);
const LEASE_SECONDS = 1;

/** mulberry32: a small seeded generator, so a failing round can be replayed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Bot {
  shard: number;
  child: ChildProcess;
  pid: number;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

let pg: TestPostgres | undefined;
let url: string;
let double: DiscordDouble | undefined;
let wp: WpDouble | undefined;
let state: Awaited<ReturnType<typeof tempDir>> | undefined;
let sql: SqlPort | undefined;
let digests: DigestStore;
let watches: WatchStore;
const bots: Bot[] = [];
const everyBot: Bot[] = [];

function env(d: DiscordDouble, shard: number): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'],
    DISCORD_TOKEN: BOT_TOKEN,
    DISCORD_APPLICATION_ID: d.applicationId,
    DISCORD_API_URL: d.apiBase,
    DISCORD_GUILD_ID: '',
    DATA_DIR: 'data',
    STATE_DIR: state!.path,
    DATABASE_URL: url,
    SHARD_IDS: String(shard),
    SHARD_COUNT: '2',
    LEASE_SECONDS: String(LEASE_SECONDS),
    // Questions by @mention, so follow-ups in threads are exercised across processes.
    DISCORD_MESSAGE_CONTENT: 'true',
    LOG_LEVEL: 'info',
  };
}

/** Starts the bot process of a shard and waits until its schedulers run. */
async function startBot(shard: number): Promise<Bot> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env: env(double!, shard), stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  const bot: Bot = { shard, child, pid: child.pid!, stderr: () => err, exited };
  everyBot.push(bot);
  await until(() => err.includes('digest scheduler started') && err.includes('source watcher started'), 60_000, `the shard ${shard} process to start`);
  return bot;
}

/** The complete JSON log lines so far (the last one may still be arriving). */
function logLines(bot: Bot): Json[] {
  const text = bot.stderr();
  return text
    .slice(0, text.lastIndexOf('\n') + 1)
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Json);
}

/** Both processes answer a slash command in their own guild (the double delivers it to the owning shard). */
async function bothAnswer(d: DiscordDouble): Promise<void> {
  for (const guildId of d.guildIds) {
    const { id } = d.dispatchInteraction({ guildId, name: 'help' });
    await d.waitForCall(isCallback(id), 10_000);
  }
}

/** Messages the bot posted in a channel itself (not interaction replies), oldest first. */
function botPosts(d: DiscordDouble, channelId: string): Json[] {
  return d.messages.filter((m) => m['channel_id'] === channelId && m['webhook_id'] === undefined && (m['interaction_metadata'] ?? null) === null);
}

/** Threads opened on messages of a channel. */
function threadsIn(d: DiscordDouble, channelId: string): Json[] {
  return [...d.channels.values()].filter((c) => c['parent_id'] === channelId && (c['type'] === 11 || c['type'] === 10));
}

const HUMAN = { id: '500000000000000001', username: 'analyst', discriminator: '0', global_name: 'analyst', avatar: null, public_flags: 0 };

/** A member's message as Discord dispatches it (stored in the double first, so a thread can start from it). */
function userMessage(d: DiscordDouble, content: string, channelId: string, inThread: boolean): Json {
  const base = d.seedMessage({ channelId, content, author: HUMAN });
  const mentionsBot = content.includes(`<@${d.botUserId}>`);
  return {
    ...base,
    type: 0,
    channel_type: inThread ? 11 : 0,
    mention_everyone: false,
    mention_roles: [],
    mentions: mentionsBot ? [{ id: d.botUserId, username: 'Archivist', discriminator: '0000', avatar: null, bot: true, public_flags: 0 }] : [],
  };
}

function localToday(now: Date): string {
  return now.toISOString().slice(0, 10);
}

beforeAll(async () => {
  pg = await startPostgres();
  url = await pg.createDatabase('shards');
  state = await tempDir('archivist-shards-');
  const g0 = guildIdForShard(0, 2);
  const g1 = guildIdForShard(1, 2);
  double = await startDiscordDouble({ guildId: g0, channelId: snowflake(), guilds: [{ id: g1, channelId: snowflake() }], recommendedShards: 2, maxConcurrency: 16 });
  wp = await startWpDouble();
  const opened = openStateStore({ stateDir: state.path, databaseUrl: url });
  if (!opened.ok) throw new Error(opened.message);
  sql = opened.sql;
  digests = new DigestStore(sql);
  watches = new WatchStore(sql);
  // Both at once, as a deployment starts them: migrations run once under the advisory lock.
  bots.push(...(await Promise.all([startBot(0), startBot(1)])));
}, 180_000);

afterAll(async () => {
  double?.intercept(null);
  for (const b of everyBot) if (b.child.exitCode === null && b.child.signalCode === null) b.child.kill('SIGKILL');
  await Promise.all(everyBot.map((b) => b.exited));
  sql?.close();
  await wp?.stop();
  await double?.stop();
  await pg?.stop();
  await state?.remove();
}, 60_000);

describe('two bot processes, one shard each, one PostgreSQL', () => {
  it('GIVEN each process on its shard THEN each identified its shard, READY listed its own guild, and both answer slash commands', async () => {
    const d = double!;
    const shards = d.sessions.map((x) => x.shard).sort();
    expect(shards).toEqual([[0, 2], [1, 2]]);
    for (const x of d.sessions) expect(x.guilds).toEqual([d.guildIds[x.shard[0]]]);
    await bothAnswer(d);
    expect(d.errors).toEqual([]);
  }, 30_000);

  it('GIVEN a digest subscribed by slash command for the next minute THEN at that minute it is posted once, with one thread', async () => {
    const d = double!;
    // The next whole minute at least 5 s away: the other process notices the subscription within LEASE_SECONDS.
    const at = Math.ceil((Date.now() + 5_000) / 60_000) * 60_000;
    const time = new Date(at).toISOString().slice(11, 16);
    const channelId = d.channelOf(d.guildIds[0]!);
    const { id } = d.dispatchInteraction({
      guildId: d.guildIds[0]!,
      name: 'digest',
      options: [{ name: 'subscribe', type: 1, options: [{ name: 'channel', type: 7, value: channelId }, { name: 'time', type: 3, value: time }, { name: 'timezone', type: 3, value: 'UTC' }] }],
      memberPermissions: ADMIN_PERMISSIONS,
    });
    await d.waitForCall(isCallback(id), 10_000);
    await until(() => digests.byChannel(channelId)?.active === true, 10_000, 'the subscription');
    const sub = digests.byChannel(channelId)!;
    const localDate = localToday(new Date(at));
    await until(() => digests.run(sub.id, localDate)?.status === 'completed', at - Date.now() + 30_000, 'the digest at its minute');
    const run = digests.run(sub.id, localDate)!;
    const posts = botPosts(d, channelId);
    expect(posts.map((m) => m['content'])).toEqual(run.messages);
    expect(posts.map((m) => m['id'])).toEqual(run.messageIds);
    expect(threadsIn(d, channelId).map((t) => t['id'])).toEqual([run.messageIds[0]]);
    expect(run.threadId).toBe(run.messageIds[0]);
    // Not before its minute.
    const first = d.calls.find((c) => c.method === 'POST' && c.path === `/channels/${channelId}/messages`)!;
    expect(first.at).toBeGreaterThanOrEqual(at - 1_000);
    // The log line follows the record (stderr is a pipe): wait for it, then check there is one.
    const postedLines = () => bots.flatMap((b) => logLines(b)).filter((l) => l['msg'] === 'digest posted' && l['subscription'] === sub.id);
    await until(() => postedLines().length > 0, 10_000, 'the "digest posted" log line');
    await new Promise((r) => setTimeout(r, 1_000));
    expect(postedLines()).toHaveLength(1);
    await bothAnswer(d);
  }, 120_000);

  it('GIVEN a question by mention answered in a thread by one process, which then dies THEN the process started in its place answers a follow-up without a mention, refined from the first question', async () => {
    const d = double!;
    const guildId = d.guildIds[0]!;
    const channelId = d.channelOf(guildId);
    const first = userMessage(d, `<@${d.botUserId}> how many attacks in Kabul in 2022?`, channelId, false);
    d.dispatch('MESSAGE_CREATE', first);
    const threadId = String(first['id']);
    const answersIn = () => d.calls.filter((c) => c.method === 'POST' && c.path === `/channels/${threadId}/messages`);
    await until(() => answersIn().length >= 1, 20_000, 'the answer in the thread');
    expect(String(payloadOf(answersIn()[0]!.body)['content']).split('\n')[0]).toMatch(/^Read as: Counting .* by month · place Kabul · 2022$/);

    // The process that remembers the conversation dies; another takes its shard.
    const old = bots.find((b) => b.shard === 0)!;
    old.child.kill('SIGKILL');
    await old.exited;
    const fresh = await startBot(0);
    bots.splice(bots.indexOf(old), 1, fresh);
    await d.waitForSession(10_000, 0);

    d.dispatch('MESSAGE_CREATE', userMessage(d, 'and in Herat?', threadId, true));
    await until(() => answersIn().length >= 2, 20_000, 'the follow-up answer');
    const followUp = payloadOf(answersIn()[1]!.body);
    // The year and the counting come from the first question, kept in PostgreSQL.
    expect(String(followUp['content']).split('\n')[0]).toMatch(/^Read as: Counting .* by month · place Herat · 2022$/);
    // Answered in the same thread: no second thread on the question.
    expect(d.calls.filter((c) => c.method === 'POST' && c.path === `/channels/${channelId}/messages/${threadId}/threads`)).toHaveLength(1);
    await bothAnswer(d);
  }, 120_000);

  it(`GIVEN ${ROUNDS} rounds, each killing the process holding a digest or an announcement at a seeded random point THEN the other finishes it: one message per part, one thread, every time`, async () => {
    const d = double!;
    const site = wp!;
    const rng = seeded(SEED);
    // A watched site in shard 1's guild; its first poll takes the back catalogue in silently (one summary).
    const watchChannel = d.addChannel(d.guildIds[1]!, 'sources');
    site.publish(1, 'Back catalogue post', ['An older post about Kabul.'], new Date(Date.now() - 86_400_000).toISOString());
    const watch = watches.add(
      { guildId: d.guildIds[1]!, channelId: watchChannel, channelName: 'sources', endpoint: site.postsUrl, site: site.host, everyMinutes: 60, query: '', createdBy: '500000000000000001' },
      new Date().toISOString(),
    ).watch;
    watches.pollNow([watch.id], new Date().toISOString());
    await until(() => watches.byId(watch.id)!.polls > 0 && watches.pending().length === 0, 30_000, 'the first poll of the watch');
    let postId = 100;

    const figures: Array<{ round: number; kind: string; parts: number; killAt: number; dropped: boolean; killedShard: number; seconds: number }> = [];
    for (let round = 0; round < ROUNDS; round++) {
      const began = Date.now();
      const kind = rng() < 0.5 ? 'digest' : 'announcement';
      const dropped = rng() < 0.5;
      const pick = rng();
      let killAt: number | undefined;
      let parts = 0;
      let seen = 0;
      let victim: Bot | undefined;
      let restarting: Promise<Bot> | undefined;
      let job = '';
      let channelId: string;
      let finished: () => boolean;
      let check: () => void;

      const kill = async (leaseJob: string): Promise<void> => {
        const row = sql!.get<{ holder: string }>('SELECT holder FROM job_leases WHERE job = ?', [leaseJob]);
        if (row === undefined) throw new Error(`round ${round}: nobody holds ${leaseJob} while posting`);
        const pid = Number(row.holder.split(':').at(-2));
        victim = bots.find((b) => b.pid === pid);
        if (victim === undefined) throw new Error(`round ${round}: the holder ${row.holder} is not one of the bot processes`);
        victim.child.kill('SIGKILL');
        await victim.exited;
        // Started again at once (it takes seconds); the survivor meanwhile takes the job over.
        restarting = startBot(victim.shard);
      };

      if (kind === 'digest') {
        const guildId = d.guildIds[Math.floor(rng() * 2)]!;
        channelId = d.addChannel(guildId, `digest-${round}`);
        const now = new Date();
        // Due at the minute just past, subscribed yesterday: owed now.
        const due = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
        const localDate = localToday(due);
        const ch = channelId;
        let subId = 0;
        d.intercept(async (call) => {
          if (victim !== undefined || call.method !== 'POST') return;
          const isPart = call.path === `/channels/${ch}/messages`;
          const isThread = call.path.startsWith(`/channels/${ch}/messages/`) && call.path.endsWith('/threads');
          if (!isPart && !isThread) return;
          if (killAt === undefined) {
            parts = digests.run(subId, localDate)!.messages.length;
            // 0..parts-1: at that part; parts: at the thread.
            killAt = Math.floor(pick * (parts + 1));
          }
          if (seen++ !== killAt) return;
          await kill(job);
          return dropped ? 'drop' : undefined;
        });
        subId = digests.subscribe(
          { guildId, channelId, channelName: `digest-${round}`, time: due.toISOString().slice(11, 16), timezone: 'UTC', query: '', createdBy: '500000000000000001' },
          new Date(now.getTime() - 86_400_000).toISOString(),
          () => [],
        ).subscription.id;
        job = `digest:${subId}:${localDate}`;
        finished = () => digests.run(subId, localDate)?.status === 'completed';
        check = () => {
          const run = digests.run(subId, localDate)!;
          const posts = botPosts(d, ch);
          expect(posts.map((m) => m['content']), `round ${round}: each part once`).toEqual(run.messages);
          expect(posts.map((m) => m['id'])).toEqual(run.messageIds);
          expect(threadsIn(d, ch).map((t) => t['id']), `round ${round}: one thread`).toEqual([run.messageIds[0]]);
          expect(run.threadId).toBe(run.messageIds[0]);
        };
      } else {
        channelId = watchChannel;
        const id = ++postId;
        const title = `Round ${round}: a statement about an attack in Kabul`;
        // The announcement of this post: source id `<publisher>-<post id>`.
        const mine = () => watches.announcements(watch.id).find((a) => a.kind === 'announce' && a.sourceId?.endsWith(`-${id}`) === true);
        let announcementId = 0;
        d.intercept(async (call) => {
          if (victim !== undefined || call.method !== 'POST') return;
          const isPart = call.path === `/channels/${watchChannel}/messages`;
          const isThread = call.path.startsWith(`/channels/${watchChannel}/messages/`) && call.path.endsWith('/threads');
          if (!isPart && !isThread) return;
          if (killAt === undefined) {
            const pending = mine();
            if (pending === undefined) return;
            announcementId = pending.id;
            parts = pending.messages.length;
            killAt = Math.floor(pick * (parts + 1));
          }
          if (seen++ !== killAt) return;
          await kill(`announcement:${announcementId}`);
          return dropped ? 'drop' : undefined;
        });
        site.publish(id, title, [`${title}. The group claimed it in a statement.`], new Date().toISOString());
        watches.pollNow([watch.id], new Date().toISOString());
        finished = () => mine()?.status === 'completed';
        check = () => {
          const a = mine()!;
          const posts = botPosts(d, watchChannel).filter((m) => a.messages.includes(String(m['content'])));
          expect(posts.map((m) => m['content']), `round ${round}: the announcement once`).toEqual(a.messages);
          expect(posts.map((m) => m['id'])).toEqual(a.messageIds);
          const threads = threadsIn(d, watchChannel).filter((t) => t['id'] === a.messageIds[0]);
          expect(threads, `round ${round}: one thread`).toHaveLength(1);
          expect(a.threadId).toBe(a.messageIds[0]);
        };
      }

      await until(() => victim !== undefined, 30_000, `round ${round}: the ${kind} to start posting`);
      const killed = victim!;
      // The other process takes the lease over once it expires and finishes the job.
      await until(finished, 30_000, `round ${round}: the survivor to finish the ${kind}`);
      d.intercept(null);
      check();
      // The killed shard comes back; both answer before the next round.
      const restarted = await restarting!;
      bots.splice(bots.indexOf(killed), 1, restarted);
      await d.waitForSession(10_000, killed.shard);
      await bothAnswer(d);
      check();
      figures.push({ round, kind, parts, killAt: killAt!, dropped, killedShard: killed.shard, seconds: Math.round((Date.now() - began) / 100) / 10 });
    }
    // Every process's lines: takeovers happened, and nothing was posted twice anywhere.
    const takeovers = everyBot.flatMap((b) => logLines(b)).filter((l) => l['msg'] === 'job lease taken over: finishing the work from its record');
    expect(takeovers.length).toBeGreaterThan(0);
    expect(d.errors).toEqual([]);
    const summary = figures.map((f) => `${f.round}:${f.kind}(${f.parts} parts, killed shard ${f.killedShard} at ${f.killAt}${f.dropped ? ', request dropped' : ', request taken'}, ${f.seconds}s)`);
    console.log(`shards e2e seed ${SEED}: ${figures.length} kills (${figures.filter((f) => f.kind === 'digest').length} digests, ${figures.filter((f) => f.kind === 'announcement').length} announcements), ${takeovers.length} lease takeovers\n  ${summary.join('\n  ')}`);
  }, 900_000);
});
