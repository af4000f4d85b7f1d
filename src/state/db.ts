// Opening the bot's state database: one SQLite file under the state folder,
// created and migrated on open. better-sqlite3 is synchronous, which suits
// the few small writes a digest makes and lets command handlers stay
// synchronous; WAL lets the offline console read the file while the bot runs.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { LATEST_VERSION, MIGRATIONS, type Migration } from './migrations.ts';

export type StateDb = Database.Database;

export const DB_FILE = 'archivist.db';

export type OpenResult =
  | { ok: true; db: StateDb; path: string; migratedFrom: number; version: number }
  | { ok: false; path: string; reason: 'newer' | 'unreadable'; message: string };

/** Applies the migrations the database has not had yet, each with its version bump in one transaction. */
export function migrate(db: StateDb, migrations: readonly Migration[] = MIGRATIONS): { from: number; to: number } {
  const from = db.pragma('user_version', { simple: true }) as number;
  for (const m of migrations) {
    if (m.version <= from) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return { from, to: db.pragma('user_version', { simple: true }) as number };
}

/**
 * Opens `<stateDir>/archivist.db` (or `path` itself when it ends in `.db`, or
 * `:memory:`), creating the folder and file. A file written by a newer build
 * is refused rather than guessed at: its tables may mean something else.
 */
export function openStateDb(stateDirOrFile: string): OpenResult {
  const isFile = stateDirOrFile === ':memory:' || stateDirOrFile.endsWith('.db');
  const path = isFile ? stateDirOrFile : join(stateDirOrFile, DB_FILE);
  let db: StateDb | undefined;
  try {
    if (!isFile) mkdirSync(stateDirOrFile, { recursive: true });
    db = new Database(path);
    db.pragma('journal_mode = WAL');
    // WAL with synchronous=NORMAL can lose the last commits on power loss, and
    // a lost "posted" record means a repost: FULL keeps every commit.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > LATEST_VERSION) {
      db.close();
      return {
        ok: false,
        path,
        reason: 'newer',
        message: `${path} has schema version ${version}, newer than this build knows (${LATEST_VERSION}); run a newer Archivist or move the file away`,
      };
    }
    const { from, to } = migrate(db);
    return { ok: true, db, path, migratedFrom: from, version: to };
  } catch (err) {
    db?.close();
    return { ok: false, path, reason: 'unreadable', message: `cannot open ${path}: ${err instanceof Error ? err.message : String(err)}` };
  }
}
