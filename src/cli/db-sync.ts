// npm run -s db:sync [-- --data <dir>] [--state <dir>] [--json]
// Loads data/ (with the bot's imported sources and approved drafts, as the
// bot serves them) into the archive tables of DATABASE_URL's database, for
// SEARCH_BACKEND=postgres. Idempotent: records are compared by fingerprint,
// and only what changed is written; a second run reports nothing changed.
// The bot runs the same at start and on /reload when SEARCH_BACKEND=postgres.
// Prints what changed per kind (added / changed / removed); records with
// problems are left out and listed, as the bot does.
// Exit codes: 0 synced (no problems), 1 synced but some records were left out
// (problems listed) or the database failed, 2 usage or configuration error.
import { parseArgs } from 'node:util';
import { describeDatabaseUrl, loadConfig } from '../config.ts';
import { formatProblem } from '../core/records/load.ts';
import { recordsInOrder } from '../core/search/engine.ts';
import { readData } from '../core/search/holder.ts';
import { formatSyncReport, syncArchive, type SyncReport } from '../archive-pg/sync.ts';
import { curatedRecordsDir } from '../drafts/paths.ts';
import { watchedSourcesDir } from '../sources/paths.ts';

const USAGE = `usage: npm run -s db:sync -- [--data <dir>] [--state <dir>] [--json]
  --data <dir>    data folder (default: DATA_DIR, else data)
  --state <dir>   the bot's state folder, for its imported sources and approved drafts (default: STATE_DIR, else var)
  --json          print the report as JSON
Needs DATABASE_URL (the PostgreSQL database the archive lives in).`;

const out = (l: string): boolean => process.stdout.write(`${l}\n`);
const err = (l: string): boolean => process.stderr.write(`${l}\n`);
const msg = (e: unknown): string => (e instanceof Error ? e.message : String(e));

async function run(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { data: { type: 'string' }, state: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true }));
  } catch (e) {
    err(`db:sync: ${msg(e)}`);
    err(USAGE);
    return 2;
  }
  if (values.help === true) return (out(USAGE), 0);
  const config = loadConfig();
  if (!config.ok) return (err(config.message), 2);
  const url = config.config.databaseUrl?.reveal();
  if (url === undefined) return (err('db:sync: DATABASE_URL is not set (the PostgreSQL database the archive is kept in, e.g. postgres://user:password@host:5432/archivist)'), 2);
  const dataDir = values.data ?? config.config.dataDir;
  const stateDir = values.state ?? config.config.stateDir;
  const read = await readData(dataDir, [watchedSourcesDir(stateDir)], [curatedRecordsDir(stateDir)]);
  if ('error' in read) return (err(`db:sync: ${formatProblem(read.error)}`), 1);
  const problems = read.data.problems;
  for (const p of problems) err(`left out: ${formatProblem(p)}`);
  let report: SyncReport;
  try {
    report = await syncArchive(url, {
      records: recordsInOrder(read.data),
      dataHash: read.hash,
      problems,
      log: (line) => err(`db:sync: ${line}`),
    });
  } catch (e) {
    err(`db:sync: ${describeDatabaseUrl(url)}: ${msg(e)}`);
    return 1;
  }
  if (values.json === true) out(JSON.stringify({ ...report, problems: problems.length }));
  else for (const line of formatSyncReport(report)) out(line);
  return problems.length > 0 ? 1 : 0;
}

process.exitCode = await run(process.argv.slice(2));
