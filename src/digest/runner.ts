// Posting digests exactly once per subscription and local date, whatever
// crashes in between. Transport-agnostic: a DigestPoster sends messages and
// opens threads (the Discord one comes with the Discord glue).
//
// One run per (subscription, local date), in steps that each leave a record:
//   1. intent: the nonce, the exact messages and the records they cover are
//      written before anything is sent;
//   2. each message is sent with its nonce (Discord: `nonce` + `enforce_nonce`,
//      so a retried send returns the message already created) and its id is
//      recorded as soon as it is known; a resumed run sends only the parts
//      not yet recorded;
//   3. posted; then the thread is opened on the first message and recorded;
//   4. completed, together with the reported fingerprints (one transaction).
// A restart between any two steps resumes the same run from its record.
//
// Limit worth knowing: Discord dedupes a nonce only for a few minutes. A crash
// after Discord accepted a message but before its id was recorded, followed by
// a restart much later, can post that one message twice; the poster may
// implement `findPosted` (e.g. look for the bot's message with that content
// after the planned time) to close the gap.
//
// Scheduling: one timer to the earliest next fire instant among the
// subscriptions (croner computes the instants, see schedule.ts), re-armed
// after every wake-up and on subscribe/unsubscribe. A single timer keeps one
// code path, `tick(now)`, for the scheduled run, the catch-up at start and
// retries, and `tick` takes the time as an argument, so tests drive it with a
// controlled clock and never wait. The timer sleeps at most an hour, so a
// suspended machine or a changed system clock is noticed.
//
// Lateness: a digest that has posted nothing and is 6 hours or more past its
// instant is skipped (recorded and logged), not posted: a morning digest in
// the evening misleads more than it helps. What it would have reported is not
// lost: fingerprints are only recorded on completion, so the next digest
// reports it. A digest already partly posted is always finished.
import { createHash } from 'node:crypto';
import { buildDigest, threadName } from '../core/digest/content.ts';
import { renderDigestMessages } from '../core/digest/markdown.ts';
import { parseQuery } from '../core/query/parse.ts';
import type { Archive } from '../core/search/types.ts';
import type { DigestView } from '../core/views.ts';
import type { DigestRun, DigestStore, Subscription } from '../state/store.ts';
import { describeError as describe, leasedPoster, MAX_NONCE, openThreadOnce, partNonce, PostError, sendParts, type Ledger, type Poster, type PostMessage } from '../jobs/post-once.ts';
import { LeaseLost, type HeldLease, type JobLeases } from '../jobs/lease.ts';
import { TickScheduler, type Timers } from '../jobs/scheduler.ts';
import { localDateOf, nextFire, previousFire } from './schedule.ts';

// The poster and the exactly-once sending are shared with the source watcher (src/jobs/post-once.ts).
export type DigestMessage = PostMessage;
export type DigestPoster = Poster;
export { PostError as DigestPostError, partNonce };
export type { Timers };

/** The subset of pino's logger the runner uses. */
export interface DigestLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface RunnerOptions {
  store: DigestStore;
  /** The archive being served, read at each run (a reload swaps it). */
  archive: () => Archive;
  poster: DigestPoster;
  clock: { now(): Date };
  logger: DigestLogger;
  timers?: Timers;
  /** DigestView -> message contents; defaults to the Discord markdown renderer. */
  render?: (view: DigestView) => string[];
  retryDelayMs?: number;
  /**
   * Job leases shared with the other bot processes (src/jobs/lease.ts): each
   * run is worked on under the lease `digest:<subscription>:<local date>`.
   * Absent: this process is the only one (tests, the console).
   */
  leases?: JobLeases;
  /** Longest sleep between wake-ups; with several processes, how soon a subscription made elsewhere is noticed. */
  maxSleepMs?: number;
}

export const CATCH_UP_LIMIT_MS = 6 * 3_600_000;
export const RETRY_DELAY_MS = 5 * 60_000;
const MAX_SLEEP_MS = 3_600_000;


/** 'held': another process holds the run's lease (working on it, or dead and not yet expired). */
export type Outcome = 'completed' | 'skipped' | 'failed' | 'retry' | 'held';

export interface RunOutcome {
  subscriptionId: number;
  channelId: string;
  localDate: string;
  outcome: Outcome;
  /** Messages the run consists of (posted, for 'completed'). */
  messages: number;
  error?: string;
  /** For 'held': when the other process's lease expires (ms since the epoch). */
  heldUntil?: number;
}

function isFinal(status: string): boolean {
  return status === 'completed' || status === 'skipped' || status === 'failed';
}

/** How long after a held lease's expiry the runner looks again (clocks differ a little). */
const HELD_MARGIN_MS = 250;

/** The run's nonce: deterministic from subscription and local date ("d12-20261127"), at most 22 characters so a part suffix fits. */
export function runNonce(subscriptionId: number, localDate: string): string {
  const plain = `d${subscriptionId}-${localDate.replace(/-/g, '')}`;
  if (plain.length <= MAX_NONCE - 3) return plain;
  return `d${createHash('sha256').update(`${subscriptionId}|${localDate}`).digest('hex').slice(0, MAX_NONCE - 4)}`;
}

export class DigestRunner {
  private readonly store: DigestStore;
  private readonly archive: () => Archive;
  private readonly poster: DigestPoster;
  private readonly clock: { now(): Date };
  private readonly log: DigestLogger;
  private readonly render: (view: DigestView) => string[];
  private readonly retryDelayMs: number;
  /** Runs in progress by "subscription:date": a tick during a slow post joins it instead of starting another. */
  private readonly inFlight = new Map<string, Promise<RunOutcome>>();
  private readonly scheduler: TickScheduler;
  private readonly leases: JobLeases | undefined;
  private readonly maxSleepMs: number;
  private retryPending = false;
  /** The earliest expiry of a lease another process held at the last tick: look again then. */
  private heldUntil: number | undefined;

  constructor(opts: RunnerOptions) {
    this.store = opts.store;
    this.leases = opts.leases;
    this.maxSleepMs = opts.maxSleepMs ?? MAX_SLEEP_MS;
    this.archive = opts.archive;
    this.poster = opts.poster;
    this.clock = opts.clock;
    this.log = opts.logger;
    this.scheduler = new TickScheduler({
      clock: this.clock,
      nextWake: (now) => this.nextWake(now),
      tick: (now) => this.tick(now),
      logger: this.log,
      what: 'digest tick failed',
      maxSleepMs: this.maxSleepMs,
      ...(opts.timers !== undefined ? { timers: opts.timers } : {}),
    });
    this.render = opts.render ?? ((view) => renderDigestMessages(view));
    this.retryDelayMs = opts.retryDelayMs ?? RETRY_DELAY_MS;
  }

  /** Catches up on digests missed while stopped (see tick), then arms the timer. */
  async start(): Promise<RunOutcome[]> {
    const outcomes = await this.tick(this.clock.now());
    this.scheduler.start();
    return outcomes;
  }

  stop(): void {
    this.scheduler.stop();
  }

  /** Re-computes the next wake-up (after a subscription changed). No effect when stopped. */
  rearm(): void {
    this.scheduler.arm();
  }

  /** When the timer will next wake the runner; undefined when stopped or nothing is subscribed. */
  nextWake(now: Date = this.clock.now()): Date | undefined {
    if (!this.scheduler.running) return undefined;
    let wake = now.getTime() + this.maxSleepMs;
    for (const sub of this.store.active()) wake = Math.min(wake, nextFire(sub.time, sub.timezone, now).getTime());
    if (this.retryPending) wake = Math.min(wake, now.getTime() + this.retryDelayMs);
    // Just past the expiry of a lease held elsewhere: if its holder died, the work is taken over then.
    if (this.heldUntil !== undefined) wake = Math.min(wake, Math.max(now.getTime(), this.heldUntil + HELD_MARGIN_MS));
    return new Date(wake);
  }

  /** Resolves when the tick the timer started, and every run in progress, has finished (for shutdown: stop(), then await idle()). */
  async idle(): Promise<void> {
    await this.scheduler.idle();
    await Promise.allSettled([...this.inFlight.values()]);
  }

  /**
   * Does whatever is due at `now`: for each active subscription, the latest
   * fire instant at or before `now` (and after the subscription took its
   * current settings) is owed one digest for its local date. Idempotent:
   * calling it again, or from a new process over the same store, posts nothing
   * twice.
   */
  async tick(now: Date = this.clock.now()): Promise<RunOutcome[]> {
    const work: Promise<RunOutcome>[] = [];
    const start = (sub: Subscription, localDate: string, due: Date): void => {
      const key = `${sub.id}:${localDate}`;
      const running = this.inFlight.get(key);
      if (running !== undefined) {
        work.push(running);
        return;
      }
      const run = this.store.run(sub.id, localDate);
      if (run !== undefined && isFinal(run.status)) return;
      const p = this.runLeased(sub, localDate, due, now).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, p);
      work.push(p);
    };
    for (const sub of this.store.active()) {
      // Earlier runs left unfinished (a failure outlasted their day): finish
      // what was partly posted, skip what was not (runDue applies the limit).
      const due = previousFire(sub.time, sub.timezone, now);
      const dueDate = localDateOf(due, sub.timezone);
      for (const run of this.store.unfinishedRuns(sub.id)) {
        if (run.localDate !== dueDate) start(sub, run.localDate, new Date(run.plannedAt));
      }
      if (due.getTime() >= Date.parse(sub.activeSince)) start(sub, dueDate, due);
    }
    const outcomes = await Promise.all(work);
    this.retryPending = outcomes.some((o) => o.outcome === 'retry');
    const held = outcomes.map((o) => o.heldUntil).filter((t): t is number => t !== undefined);
    this.heldUntil = held.length > 0 ? Math.min(...held) : undefined;
    return outcomes;
  }

  /**
   * runDue under the run's job lease, when leases are shared with other
   * processes. The record is read again once the lease is held: the process
   * that held it before may have finished the run, or got part of the way.
   */
  private async runLeased(sub: Subscription, localDate: string, due: Date, now: Date): Promise<RunOutcome> {
    if (this.leases === undefined) return this.runDue(sub, localDate, due, now);
    const base = { subscriptionId: sub.id, channelId: sub.channelId, localDate };
    const leased = await this.leases.run(`digest:${sub.id}:${localDate}`, async (held) => {
      const run = this.store.run(sub.id, localDate);
      if (run !== undefined && isFinal(run.status)) return { ...base, outcome: run.status as Outcome, messages: run.messageIds.length };
      return this.runDue(sub, localDate, due, now, held);
    });
    if (leased.ran) return leased.value;
    this.log.info({ subscription: sub.id, localDate, holder: leased.heldBy.holder, until: new Date(leased.heldBy.expiresAt).toISOString() }, 'digest being posted by another process');
    return { ...base, outcome: 'held', messages: 0, heldUntil: leased.heldBy.expiresAt };
  }

  /** One subscription's digest for one local date, from wherever its record says it got to. `held`: the run's lease, when shared. */
  async runDue(sub: Subscription, localDate: string, due: Date, now: Date, held?: HeldLease): Promise<RunOutcome> {
    const poster = held === undefined ? this.poster : leasedPoster(this.poster, held);
    const base = { subscriptionId: sub.id, channelId: sub.channelId, localDate };
    const ctx = { subscription: sub.id, channel: sub.channelId, localDate, plannedAt: due.toISOString() };
    let run = this.store.run(sub.id, localDate);
    const nothingPosted = run === undefined || (run.status === 'intent' && run.messageIds.length === 0);
    const lateMs = now.getTime() - due.getTime();
    if (nothingPosted && lateMs >= CATCH_UP_LIMIT_MS) {
      const reason = `not posted: ${Math.floor(lateMs / 60_000)} minutes late (limit ${CATCH_UP_LIMIT_MS / 3_600_000} h)`;
      this.store.skip({ subscriptionId: sub.id, localDate, nonce: runNonce(sub.id, localDate), plannedAt: due.toISOString(), reason });
      this.log.warn({ ...ctx, lateMinutes: Math.floor(lateMs / 60_000) }, 'digest skipped: too late to post');
      return { ...base, outcome: 'skipped', messages: 0 };
    }

    if (run === undefined) {
      const planned = this.plan(sub, localDate, now);
      if (!planned.ok) {
        this.store.skip({ subscriptionId: sub.id, localDate, nonce: runNonce(sub.id, localDate), plannedAt: due.toISOString(), reason: planned.reason });
        this.log.error({ ...ctx, reason: planned.reason }, 'digest skipped: cannot build it');
        return { ...base, outcome: 'skipped', messages: 0, error: planned.reason };
      }
      run = this.store.recordIntent({ subscriptionId: sub.id, localDate, nonce: runNonce(sub.id, localDate), plannedAt: due.toISOString(), ...planned });
      this.log.info({ ...ctx, messages: run.messages.length, covered: run.covered.length }, 'digest intent recorded');
    } else {
      this.log.info({ ...ctx, status: run.status, posted: run.messageIds.length }, 'resuming digest');
    }

    try {
      run = await this.send(poster, sub, run, due);
      run = await this.thread(poster, sub, run, localDate, ctx);
      held?.assertHeld();
      run = this.store.complete(run.id, this.clock.now().toISOString());
      this.log.info({ ...ctx, messages: run.messageIds.length, thread: run.threadId }, 'digest posted');
      return { ...base, outcome: 'completed', messages: run.messageIds.length };
    } catch (err) {
      // Taken over after this process stalled past the lease: the new holder finishes it from the record.
      if (err instanceof LeaseLost) {
        this.log.warn({ ...ctx, posted: run.messageIds.length }, 'digest left to the process that took its lease over');
        return { ...base, outcome: 'held', messages: run.messageIds.length };
      }
      const permanent = err instanceof PostError && err.permanent;
      const failed = this.store.recordFailure(run.id, describe(err), permanent);
      if (permanent) {
        this.log.error({ ...ctx, err: describe(err), attempts: failed.attempts }, 'digest failed: giving up');
        return { ...base, outcome: 'failed', messages: failed.messageIds.length, error: describe(err) };
      }
      this.log.warn({ ...ctx, err: describe(err), attempts: failed.attempts }, 'digest not finished; will retry');
      return { ...base, outcome: 'retry', messages: failed.messageIds.length, error: describe(err) };
    }
  }

  /** The messages and what they cover, built from the archive as it is now. */
  private plan(sub: Subscription, localDate: string, now: Date): { ok: true; messages: string[]; covered: Array<{ id: string; fingerprint: string }> } | { ok: false; reason: string } {
    const query = parseQuery(sub.query);
    // The query parsed when saved; a parser change could make it fail. Reporting a wider scope silently would be worse than skipping.
    if (query.problems.length > 0) {
      return { ok: false, reason: `the saved query no longer parses: ${query.problems.map((p) => `${p.option}: ${p.message}`).join('; ')}` };
    }
    const built = buildDigest({
      archive: this.archive(),
      query,
      previousFingerprints: this.store.fingerprints(sub.id),
      localDate,
      timezone: sub.timezone,
      now,
      since: this.store.latestRun(sub.id)?.localDate ?? null,
    });
    const messages = this.render(built.view);
    return { ok: true, messages: messages.length > 0 ? messages : [`Digest ${localDate}: nothing to report.`], covered: built.covered };
  }

  /** The run's record, as the shared exactly-once sending writes it. */
  private ledger(runId: number): Ledger<DigestRun> {
    return {
      recordPart: (index, messageId) => this.store.recordPart(runId, index, messageId),
      markPosted: () => this.store.markPosted(runId, this.clock.now().toISOString()),
      recordThread: (threadId) => this.store.recordThread(runId, threadId),
    };
  }

  /** Sends the parts not yet recorded, recording each id as soon as it is known. */
  private send(poster: DigestPoster, sub: Subscription, run: DigestRun, due: Date): Promise<DigestRun> {
    return sendParts(poster, sub.channelId, run, this.ledger(run.id), due);
  }

  /** Opens the discussion thread on the first message, unless recorded already. A thread the bot may not open does not undo the digest. */
  private thread(poster: DigestPoster, sub: Subscription, run: DigestRun, localDate: string, ctx: object): Promise<DigestRun> {
    return openThreadOnce(poster, sub.channelId, run, this.ledger(run.id), threadName(localDate), (err) =>
      this.log.warn({ ...ctx, err: describe(err) }, 'digest posted without a thread: cannot open one'),
    );
  }
}
