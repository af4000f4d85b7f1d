// Typed access to the digest tables (see migrations.ts for what each holds).
// Every write that must not be half-done (completing a run and recording its
// fingerprints, re-baselining a subscription) is one transaction. Times are
// passed in as ISO strings by the caller, whose clock tests control.
import type Database from 'better-sqlite3';
import { sqlPort, type SqlPort } from '../db/sql.ts';

export interface Subscription {
  id: number;
  guildId: string;
  channelId: string;
  channelName: string | null;
  /** 'HH:MM', 24-hour, local to `timezone`. */
  time: string;
  /** Canonical IANA name. */
  timezone: string;
  /** The saved query ('' for everything). */
  query: string;
  createdBy: string;
  createdAt: string;
  /** When the current settings took effect; scheduled instants before it are not owed a digest. */
  activeSince: string;
  active: boolean;
}

export type RunStatus = 'intent' | 'posted' | 'completed' | 'skipped' | 'failed';

export interface Covered {
  id: string;
  fingerprint: string;
}

export interface DigestRun {
  id: number;
  subscriptionId: number;
  localDate: string;
  status: RunStatus;
  nonce: string;
  /** The message contents, fixed at intent time. */
  messages: string[];
  /** Ids of the messages posted so far, in order (a prefix of `messages`). */
  messageIds: string[];
  threadId: string | null;
  covered: Covered[];
  plannedAt: string;
  postedAt: string | null;
  completedAt: string | null;
  attempts: number;
  lastError: string | null;
}

export interface SubscriptionInput {
  guildId: string;
  channelId: string;
  channelName?: string | null;
  time: string;
  timezone: string;
  query: string;
  createdBy: string;
}

interface SubscriptionRow {
  id: number;
  guild_id: string;
  channel_id: string;
  channel_name: string | null;
  time: string;
  timezone: string;
  query: string;
  created_by: string;
  created_at: string;
  active_since: string | null;
  active: number;
}

interface RunRow {
  id: number;
  subscription_id: number;
  local_date: string;
  status: RunStatus;
  nonce: string;
  messages: string;
  message_ids: string;
  thread_id: string | null;
  covered: string;
  planned_at: string;
  posted_at: string | null;
  completed_at: string | null;
  attempts: number;
  last_error: string | null;
}

function subscriptionOf(r: SubscriptionRow): Subscription {
  return {
    id: r.id,
    guildId: r.guild_id,
    channelId: r.channel_id,
    channelName: r.channel_name,
    time: r.time,
    timezone: r.timezone,
    query: r.query,
    createdBy: r.created_by,
    createdAt: r.created_at,
    activeSince: r.active_since ?? r.created_at,
    active: r.active === 1,
  };
}

function stringArray(json: string): string[] {
  const v: unknown = JSON.parse(json);
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function coveredArray(json: string): Covered[] {
  const v: unknown = JSON.parse(json);
  if (!Array.isArray(v)) return [];
  return v.filter(
    (x): x is Covered => typeof x === 'object' && x !== null && typeof (x as Covered).id === 'string' && typeof (x as Covered).fingerprint === 'string',
  );
}

function runOf(r: RunRow): DigestRun {
  return {
    id: r.id,
    subscriptionId: r.subscription_id,
    localDate: r.local_date,
    status: r.status,
    nonce: r.nonce,
    messages: stringArray(r.messages),
    messageIds: stringArray(r.message_ids),
    threadId: r.thread_id,
    covered: coveredArray(r.covered),
    plannedAt: r.planned_at,
    postedAt: r.posted_at,
    completedAt: r.completed_at,
    attempts: r.attempts,
    lastError: r.last_error,
  };
}

/** Longest error text kept on a run: enough to diagnose, not a stack dump. */
const MAX_ERROR = 500;

export class DigestStore {
  /** SQLite or PostgreSQL (src/db/sql.ts); a better-sqlite3 database given to the constructor is wrapped. */
  readonly db: SqlPort;

  constructor(db: SqlPort | Database.Database) {
    this.db = sqlPort(db);
  }

  close(): void {
    this.db.close();
  }

  // ------------------------------------------------------------ subscriptions

  /**
   * Creates or replaces the subscription of a channel. `baseline` are the
   * fingerprints of the records in the new scope: they count as already
   * reported, so the first digest lists what changes after subscribing rather
   * than the whole archive. Kept fingerprints are replaced only when the
   * query changed (a new scope) or the subscription was inactive.
   */
  subscribe(input: SubscriptionInput, at: string, baseline: () => readonly Covered[]): { subscription: Subscription; replaced: Subscription | null } {
    return this.db.transaction(() => {
      // Two processes subscribing the same channel at once: PostgreSQL serialises them per channel (SQLite has one writer).
      if (this.db.dialect === 'postgres') this.db.get('SELECT pg_advisory_xact_lock(hashtext(?))', [`subscriptions:${input.channelId}`]);
      const before = this.byChannel(input.channelId);
      const replaced = before?.active === true ? before : null;
      let id: number;
      if (before === undefined) {
        const inserted = this.db.get<{ id: number }>(`INSERT INTO subscriptions (guild_id, channel_id, channel_name, time, timezone, query, created_by, created_at, active_since, active)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING id`, [input.guildId, input.channelId, input.channelName ?? null, input.time, input.timezone, input.query, input.createdBy, at, at]);
        id = Number(inserted!.id);
      } else {
        id = before.id;
        this.db.run(`UPDATE subscriptions SET guild_id = ?, channel_name = COALESCE(?, channel_name), time = ?, timezone = ?, query = ?,
               created_by = ?, active_since = ?, active = 1 WHERE id = ?`, [input.guildId, input.channelName ?? null, input.time, input.timezone, input.query, input.createdBy, at, id]);
      }
      const rebase = before === undefined || !before.active || before.query !== input.query;
      if (rebase) this.replaceFingerprints(id, baseline(), at);
      return { subscription: this.byId(id)!, replaced };
    });
  }

  /** Deactivates the channel's subscription; returns it as it was, or null when there was none active. */
  unsubscribe(channelId: string): Subscription | null {
    const sub = this.byChannel(channelId);
    if (sub === undefined || !sub.active) return null;
    this.db.run('UPDATE subscriptions SET active = 0 WHERE id = ?', [sub.id]);
    return sub;
  }

  byId(id: number): Subscription | undefined {
    const row = this.db.get('SELECT * FROM subscriptions WHERE id = ?', [id]) as SubscriptionRow | undefined;
    return row === undefined ? undefined : subscriptionOf(row);
  }

  byChannel(channelId: string): Subscription | undefined {
    const row = this.db.get('SELECT * FROM subscriptions WHERE channel_id = ?', [channelId]) as SubscriptionRow | undefined;
    return row === undefined ? undefined : subscriptionOf(row);
  }

  /** Active subscriptions, of one guild or (null) of all, by channel id. */
  active(guildId: string | null = null): Subscription[] {
    const rows = (
      guildId === null
        ? this.db.all('SELECT * FROM subscriptions WHERE active = 1 ORDER BY channel_id')
        : this.db.all('SELECT * FROM subscriptions WHERE active = 1 AND guild_id = ? ORDER BY channel_id', [guildId])
    ) as SubscriptionRow[];
    return rows.map(subscriptionOf);
  }

  // ------------------------------------------------------------ runs

  run(subscriptionId: number, localDate: string): DigestRun | undefined {
    const row = this.db.get('SELECT * FROM digest_runs WHERE subscription_id = ? AND local_date = ?', [subscriptionId, localDate]) as
      | RunRow
      | undefined;
    return row === undefined ? undefined : runOf(row);
  }

  runById(id: number): DigestRun {
    const row = this.db.get('SELECT * FROM digest_runs WHERE id = ?', [id]) as RunRow | undefined;
    if (row === undefined) throw new Error(`digest run ${id} does not exist`);
    return runOf(row);
  }

  /** Runs of a subscription that started but did not finish (intent or posted), oldest first. */
  unfinishedRuns(subscriptionId: number): DigestRun[] {
    const rows = this.db.all("SELECT * FROM digest_runs WHERE subscription_id = ? AND status IN ('intent', 'posted') ORDER BY local_date", [subscriptionId]) as RunRow[];
    return rows.map(runOf);
  }

  /** The most recent run of a subscription with the given statuses, if any. */
  latestRun(subscriptionId: number, statuses: readonly RunStatus[] = ['completed']): DigestRun | undefined {
    const marks = statuses.map(() => '?').join(', ');
    const row = this.db.get(`SELECT * FROM digest_runs WHERE subscription_id = ? AND status IN (${marks}) ORDER BY local_date DESC LIMIT 1`, [subscriptionId, ...statuses]) as RunRow | undefined;
    return row === undefined ? undefined : runOf(row);
  }

  /**
   * Records the intent to post: the nonce, the exact messages and what they
   * cover. If a run for that date already exists (another tick got there
   * first), that run is returned unchanged.
   */
  recordIntent(input: {
    subscriptionId: number;
    localDate: string;
    nonce: string;
    messages: readonly string[];
    covered: readonly Covered[];
    plannedAt: string;
  }): DigestRun {
    this.db.run(`INSERT INTO digest_runs (subscription_id, local_date, status, nonce, messages, covered, planned_at)
         VALUES (?, ?, 'intent', ?, ?, ?, ?) ON CONFLICT (subscription_id, local_date) DO NOTHING`,
        [input.subscriptionId, input.localDate, input.nonce, JSON.stringify(input.messages), JSON.stringify(input.covered), input.plannedAt]);
    return this.run(input.subscriptionId, input.localDate)!;
  }

  /** Records that message `index` of the run was posted as `messageId`; parts are recorded in order. */
  recordPart(runId: number, index: number, messageId: string): DigestRun {
    return this.db.transaction(() => {
      // Another process may record parts of the same run (a lease taken over): PostgreSQL locks the row first.
      if (this.db.dialect === 'postgres') this.db.run('SELECT id FROM digest_runs WHERE id = ? FOR UPDATE', [runId]);
      const run = this.runById(runId);
      if (index !== run.messageIds.length) throw new Error(`run ${runId}: part ${index} recorded after ${run.messageIds.length} parts`);
      this.db.run('UPDATE digest_runs SET message_ids = ? WHERE id = ?', [JSON.stringify([...run.messageIds, messageId]), runId]);
      return this.runById(runId);
    });
  }

  markPosted(runId: number, at: string): DigestRun {
    this.db.run("UPDATE digest_runs SET status = 'posted', posted_at = ? WHERE id = ? AND status = 'intent'", [at, runId]);
    return this.runById(runId);
  }

  recordThread(runId: number, threadId: string): DigestRun {
    this.db.run('UPDATE digest_runs SET thread_id = ? WHERE id = ?', [threadId, runId]);
    return this.runById(runId);
  }

  /** Completes the run and records what it reported, in one transaction: a digest is either reported or not. */
  complete(runId: number, at: string): DigestRun {
    return this.db.transaction(() => {
      const run = this.runById(runId);
      if (run.status === 'completed') return run;
      const upsert = `INSERT INTO fingerprints (subscription_id, record_id, fingerprint, first_reported_at, last_reported_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (subscription_id, record_id) DO UPDATE SET fingerprint = excluded.fingerprint, last_reported_at = excluded.last_reported_at`;
      for (const c of run.covered) this.db.run(upsert, [run.subscriptionId, c.id, c.fingerprint, at, at]);
      this.db.run("UPDATE digest_runs SET status = 'completed', completed_at = ?, last_error = NULL WHERE id = ?", [at, runId]);
      return this.runById(runId);
    });
  }

  /**
   * Marks the date skipped (too late to post). Only a run that has posted
   * nothing can be skipped; returns the run as it ends up.
   */
  skip(input: { subscriptionId: number; localDate: string; nonce: string; plannedAt: string; reason: string }): DigestRun {
    return this.db.transaction(() => {
      const existing = this.run(input.subscriptionId, input.localDate);
      if (existing === undefined) {
        this.db.run(`INSERT INTO digest_runs (subscription_id, local_date, status, nonce, planned_at, last_error) VALUES (?, ?, 'skipped', ?, ?, ?)`,
          [input.subscriptionId, input.localDate, input.nonce, input.plannedAt, input.reason.slice(0, MAX_ERROR)]);
      } else if (existing.status === 'intent' && existing.messageIds.length === 0) {
        this.db.run("UPDATE digest_runs SET status = 'skipped', last_error = ? WHERE id = ?", [input.reason.slice(0, MAX_ERROR), existing.id]);
      }
      return this.run(input.subscriptionId, input.localDate)!;
    });
  }

  /** Counts a failed attempt; `failed` ends the run (a permanent error such as a deleted channel). */
  recordFailure(runId: number, error: string, failed: boolean): DigestRun {
    this.db.run(`UPDATE digest_runs SET attempts = attempts + 1, last_error = ?${failed ? ", status = 'failed'" : ''} WHERE id = ?`, [error.slice(0, MAX_ERROR), runId]);
    return this.runById(runId);
  }

  // ------------------------------------------------------------ fingerprints

  /** Record id -> fingerprint last reported to this subscription. */
  fingerprints(subscriptionId: number): Map<string, string> {
    const rows = this.db.all('SELECT record_id, fingerprint FROM fingerprints WHERE subscription_id = ?', [subscriptionId]) as Array<{
      record_id: string;
      fingerprint: string;
    }>;
    return new Map(rows.map((r) => [r.record_id, r.fingerprint]));
  }

  private replaceFingerprints(subscriptionId: number, entries: readonly Covered[], at: string): void {
    this.db.run('DELETE FROM fingerprints WHERE subscription_id = ?', [subscriptionId]);
    const insert = 'INSERT INTO fingerprints (subscription_id, record_id, fingerprint, first_reported_at, last_reported_at) VALUES (?, ?, ?, ?, ?)';
    for (const e of entries) this.db.run(insert, [subscriptionId, e.id, e.fingerprint, at, at]);
  }
}
