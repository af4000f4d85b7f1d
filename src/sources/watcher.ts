// The source watcher: polls every watched WordPress site on one timer (the
// scheduler the digests use, src/jobs/scheduler.ts), imports new and changed
// posts through the same importer as `import:wp`, makes them searchable, and
// announces them exactly once (src/jobs/post-once.ts, the digests' machinery).
//
// One poll of a watch, in steps that each leave a record:
//   1. fetch the posts modified since the cursor (src/core/import/poll.ts);
//   2. import them into the bot's sources folder (a data folder under
//      STATE_DIR): same passages, same id `<publisher>-<postid>`, an edited
//      post rewrites its file under the same id;
//   3. reload the archive (the holder's public reload: a rebuild in the worker
//      when the data is big), so the post is searchable before it is announced;
//   4. one transaction: the posts taken in (with a fingerprint of their
//      content), the announcements planned (intent: nonce and exact text), the
//      cursor and validators. "New" and "updated" are decided here against the
//      store, so a crash after step 2 still announces on the next poll;
//   5. post what is pending, oldest first: a new post's message and its
//      thread; an edit's note in that thread; summaries and notices. Each part
//      is recorded as soon as it is posted; a restart resumes from the record
//      with the same nonce, so nothing is posted twice.
//
// Flood control: the first poll of a watch (the site's back catalogue), or a
// poll with more than `floodLimit` new posts, imports them all silently and
// plans one summary message instead.
//
// Faults: a poll that fails (timeout, HTTP error, bad body, too large) counts a
// failure and tries again at the next interval; after `failureLimit` in a row
// the watch backs off (the interval doubles with each further failure, capped)
// and says so once in its channel; the first poll that succeeds again says
// that once too and resets the interval. A Retry-After longer than the
// interval is honoured. A poll never throws out of the scheduler.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { pollPosts, DEFAULT_POLL_OPTIONS, type PollOptions } from '../core/import/poll.ts';
import { importPosts, siteHost, sourceFile, sourceId, WpPost } from '../core/import/wordpress.ts';
import { SourceDocument } from '../core/records/schema.ts';
import type { ReloadReport } from '../core/search/holder.ts';
import type { Archive } from '../core/search/types.ts';
import {
  announcementMessage,
  announcementThreadName,
  backoffMessage,
  changedPassages,
  matchesWords,
  mentionsOf,
  recoveredMessage,
  summaryMessage,
  updateMessage,
} from '../core/sources/announce.ts';
import { describeError, leasedPoster, openThreadOnce, PostError, sendParts, type Ledger, type Poster } from '../jobs/post-once.ts';
import { LeaseLost, type HeldLease, type JobLeases } from '../jobs/lease.ts';
import { TickScheduler, type Timers } from '../jobs/scheduler.ts';
import type { Announcement, PlannedAnnouncement, SeenPost, Watch, WatchStore } from '../state/watch-store.ts';

export interface WatcherLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** The part of the archive holder the watcher uses: what is served, and the reload that swaps it. */
export interface ServedArchive {
  readonly current: Archive;
  reload(): Promise<ReloadReport>;
}

export interface WatcherOptions {
  store: WatchStore;
  /** The bot's own data folder for imported sources (files go to `<sourcesDir>/sources/`). */
  sourcesDir: string;
  holder: ServedArchive;
  poster: Poster;
  clock: { now(): Date };
  logger: WatcherLogger;
  timers?: Timers;
  /** Request settings (timeouts, retries, size cap); defaults in poll.ts. */
  fetch?: Partial<PollOptions>;
  /** Length of a minute in ms (watch intervals are in minutes); tests shrink it. */
  minuteMs?: number;
  /** Jitter source in [0, 1); each interval is stretched or shrunk by up to 10 %. */
  random?: () => number;
  failureLimit?: number;
  floodLimit?: number;
  /** Delay before a failed announcement is retried. */
  retryDelayMs?: number;
  /** Longest sleep between wake-ups (changes made by the console are noticed within it). */
  maxSleepMs?: number;
  /**
   * Job leases shared with the other bot processes (src/jobs/lease.ts): a poll
   * runs under `source-poll:<watch>`, an announcement under
   * `announcement:<id>`. Absent: this process is the only one.
   */
  leases?: JobLeases;
}

/** How long after a held lease's expiry the watcher looks again (clocks differ a little). */
const HELD_MARGIN_MS = 250;

export const FAILURE_LIMIT = 5;
export const FLOOD_LIMIT = 10;
const JITTER = 0.1;
/** Longest interval of a backed-off watch. */
const MAX_BACKOFF_MINUTES = 24 * 60;

export interface PollOutcome {
  watchId: number;
  ok: boolean;
  notModified?: boolean;
  fetched?: number;
  new?: number;
  updated?: number;
  summarized?: boolean;
  error?: string;
}

/** Content fingerprint of a source: what a reader sees; not `modified` or the import time, which change without an edit. */
export function sourceFingerprint(doc: SourceDocument): string {
  const { title, url, published, author, categories, tags, text } = doc;
  return createHash('sha256').update(JSON.stringify({ title, url, published, author, categories, tags, text })).digest('hex');
}

async function readSource(file: string): Promise<SourceDocument | undefined> {
  try {
    const parsed = SourceDocument.safeParse(JSON.parse(await readFile(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The author's name from `_embedded.author[0].name`, when the site embedded it. */
function embeddedAuthor(raw: unknown): string | null {
  const embedded = (raw as { _embedded?: { author?: Array<{ name?: unknown }> } })._embedded;
  const name = Array.isArray(embedded?.author) ? embedded.author[0]?.name : undefined;
  return typeof name === 'string' && name.trim() !== '' ? name.trim() : null;
}

export class SourceWatcher {
  private readonly store: WatchStore;
  private readonly sourcesDir: string;
  private readonly holder: ServedArchive;
  private readonly poster: Poster;
  private readonly clock: { now(): Date };
  private readonly log: WatcherLogger;
  private readonly fetchOptions: PollOptions;
  private readonly minuteMs: number;
  private readonly random: () => number;
  private readonly failureLimit: number;
  private readonly floodLimit: number;
  private readonly retryDelayMs: number;
  private readonly scheduler: TickScheduler;
  private current: Promise<PollOutcome[]> | undefined;
  private retryPending = false;
  private stopped = false;
  private readonly leases: JobLeases | undefined;
  /** Earliest expiry of a lease another process held at the last tick (ms since the epoch). */
  private heldUntil: number | undefined;
  /** Expiries seen during the tick in progress. */
  private heldNow: number[] = [];

  constructor(opts: WatcherOptions) {
    this.store = opts.store;
    this.sourcesDir = opts.sourcesDir;
    this.holder = opts.holder;
    this.poster = opts.poster;
    this.clock = opts.clock;
    this.log = opts.logger;
    this.fetchOptions = { ...DEFAULT_POLL_OPTIONS, ...opts.fetch };
    this.minuteMs = opts.minuteMs ?? 60_000;
    this.random = opts.random ?? Math.random;
    this.failureLimit = opts.failureLimit ?? FAILURE_LIMIT;
    this.floodLimit = opts.floodLimit ?? FLOOD_LIMIT;
    this.retryDelayMs = opts.retryDelayMs ?? 60_000;
    this.leases = opts.leases;
    this.scheduler = new TickScheduler({
      clock: this.clock,
      nextWake: (now) => this.nextWake(now),
      tick: (now) => this.tick(now),
      logger: this.log,
      what: 'source watcher tick failed',
      maxSleepMs: opts.maxSleepMs ?? 60_000,
      ...(opts.timers !== undefined ? { timers: opts.timers } : {}),
    });
  }

  /** Finishes what a previous run left pending, polls what is due, then arms the timer. */
  async start(): Promise<PollOutcome[]> {
    const outcomes = await this.tick(this.clock.now());
    // A stop() during the catch-up (shutdown) wins: no timer afterwards.
    if (!this.stopped) this.scheduler.start();
    return outcomes;
  }

  stop(): void {
    this.stopped = true;
    this.scheduler.stop();
  }

  /** Re-computes the next wake-up (after a watch was added, removed or asked to poll now). */
  rearm(): void {
    this.scheduler.arm();
  }

  async idle(): Promise<void> {
    await this.scheduler.idle();
    await this.current?.catch(() => undefined);
  }

  /** The earliest due poll, or a retry of a failed announcement; undefined when stopped. */
  nextWake(now: Date = this.clock.now()): Date | undefined {
    if (!this.scheduler.running) return undefined;
    let wake = Number.POSITIVE_INFINITY;
    for (const w of this.store.active()) wake = Math.min(wake, Date.parse(w.nextPollAt));
    if (this.retryPending) wake = Math.min(wake, now.getTime() + this.retryDelayMs);
    // Just past the expiry of a lease held elsewhere: if its holder died, the work is taken over then.
    if (this.heldUntil !== undefined) wake = Math.min(wake, Math.max(now.getTime(), this.heldUntil + HELD_MARGIN_MS));
    return Number.isFinite(wake) ? new Date(wake) : undefined;
  }

  /** Posts what is pending and polls every watch due at `now`. A tick during a tick joins it. */
  tick(now: Date = this.clock.now()): Promise<PollOutcome[]> {
    if (this.current !== undefined) return this.current;
    const run = (async () => {
      this.heldNow = [];
      await this.drain();
      const outcomes: PollOutcome[] = [];
      for (const w of this.store.active()) {
        if (Date.parse(w.nextPollAt) > now.getTime()) continue;
        const outcome = await this.pollLeased(w, now);
        if (outcome !== undefined) outcomes.push(outcome);
        await this.drain();
      }
      return outcomes;
    })().finally(() => {
      this.current = undefined;
      this.heldUntil = this.heldNow.length > 0 ? Math.min(...this.heldNow) : undefined;
    });
    this.current = run;
    return run;
  }

  private interval(minutes: number): number {
    return minutes * this.minuteMs * (1 + JITTER * (2 * this.random() - 1));
  }

  private at(offsetMs: number): string {
    return new Date(this.clock.now().getTime() + offsetMs).toISOString();
  }

  /**
   * poll() under the watch's job lease, when leases are shared: undefined when
   * another process holds it, or polled it meanwhile (the watch read again
   * once the lease is held is no longer due).
   */
  private async pollLeased(w: Watch, now: Date): Promise<PollOutcome | undefined> {
    if (this.leases === undefined) return this.poll(w);
    const leased = await this.leases.run(`source-poll:${w.id}`, async () => {
      const fresh = this.store.byId(w.id);
      if (fresh === undefined || !fresh.active || Date.parse(fresh.nextPollAt) > now.getTime()) return undefined;
      return this.poll(fresh);
    });
    if (leased.ran) return leased.value;
    this.heldNow.push(leased.heldBy.expiresAt);
    this.log.info({ watch: w.id, holder: leased.heldBy.holder }, 'source poll being done by another process');
    return undefined;
  }

  /** One poll of one watch; records its outcome. Never throws. */
  async poll(w: Watch): Promise<PollOutcome> {
    const ctx = { watch: w.id, site: w.site, channel: w.channelId };
    try {
      return await this.pollOnce(w, ctx);
    } catch (err) {
      // A bug or an unexpected I/O error (disk full): counted like a failed poll, so the watch backs off instead of spinning.
      this.log.error({ ...ctx, err: describeError(err) }, 'source poll failed unexpectedly');
      return this.failure(w, `internal error: ${describeError(err)}`, undefined, ctx);
    }
  }

  private async pollOnce(w: Watch, ctx: object): Promise<PollOutcome> {
    const validators = w.etag !== null || w.lastModified !== null ? { etag: w.etag, lastModified: w.lastModified } : null;
    const result = await pollPosts({ endpoint: w.endpoint, cursor: w.cursor, validators }, this.fetchOptions);
    if (!result.ok) return this.failure(w, result.message, result.retryAfterMs, ctx);
    const recovered = this.recovery(w);
    if (result.notModified) {
      this.store.recordSuccess(w.id, {
        at: this.at(0),
        nextPollAt: this.at(this.interval(w.everyMinutes)),
        cursor: null,
        etag: w.etag,
        lastModified: w.lastModified,
        posts: [],
        announcements: [],
        ...(recovered !== undefined ? { recovered } : {}),
      });
      this.log.info({ ...ctx }, 'source poll: not modified');
      return { watchId: w.id, ok: true, notModified: true, fetched: 0, new: 0, updated: 0 };
    }

    // Pages shift while they are read: a post may come twice; the last copy is the newest.
    const byId = new Map<number, unknown>();
    let cursor: string | null = null;
    let invalid = 0;
    for (const raw of result.posts) {
      const parsed = WpPost.safeParse(raw);
      if (!parsed.success) {
        invalid += 1;
        continue;
      }
      byId.delete(parsed.data.id);
      byId.set(parsed.data.id, raw);
      const mark = parsed.data.modified ?? parsed.data.date;
      if (cursor === null || mark > cursor) cursor = mark;
    }
    if (invalid > 0) this.log.warn({ ...ctx, invalid }, 'source poll: posts that are not WordPress posts were left out');

    // Only posts matching the watch's words; the rest are not taken in.
    const wanted: Array<{ raw: unknown; post: WpPost }> = [];
    for (const raw of byId.values()) {
      const post = WpPost.parse(raw);
      if (w.query !== '') {
        const title = post.title.rendered;
        if (!matchesWords({ title, text: post.content.rendered.replace(/<[^>]*>/g, ' ') }, w.query)) continue;
      }
      wanted.push({ raw, post });
    }

    const before = new Map<string, SourceDocument | undefined>();
    for (const { post } of wanted) before.set(sourceId(post), await readSource(sourceFile(this.sourcesDir, sourceId(post))));
    const report = await importPosts(
      wanted.map((x) => x.raw),
      { dataDir: this.sourcesDir, now: this.clock.now() },
    );
    const seen = this.store.seen(w.id);
    const taken: SeenPost[] = [];
    const fresh: Array<{ doc: SourceDocument; author: string | null }> = [];
    const edited: Array<{ doc: SourceDocument; before: SourceDocument | undefined; fingerprint: string }> = [];
    for (const outcome of report.outcomes) {
      if (!outcome.ok) {
        this.log.warn({ ...ctx, post: outcome.postId, code: outcome.code, problem: outcome.message }, 'source poll: post not imported');
        continue;
      }
      const doc = await readSource(outcome.file);
      if (doc === undefined) continue;
      const fingerprint = sourceFingerprint(doc);
      const prior = seen.get(doc.id);
      taken.push({ sourceId: doc.id, postId: outcome.postId, fingerprint, modified: doc.modified ?? null, title: doc.title, url: doc.url });
      if (prior === undefined) fresh.push({ doc, author: embeddedAuthor(wanted[outcome.index]?.raw) });
      else if (prior.fingerprint !== fingerprint) edited.push({ doc, before: before.get(doc.id), fingerprint });
    }

    // Searchable before it is announced: whoever reads the announcement can /search it at once.
    if (report.counts.new + report.counts.updated > 0) {
      const reloaded = await this.holder.reload();
      if (!reloaded.ok) this.log.warn({ ...ctx, problems: reloaded.problems.length }, 'source poll: the archive was not reloaded (data has problems); new posts become searchable after the fix');
    }

    const plans: PlannedAnnouncement[] = [];
    const first = w.polls === 0;
    const summarized = fresh.length > 0 && (first || fresh.length > this.floodLimit);
    if (summarized) {
      plans.push({ key: `summary:${this.at(0)}`, kind: 'summary', channelId: w.channelId, messages: [summaryMessage(w.site, fresh.length, first)] });
    } else {
      const archive = this.holder.current;
      for (const { doc, author } of fresh) {
        plans.push({
          key: `new:${doc.id}`,
          kind: 'announce',
          sourceId: doc.id,
          channelId: w.channelId,
          threadName: announcementThreadName(doc),
          messages: [announcementMessage({ doc, site: w.site, authorName: author, mentions: mentionsOf(doc, archive) })],
        });
      }
    }
    for (const e of edited) {
      // Only a post announced with a thread gets a note; one taken in silently is updated silently.
      if (this.store.byKey(w.id, `new:${e.doc.id}`) === undefined) continue;
      plans.push({
        key: `update:${e.doc.id}:${e.fingerprint.slice(0, 16)}`,
        kind: 'update',
        sourceId: e.doc.id,
        channelId: null,
        messages: [updateMessage(e.doc, changedPassages(e.before, e.doc))],
      });
    }

    this.store.recordSuccess(w.id, {
      at: this.at(0),
      nextPollAt: this.at(this.interval(w.everyMinutes)),
      cursor,
      etag: result.validators?.etag ?? null,
      lastModified: result.validators?.lastModified ?? null,
      posts: taken,
      announcements: plans,
      ...(recovered !== undefined ? { recovered } : {}),
    });
    const outcome = { watchId: w.id, ok: true, fetched: result.posts.length, new: fresh.length, updated: edited.length, summarized };
    this.log.info({ ...ctx, ...outcome, pages: result.pages, cursor }, 'source poll done');
    return outcome;
  }

  private recovery(w: Watch): PlannedAnnouncement | undefined {
    if (w.backedOffAt === null) return undefined;
    this.log.info({ watch: w.id, site: w.site, failures: w.failures }, 'source answers again; back to the normal interval');
    return { key: `recovered:${w.backedOffAt}`, kind: 'recovered', channelId: w.channelId, messages: [recoveredMessage(w.site, w.everyMinutes)] };
  }

  private failure(w: Watch, error: string, retryAfterMs: number | undefined, ctx: object): PollOutcome {
    const failures = w.failures + 1;
    const over = failures - this.failureLimit;
    const minutes = over >= 0 ? Math.min(w.everyMinutes * 2 ** (over + 1), Math.max(MAX_BACKOFF_MINUTES, w.everyMinutes)) : w.everyMinutes;
    const wait = Math.max(this.interval(minutes), retryAfterMs ?? 0);
    const backsOff = over >= 0 && w.backedOffAt === null;
    const at = this.at(0);
    this.store.recordFailure(w.id, {
      at,
      error,
      nextPollAt: this.at(wait),
      ...(backsOff
        ? { backoff: { key: `backoff:${at}`, kind: 'backoff', channelId: w.channelId, messages: [backoffMessage(w.site, failures, error, minutes)] } }
        : {}),
    });
    this.log.warn({ ...ctx, failures, error, nextInMs: Math.round(wait), backedOff: over >= 0 }, 'source poll failed');
    return { watchId: w.id, ok: false, error };
  }

  private ledger(id: number): Ledger<Announcement> {
    return {
      recordPart: (index, messageId) => this.store.recordPart(id, index, messageId),
      markPosted: () => this.store.markPosted(id, this.clock.now().toISOString()),
      recordThread: (threadId) => this.store.recordThread(id, threadId),
    };
  }

  /** Posts every pending announcement, oldest first (each under its job lease, when leases are shared). */
  async drain(): Promise<void> {
    let failed = false;
    for (const pending of this.store.pending()) {
      if (this.leases === undefined) {
        if ((await this.announce(pending)) === 'retry') failed = true;
        continue;
      }
      const leased = await this.leases.run(`announcement:${pending.id}`, async (held) => {
        // Read again under the lease: the previous holder may have finished it, or got part of the way.
        const current = this.store.announcement(pending.id);
        if (current.status !== 'intent' && current.status !== 'posted') return 'done' as const;
        return this.announce(current, held);
      });
      if (!leased.ran) {
        this.heldNow.push(leased.heldBy.expiresAt);
        this.log.info({ announcement: pending.id, holder: leased.heldBy.holder }, 'source announcement being posted by another process');
      } else if (leased.value === 'retry') failed = true;
    }
    this.retryPending = failed;
  }

  /** Posts one pending announcement from wherever its record says it got to. */
  private async announce(pending: Announcement, held?: HeldLease): Promise<'done' | 'retry' | 'held'> {
    const poster = held === undefined ? this.poster : leasedPoster(this.poster, held);
    const ctx = { announcement: pending.id, watch: pending.watchId, kind: pending.kind, source: pending.sourceId };
    let a = pending;
    // A watch removed meanwhile says nothing more (what it imported stays in the archive).
    if (this.store.byId(a.watchId)?.active !== true) {
      this.store.skip(a.id, 'the watch was removed');
      return 'done';
    }
    let channelId = a.channelId;
    if (a.kind === 'update') {
      const origin = a.sourceId === null ? undefined : this.store.byKey(a.watchId, `new:${a.sourceId}`);
      // The announcement it belongs to is still to be finished (it failed for now): wait for it.
      if (origin !== undefined && (origin.status === 'intent' || origin.status === 'posted')) return 'done';
      if (origin === undefined || origin.threadId === null) {
        this.store.skip(a.id, 'the post has no thread to note the update in');
        return 'done';
      }
      channelId = origin.threadId;
    }
    if (channelId === null) {
      this.store.skip(a.id, 'no channel');
      return 'done';
    }
    try {
      a = await sendParts(poster, channelId, a, this.ledger(a.id), new Date(a.plannedAt));
      if (a.kind === 'announce') {
        a = await openThreadOnce(poster, channelId, a, this.ledger(a.id), a.threadName ?? a.sourceId ?? 'New post', (err) =>
          this.log.warn({ ...ctx, err: describeError(err) }, 'post announced without a thread: cannot open one'),
        );
      }
      held?.assertHeld();
      this.store.complete(a.id, this.clock.now().toISOString());
      this.log.info({ ...ctx, messages: a.messageIds.length, thread: a.threadId }, 'source announcement posted');
      return 'done';
    } catch (err) {
      // Taken over after this process stalled past the lease: the new holder finishes it from the record.
      if (err instanceof LeaseLost) {
        this.log.warn({ ...ctx, posted: a.messageIds.length }, 'source announcement left to the process that took its lease over');
        return 'held';
      }
      const permanent = err instanceof PostError && err.permanent;
      const after = this.store.recordAttemptFailure(a.id, describeError(err), permanent);
      this.log.warn({ ...ctx, err: describeError(err), attempts: after.attempts, permanent }, permanent ? 'source announcement failed: giving up' : 'source announcement not finished; will retry');
      return permanent ? 'done' : 'retry';
    }
  }
}
