// The state store contract on PostgreSQL: a real server for this file
// (tests/helpers/postgres.ts, 127.0.0.1, a free port), a fresh database per
// test; a second SyncPg connection to the database is a second process.
import { afterAll, beforeAll } from 'vitest';
import { startPostgres, type TestPostgres } from '../../helpers/postgres.ts';
import { defineStateContract } from './suite.ts';

let pg: TestPostgres;
beforeAll(async () => {
  pg = await startPostgres();
}, 90_000);
afterAll(async () => {
  await pg?.stop();
}, 30_000);
let n = 0;

defineStateContract('PostgreSQL', {
  fresh: async () => {
    n += 1;
    return { stateDir: '/nonexistent-state-dir', databaseUrl: await pg.createDatabase(`contract_${n}`) };
  },
  makeNewer: (sql) => {
    sql.run('INSERT INTO schema_migrations (version) VALUES (999)');
  },
});
