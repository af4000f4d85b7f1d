// The state database's schema, as an ordered list of migrations. The
// database's `PRAGMA user_version` is the number of migrations applied; each
// migration runs in its own transaction together with the version bump, so a
// crash mid-migration leaves the previous version intact. Never edit a
// migration that has shipped: add the next one.
//
// What is kept and why (issue 5, the daily digest):
// - subscriptions: which channel gets a digest, at what local time and zone,
//   narrowed by which saved query. One per channel; unsubscribing keeps the
//   row (active = 0) because its runs refer to it.
// - digest_runs: one row per subscription and local date, the unit of
//   "exactly once". The intent is written before anything is posted, with the
//   deterministic nonce and the exact messages to post, so a restart resumes
//   the same post instead of building a different one.
// - fingerprints: what each subscription has already reported, so "new" and
//   "changed" are computed from the records themselves, not from dates.
//
// Issue 13, watching WordPress sites (src/sources/watcher.ts):
// - watches: a site's posts endpoint polled for a channel, with its cursor
//   (latest `modified` seen), conditional-request validators, last success,
//   last error, failures in a row and when it backed off. Removing keeps the
//   row (active = 0): its posts and announcements refer to it.
// - watch_posts: each post a watch has taken in, with the fingerprint of its
//   content, so "new" and "updated" come from the store, not from whether a
//   file happened to be written before a crash.
// - announcements: the outbox of messages a watch posts (a new post with its
//   thread, a note in that thread for an edit, a summary, a back-off notice),
//   each written as an intent with its nonce and exact text before anything
//   is sent, in the same transaction that advances the cursor.
//
// Issue 14, curation in Discord (src/drafts/service.ts):
// - drafts: a record drafted from a source (the full record JSON as submitted,
//   validated), who drafted it and when, its review (approved or rejected, by
//   whom, when, the reason), and the records it looked like a duplicate of
//   when it was submitted. An approved draft's record is also written as a
//   file under STATE_DIR/curated (served with data/ until exported).
// - drafts.drafted_by_name / reviewed_by_name (version 5): the member's name
//   as Discord showed it when they drafted or reviewed, kept beside the id so
//   /record and /draft list name people readably without pinging them.
//
// Issue 17, several bot processes sharing one store (src/state/memory.ts), version 6:
// - conversations: the last question understood in a thread (JSON), so a
//   follow-up is read against it whichever process receives it; bounded and
//   forgotten after a time to live, least recently used first.
// - paging_entries: what a Prev/Next button needs that does not fit in its
//   custom id: the options of a long query ('options') and the reply of a
//   command that must not run again ('view', the View as JSON). Bounded per
//   kind, least recently used first.
// - opened_threads: the question threads the bot opened, where a follow-up
//   needs no mention; bounded, with the conversations' time to live.
// PostgreSQL has the same tables (src/db/pg-migrations.ts).

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'subscriptions, digest runs, reported fingerprints',
    sql: `
      CREATE TABLE subscriptions (
        id          INTEGER PRIMARY KEY,
        guild_id    TEXT NOT NULL,
        channel_id  TEXT NOT NULL UNIQUE,
        time        TEXT NOT NULL CHECK (time GLOB '[0-2][0-9]:[0-5][0-9]'),
        timezone    TEXT NOT NULL,
        query       TEXT NOT NULL DEFAULT '',
        created_by  TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
      );
      CREATE INDEX subscriptions_guild ON subscriptions (guild_id);

      CREATE TABLE digest_runs (
        id               INTEGER PRIMARY KEY,
        subscription_id  INTEGER NOT NULL REFERENCES subscriptions (id),
        local_date       TEXT NOT NULL,
        status           TEXT NOT NULL CHECK (status IN ('intent', 'posted', 'completed', 'skipped')),
        nonce            TEXT NOT NULL,
        message_ids      TEXT NOT NULL DEFAULT '[]',
        thread_id        TEXT,
        covered          TEXT NOT NULL DEFAULT '[]',
        planned_at       TEXT NOT NULL,
        posted_at        TEXT,
        completed_at     TEXT,
        UNIQUE (subscription_id, local_date)
      );

      CREATE TABLE fingerprints (
        subscription_id    INTEGER NOT NULL REFERENCES subscriptions (id),
        record_id          TEXT NOT NULL,
        fingerprint        TEXT NOT NULL,
        first_reported_at  TEXT NOT NULL,
        PRIMARY KEY (subscription_id, record_id)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    description: 'resumable runs (messages, attempts, failed), channel names, last reported',
    // SQLite cannot change a CHECK constraint in place, so digest_runs is
    // rebuilt (create, copy, drop, rename) to allow the 'failed' status.
    sql: `
      ALTER TABLE subscriptions ADD COLUMN channel_name TEXT;
      -- When the current settings took effect: scheduled instants before it are not owed a digest.
      ALTER TABLE subscriptions ADD COLUMN active_since TEXT;
      UPDATE subscriptions SET active_since = created_at;

      CREATE TABLE digest_runs_v2 (
        id               INTEGER PRIMARY KEY,
        subscription_id  INTEGER NOT NULL REFERENCES subscriptions (id),
        local_date       TEXT NOT NULL,
        status           TEXT NOT NULL CHECK (status IN ('intent', 'posted', 'completed', 'skipped', 'failed')),
        nonce            TEXT NOT NULL,
        -- The message contents to post, fixed when the intent is recorded.
        messages         TEXT NOT NULL DEFAULT '[]',
        message_ids      TEXT NOT NULL DEFAULT '[]',
        thread_id        TEXT,
        covered          TEXT NOT NULL DEFAULT '[]',
        planned_at       TEXT NOT NULL,
        posted_at        TEXT,
        completed_at     TEXT,
        attempts         INTEGER NOT NULL DEFAULT 0,
        last_error       TEXT,
        UNIQUE (subscription_id, local_date)
      );
      INSERT INTO digest_runs_v2
        (id, subscription_id, local_date, status, nonce, message_ids, thread_id, covered, planned_at, posted_at, completed_at)
        SELECT id, subscription_id, local_date, status, nonce, message_ids, thread_id, covered, planned_at, posted_at, completed_at
        FROM digest_runs;
      DROP TABLE digest_runs;
      ALTER TABLE digest_runs_v2 RENAME TO digest_runs;

      ALTER TABLE fingerprints ADD COLUMN last_reported_at TEXT;
      UPDATE fingerprints SET last_reported_at = first_reported_at;
    `,
  },
  {
    version: 3,
    description: 'watched WordPress sites, the posts they took in, and their announcements',
    sql: `
      CREATE TABLE watches (
        id              INTEGER PRIMARY KEY,
        guild_id        TEXT NOT NULL,
        channel_id      TEXT NOT NULL,
        channel_name    TEXT,
        -- The wp/v2/posts URL polled (the user's own filters kept), and its host for display.
        endpoint        TEXT NOT NULL,
        site            TEXT NOT NULL,
        every_minutes   INTEGER NOT NULL CHECK (every_minutes >= 5),
        query           TEXT NOT NULL DEFAULT '',
        created_by      TEXT NOT NULL,
        created_at      TEXT NOT NULL,
        active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        -- The latest 'modified' value seen (the site's local time, as WordPress gives it).
        cursor          TEXT,
        etag            TEXT,
        last_modified   TEXT,
        next_poll_at    TEXT NOT NULL,
        last_poll_at    TEXT,
        last_success_at TEXT,
        last_error      TEXT,
        failures        INTEGER NOT NULL DEFAULT 0,
        backed_off_at   TEXT,
        -- Successful polls so far: the first one takes in the back catalogue silently.
        polls           INTEGER NOT NULL DEFAULT 0,
        imported        INTEGER NOT NULL DEFAULT 0
      );
      CREATE UNIQUE INDEX watches_channel_endpoint ON watches (channel_id, endpoint) WHERE active = 1;
      CREATE INDEX watches_guild ON watches (guild_id);

      CREATE TABLE watch_posts (
        watch_id      INTEGER NOT NULL REFERENCES watches (id),
        source_id     TEXT NOT NULL,
        post_id       INTEGER NOT NULL,
        fingerprint   TEXT NOT NULL,
        modified      TEXT,
        title         TEXT NOT NULL,
        url           TEXT NOT NULL,
        first_seen_at TEXT NOT NULL,
        last_seen_at  TEXT NOT NULL,
        PRIMARY KEY (watch_id, source_id)
      ) WITHOUT ROWID;

      CREATE TABLE announcements (
        id            INTEGER PRIMARY KEY,
        watch_id      INTEGER NOT NULL REFERENCES watches (id),
        -- Unique per watch: 'new:<source>', 'update:<source>:<fingerprint>', 'summary:<at>', 'backoff:<at>', 'recovered:<at>'.
        key           TEXT NOT NULL,
        kind          TEXT NOT NULL CHECK (kind IN ('announce', 'update', 'summary', 'backoff', 'recovered')),
        source_id     TEXT,
        -- Where it goes; NULL for an update note, which goes to the thread of the post's announcement.
        channel_id    TEXT,
        thread_name   TEXT,
        nonce         TEXT NOT NULL,
        messages      TEXT NOT NULL,
        message_ids   TEXT NOT NULL DEFAULT '[]',
        thread_id     TEXT,
        status        TEXT NOT NULL CHECK (status IN ('intent', 'posted', 'completed', 'failed', 'skipped')),
        attempts      INTEGER NOT NULL DEFAULT 0,
        last_error    TEXT,
        planned_at    TEXT NOT NULL,
        posted_at     TEXT,
        completed_at  TEXT,
        UNIQUE (watch_id, key)
      );
      CREATE INDEX announcements_pending ON announcements (status) WHERE status IN ('intent', 'posted');
    `,
  },
  {
    version: 4,
    description: 'drafted records and their review',
    sql: `
      CREATE TABLE drafts (
        id           INTEGER PRIMARY KEY,
        guild_id     TEXT,
        channel_id   TEXT,
        source_id    TEXT NOT NULL,
        passage      INTEGER,
        kind         TEXT NOT NULL CHECK (kind IN ('incident', 'publication')),
        record_id    TEXT NOT NULL,
        record       TEXT NOT NULL,
        status       TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
        drafted_by   TEXT NOT NULL,
        drafted_at   TEXT NOT NULL,
        reviewed_by  TEXT,
        reviewed_at  TEXT,
        reason       TEXT,
        duplicates   TEXT NOT NULL DEFAULT '[]'
      );
      CREATE INDEX drafts_status ON drafts (status);
      CREATE INDEX drafts_record ON drafts (record_id);
    `,
  },
  {
    version: 5,
    description: 'names of who drafted and reviewed a draft',
    sql: `
      ALTER TABLE drafts ADD COLUMN drafted_by_name TEXT;
      ALTER TABLE drafts ADD COLUMN reviewed_by_name TEXT;
    `,
  },
  {
    version: 6,
    description: 'conversation memory and kept paging state, shared by every process',
    sql: `
      CREATE TABLE conversations (
        thread_id   TEXT PRIMARY KEY,
        understood  TEXT NOT NULL,
        -- Milliseconds since the epoch of the last use.
        used_at     INTEGER NOT NULL
      );
      CREATE INDEX conversations_used ON conversations (used_at);

      CREATE TABLE paging_entries (
        kind     TEXT NOT NULL CHECK (kind IN ('options', 'view')),
        key      TEXT NOT NULL,
        value    TEXT NOT NULL,
        used_at  INTEGER NOT NULL,
        PRIMARY KEY (kind, key)
      );
      CREATE INDEX paging_entries_used ON paging_entries (kind, used_at);

      CREATE TABLE opened_threads (
        thread_id  TEXT PRIMARY KEY,
        used_at    INTEGER NOT NULL
      );
      CREATE INDEX opened_threads_used ON opened_threads (used_at);
    `,
  },
  {
    // Issue 17, several processes (src/jobs/lease.ts): who works on which job
    // (a digest run, a source poll, an announcement) until when. Kept in
    // SQLite too so the runners have one way through, though one process
    // uses a SQLite file.
    version: 7,
    description: 'job leases',
    sql: `
      CREATE TABLE job_leases (
        job          TEXT PRIMARY KEY,
        holder       TEXT NOT NULL,
        -- Goes up by one at each takeover.
        fence        INTEGER NOT NULL,
        -- Milliseconds since the epoch.
        acquired_at  INTEGER NOT NULL,
        expires_at   INTEGER NOT NULL
      );
    `,
  },
];

/** The schema version this build writes. */
export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
