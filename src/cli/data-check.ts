// `npm run -s data:check [-- --data <dir>]`: loads data/ the way the bot does
// and lists every problem, so a bad record is caught before it reaches the
// index. Exit codes: 0 all records pass, 1 problems found, 2 bad usage.
import { parseArgs } from 'node:util';
import { formatProblem, loadData } from '../core/records/load.ts';

const USAGE = 'usage: npm run -s data:check [-- --data <dir>]\nvalid options: --data <dir> (default: data), --help';

function parse(argv: string[]): { data: string; help: boolean } | { error: string } {
  try {
    const { values } = parseArgs({
      args: argv,
      options: { data: { type: 'string', default: 'data' }, help: { type: 'boolean', short: 'h', default: false } },
      strict: true,
      allowPositionals: false,
    });
    return { data: values.data, help: values.help };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

async function main(): Promise<number> {
  const args = parse(process.argv.slice(2));
  if ('error' in args) {
    process.stderr.write(`data:check: ${args.error}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }

  const result = await loadData(args.data);
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
