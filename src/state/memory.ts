// What the Discord transport used to keep in process memory and must share
// between processes once the bot runs as several (issue 17): the last
// question understood in each thread (follow-ups), the threads the bot opened
// (a follow-up there needs no mention), and what Prev/Next buttons need that
// does not fit in their custom id (a long query's options; the reply of a
// command that must not run again). Tables: conversations, opened_threads,
// paging_entries (src/state/migrations.ts version 5; src/db/pg-migrations.ts).
//
// Each is bounded like the in-memory version it replaces: at most `max`
// entries, least recently used forgotten first (ties, which only a frozen
// clock makes, by key), and the conversations and opened threads also after
// a time to live. Clocks are milliseconds, passed in so tests control them.
import type Database from 'better-sqlite3';
import type { ConversationMemory } from '../core/ask/conversation.ts';
import { DEFAULT_MAX_THREADS, DEFAULT_TTL_MS } from '../core/ask/conversation.ts';
import type { Understood } from '../core/ask/types.ts';
import { sqlPort, type SqlPort, type SqlValue } from '../db/sql.ts';

export interface MemoryOptions {
  /** Entries kept at most (default: 500 threads; 1000 paging entries of each kind). */
  max?: number;
  /** Time to live in ms after the last use (conversations and opened threads; default 24 h). */
  ttlMs?: number;
  now?: () => number;
}

function positiveWhole(name: string, n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${name} must be a whole number >= 1, got ${n}`);
  return n;
}

/**
 * One bounded LRU table: `key` (with a fixed `kind` when the table holds
 * several), an optional JSON/text value and `used_at`.
 */
class LruTable {
  readonly #db: SqlPort;
  readonly #table: string;
  readonly #keyColumn: string;
  readonly #valueColumn: string | null;
  readonly #kind: string | null;
  readonly #max: number;

  constructor(db: SqlPort, spec: { table: string; key: string; value: string | null; kind?: string; max: number }) {
    this.#db = db;
    this.#table = spec.table;
    this.#keyColumn = spec.key;
    this.#valueColumn = spec.value;
    this.#kind = spec.kind ?? null;
    this.#max = positiveWhole('max', spec.max);
  }

  /** `AND kind = ?` and its parameter when the table is shared by kinds. */
  #scope(): { sql: string; params: SqlValue[] } {
    return this.#kind === null ? { sql: '', params: [] } : { sql: ' AND kind = ?', params: [this.#kind] };
  }

  read(key: string): { value: string | null; usedAt: number } | undefined {
    const scope = this.#scope();
    const row = this.#db.get<{ value: string | null; used_at: number | string }>(
      `SELECT ${this.#valueColumn ?? 'NULL'} AS value, used_at FROM ${this.#table} WHERE ${this.#keyColumn} = ?${scope.sql}`,
      [key, ...scope.params],
    );
    // used_at is a bigint in PostgreSQL, which pg returns as a string.
    return row === undefined ? undefined : { value: row.value, usedAt: Number(row.used_at) };
  }

  touch(key: string, at: number): void {
    const scope = this.#scope();
    this.#db.run(`UPDATE ${this.#table} SET used_at = ? WHERE ${this.#keyColumn} = ?${scope.sql}`, [at, key, ...scope.params]);
  }

  write(key: string, value: string | null, at: number): void {
    const columns = [...(this.#kind !== null ? ['kind'] : []), this.#keyColumn, ...(this.#valueColumn !== null ? [this.#valueColumn] : []), 'used_at'];
    const params: SqlValue[] = [...(this.#kind !== null ? [this.#kind] : []), key, ...(this.#valueColumn !== null ? [value] : []), at];
    const conflict = this.#kind !== null ? `kind, ${this.#keyColumn}` : this.#keyColumn;
    const updates = [...(this.#valueColumn !== null ? [`${this.#valueColumn} = excluded.${this.#valueColumn}`] : []), 'used_at = excluded.used_at'];
    this.#db.transaction(() => {
      this.#db.run(
        `INSERT INTO ${this.#table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})
         ON CONFLICT (${conflict}) DO UPDATE SET ${updates.join(', ')}`,
        params,
      );
      this.#prune();
    });
  }

  delete(key: string): boolean {
    const scope = this.#scope();
    return this.#db.run(`DELETE FROM ${this.#table} WHERE ${this.#keyColumn} = ?${scope.sql}`, [key, ...scope.params]).changes > 0;
  }

  /** Forgets what was last used before `before`. */
  expire(before: number): void {
    const scope = this.#scope();
    this.#db.run(`DELETE FROM ${this.#table} WHERE used_at < ?${scope.sql}`, [before, ...scope.params]);
  }

  count(): number {
    const scope = this.#scope();
    const row = this.#db.get<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${this.#table} WHERE 1 = 1${scope.sql}`, scope.params);
    return Number(row?.n ?? 0);
  }

  #prune(): void {
    if (this.count() <= this.#max) return;
    const scope = this.#scope();
    this.#db.run(
      `DELETE FROM ${this.#table} WHERE 1 = 1${scope.sql} AND ${this.#keyColumn} NOT IN (
         SELECT ${this.#keyColumn} FROM ${this.#table} WHERE 1 = 1${scope.sql} ORDER BY used_at DESC, ${this.#keyColumn} DESC LIMIT ?)`,
      [...scope.params, ...scope.params, this.#max],
    );
  }
}

/** The last question understood in each thread, in the state store. */
export class StoredConversations implements ConversationMemory {
  readonly #lru: LruTable;
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(db: SqlPort | Database.Database, opts: MemoryOptions = {}) {
    this.#lru = new LruTable(sqlPort(db), { table: 'conversations', key: 'thread_id', value: 'understood', max: opts.max ?? DEFAULT_MAX_THREADS });
    this.#ttlMs = opts.ttlMs ?? DEFAULT_TTL_MS;
    if (!(this.#ttlMs > 0)) throw new RangeError(`ttlMs must be > 0, got ${this.#ttlMs}`);
    this.#now = opts.now ?? Date.now;
  }

  /** The last question understood in the thread, if still remembered. Counts as a use. */
  get(threadId: string): Understood | undefined {
    const now = this.#now();
    const found = this.#lru.read(threadId);
    if (found === undefined || found.value === null) return undefined;
    if (now - found.usedAt > this.#ttlMs) {
      this.#lru.delete(threadId);
      return undefined;
    }
    this.#lru.touch(threadId, now);
    return JSON.parse(found.value) as Understood;
  }

  set(threadId: string, understood: Understood): void {
    const now = this.#now();
    this.#lru.expire(now - this.#ttlMs);
    this.#lru.write(threadId, JSON.stringify(understood), now);
  }

  delete(threadId: string): boolean {
    return this.#lru.delete(threadId);
  }

  /** Threads remembered now (expired ones dropped first). */
  get size(): number {
    this.#lru.expire(this.#now() - this.#ttlMs);
    return this.#lru.count();
  }
}

/** The question threads the bot opened, in the state store. */
export class StoredOpenedThreads {
  readonly #lru: LruTable;
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(db: SqlPort | Database.Database, opts: MemoryOptions = {}) {
    this.#lru = new LruTable(sqlPort(db), { table: 'opened_threads', key: 'thread_id', value: null, max: opts.max ?? DEFAULT_MAX_THREADS });
    this.#ttlMs = opts.ttlMs ?? DEFAULT_TTL_MS;
    if (!(this.#ttlMs > 0)) throw new RangeError(`ttlMs must be > 0, got ${this.#ttlMs}`);
    this.#now = opts.now ?? Date.now;
  }

  has(id: string): boolean {
    const found = this.#lru.read(id);
    if (found === undefined) return false;
    if (this.#now() - found.usedAt > this.#ttlMs) {
      this.#lru.delete(id);
      return false;
    }
    return true;
  }

  touch(id: string): void {
    const now = this.#now();
    this.#lru.expire(now - this.#ttlMs);
    this.#lru.write(id, null, now);
  }
}

/** Paging's memory (src/discord/paging.ts PagingMemory) in the state store: kept across restarts and processes. */
export class StoredPagingMemory {
  readonly persistent = true;
  readonly #options: LruTable;
  readonly #views: LruTable;
  readonly #now: () => number;

  constructor(db: SqlPort | Database.Database, opts: Omit<MemoryOptions, 'ttlMs'> = {}) {
    const port = sqlPort(db);
    const max = opts.max ?? 1000;
    this.#options = new LruTable(port, { table: 'paging_entries', kind: 'options', key: 'key', value: 'value', max });
    this.#views = new LruTable(port, { table: 'paging_entries', kind: 'view', key: 'key', value: 'value', max });
    this.#now = opts.now ?? Date.now;
  }

  remember(key: string, value: string): void {
    this.#options.write(key, value, this.#now());
  }

  recall(key: string): string | undefined {
    const found = this.#options.read(key);
    if (found === undefined || found.value === null) return undefined;
    this.#options.touch(key, this.#now());
    return found.value;
  }

  /** Keeps a View (plain data) as JSON. */
  keep(key: string, view: unknown): void {
    this.#views.write(key, JSON.stringify(view), this.#now());
  }

  kept(key: string): unknown {
    const found = this.#views.read(key);
    if (found === undefined || found.value === null) return undefined;
    this.#views.touch(key, this.#now());
    return JSON.parse(found.value) as unknown;
  }
}
