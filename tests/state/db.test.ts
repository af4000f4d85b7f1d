// Opening and migrating the state database: a file written by the first
// version is brought up to date with its data intact, reopening is a no-op,
// and a file from a newer build is refused instead of misread.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DB_FILE, migrate, openStateDb, type StateDb } from '../../src/state/db.ts';
import { LATEST_VERSION, MIGRATIONS } from '../../src/state/migrations.ts';
import { DigestStore } from '../../src/state/store.ts';
import { tempStateDir } from '../digest/helpers.ts';

let tmp: ReturnType<typeof tempStateDir>;
const opened: StateDb[] = [];

beforeEach(() => {
  tmp = tempStateDir();
});
afterEach(() => {
  for (const db of opened.splice(0)) if (db.open) db.close();
  tmp.cleanup();
});

function open(path: string): StateDb {
  const r = openStateDb(path);
  if (!r.ok) throw new Error(r.message);
  opened.push(r.db);
  return r.db;
}

/** The version 1 schema as it shipped, written by hand so the test does not depend on MIGRATIONS[0]. */
function writeVersion1(path: string): void {
  const db = new Database(path);
  db.exec(`
    CREATE TABLE subscriptions (
      id INTEGER PRIMARY KEY, guild_id TEXT NOT NULL, channel_id TEXT NOT NULL UNIQUE,
      time TEXT NOT NULL CHECK (time GLOB '[0-2][0-9]:[0-5][0-9]'), timezone TEXT NOT NULL,
      query TEXT NOT NULL DEFAULT '', created_by TEXT NOT NULL, created_at TEXT NOT NULL,
      active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)));
    CREATE INDEX subscriptions_guild ON subscriptions (guild_id);
    CREATE TABLE digest_runs (
      id INTEGER PRIMARY KEY, subscription_id INTEGER NOT NULL REFERENCES subscriptions (id), local_date TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('intent', 'posted', 'completed', 'skipped')), nonce TEXT NOT NULL,
      message_ids TEXT NOT NULL DEFAULT '[]', thread_id TEXT, covered TEXT NOT NULL DEFAULT '[]',
      planned_at TEXT NOT NULL, posted_at TEXT, completed_at TEXT, UNIQUE (subscription_id, local_date));
    CREATE TABLE fingerprints (
      subscription_id INTEGER NOT NULL REFERENCES subscriptions (id), record_id TEXT NOT NULL,
      fingerprint TEXT NOT NULL, first_reported_at TEXT NOT NULL, PRIMARY KEY (subscription_id, record_id)) WITHOUT ROWID;
    INSERT INTO subscriptions (guild_id, channel_id, time, timezone, query, created_by, created_at)
      VALUES ('g1', 'c1', '08:00', 'Europe/London', 'place:kabul', 'u1', '2026-01-01T00:00:00.000Z');
    INSERT INTO digest_runs (subscription_id, local_date, status, nonce, message_ids, thread_id, covered, planned_at, posted_at, completed_at)
      VALUES (1, '2026-01-02', 'completed', 'd1-20260102', '["m1","m2"]', 't1', '[{"id":"r1","fingerprint":"f1"}]',
              '2026-01-02T08:00:00.000Z', '2026-01-02T08:00:01.000Z', '2026-01-02T08:00:02.000Z');
    INSERT INTO fingerprints VALUES (1, 'r1', 'f1', '2026-01-02T08:00:02.000Z');
  `);
  db.pragma('user_version = 1');
  db.close();
}

describe('openStateDb', () => {
  it('GIVEN a missing state folder THEN it is created with the database at the latest version, in WAL mode', () => {
    const dir = join(tmp.dir, 'nested', 'var');
    const r = openStateDb(dir);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    opened.push(r.db);
    expect(r.path).toBe(join(dir, DB_FILE));
    expect(existsSync(r.path)).toBe(true);
    expect(r.migratedFrom).toBe(0);
    expect(r.version).toBe(LATEST_VERSION);
    expect(r.db.pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('GIVEN a version 1 file with data WHEN opened THEN it migrates to the latest version and keeps every row', () => {
    const path = join(tmp.dir, 'old.db');
    writeVersion1(path);
    const r = openStateDb(path);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    opened.push(r.db);
    expect(r.migratedFrom).toBe(1);
    expect(r.version).toBe(LATEST_VERSION);

    const store = new DigestStore(r.db);
    const sub = store.byChannel('c1');
    expect(sub).toMatchObject({ guildId: 'g1', time: '08:00', timezone: 'Europe/London', query: 'place:kabul', active: true });
    // New column filled from the old data: the settings took effect when created.
    expect(sub?.activeSince).toBe('2026-01-01T00:00:00.000Z');
    const run = store.run(sub!.id, '2026-01-02');
    expect(run).toMatchObject({ status: 'completed', messageIds: ['m1', 'm2'], threadId: 't1', attempts: 0, messages: [] });
    expect(run?.covered).toEqual([{ id: 'r1', fingerprint: 'f1' }]);
    expect(store.fingerprints(sub!.id)).toEqual(new Map([['r1', 'f1']]));
    // The rebuilt runs table accepts the status version 1 could not hold.
    expect(store.recordFailure(run!.id, 'gone', true).status).toBe('failed');
  });

  it('GIVEN a migrated file WHEN opened again THEN nothing is re-applied and data stays', () => {
    const path = join(tmp.dir, 'old.db');
    writeVersion1(path);
    open(path).close();
    const r = openStateDb(path);
    expect(r.ok && r.migratedFrom).toBe(LATEST_VERSION);
    if (r.ok) {
      opened.push(r.db);
      expect(new DigestStore(r.db).byChannel('c1')?.guildId).toBe('g1');
    }
  });

  it('GIVEN a file from a newer build THEN it is refused with a message naming both versions', () => {
    const path = join(tmp.dir, 'new.db');
    const db = new Database(path);
    db.pragma(`user_version = ${LATEST_VERSION + 1}`);
    db.close();
    const r = openStateDb(path);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toBe('newer');
      expect(r.message).toContain(String(LATEST_VERSION + 1));
      expect(r.message).toContain(String(LATEST_VERSION));
    }
  });

  it('GIVEN a file that is not a database THEN a typed failure, not a throw', async () => {
    const path = join(tmp.dir, 'junk.db');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path, 'this is not sqlite, just text long enough to have a header'.repeat(20));
    const r = openStateDb(path);
    expect(r).toMatchObject({ ok: false, reason: 'unreadable' });
  });

  it('GIVEN a migration that fails halfway THEN the version and earlier tables are untouched', () => {
    const db = new Database(':memory:');
    migrate(db, MIGRATIONS.slice(0, 1));
    const broken = [...MIGRATIONS.slice(0, 1), { version: 2, description: 'broken', sql: 'ALTER TABLE subscriptions ADD COLUMN x TEXT; SELECT * FROM nowhere;' }];
    expect(() => migrate(db, broken)).toThrow();
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    const columns = (db.prepare('PRAGMA table_info(subscriptions)').all() as Array<{ name: string }>).map((c) => c.name);
    expect(columns).not.toContain('x');
    db.close();
  });
});
