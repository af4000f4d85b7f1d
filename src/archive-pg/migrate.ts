// Applies the archive's schema (schema.ts) once per database, recorded in
// schema_migrations like every PostgreSQL migration of the project, under a
// transaction-scoped advisory lock so two processes starting together
// migrate once.
import type pg from 'pg';
import { ARCHIVE_SCHEMA_V1 } from './schema.ts';

/** The archive's migrations: (version, statements). Versions follow the state store's in schema_migrations. */
export const ARCHIVE_MIGRATIONS: ReadonlyArray<{ version: number; name: string; statements: readonly string[] }> = [
  { version: 101, name: 'archive tables', statements: ARCHIVE_SCHEMA_V1 },
];

const MIGRATION_LOCK = 0x4d494752; // "MIGR"

export async function applyArchiveSchema(db: pg.ClientBase): Promise<number[]> {
  const applied: number[] = [];
  await db.query('BEGIN');
  try {
    await db.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await db.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    const done = new Set((await db.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    for (const m of ARCHIVE_MIGRATIONS) {
      if (done.has(m.version)) continue;
      for (const sql of m.statements) await db.query(sql);
      await db.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, now())', [m.version]);
      applied.push(m.version);
    }
    await db.query('COMMIT');
  } catch (err) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
  return applied;
}
