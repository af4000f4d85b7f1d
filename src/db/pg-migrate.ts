// Applying the PostgreSQL migrations (src/db/pg-migrations.ts). Everything
// happens in one transaction holding a transaction-level advisory lock, so
// when several bot processes start together one migrates and the others wait
// for it, then find nothing left to do. A database migrated by a newer build
// (a version this build does not know) is refused rather than guessed at.
import type { SyncPgLike } from './pg-sql.ts';
import { MIGRATION_LOCK, PG_MIGRATIONS, type PgMigration } from './pg-migrations.ts';

export class NewerSchemaError extends Error {
  readonly version: number;
  readonly known: number;
  constructor(version: number, known: number) {
    super(`the database has schema version ${version}, newer than this build knows (${known})`);
    this.name = 'NewerSchemaError';
    this.version = version;
    this.known = known;
  }
}

/** Applies the migrations the database has not had; returns the version before and after. */
export function migratePg(pg: SyncPgLike, migrations: readonly PgMigration[] = PG_MIGRATIONS): { from: number; to: number } {
  const known = migrations.length === 0 ? 0 : migrations[migrations.length - 1]!.version;
  return pg.transaction(() => {
    pg.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
    pg.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    const from = schemaVersion(pg);
    if (from > known) throw new NewerSchemaError(from, known);
    let to = from;
    for (const m of migrations) {
      if (m.version <= from) continue;
      pg.query(m.sql);
      pg.query('INSERT INTO schema_migrations (version) VALUES ($1)', [m.version]);
      to = m.version;
    }
    return { from, to };
  });
}

/** The highest version applied (0 for a database never migrated). */
export function schemaVersion(pg: SyncPgLike): number {
  const row = pg.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations').rows[0];
  return row?.v ?? 0;
}
