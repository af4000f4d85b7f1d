// The digest runner with a controlled clock and a fake Discord that honours
// nonces: fires at the right instants across DST changes, posts exactly one
// digest per subscription and local date whatever step a crash interrupts,
// catches up after short downtime and skips after long downtime.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { addDays } from '../../src/core/calendar/hijri.ts';
import { renderDigestMessages } from '../../src/core/digest/markdown.ts';
import type { SearchArchive } from '../../src/core/search/engine.ts';
import { CATCH_UP_LIMIT_MS, DigestPostError, DigestRunner, RETRY_DELAY_MS, type RunnerOptions } from '../../src/digest/runner.ts';
import type { DigestStore, Subscription } from '../../src/state/store.ts';
import { archiveOf, attack, day, FakeDiscord, ManualTimers, MemoryLog, openStore, tempStateDir, TestClock } from './helpers.ts';

let tmp: ReturnType<typeof tempStateDir>;
let stores: DigestStore[];
let discord: FakeDiscord;
let log: MemoryLog;
let clock: TestClock;
let archive: SearchArchive;

beforeEach(() => {
  tmp = tempStateDir();
  stores = [];
  discord = new FakeDiscord();
  log = new MemoryLog();
  clock = new TestClock(new Date('2026-01-01T00:00:00Z'));
  archive = archiveOf([attack('inc-1', day('2025-01-01'))]);
});
afterEach(() => {
  for (const s of stores) if (s.db.open) s.close();
  tmp.cleanup();
});

/** A store over the test's database file: each call is a new connection, as after a restart. */
function store(): DigestStore {
  const s = openStore(tmp.dir);
  stores.push(s);
  return s;
}

/** A runner as a fresh process would build it, over its own connection to the same file. */
function runner(over: Partial<RunnerOptions> = {}): DigestRunner {
  return new DigestRunner({ store: store(), archive: () => archive, poster: discord, clock, logger: log, timers: new ManualTimers(), ...over });
}

function subscribe(at: string, over: Partial<Parameters<DigestStore['subscribe']>[0]> = {}): Subscription {
  return store().subscribe(
    { guildId: 'g1', channelId: 'c1', time: '08:00', timezone: 'Europe/London', query: '', createdBy: 'u1', ...over },
    at,
    () => [],
  ).subscription;
}

/** Local dates that got a digest in a channel: one entry per posted run (its first part). */
function postedDates(channelId = 'c1'): string[] {
  return discord
    .inChannel(channelId)
    .filter((m) => m.nonce.endsWith('-0'))
    .map((m) => /^Digest (\d{4}-\d{2}-\d{2})|\*\*Digest (\d{4}-\d{2}-\d{2})\*\*/.exec(m.content))
    .map((m) => m?.[1] ?? m?.[2] ?? '?');
}

async function tickAt(r: DigestRunner, iso: string) {
  clock.set(iso);
  return r.tick(new Date(iso));
}

describe('firing at the local time across DST (08:00 Europe/London)', () => {
  it.each([
    ['March', '2026-03-27T12:00:00Z', ['2026-03-28T08:00:00Z', '2026-03-29T07:00:00Z', '2026-03-30T07:00:00Z']],
    ['October', '2026-10-23T12:00:00Z', ['2026-10-24T07:00:00Z', '2026-10-25T08:00:00Z', '2026-10-26T08:00:00Z']],
  ])('GIVEN the %s change THEN each day fires at its instant, not a second before, once', async (_name, created, instants) => {
    subscribe(created);
    const r = runner();
    for (const instant of instants) {
      const before = discord.messages.length;
      expect(await tickAt(r, new Date(Date.parse(instant) - 1000).toISOString())).toEqual([]);
      const outcomes = await tickAt(r, instant);
      expect(outcomes).toHaveLength(1);
      expect(outcomes[0]).toMatchObject({ outcome: 'completed', localDate: instant.slice(0, 10) });
      expect(discord.messages.length).toBeGreaterThan(before);
      expect(await tickAt(r, new Date(Date.parse(instant) + 600_000).toISOString())).toEqual([]);
    }
    expect(postedDates()).toEqual(instants.map((i) => i.slice(0, 10)));
  });

  it('GIVEN the timer path THEN it wakes exactly at each instant (and at least hourly), posting then and only then', async () => {
    subscribe('2026-03-28T12:00:00Z');
    const timers = new ManualTimers();
    const r = runner({ timers });
    clock.set('2026-03-28T12:00:00Z');
    await r.start();
    const postedAt: string[] = [];
    // Let time pass by exactly what the runner asked to sleep, wake-up after wake-up, for two and a half days.
    while (clock.now() < new Date('2026-03-31T00:00:00Z')) {
      const sleep = timers.pending?.ms;
      expect(sleep).toBeDefined();
      expect(sleep!).toBeGreaterThan(0);
      expect(sleep!).toBeLessThanOrEqual(3_600_000);
      clock.set(new Date(clock.now().getTime() + sleep!));
      const before = discord.messages.length;
      timers.fire();
      await r.idle();
      if (discord.messages.length > before) postedAt.push(clock.now().toISOString());
    }
    expect(postedAt).toEqual(['2026-03-29T07:00:00.000Z', '2026-03-30T07:00:00.000Z']);
    r.stop();
    expect(timers.pending).toBeUndefined();
  });

  it('GIVEN 01:30 on the spring-forward day (a time that does not exist) THEN one digest that day, at 02:00 BST', async () => {
    subscribe('2026-03-28T12:00:00Z', { time: '01:30' });
    const r = runner();
    expect(await tickAt(r, '2026-03-29T00:59:59Z')).toEqual([]);
    expect(await tickAt(r, '2026-03-29T01:00:00Z')).toMatchObject([{ outcome: 'completed', localDate: '2026-03-29' }]);
    expect(await tickAt(r, '2026-03-29T12:00:00Z')).toEqual([]);
    expect(postedDates()).toEqual(['2026-03-29']);
  });
});

describe('exactly once across crashes', () => {
  beforeEach(() => {
    // Enough records, and short enough messages, for a digest of several parts.
    archive = archiveOf(Array.from({ length: 12 }, (_, i) => attack(`inc-${i}`, day(addDays('2025-11-01', i)))));
  });
  const AT = '2026-11-27T08:00:00Z';
  const render = (view: Parameters<typeof renderDigestMessages>[0]) => renderDigestMessages(view, 600);

  /** The digest is subscribed after the records exist, so make them new by adding them after subscribing. */
  function setUp(): void {
    const all = archive;
    archive = archiveOf([]);
    subscribe('2026-11-26T09:00:00Z');
    archive = all;
  }

  it.each([
    ['before the first part is sent', { postFaults: ['hang-before'] }],
    ['after Discord took the first part, before its id was recorded', { postFaults: ['hang-after'] }],
    ['after the second part was sent, before its id was recorded', { postFaults: ['ok', 'hang-after'] }],
    ['with the response to a part lost (the send throws after Discord took it)', { postFaults: ['ok', 'throw-after'] }],
    ['after posting, before the thread is opened', { threadFaults: ['hang-before'] }],
    ['after the thread was opened, before it was recorded', { threadFaults: ['hang-after'] }],
  ] as const)('GIVEN a crash %s WHEN a new process resumes THEN every part once, one thread, completed', async (_name, faults) => {
    setUp();
    discord.postFaults = [...(faults as { postFaults?: readonly string[] }).postFaults ?? []] as FakeDiscord['postFaults'];
    discord.threadFaults = [...(faults as { threadFaults?: readonly string[] }).threadFaults ?? []] as FakeDiscord['threadFaults'];
    const first = runner({ render });
    clock.set(AT);
    // The first process stops at the fault: a hang is a process that died there.
    const firstTick = first.tick(new Date(AT));
    await vi.waitFor(() => expect(discord.postFaults.length + discord.threadFaults.length).toBe(0));
    await Promise.race([firstTick, new Promise((r) => setTimeout(r, 20))]);

    const second = runner({ render });
    const outcomes = await tickAt(second, '2026-11-27T08:05:00Z');
    expect(outcomes).toMatchObject([{ outcome: 'completed', localDate: '2026-11-27' }]);

    const run = store().run(1, '2026-11-27')!;
    expect(run.status).toBe('completed');
    expect(run.messages.length).toBeGreaterThan(1);
    // Discord holds exactly the planned parts, once each, in order, and the run knows their ids.
    expect(discord.inChannel('c1').map((m) => m.content)).toEqual(run.messages);
    expect(discord.inChannel('c1').map((m) => m.id)).toEqual(run.messageIds);
    expect(discord.threads.size).toBe(1);
    expect(discord.threads.get(run.messageIds[0]!)).toBe('Digest 2026-11-27');
    expect(run.threadId).toBe(run.messageIds[0]);
    // Later the same day, in either process: nothing more.
    expect(await tickAt(second, '2026-11-27T12:00:00Z')).toEqual([]);
    expect(discord.inChannel('c1')).toHaveLength(run.messages.length);
  });

  it('GIVEN a digest cut off after its first part WHEN the bot returns 8 h later THEN it is finished, not skipped (half a digest helps nobody)', async () => {
    setUp();
    discord.postFaults = ['ok', 'hang-before'];
    clock.set(AT);
    void runner({ render }).tick(new Date(AT));
    await vi.waitFor(() => expect(discord.postCalls).toHaveLength(2));
    expect(await tickAt(runner({ render }), '2026-11-27T16:00:00Z')).toMatchObject([{ outcome: 'completed', localDate: '2026-11-27' }]);
    const run = store().run(1, '2026-11-27')!;
    expect(discord.inChannel('c1').map((m) => m.content)).toEqual(run.messages);
  });

  it('GIVEN yesterday\'s digest left posted but not completed THEN the next tick finishes it as well as today\'s', async () => {
    setUp();
    discord.threadFaults = ['hang-before'];
    clock.set(AT);
    void runner({ render }).tick(new Date(AT));
    await vi.waitFor(() => expect(discord.threadCalls).toHaveLength(1));
    const outcomes = await tickAt(runner({ render }), '2026-11-28T08:00:00Z');
    expect(outcomes.map((o) => [o.localDate, o.outcome]).sort()).toEqual([
      ['2026-11-27', 'completed'],
      ['2026-11-28', 'completed'],
    ]);
    expect(discord.threads.size).toBe(2);
  });

  it('GIVEN the resumed run THEN it posts what was planned, even if the data changed meanwhile', async () => {
    setUp();
    discord.postFaults = ['hang-before'];
    const first = runner({ render });
    clock.set(AT);
    void first.tick(new Date(AT));
    await vi.waitFor(() => expect(discord.postCalls).toHaveLength(1));
    const planned = store().run(1, '2026-11-27')!.messages;
    archive = archiveOf([attack('inc-new', day('2026-11-27'))]);
    await tickAt(runner({ render }), '2026-11-27T08:01:00Z');
    expect(discord.inChannel('c1').map((m) => m.content)).toEqual(planned);
  });

  it('GIVEN two ticks at once in one process THEN one run, one set of messages', async () => {
    setUp();
    const r = runner({ render });
    clock.set(AT);
    const [a, b] = await Promise.all([r.tick(new Date(AT)), r.tick(new Date(AT))]);
    expect(a).toEqual(b);
    expect(new Set(discord.postCalls).size).toBe(discord.postCalls.length);
  });
});

describe('downtime', () => {
  // 27 Nov: GMT, so 08:00 local is 08:00Z.
  beforeEach(async () => {
    subscribe('2026-11-25T12:00:00Z');
    await tickAt(runner(), '2026-11-26T08:00:00Z');
    expect(postedDates()).toEqual(['2026-11-26']);
  });

  it('GIVEN the bot was down over 08:00 and starts 2 h late THEN that digest is posted once, and not again by a later start', async () => {
    clock.set('2026-11-27T10:00:00Z');
    expect(await runner().start()).toMatchObject([{ outcome: 'completed', localDate: '2026-11-27' }]);
    clock.set('2026-11-27T10:30:00Z');
    expect(await runner().start()).toEqual([]);
    expect(postedDates()).toEqual(['2026-11-26', '2026-11-27']);
  });

  it('GIVEN the bot starts 8 h late THEN the digest is skipped, recorded and logged; what it held comes the next day', async () => {
    archive = archiveOf([attack('inc-1', day('2025-01-01')), attack('inc-late', day('2026-11-27'))]);
    clock.set('2026-11-27T16:00:00Z');
    expect(await runner().start()).toMatchObject([{ outcome: 'skipped', localDate: '2026-11-27' }]);
    expect(postedDates()).toEqual(['2026-11-26']);
    expect(store().run(1, '2026-11-27')).toMatchObject({ status: 'skipped', messageIds: [] });
    const warning = log.lines.find((l) => l.level === 'warn' && l.msg === 'digest skipped: too late to post');
    expect(warning?.obj).toMatchObject({ subscription: 1, channel: 'c1', localDate: '2026-11-27', lateMinutes: 480 });
    // A later start the same day leaves it skipped.
    expect(await tickAt(runner(), '2026-11-27T17:00:00Z')).toEqual([]);
    // The next morning's digest reports the record the skipped one would have.
    await tickAt(runner(), '2026-11-28T08:00:00Z');
    expect(postedDates()).toEqual(['2026-11-26', '2026-11-28']);
    const next = discord.inChannel('c1').filter((m) => m.nonce.startsWith('d1-20261128')).map((m) => m.content).join('\n');
    expect(next).toContain('`inc-late`');
    expect(next).toContain('since the digest of 2026-11-26');
  });

  it.each([
    [CATCH_UP_LIMIT_MS - 60_000, 'completed'],
    [CATCH_UP_LIMIT_MS, 'skipped'],
  ])('GIVEN a start %i ms late THEN %s (less than 6 hours late is posted)', async (lateMs, outcome) => {
    clock.set(new Date(Date.parse('2026-11-27T08:00:00Z') + lateMs));
    expect(await runner().start()).toMatchObject([{ outcome }]);
  });
});

describe('failures and changes', () => {
  it('GIVEN a transient failure THEN retried after the retry delay; a permanent one THEN failed and not retried', async () => {
    subscribe('2026-11-25T12:00:00Z');
    const timers = new ManualTimers();
    const r = runner({ timers });
    discord.postError = new Error('503 Service Unavailable');
    clock.set('2026-11-26T08:00:00Z');
    expect(await r.start()).toMatchObject([{ outcome: 'retry' }]);
    expect(timers.pending?.ms).toBe(RETRY_DELAY_MS);
    discord.postError = undefined;
    clock.set(new Date(Date.parse('2026-11-26T08:00:00Z') + RETRY_DELAY_MS));
    timers.fire();
    await r.idle();
    expect(postedDates()).toEqual(['2026-11-26']);
    expect(store().run(1, '2026-11-26')?.attempts).toBe(1);

    discord.postError = new DigestPostError('Unknown Channel', { permanent: true });
    expect(await tickAt(r, '2026-11-27T08:00:00Z')).toMatchObject([{ outcome: 'failed', error: 'Unknown Channel' }]);
    expect(store().run(1, '2026-11-27')?.status).toBe('failed');
    expect(log.lines.some((l) => l.level === 'error' && l.msg === 'digest failed: giving up')).toBe(true);
    expect(await tickAt(r, '2026-11-27T08:10:00Z')).toEqual([]);
  });

  it('GIVEN a thread the bot may not open THEN the digest still completes, without a thread, and says so in the log', async () => {
    subscribe('2026-11-25T12:00:00Z');
    const poster = Object.assign(Object.create(discord) as FakeDiscord, {
      openThread: async () => {
        throw new DigestPostError('Missing Permissions', { permanent: true });
      },
    });
    const r = runner({ poster });
    expect(await tickAt(r, '2026-11-26T08:00:00Z')).toMatchObject([{ outcome: 'completed' }]);
    expect(store().run(1, '2026-11-26')).toMatchObject({ status: 'completed', threadId: null });
    expect(log.lines.some((l) => l.msg === 'digest posted without a thread: cannot open one')).toBe(true);
  });

  it('GIVEN a subscription made after today\'s time THEN no digest until tomorrow', async () => {
    subscribe('2026-11-26T09:00:00Z');
    const r = runner();
    expect(await tickAt(r, '2026-11-26T09:00:01Z')).toEqual([]);
    expect(await tickAt(r, '2026-11-27T08:00:00Z')).toMatchObject([{ outcome: 'completed', localDate: '2026-11-27' }]);
  });

  it('GIVEN an unsubscribed channel THEN nothing is posted', async () => {
    subscribe('2026-11-25T12:00:00Z');
    store().unsubscribe('c1');
    expect(await tickAt(runner(), '2026-11-26T08:00:00Z')).toEqual([]);
    expect(discord.messages).toEqual([]);
  });

  it('GIVEN subscriptions in two zones THEN each fires at its own local time with its own nonce', async () => {
    subscribe('2026-11-25T12:00:00Z');
    subscribe('2026-11-25T12:00:00Z', { channelId: 'c2', timezone: 'Asia/Kabul' });
    const r = runner();
    // 08:00 in Kabul (UTC+4:30) is 03:30Z.
    expect(await tickAt(r, '2026-11-26T03:30:00Z')).toMatchObject([{ channelId: 'c2', localDate: '2026-11-26' }]);
    expect(await tickAt(r, '2026-11-26T08:00:00Z')).toMatchObject([{ channelId: 'c1', localDate: '2026-11-26' }]);
    const nonces = discord.messages.map((m) => m.nonce);
    expect(new Set(nonces).size).toBe(nonces.length);
    for (const n of nonces) expect(n.length).toBeLessThanOrEqual(25);
  });
});
