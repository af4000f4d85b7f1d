// `npm run -s ask -- '<slash line or question>' [--json]`: answers one slash
// line, or a question in plain words, from the local data and exits. Exit
// codes: 0 an answer, 1 the answer is an error (unknown command, bad option,
// unknown id, a question it could not read, …), 2 bad usage of ask itself.
// With --json, stdout holds only the JSON reply; logs go to stderr. Charts and
// exports (/count chart:true, /export) are written into --out (default ./out)
// and their paths printed, or listed as `files` in the JSON reply; a file that
// cannot be written is listed with the reason (`fileErrors` in JSON) and the
// exit code is 1, never a stack trace.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { DEFAULT_OUT_DIR, writeAttachments, writtenLines } from '../console/files.ts';
import { openLocalArchive } from '../console/archive.ts';
import { openConsoleDigest } from '../console/digest.ts';
import { answerConsoleLine, questionJsonFields, renderConsoleText } from '../console/question.ts';
import { createLogger } from '../logger.ts';
import { toJson } from '../render/json.ts';
import { isErrorView } from '../core/views.ts';

const USAGE = [
  "usage: npm run -s ask -- '<slash line or question>' [--json] [--out <dir>]",
  "  e.g. npm run -s ask -- '/search query:peshawar'",
  "       npm run -s ask -- '/timeline query:\"during:muharram 2022\"' --json",
  "       npm run -s ask -- 'how many attacks in Kabul in 2022?' --json",
  "       npm run -s ask -- '/count by:month chart:true' --out charts",
  '  charts and exports are written into --out (default ./out); their paths are printed',
  'exit codes: 0 answer, 1 error answer, 2 usage',
].join('\n');

type Usage = { line: string; json: boolean; out: string } | { help: true } | { error: string };

export function parseAskArgs(argv: string[]): Usage {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        json: { type: 'boolean', default: false },
        out: { type: 'string', default: DEFAULT_OUT_DIR },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: true,
    });
    if (values.help) return { help: true };
    if (positionals.length !== 1) {
      return { error: positionals.length === 0 ? 'give one slash line to answer' : 'give the slash line as one argument, in single quotes' };
    }
    if (values.out.trim() === '') return { error: '--out needs a folder' };
    return { line: positionals[0]!, json: values.json, out: values.out };
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
  const askLog = log.child({ module: 'ask' });
  // Only /digest, /sources and /draft need the state file, and /record reads it when it exists (who drafted and
  // approved a record); other lines do not create or lock it.
  const line = args.line.trim();
  const needsState = /^\/?(digest|sources|draft)(\s|$)/i.test(line) || (/^\/?record(\s|$)/i.test(line) && existsSync(join(config.config.stateDir, 'archivist.db')));
  const digest = needsState ? openConsoleDigest(config.config, log, holder) : undefined;
  // A line not starting with '/' (and not a command) is a question in plain words.
  const answer = answerConsoleLine(
    args.line,
    { archive: holder.current, now: () => new Date(), ...(digest !== undefined ? { digest: digest.service, sources: digest.sources, ...(digest.drafts !== undefined ? { drafts: digest.drafts } : {}) } : {}) },
    askLog,
  );
  const view = answer.view;
  digest?.close();
  const written = await writeAttachments(view, args.out, askLog);
  if (args.json) {
    const reply = { ...toJson(view), ...questionJsonFields(answer), files: written.paths, ...(written.errors.length > 0 ? { fileErrors: written.errors } : {}) };
    process.stdout.write(`${JSON.stringify(reply, null, 2)}\n`);
  } else {
    const files = writtenLines(written);
    process.stdout.write(`${[renderConsoleText(answer), ...files].join('\n')}\n`);
  }
  return isErrorView(view) || written.errors.length > 0 ? 1 : 0;
}

process.exitCode = await main();
