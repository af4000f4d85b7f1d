// PostgreSQL behind the state stores' SQL port (src/db/sql.ts), over the
// synchronous bridge (src/db/pg-sync.ts: `pg` in a worker thread, the caller
// blocks until the answer comes). The stores write `?` placeholders; they are
// numbered here once per statement text and cached.
import { numberPlaceholders, type SqlPort, type SqlValue } from './sql.ts';

/** What the driver needs of the bridge (SyncPg has it). */
export interface SyncPgLike {
  query<T>(sql: string, params?: unknown[]): { rows: T[]; rowCount: number };
  transaction<T>(fn: () => T): T;
  close(): void;
}

export class PgSql implements SqlPort {
  readonly dialect = 'postgres' as const;
  readonly pg: SyncPgLike;
  readonly #texts = new Map<string, string>();
  #open = true;

  constructor(pg: SyncPgLike) {
    this.pg = pg;
  }

  get open(): boolean {
    return this.#open;
  }

  #text(sql: string): string {
    let text = this.#texts.get(sql);
    if (text === undefined) {
      text = numberPlaceholders(sql);
      this.#texts.set(sql, text);
    }
    return text;
  }

  all<T>(sql: string, params: readonly SqlValue[] = []): T[] {
    return this.pg.query<T>(this.#text(sql), [...params]).rows;
  }

  get<T>(sql: string, params: readonly SqlValue[] = []): T | undefined {
    return this.pg.query<T>(this.#text(sql), [...params]).rows[0];
  }

  run(sql: string, params: readonly SqlValue[] = []): { changes: number } {
    return { changes: this.pg.query(this.#text(sql), [...params]).rowCount ?? 0 };
  }

  transaction<T>(fn: () => T): T {
    return this.pg.transaction(fn);
  }

  close(): void {
    if (!this.#open) return;
    this.#open = false;
    this.pg.close();
  }
}
