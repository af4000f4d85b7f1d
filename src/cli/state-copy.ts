// npm run -s state:copy -- [--state <dir>] [--back]
// Copies the bot's state from STATE_DIR/archivist.db into the PostgreSQL
// database of DATABASE_URL (both migrated first), so a bot moved to
// PostgreSQL keeps its subscriptions, digest history, watches and drafts.
// --back copies the other way (PostgreSQL into an empty SQLite file). Stop
// the bot first: the source is read while nothing writes to it. The
// destination must hold no state yet. Prints the rows copied per table.
// Exit codes: 0 copied, 1 a store cannot be used or the destination is not
// empty, 2 usage error (DATABASE_URL not set, unknown option).
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { copyState, StateNotEmptyError } from '../state/copy.ts';
import { openStateStore } from '../state/open.ts';

const USAGE = `usage: npm run -s state:copy -- [--state <dir>] [--back]
  --state <dir>   the SQLite side: the bot's state folder (default: STATE_DIR, else var)
  --back          copy from PostgreSQL (DATABASE_URL) into SQLite instead`;

const out = (l: string): boolean => process.stdout.write(`${l}\n`);
const err = (l: string): boolean => process.stderr.write(`${l}\n`);

function run(argv: string[]): number {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { state: { type: 'string' }, back: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true }));
  } catch (e) {
    err(`state-copy: ${e instanceof Error ? e.message : String(e)}`);
    err(USAGE);
    return 2;
  }
  if (values.help === true) return (out(USAGE), 0);
  const config = loadConfig();
  if (!config.ok) return (err(config.message), 2);
  if (config.config.databaseUrl === undefined) {
    err('state-copy: DATABASE_URL is not set (the PostgreSQL database to copy into, or with --back from)');
    return 2;
  }
  const stateDir = values.state ?? config.config.stateDir;
  const sqlite = openStateStore({ stateDir });
  if (!sqlite.ok) return (err(`state-copy: ${sqlite.message} (${sqlite.fix})`), 1);
  const postgres = openStateStore({ stateDir, databaseUrl: config.config.databaseUrl.reveal() });
  if (!postgres.ok) {
    sqlite.sql.close();
    return (err(`state-copy: ${postgres.message} (${postgres.fix})`), 1);
  }
  const [from, to] = values.back === true ? [postgres, sqlite] : [sqlite, postgres];
  try {
    const report = copyState(from.sql, to.sql);
    for (const r of report) out(`${r.table}: ${r.rows}`);
    out(`copied from ${from.where} to ${to.where}`);
    return 0;
  } catch (e) {
    if (e instanceof StateNotEmptyError) {
      err(`state-copy: ${to.where}: ${e.message}`);
      return 1;
    }
    err(`state-copy: nothing copied: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  } finally {
    sqlite.sql.close();
    postgres.sql.close();
  }
}

process.exitCode = run(process.argv.slice(2));
