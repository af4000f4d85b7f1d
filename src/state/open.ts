// Opening the state store the configuration names: PostgreSQL when
// DATABASE_URL is set, else the SQLite file under STATE_DIR (as before). Both
// are migrated on open and handed to the stores through the same SQL port
// (src/db/sql.ts), so nothing above this file knows which one it has.
import { describeDatabaseUrl } from '../config.ts';
import { NewerSchemaError, migratePg } from '../db/pg-migrate.ts';
import { PgSql } from '../db/pg-sql.ts';
import { SyncPg } from '../db/pg-sync.ts';
import { SqliteSql, type SqlPort } from '../db/sql.ts';
import { openStateDb } from './db.ts';

export type OpenedState =
  | {
      ok: true;
      sql: SqlPort;
      /** The file, or the server URL without its password. */
      where: string;
      migratedFrom: number;
      version: number;
    }
  | {
      ok: false;
      where: string;
      /** newer: written by a newer build; unreadable: the file cannot be opened; unreachable: the server cannot be used. */
      reason: 'newer' | 'unreadable' | 'unreachable';
      message: string;
      /** What to change, one clause. */
      fix: string;
    };

export interface StateLocation {
  stateDir: string;
  /** The PostgreSQL URL (DATABASE_URL), revealed; absent for SQLite. */
  databaseUrl?: string;
  /** How long one PostgreSQL call may take before it fails (ms). */
  timeoutMs?: number;
  applicationName?: string;
}

export function openStateStore(location: StateLocation): OpenedState {
  if (location.databaseUrl === undefined) return openSqlite(location.stateDir);
  return openPostgres(location.databaseUrl, location);
}

function openSqlite(stateDir: string): OpenedState {
  const opened = openStateDb(stateDir);
  if (!opened.ok) {
    return {
      ok: false,
      where: opened.path,
      reason: opened.reason,
      message: opened.message,
      fix:
        opened.reason === 'newer'
          ? 'run the newer version of the bot that wrote it, or point STATE_DIR at another folder'
          : 'check that STATE_DIR is a writable folder and the file is not damaged (move it aside to start afresh; subscriptions are then lost)',
    };
  }
  return { ok: true, sql: new SqliteSql(opened.db), where: opened.path, migratedFrom: opened.migratedFrom, version: opened.version };
}

function openPostgres(url: string, location: StateLocation): OpenedState {
  const where = describeDatabaseUrl(url);
  let pg: SyncPg | undefined;
  try {
    pg = SyncPg.connect(url, {
      applicationName: location.applicationName ?? 'archivist',
      ...(location.timeoutMs !== undefined ? { timeoutMs: location.timeoutMs } : {}),
    });
    const { from, to } = migratePg(pg);
    return { ok: true, sql: new PgSql(pg), where, migratedFrom: from, version: to };
  } catch (err) {
    try {
      pg?.close();
    } catch {
      // Closing a connection that never opened: nothing to add to the first error.
    }
    if (err instanceof NewerSchemaError) {
      return {
        ok: false,
        where,
        reason: 'newer',
        message: `${where}: ${err.message}`,
        fix: 'run the newer version of the bot that migrated it, or point DATABASE_URL at another database',
      };
    }
    const detail = err instanceof Error ? err.message : String(err);
    // The driver's message may quote the URL; never the password.
    const safe = redactPassword(detail, url);
    return {
      ok: false,
      where,
      reason: 'unreachable',
      message: `cannot use ${where}: ${safe}`,
      fix: 'check DATABASE_URL (host, port, user, password, database name), that the server runs and accepts connections from here, and that the user may create tables in that database',
    };
  }
}

function redactPassword(text: string, url: string): string {
  let password = '';
  try {
    password = decodeURIComponent(new URL(url).password);
  } catch {
    return text;
  }
  return password === '' ? text : text.split(password).join('[redacted]');
}
