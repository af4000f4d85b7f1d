// `npm run -s data:check [-- --data <dir>]`: loads data/ the way the bot does
// and lists every problem, so a bad record is caught before it reaches the
// index. The folder is --data, else DATA_DIR (environment or .env, as the bot
// reads it), else data. Exit codes: 0 all records pass, 1 problems found,
// 2 bad usage.
import { config as loadDotenv } from 'dotenv';
import { parseArgs } from 'node:util';
import { formatProblem, loadData } from '../core/records/load.ts';

const USAGE = 'usage: npm run -s data:check [-- --data <dir>]\nvalid options: --data <dir> (default: DATA_DIR, else data), --help';

/** The folder the bot would read: DATA_DIR when set and not blank, else data. */
export function defaultDataDir(env: NodeJS.ProcessEnv): string {
  const configured = env['DATA_DIR']?.trim();
  return configured !== undefined && configured !== '' ? configured : 'data';
}

function parse(argv: string[], defaultData: string): { data: string; help: boolean } | { error: string } {
  try {
    const { values } = parseArgs({
      args: argv,
      options: { data: { type: 'string', default: defaultData }, help: { type: 'boolean', short: 'h', default: false } },
      strict: true,
      allowPositionals: false,
    });
    return { data: values.data, help: values.help };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

async function main(): Promise<number> {
  loadDotenv({ quiet: true });
  const args = parse(process.argv.slice(2), defaultDataDir(process.env));
  if ('error' in args) {
    process.stderr.write(`data:check: ${args.error}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }

  const result = await loadData(args.data);
  // Problems name files under the folder as given (`data/sources/x.json`), as the operator typed it.
  for (const problem of result.problems) process.stdout.write(`${formatProblem(problem)}\n`);
  if (result.problems.length > 0) {
    const files = new Set(result.problems.map((p) => p.file)).size;
    process.stdout.write(`failed: ${result.problems.length} problem(s) in ${files} file(s)\n`);
    return 1;
  }
  const passages = result.sources.reduce((n, s) => n + s.passages.length, 0);
  process.stdout.write(
    `ok: ${result.incidents.length} incidents, ${result.publications.length} publications, ${result.sources.length} sources, ${passages} passages\n`,
  );
  return 0;
}

process.exitCode = await main();
