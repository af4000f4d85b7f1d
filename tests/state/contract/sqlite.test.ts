// The state store contract on SQLite: a fresh file per test, as the bot keeps
// it under STATE_DIR (a second connection to the file is a second process).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { defineStateContract } from './suite.ts';

const root = mkdtempSync(join(tmpdir(), 'archivist-contract-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

defineStateContract('SQLite', {
  fresh: async () => {
    n += 1;
    return { stateDir: join(root, `db${n}`) };
  },
  makeNewer: (sql) => {
    sql.run('PRAGMA user_version = 999');
  },
});
