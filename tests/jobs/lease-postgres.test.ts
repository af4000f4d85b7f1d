// The lease store contract on a real PostgreSQL (tests/helpers/postgres.ts:
// 127.0.0.1, a free port, stopped at the end), migrated as the bot migrates
// it. Expiries are on the server's clock, so time passes by waiting; the
// lease is short to keep that brief. Each store is its own connection.
import { afterAll, beforeAll } from 'vitest';
import type { SqlPort } from '../../src/db/sql.ts';
import { SqlLeaseStore } from '../../src/jobs/lease.ts';
import { openStateStore } from '../../src/state/open.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { defineLeaseContract } from './lease-contract.ts';

let pg: TestPostgres;
let url: string;
const connections: SqlPort[] = [];

beforeAll(async () => {
  pg = await startPostgres();
  url = await pg.createDatabase('leases');
}, 90_000);
afterAll(async () => {
  for (const c of connections.splice(0)) c.close();
  await pg?.stop();
}, 30_000);

defineLeaseContract('PostgreSQL (the server\'s clock)', {
  store: () => {
    const opened = openStateStore({ stateDir: '/nonexistent-state-dir', databaseUrl: url });
    if (!opened.ok) throw new Error(opened.message);
    connections.push(opened.sql);
    return new SqlLeaseStore(opened.sql);
  },
  advance: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ttlMs: 2_000,
});
