// Typed access to the watch tables (see migrations.ts, version 3, for what
// each holds). The writes that must not be half-done are one transaction each:
// a poll's outcome (posts taken in, announcements planned, cursor advanced),
// a failure with its back-off notice, a recovery with its notice.
import { createHash } from 'node:crypto';
import { MAX_NONCE } from '../jobs/post-once.ts';
import type Database from 'better-sqlite3';
import { sqlPort, type SqlPort } from '../db/sql.ts';

export interface Watch {
  id: number;
  guildId: string;
  channelId: string;
  channelName: string | null;
  endpoint: string;
  site: string;
  everyMinutes: number;
  query: string;
  createdBy: string;
  createdAt: string;
  active: boolean;
  cursor: string | null;
  etag: string | null;
  lastModified: string | null;
  nextPollAt: string;
  lastPollAt: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  failures: number;
  backedOffAt: string | null;
  polls: number;
  imported: number;
}

export type AnnouncementKind = 'announce' | 'update' | 'summary' | 'backoff' | 'recovered';
export type AnnouncementStatus = 'intent' | 'posted' | 'completed' | 'failed' | 'skipped';

export interface Announcement {
  id: number;
  watchId: number;
  key: string;
  kind: AnnouncementKind;
  sourceId: string | null;
  channelId: string | null;
  threadName: string | null;
  nonce: string;
  messages: string[];
  messageIds: string[];
  threadId: string | null;
  status: AnnouncementStatus;
  attempts: number;
  lastError: string | null;
  plannedAt: string;
  postedAt: string | null;
  completedAt: string | null;
}

export interface SeenPost {
  sourceId: string;
  postId: number;
  fingerprint: string;
  modified: string | null;
  title: string;
  url: string;
}

export interface PlannedAnnouncement {
  key: string;
  kind: AnnouncementKind;
  sourceId?: string;
  channelId: string | null;
  threadName?: string;
  messages: string[];
}

export interface WatchInput {
  guildId: string;
  channelId: string;
  channelName: string | null;
  endpoint: string;
  site: string;
  everyMinutes: number;
  query: string;
  createdBy: string;
}

interface WatchRow {
  id: number;
  guild_id: string;
  channel_id: string;
  channel_name: string | null;
  endpoint: string;
  site: string;
  every_minutes: number;
  query: string;
  created_by: string;
  created_at: string;
  active: number;
  cursor: string | null;
  etag: string | null;
  last_modified: string | null;
  next_poll_at: string;
  last_poll_at: string | null;
  last_success_at: string | null;
  last_error: string | null;
  failures: number;
  backed_off_at: string | null;
  polls: number;
  imported: number;
}

interface AnnouncementRow {
  id: number;
  watch_id: number;
  key: string;
  kind: AnnouncementKind;
  source_id: string | null;
  channel_id: string | null;
  thread_name: string | null;
  nonce: string;
  messages: string;
  message_ids: string;
  thread_id: string | null;
  status: AnnouncementStatus;
  attempts: number;
  last_error: string | null;
  planned_at: string;
  posted_at: string | null;
  completed_at: string | null;
}

function watchOf(r: WatchRow): Watch {
  return {
    id: r.id,
    guildId: r.guild_id,
    channelId: r.channel_id,
    channelName: r.channel_name,
    endpoint: r.endpoint,
    site: r.site,
    everyMinutes: r.every_minutes,
    query: r.query,
    createdBy: r.created_by,
    createdAt: r.created_at,
    active: r.active === 1,
    cursor: r.cursor,
    etag: r.etag,
    lastModified: r.last_modified,
    nextPollAt: r.next_poll_at,
    lastPollAt: r.last_poll_at,
    lastSuccessAt: r.last_success_at,
    lastError: r.last_error,
    failures: r.failures,
    backedOffAt: r.backed_off_at,
    polls: r.polls,
    imported: r.imported,
  };
}

function strings(json: string): string[] {
  const v: unknown = JSON.parse(json);
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function announcementOf(r: AnnouncementRow): Announcement {
  return {
    id: r.id,
    watchId: r.watch_id,
    key: r.key,
    kind: r.kind,
    sourceId: r.source_id,
    channelId: r.channel_id,
    threadName: r.thread_name,
    nonce: r.nonce,
    messages: strings(r.messages),
    messageIds: strings(r.message_ids),
    threadId: r.thread_id,
    status: r.status,
    attempts: r.attempts,
    lastError: r.last_error,
    plannedAt: r.planned_at,
    postedAt: r.posted_at,
    completedAt: r.completed_at,
  };
}

/** Deterministic from watch and key, short enough for a part suffix ("s" + 20 hex + "-0"). */
export function announcementNonce(watchId: number, key: string): string {
  return `s${createHash('sha256').update(`${watchId}|${key}`).digest('hex').slice(0, MAX_NONCE - 5)}`;
}

const MAX_ERROR = 500;

/** What a successful poll changes, written in one transaction. */
export interface PollSuccess {
  at: string;
  nextPollAt: string;
  cursor: string | null;
  etag: string | null;
  lastModified: string | null;
  posts: SeenPost[];
  announcements: PlannedAnnouncement[];
  /** A recovery notice to plan, when the watch had backed off. */
  recovered?: PlannedAnnouncement;
}

export class WatchStore {
  /** SQLite or PostgreSQL (src/db/sql.ts); a better-sqlite3 database given to the constructor is wrapped. */
  readonly db: SqlPort;

  constructor(db: SqlPort | Database.Database) {
    this.db = sqlPort(db);
  }

  // ------------------------------------------------------------ watches

  /** Adds a watch, or returns the active one of the same channel and endpoint (`existed`), whose settings are updated. */
  add(input: WatchInput, at: string): { watch: Watch; existed: boolean } {
    return this.db.transaction(() => {
      // Two processes adding the same watch at once: PostgreSQL serialises them per channel and endpoint (SQLite has one writer).
      if (this.db.dialect === 'postgres') this.db.get('SELECT pg_advisory_xact_lock(hashtext(?))', [`watches:${input.channelId} ${input.endpoint}`]);
      const before = this.db.get('SELECT * FROM watches WHERE channel_id = ? AND endpoint = ? AND active = 1', [input.channelId, input.endpoint]) as
        | WatchRow
        | undefined;
      if (before !== undefined) {
        this.db.run('UPDATE watches SET every_minutes = ?, query = ?, channel_name = COALESCE(?, channel_name), next_poll_at = ? WHERE id = ?',
          [input.everyMinutes, input.query, input.channelName, at, before.id]);
        return { watch: this.byId(before.id)!, existed: true };
      }
      const inserted = this.db.get<{ id: number }>(`INSERT INTO watches (guild_id, channel_id, channel_name, endpoint, site, every_minutes, query, created_by, created_at, next_poll_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
          [input.guildId, input.channelId, input.channelName, input.endpoint, input.site, input.everyMinutes, input.query, input.createdBy, at, at]);
      return { watch: this.byId(Number(inserted!.id))!, existed: false };
    });
  }

  remove(id: number): Watch | null {
    const w = this.byId(id);
    if (w === undefined || !w.active) return null;
    this.db.run('UPDATE watches SET active = 0 WHERE id = ?', [id]);
    return w;
  }

  byId(id: number): Watch | undefined {
    const row = this.db.get('SELECT * FROM watches WHERE id = ?', [id]) as WatchRow | undefined;
    return row === undefined ? undefined : watchOf(row);
  }

  /** Active watches, of one guild or (null) of all, oldest first. */
  active(guildId: string | null = null): Watch[] {
    const rows = (
      guildId === null
        ? this.db.all('SELECT * FROM watches WHERE active = 1 ORDER BY id')
        : this.db.all('SELECT * FROM watches WHERE active = 1 AND guild_id = ? ORDER BY id', [guildId])
    ) as WatchRow[];
    return rows.map(watchOf);
  }

  /** Makes watches due now (/sources check). */
  pollNow(ids: readonly number[], at: string): void {
    this.db.transaction(() => {
      for (const id of ids) this.db.run('UPDATE watches SET next_poll_at = ? WHERE id = ? AND active = 1', [at, id]);
    });
  }

  /** Posts a watch has taken in, by source id. */
  seen(watchId: number): Map<string, SeenPost> {
    const rows = this.db.all('SELECT source_id, post_id, fingerprint, modified, title, url FROM watch_posts WHERE watch_id = ?',
      [watchId]) as Array<{ source_id: string; post_id: number; fingerprint: string; modified: string | null; title: string; url: string }>;
    // post_id is a bigint in PostgreSQL, which pg returns as a string.
    return new Map(rows.map((r) => [r.source_id, { sourceId: r.source_id, postId: Number(r.post_id), fingerprint: r.fingerprint, modified: r.modified, title: r.title, url: r.url }]));
  }

  /** Records a successful poll: posts, announcements, cursor and validators, all or nothing. */
  recordSuccess(watchId: number, s: PollSuccess): Watch {
    return this.db.transaction(() => {
      const upsert = `INSERT INTO watch_posts (watch_id, source_id, post_id, fingerprint, modified, title, url, first_seen_at, last_seen_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (watch_id, source_id) DO UPDATE SET fingerprint = excluded.fingerprint, modified = excluded.modified,
           title = excluded.title, url = excluded.url, last_seen_at = excluded.last_seen_at`;
      for (const p of s.posts) {
        this.db.run(upsert, [watchId, p.sourceId, p.postId, p.fingerprint, p.modified, p.title, p.url, s.at, s.at]);
      }
      for (const a of s.announcements) this.plan(watchId, a, s.at);
      if (s.recovered !== undefined) this.plan(watchId, s.recovered, s.at);
      this.db.run(`UPDATE watches SET cursor = COALESCE(?, cursor), etag = ?, last_modified = ?, last_poll_at = ?, last_success_at = ?, last_error = NULL,
             failures = 0, backed_off_at = NULL, polls = polls + 1, imported = (SELECT COUNT(*) FROM watch_posts WHERE watch_id = ?), next_poll_at = ?
           WHERE id = ?`, [s.cursor, s.etag, s.lastModified, s.at, s.at, watchId, s.nextPollAt, watchId]);
      return this.byId(watchId)!;
    });
  }

  /** Records a failed poll; `backoff` (the notice) when this failure makes the watch back off. */
  recordFailure(watchId: number, f: { at: string; error: string; nextPollAt: string; backoff?: PlannedAnnouncement }): Watch {
    return this.db.transaction(() => {
      this.db.run('UPDATE watches SET last_poll_at = ?, last_error = ?, failures = failures + 1, next_poll_at = ? WHERE id = ?', [f.at, f.error.slice(0, MAX_ERROR), f.nextPollAt, watchId]);
      if (f.backoff !== undefined) {
        this.db.run('UPDATE watches SET backed_off_at = ? WHERE id = ? AND backed_off_at IS NULL', [f.at, watchId]);
        this.plan(watchId, f.backoff, f.at);
      }
      return this.byId(watchId)!;
    });
  }

  // ------------------------------------------------------------ announcements

  /** Records an intent; an announcement with the same key already planned is left as it is. */
  private plan(watchId: number, a: PlannedAnnouncement, at: string): void {
    this.db.run(`INSERT INTO announcements (watch_id, key, kind, source_id, channel_id, thread_name, nonce, messages, status, planned_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'intent', ?) ON CONFLICT (watch_id, key) DO NOTHING`,
        [watchId, a.key, a.kind, a.sourceId ?? null, a.channelId, a.threadName ?? null, announcementNonce(watchId, a.key), JSON.stringify(a.messages), at]);
  }

  announcement(id: number): Announcement {
    const row = this.db.get('SELECT * FROM announcements WHERE id = ?', [id]) as AnnouncementRow | undefined;
    if (row === undefined) throw new Error(`announcement ${id} does not exist`);
    return announcementOf(row);
  }

  byKey(watchId: number, key: string): Announcement | undefined {
    const row = this.db.get('SELECT * FROM announcements WHERE watch_id = ? AND key = ?', [watchId, key]) as AnnouncementRow | undefined;
    return row === undefined ? undefined : announcementOf(row);
  }

  /** Announcements not finished (intent or posted), in the order they were planned. */
  pending(): Announcement[] {
    const rows = this.db.all("SELECT * FROM announcements WHERE status IN ('intent', 'posted') ORDER BY id") as AnnouncementRow[];
    return rows.map(announcementOf);
  }

  /** Announcements of a watch, oldest first (tests and diagnostics). */
  announcements(watchId: number): Announcement[] {
    const rows = this.db.all('SELECT * FROM announcements WHERE watch_id = ? ORDER BY id', [watchId]) as AnnouncementRow[];
    return rows.map(announcementOf);
  }

  recordPart(id: number, index: number, messageId: string): Announcement {
    return this.db.transaction(() => {
      // Another process may record parts of the same announcement (a lease taken over): PostgreSQL locks the row first.
      if (this.db.dialect === 'postgres') this.db.run('SELECT id FROM announcements WHERE id = ? FOR UPDATE', [id]);
      const a = this.announcement(id);
      if (index !== a.messageIds.length) throw new Error(`announcement ${id}: part ${index} recorded after ${a.messageIds.length} parts`);
      this.db.run('UPDATE announcements SET message_ids = ? WHERE id = ?', [JSON.stringify([...a.messageIds, messageId]), id]);
      return this.announcement(id);
    });
  }

  markPosted(id: number, at: string): Announcement {
    this.db.run("UPDATE announcements SET status = 'posted', posted_at = ? WHERE id = ? AND status = 'intent'", [at, id]);
    return this.announcement(id);
  }

  recordThread(id: number, threadId: string): Announcement {
    this.db.run('UPDATE announcements SET thread_id = ? WHERE id = ?', [threadId, id]);
    return this.announcement(id);
  }

  complete(id: number, at: string): Announcement {
    this.db.run("UPDATE announcements SET status = 'completed', completed_at = ?, last_error = NULL WHERE id = ? AND status IN ('intent', 'posted')", [at, id]);
    return this.announcement(id);
  }

  /** Ends an announcement that cannot or need not be posted (e.g. an update note of a post that has no thread). */
  skip(id: number, reason: string): Announcement {
    this.db.run("UPDATE announcements SET status = 'skipped', last_error = ? WHERE id = ? AND status IN ('intent', 'posted')", [reason.slice(0, MAX_ERROR), id]);
    return this.announcement(id);
  }

  recordAttemptFailure(id: number, error: string, permanent: boolean): Announcement {
    this.db.run(`UPDATE announcements SET attempts = attempts + 1, last_error = ?${permanent ? ", status = 'failed'" : ''} WHERE id = ?`, [error.slice(0, MAX_ERROR), id]);
    return this.announcement(id);
  }
}
