// npm run -s sources:export -- [--data <dir>] [--state <dir>]
// Copies the sources the bot imported from watched sites (kept in
// <STATE_DIR>/watched/sources/, written by the same importer as import:wp)
// into <data>/sources/, for review in git. The files are copied byte for
// byte, so what lands in data/ is exactly what `import:wp` writes for the same
// posts. A file in data/ that holds another site's document under the same id
// is left alone and reported; an identical one is left untouched.
// Exit codes: 0 all exported, 1 some file could not be exported, 2 usage error.
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadConfig } from '../config.ts';
import { errorText, exportSources } from '../sources/export.ts';
import { watchedSourcesDir } from '../sources/paths.ts';

const OPTIONS = {
  data: { type: 'string' },
  state: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options'];

const USAGE = `usage: npm run -s sources:export -- [--data <dir>] [--state <dir>]
  --data <dir>    data folder; documents go to <dir>/sources/ (default: DATA_DIR, else data)
  --state <dir>   the bot's state folder (default: STATE_DIR, else var)
  -h, --help      show this help`;

type Out = (line: string) => void;

async function run(argv: string[], out: Out, err: Out): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (e) {
    err(`sources-export: ${errorText(e)}`);
    err(USAGE);
    return 2;
  }
  if (values.help) {
    out(USAGE);
    return 0;
  }
  const config = loadConfig();
  if (!config.ok) {
    err(config.message);
    return 2;
  }
  const dataDir = values.data ?? config.config.dataDir;
  const stateDir = values.state ?? config.config.stateDir;
  if (dataDir.trim() === '') return (err('sources-export: --data is empty'), 2);
  if (stateDir.trim() === '') return (err('sources-export: --state is empty'), 2);
  const counts = await exportSources(stateDir, dataDir, out, err);
  out(`exported ${counts.exported}, unchanged ${counts.unchanged}, failed ${counts.failed} (from ${path.join(watchedSourcesDir(stateDir), 'sources')} to ${path.join(dataDir, 'sources')})`);
  return counts.failed > 0 ? 1 : 0;
}

process.exitCode = await run(
  process.argv.slice(2),
  (line) => process.stdout.write(`${line}\n`),
  (line) => process.stderr.write(`${line}\n`),
);
