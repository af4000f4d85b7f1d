// `npm run -s ask -- '<slash line>' [--json]`: answers one slash line from the
// local data and exits. Exit codes: 0 an answer, 1 the answer is an error
// (unknown command, bad option, unknown id, …), 2 bad usage of ask itself.
// With --json, stdout holds only the JSON reply; logs go to stderr.
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { answerLine } from '../console/answer.ts';
import { openLocalArchive } from '../console/archive.ts';
import { createLogger } from '../logger.ts';
import { renderJson } from '../render/json.ts';
import { renderText } from '../render/text.ts';
import { isErrorView } from '../core/views.ts';

const USAGE = [
  "usage: npm run -s ask -- '<slash line>' [--json]",
  "  e.g. npm run -s ask -- '/search query:peshawar'",
  "       npm run -s ask -- '/timeline query:\"during:muharram 2022\"' --json",
  'exit codes: 0 answer, 1 error answer, 2 usage',
].join('\n');

type Usage = { line: string; json: boolean } | { help: true } | { error: string };

export function parseAskArgs(argv: string[]): Usage {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
      strict: true,
      allowPositionals: true,
    });
    if (values.help) return { help: true };
    if (positionals.length !== 1) {
      return { error: positionals.length === 0 ? 'give one slash line to answer' : 'give the slash line as one argument, in single quotes' };
    }
    return { line: positionals[0]!, json: values.json };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

async function main(): Promise<number> {
  const args = parseAskArgs(process.argv.slice(2));
  if ('error' in args) {
    process.stderr.write(`ask: ${args.error}\n${USAGE}\n`);
    return 2;
  }
  if ('help' in args) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const config = loadConfig();
  if (!config.ok) {
    process.stderr.write(`${config.message}\n`);
    return 2;
  }
  const log = await createLogger({ level: config.config.logLevel });
  const holder = await openLocalArchive(config.config, log);
  const view = answerLine(args.line, { archive: holder.current, now: () => new Date() }, log.child({ module: 'ask' }));
  process.stdout.write(`${args.json ? renderJson(view) : renderText(view)}\n`);
  return isErrorView(view) ? 1 : 0;
}

process.exitCode = await main();
