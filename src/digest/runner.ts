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
import { localDateOf, nextFire, previousFire } from './schedule.ts';

export interface DigestMessage {
  /** Markdown, at most 2000 characters. */
  content: string;
}

export interface DigestPoster {
  /**
   * Sends one message to the channel with `nonce` (at most 25 characters) and
   * enforce_nonce, so that sending again with the same nonce returns the
   * message already created instead of a second one.
   */
  post(channelId: string, message: DigestMessage, nonce: string): Promise<{ messageId: string }>;
  /**
   * Opens a public thread on the message. If the message already has a
   * thread (a crash after opening it), returns that thread: on Discord a
   * message's thread has the message's id.
   */
  openThread(channelId: string, messageId: string, name: string): Promise<{ threadId: string }>;
  /** Optional: the id of a message already sent with this nonce and content after `after`, if the transport can find it. */
  findPosted?(channelId: string, message: DigestMessage, nonce: string, after: Date): Promise<string | null>;
}

/**
 * What a poster throws for an expected failure. `permanent`: retrying cannot
 * help (the channel was deleted, the bot lost access); the run is marked
 * failed instead of retried.
 */
export class DigestPostError extends Error {
  readonly permanent: boolean;
  constructor(message: string, options: { permanent: boolean; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = 'DigestPostError';
    this.permanent = options.permanent;
  }
}

/** The subset of pino's logger the runner uses. */
export interface DigestLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
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
}

export const CATCH_UP_LIMIT_MS = 6 * 3_600_000;
export const RETRY_DELAY_MS = 5 * 60_000;
const MAX_SLEEP_MS = 3_600_000;
const MAX_NONCE = 25;

export type Outcome = 'completed' | 'skipped' | 'failed' | 'retry';

export interface RunOutcome {
  subscriptionId: number;
  channelId: string;
  localDate: string;
  outcome: Outcome;
  /** Messages the run consists of (posted, for 'completed'). */
  messages: number;
  error?: string;
}

/** The run's nonce: deterministic from subscription and local date ("d12-20261127"), at most 22 characters so a part suffix fits. */
export function runNonce(subscriptionId: number, localDate: string): string {
  const plain = `d${subscriptionId}-${localDate.replace(/-/g, '')}`;
  if (plain.length <= MAX_NONCE - 3) return plain;
  return `d${createHash('sha256').update(`${subscriptionId}|${localDate}`).digest('hex').slice(0, MAX_NONCE - 4)}`;
}

/** The nonce of part `index` of a run ("d12-20261127-0"). */
export function partNonce(nonce: string, index: number): string {
  const n = `${nonce}-${index}`;
  if (n.length > MAX_NONCE) throw new RangeError(`nonce ${n} is longer than ${MAX_NONCE} characters`);
  return n;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

const defaultTimers: Timers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // The scheduler alone should not keep a process alive (the Discord client does).
    t.unref();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export class DigestRunner {
  private readonly store: DigestStore;
  private readonly archive: () => Archive;
  private readonly poster: DigestPoster;
  private readonly clock: { now(): Date };
  private readonly log: DigestLogger;
  private readonly timers: Timers;
  private readonly render: (view: DigestView) => string[];
  private readonly retryDelayMs: number;
  /** Runs in progress by "subscription:date": a tick during a slow post joins it instead of starting another. */
  private readonly inFlight = new Map<string, Promise<RunOutcome>>();
  private timer: unknown;
  /** The tick the timer started last, so shutdown (and tests) can wait for it. */
  private ticking: Promise<unknown> = Promise.resolve();
  private running = false;
  private retryPending = false;

  constructor(opts: RunnerOptions) {
    this.store = opts.store;
    this.archive = opts.archive;
    this.poster = opts.poster;
    this.clock = opts.clock;
    this.log = opts.logger;
    this.timers = opts.timers ?? defaultTimers;
    this.render = opts.render ?? ((view) => renderDigestMessages(view));
    this.retryDelayMs = opts.retryDelayMs ?? RETRY_DELAY_MS;
  }

  /** Catches up on digests missed while stopped (see tick), then arms the timer. */
  async start(): Promise<RunOutcome[]> {
    this.running = true;
    const outcomes = await this.tick(this.clock.now());
    this.arm();
    return outcomes;
  }

  stop(): void {
    this.running = false;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Re-computes the next wake-up (after a subscription changed). No effect when stopped. */
  rearm(): void {
    this.arm();
  }

  /** When the timer will next wake the runner; undefined when stopped or nothing is subscribed. */
  nextWake(now: Date = this.clock.now()): Date | undefined {
    if (!this.running) return undefined;
    let wake = now.getTime() + MAX_SLEEP_MS;
    for (const sub of this.store.active()) wake = Math.min(wake, nextFire(sub.time, sub.timezone, now).getTime());
    if (this.retryPending) wake = Math.min(wake, now.getTime() + this.retryDelayMs);
    return new Date(wake);
  }

  private arm(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.running) return;
    const now = this.clock.now();
    const wake = this.nextWake(now);
    if (wake === undefined) return;
    this.timer = this.timers.setTimeout(() => this.wake(), Math.max(0, wake.getTime() - now.getTime()));
  }

  private wake(): void {
    this.timer = undefined;
    this.ticking = this.tick(this.clock.now())
      .catch((err: unknown) => this.log.error({ err }, 'digest tick failed'))
      .finally(() => this.arm());
  }

  /** Resolves when the tick the timer started, and every run in progress, has finished (for shutdown: stop(), then await idle()). */
  async idle(): Promise<void> {
    await this.ticking;
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
      if (run !== undefined && (run.status === 'completed' || run.status === 'skipped' || run.status === 'failed')) return;
      const p = this.runDue(sub, localDate, due, now).finally(() => this.inFlight.delete(key));
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
    return outcomes;
  }

  /** One subscription's digest for one local date, from wherever its record says it got to. */
  async runDue(sub: Subscription, localDate: string, due: Date, now: Date): Promise<RunOutcome> {
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
      run = await this.send(sub, run, due);
      run = await this.thread(sub, run, localDate, ctx);
      run = this.store.complete(run.id, this.clock.now().toISOString());
      this.log.info({ ...ctx, messages: run.messageIds.length, thread: run.threadId }, 'digest posted');
      return { ...base, outcome: 'completed', messages: run.messageIds.length };
    } catch (err) {
      const permanent = err instanceof DigestPostError && err.permanent;
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

  /** Sends the parts not yet recorded, recording each id as soon as it is known. */
  private async send(sub: Subscription, run: DigestRun, due: Date): Promise<DigestRun> {
    let current = run;
    for (let i = current.messageIds.length; i < current.messages.length; i++) {
      const message = { content: current.messages[i]! };
      const nonce = partNonce(current.nonce, i);
      const found = this.poster.findPosted === undefined ? null : await this.poster.findPosted(sub.channelId, message, nonce, due);
      const messageId = found ?? (await this.poster.post(sub.channelId, message, nonce)).messageId;
      current = this.store.recordPart(current.id, i, messageId);
    }
    return current.status === 'intent' ? this.store.markPosted(current.id, this.clock.now().toISOString()) : current;
  }

  /** Opens the discussion thread on the first message, unless recorded already. A thread the bot may not open does not undo the digest. */
  private async thread(sub: Subscription, run: DigestRun, localDate: string, ctx: object): Promise<DigestRun> {
    const first = run.messageIds[0];
    if (run.threadId !== null || first === undefined) return run;
    try {
      const { threadId } = await this.poster.openThread(sub.channelId, first, threadName(localDate));
      return this.store.recordThread(run.id, threadId);
    } catch (err) {
      if (err instanceof DigestPostError && err.permanent) {
        this.log.warn({ ...ctx, err: describe(err) }, 'digest posted without a thread: cannot open one');
        return run;
      }
      throw err;
    }
  }
}
