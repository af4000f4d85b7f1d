// Copying the state from one store to another (SQLite -> PostgreSQL when a
// bot moves to DATABASE_URL, or back): every state table, row by row, in one
// transaction on the destination, parents before children. The tables have
// the same names and columns in both (src/state/migrations.ts,
// src/db/pg-migrations.ts), so a row is copied column for column. The
// destination must hold no state yet: merging two histories could post a
// digest twice. Identity counters in PostgreSQL are moved past the copied ids.
import type { SqlPort, SqlValue } from '../db/sql.ts';

/** The state tables, parents before the tables that refer to them. */
export const STATE_TABLES = [
  'subscriptions',
  'digest_runs',
  'fingerprints',
  'watches',
  'watch_posts',
  'announcements',
  'drafts',
  'conversations',
  'paging_entries',
  'opened_threads',
] as const;

/** Tables whose `id` the database assigns. */
const IDENTITY_TABLES = new Set<string>(['subscriptions', 'digest_runs', 'watches', 'announcements', 'drafts']);

export class StateNotEmptyError extends Error {
  readonly tables: string[];
  constructor(tables: string[]) {
    super(`the destination already holds state (${tables.join(', ')}); copy into an empty database`);
    this.name = 'StateNotEmptyError';
    this.tables = tables;
  }
}

/** Rows copied per table, in STATE_TABLES order. */
export type CopyReport = Array<{ table: string; rows: number }>;

function count(db: SqlPort, table: string): number {
  return Number(db.get<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${table}`)?.n ?? 0);
}

export function copyState(from: SqlPort, to: SqlPort): CopyReport {
  const busy = STATE_TABLES.filter((t) => count(to, t) > 0);
  if (busy.length > 0) throw new StateNotEmptyError(busy);
  return to.transaction(() => {
    const report: CopyReport = [];
    for (const table of STATE_TABLES) {
      // Ordered by the key, so identity ids come out as they went in.
      const rows = from.all<{ [column: string]: SqlValue }>(`SELECT * FROM ${table}${IDENTITY_TABLES.has(table) ? ' ORDER BY id' : ''}`);
      for (const row of rows) {
        const columns = Object.keys(row);
        to.run(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`, columns.map((c) => row[c] ?? null));
      }
      if (to.dialect === 'postgres' && IDENTITY_TABLES.has(table) && rows.length > 0) {
        to.get(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), (SELECT max(id) FROM ${table}))`);
      }
      report.push({ table, rows: rows.length });
    }
    return report;
  });
}
