// The state stores' one way to reach a database: a small synchronous SQL port
// with two drivers, better-sqlite3 (the default, a file under STATE_DIR) and
// PostgreSQL (DATABASE_URL, through the synchronous SyncPg bridge in
// src/db/pg-sync.ts). The stores (src/state/*) are written once against this
// port instead of twice against two libraries: their SQL is the common subset
// both engines speak (INSERT ... ON CONFLICT, RETURNING, partial indexes,
// excluded.*), written with `?` placeholders; the PostgreSQL driver numbers
// them ($1, $2, ...). Where the dialects differ the store asks `dialect`.
//
// Values crossing the port are strings, numbers and null: timestamps are ISO
// strings, flags are 0/1 integers, lists are JSON text, in both engines, so a
// row reads the same whichever database it came from.
import Database from 'better-sqlite3';

export type SqlValue = string | number | null;
export type Dialect = 'sqlite' | 'postgres';

export interface SqlPort {
  readonly dialect: Dialect;
  /** False once closed. */
  readonly open: boolean;
  /** All rows of a query. */
  all<T>(sql: string, params?: readonly SqlValue[]): T[];
  /** The first row of a query, or undefined. */
  get<T>(sql: string, params?: readonly SqlValue[]): T | undefined;
  /** Runs a statement; `changes` is the number of rows it inserted, updated or deleted. */
  run(sql: string, params?: readonly SqlValue[]): { changes: number };
  /** Runs `fn` in one transaction (a nested call is a savepoint): all of it, or nothing when it throws. */
  transaction<T>(fn: () => T): T;
  close(): void;
}

/** better-sqlite3 behind the port; statements are prepared once and cached by their text. */
export class SqliteSql implements SqlPort {
  readonly dialect = 'sqlite' as const;
  readonly db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();

  constructor(db: Database.Database) {
    this.db = db;
  }

  get open(): boolean {
    return this.db.open;
  }

  #prepare(sql: string): Database.Statement {
    let stmt = this.#statements.get(sql);
    if (stmt === undefined) {
      stmt = this.db.prepare(sql);
      this.#statements.set(sql, stmt);
    }
    return stmt;
  }

  all<T>(sql: string, params: readonly SqlValue[] = []): T[] {
    return this.#prepare(sql).all(...params) as T[];
  }

  get<T>(sql: string, params: readonly SqlValue[] = []): T | undefined {
    return this.#prepare(sql).get(...params) as T | undefined;
  }

  run(sql: string, params: readonly SqlValue[] = []): { changes: number } {
    return { changes: this.#prepare(sql).run(...params).changes };
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** A store's constructor takes the port, or (as before the port) a better-sqlite3 database, which it wraps. */
export function sqlPort(db: SqlPort | Database.Database): SqlPort {
  return db instanceof Database ? new SqliteSql(db) : db;
}

/**
 * `?` placeholders numbered for PostgreSQL ($1, $2, ...). Question marks inside
 * quoted strings, quoted identifiers and comments are left alone.
 */
export function numberPlaceholders(sql: string): string {
  let out = '';
  let n = 0;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === "'" || c === '"') {
      const end = sql.indexOf(c, i + 1);
      const stop = end === -1 ? sql.length : end + 1;
      out += sql.slice(i, stop);
      i = stop;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop;
    } else if (c === '?') {
      n += 1;
      out += `$${n}`;
      i += 1;
    } else {
      out += c;
      i += 1;
    }
  }
  return out;
}
