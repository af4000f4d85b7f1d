// Job leases (src/jobs/lease.ts) over SQLite with a controlled clock: the
// lease contract (tests/jobs/lease-contract.ts), renewal while the work runs
// and loss when taken over; and two digest runners
// over one state file, as two processes: the second does nothing while the
// first holds the run, and finishes it from the record once the first died
// and its lease expired, with every part once and one thread.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { renderDigestMessages } from '../../src/core/digest/markdown.ts';
import { DigestRunner, type RunnerOptions } from '../../src/digest/runner.ts';
import type { SqlPort } from '../../src/db/sql.ts';
import { JobLeases, LeaseLost, SqlLeaseStore, type LeaseTimers } from '../../src/jobs/lease.ts';
import { openStateStore } from '../../src/state/open.ts';
import type { DigestStore } from '../../src/state/store.ts';
import { archiveOf, attack, day, FakeDiscord, ManualTimers, MemoryLog, openStore, tempStateDir, TestClock } from '../digest/helpers.ts';
import { defineLeaseContract } from './lease-contract.ts';

/** The state file's lease table on a connection of its own (as another process would have). */
function sqliteLeaseSql(dir: string): SqlPort {
  const opened = openStateStore({ stateDir: dir });
  if (!opened.ok) throw new Error(opened.message);
  return opened.sql;
}

/** Interval timers the test fires by hand. */
class ManualIntervals implements LeaseTimers {
  readonly active = new Map<number, () => void>();
  private seq = 0;
  setInterval(fn: () => void): unknown {
    this.active.set(++this.seq, fn);
    return this.seq;
  }
  clearInterval(handle: unknown): void {
    this.active.delete(handle as number);
  }
  fireAll(): void {
    for (const fn of [...this.active.values()]) fn();
  }
}

let tmp: ReturnType<typeof tempStateDir>;
let clock: TestClock;
const closers: Array<() => void> = [];

beforeEach(() => {
  tmp = tempStateDir();
  clock = new TestClock(new Date('2026-11-27T08:00:00Z'));
});
afterEach(() => {
  for (const c of closers.splice(0)) c();
  tmp.cleanup();
});

function leaseStore(): SqlLeaseStore {
  const sql = sqliteLeaseSql(tmp.dir);
  closers.push(() => sql.close());
  return new SqlLeaseStore(sql, () => clock.now().getTime());
}

defineLeaseContract('SQLite (the runner\'s clock)', {
  store: () => leaseStore(),
  advance: async (ms) => clock.set(new Date(clock.now().getTime() + ms)),
  ttlMs: 10_000,
});

describe('JobLeases', () => {
  it('GIVEN work under a lease THEN it runs holding it, another process is refused meanwhile, and the lease is released at the end', async () => {
    const timers = new ManualIntervals();
    const a = new JobLeases({ store: leaseStore(), holder: 'A', ttlMs: 9_000, timers });
    const b = new JobLeases({ store: leaseStore(), holder: 'B', ttlMs: 9_000, timers: new ManualIntervals() });
    let during: unknown;
    const result = await a.run('j', async (held) => {
      during = await b.run('j', async () => 'ran in B');
      held.assertHeld();
      return 'done';
    });
    expect(result).toEqual({ ran: true, value: 'done' });
    expect(during).toMatchObject({ ran: false, heldBy: { holder: 'A' } });
    expect(timers.active.size).toBe(0);
    expect(await b.run('j', async () => 'now B')).toEqual({ ran: true, value: 'now B' });
  });

  it('GIVEN work outlasting the lease THEN renewals keep it; a holder that stalled past expiry and was taken over finds out before its next step', async () => {
    const timers = new ManualIntervals();
    const a = new JobLeases({ store: leaseStore(), holder: 'A', ttlMs: 9_000, timers });
    const b = new JobLeases({ store: leaseStore(), holder: 'B', ttlMs: 9_000, timers: new ManualIntervals() });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const steps: string[] = [];
    const work = a.run('j', async (held) => {
      await gate;
      held.assertHeld();
      steps.push('after the stall');
    });
    // Renewed every third of the lease: still A's long after the first expiry.
    for (let i = 0; i < 5; i++) {
      clock.set(new Date(clock.now().getTime() + 3_000));
      timers.fireAll();
    }
    expect((await b.run('j', async () => 'B')).ran).toBe(false);
    // A stalls (no renewals) past the expiry; B takes over.
    clock.set(new Date(clock.now().getTime() + 9_001));
    let bRan = false;
    const bWork = b.run('j', async () => {
      bRan = true;
      timers.fireAll(); // A's renewal now fails: the job is B's.
      release();
      await expect(work).rejects.toBeInstanceOf(LeaseLost);
    });
    await bWork;
    expect(bRan).toBe(true);
    expect(steps).toEqual([]);
  });
});

describe('two digest runners (two processes) over one state file, with leases', () => {
  const AT = '2026-11-27T08:00:00Z';
  const render = (view: Parameters<typeof renderDigestMessages>[0]) => renderDigestMessages(view, 600);
  let discord: FakeDiscord;
  let log: MemoryLog;
  const stores: DigestStore[] = [];

  beforeEach(() => {
    discord = new FakeDiscord();
    log = new MemoryLog();
  });
  afterEach(() => {
    for (const s of stores.splice(0)) if (s.db.open) s.close();
  });

  function store(): DigestStore {
    const s = openStore(tmp.dir);
    stores.push(s);
    return s;
  }

  let archive = archiveOf([]);
  function runner(holder: string, timers: LeaseTimers, over: Partial<RunnerOptions> = {}): DigestRunner {
    return new DigestRunner({
      store: store(),
      archive: () => archive,
      poster: discord,
      clock,
      logger: log,
      timers: new ManualTimers(),
      render,
      leases: new JobLeases({ store: leaseStore(), holder, ttlMs: 10_000, timers }),
      ...over,
    });
  }

  it.each([
    ['before its first part', ['hang-before'] as const, []],
    ['after Discord took its second part, before the id was recorded', ['ok', 'hang-after'] as const, []],
    ['after posting, before the thread was recorded', [] as const, ['hang-after'] as const],
  ])('GIVEN process A dies %s THEN B waits while the lease holds, then finishes: every part once, one thread', async (_name, postFaults, threadFaults) => {
    archive = archiveOf([]);
    store().subscribe({ guildId: 'g1', channelId: 'c1', time: '08:00', timezone: 'Europe/London', query: '', createdBy: 'u1' }, '2026-11-26T09:00:00Z', () => []);
    archive = archiveOf(Array.from({ length: 12 }, (_, i) => attack(`inc-${i}`, day('2026-11-26'), { title: `Attack number ${i} on a checkpoint in Kabul province` })));
    discord.postFaults = [...postFaults];
    discord.threadFaults = [...threadFaults];

    const a = runner('A', new ManualIntervals());
    const b = runner('B', new ManualIntervals());
    clock.set(AT);
    void a.tick(new Date(AT));
    await vi.waitFor(() => expect(discord.postFaults.length + discord.threadFaults.length).toBe(0));
    const postedByA = discord.messages.length;

    // A is dead (hung, no renewals) but its lease has not expired: B posts nothing and plans to look at the expiry.
    clock.set('2026-11-27T08:00:05Z');
    expect(await b.tick(new Date('2026-11-27T08:00:05Z'))).toMatchObject([{ outcome: 'held', heldUntil: Date.parse(AT) + 10_000 }]);
    expect(discord.messages).toHaveLength(postedByA);

    clock.set('2026-11-27T08:00:10.300Z');
    expect(await b.tick(new Date('2026-11-27T08:00:10.300Z'))).toMatchObject([{ outcome: 'completed', localDate: '2026-11-27' }]);
    const run = store().run(1, '2026-11-27')!;
    expect(run.messages.length).toBeGreaterThan(2);
    expect(discord.inChannel('c1').map((m) => m.content)).toEqual(run.messages);
    expect(discord.threads.size).toBe(1);
    expect(run.threadId).toBe(run.messageIds[0]);
    expect(log.lines.some((l) => l.msg === 'digest being posted by another process' && l.obj['holder'] === 'A')).toBe(true);
    // A third look (either process) posts nothing more.
    expect(await runner('C', new ManualIntervals()).tick(new Date('2026-11-27T09:00:00Z'))).toEqual([]);
    expect(discord.inChannel('c1')).toHaveLength(run.messages.length);
  });

  it('GIVEN a lease held elsewhere THEN the runner wakes just after its expiry, not an hour later', async () => {
    archive = archiveOf([]);
    store().subscribe({ guildId: 'g1', channelId: 'c1', time: '08:00', timezone: 'Europe/London', query: '', createdBy: 'u1' }, '2026-11-26T09:00:00Z', () => []);
    archive = archiveOf([attack('inc-1', day('2026-11-26'))]);
    discord.postFaults = ['hang-before'];
    const a = runner('A', new ManualIntervals());
    const b = runner('B', new ManualIntervals());
    clock.set(AT);
    void a.tick(new Date(AT));
    await vi.waitFor(() => expect(discord.postCalls).toHaveLength(1));
    clock.set('2026-11-27T08:00:01Z');
    await b.start();
    expect(b.nextWake()?.toISOString()).toBe('2026-11-27T08:00:10.250Z');
    b.stop();
  });
});
