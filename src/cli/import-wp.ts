// npm run -s import:wp -- (--file <path> | --url <wp-json posts url>) [--data <dir>] [--publisher <name>]
// Exit codes: 0 all imported, 1 some post or page failed (or the input could not
// be read), 2 usage error.
import { readFile } from 'node:fs/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { fetchAllPosts } from '../core/import/fetch.ts';
import { describeOutcome, importPosts, summaryLine } from '../core/import/wordpress.ts';

const OPTIONS = {
  file: { type: 'string' },
  url: { type: 'string' },
  data: { type: 'string', default: 'data' },
  publisher: { type: 'string' },
  timeout: { type: 'string', default: '20000' },
  retries: { type: 'string', default: '3' },
  'imported-at': { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options'];

const USAGE = `usage: npm run -s import:wp -- (--file <path> | --url <wp-json posts url>) [options]
  --file <path>        a post, or an array of posts, as wp/v2/posts returns them
  --url <url>          a wp-json posts URL; every page is fetched (per_page=100)
  --data <dir>         data folder; documents go to <dir>/sources/ (default: data)
  --publisher <name>   publisher name (default: the one on file, else the site's host)
  --timeout <ms>       per-request timeout for --url (default: 20000)
  --retries <n>        retries per page for --url on network errors, 5xx, 429 (default: 3)
  --imported-at <iso>  record this instant as origin.importedAt instead of now (reproducible imports)
  -h, --help           show this help`;

type Out = (line: string) => void;

async function run(argv: string[], out: Out, err: Out): Promise<number> {
  const usage = (message: string): number => {
    err(`import-wp: ${message}`);
    err(USAGE);
    return 2;
  };

  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (e) {
    const valid = Object.keys(OPTIONS).map((name) => `--${name}`).join(', ');
    return usage(`${e instanceof Error ? e.message : String(e)}\nvalid options: ${valid}`);
  }
  if (values.help) {
    out(USAGE);
    return 0;
  }
  if ((values.file === undefined) === (values.url === undefined)) {
    return usage('give exactly one of --file or --url');
  }
  if (values.publisher !== undefined && values.publisher.trim() === '') return usage('--publisher is empty');
  if (values.data.trim() === '') return usage('--data is empty');
  const timeoutMs = wholeNumber(values.timeout);
  if (timeoutMs === undefined || timeoutMs < 1) return usage(`--timeout "${values.timeout}" is not a positive number of milliseconds`);
  const retries = wholeNumber(values.retries);
  if (retries === undefined || retries > 10) return usage(`--retries "${values.retries}" is not a whole number from 0 to 10`);
  const importedAt = values['imported-at'];
  if (importedAt !== undefined && (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(importedAt) || Number.isNaN(Date.parse(importedAt)))) {
    return usage(`--imported-at "${importedAt}" is not an ISO instant such as 2026-11-30T10:00:00.000Z`);
  }

  let posts: unknown[];
  let pagesFailed = 0;
  if (values.file !== undefined) {
    const loaded = await loadFile(values.file);
    if (!loaded.ok) {
      err(`import-wp: ${loaded.message}`);
      return 1;
    }
    posts = loaded.posts;
  } else {
    const url = values.url!;
    const fetched = await fetchAllPosts(url, {
      timeoutMs,
      retries,
      onPage: (page, total, count) => err(`fetched page ${page}/${total} (${count} posts)`),
    });
    if (!fetched.ok) {
      err(`import-wp: cannot fetch ${url}: ${fetched.message}`);
      return 1;
    }
    for (const p of fetched.problems) {
      err(`failed page ${p.page} (${p.url}) after ${p.attempts} attempt(s): ${p.message}`);
    }
    pagesFailed = fetched.problems.length;
    posts = fetched.posts;
  }

  const report = await importPosts(posts, {
    dataDir: values.data,
    ...(values.publisher === undefined ? {} : { publisher: values.publisher.trim() }),
    ...(importedAt === undefined ? {} : { now: new Date(importedAt) }),
  });
  for (const outcome of report.outcomes) (outcome.ok ? out : err)(describeOutcome(outcome));
  out(summaryLine(report.counts) + (pagesFailed > 0 ? `, pages failed ${pagesFailed}` : ''));
  return report.counts.failed > 0 || pagesFailed > 0 ? 1 : 0;
}

async function loadFile(file: string): Promise<{ ok: true; posts: unknown[] } | { ok: false; message: string }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    return { ok: false, message: `cannot read --file ${file}: ${e instanceof Error ? e.message : String(e)}` };
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    return { ok: false, message: `--file ${file} is not valid JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (Array.isArray(body)) return { ok: true, posts: body };
  if (typeof body === 'object' && body !== null) return { ok: true, posts: [body] };
  return { ok: false, message: `--file ${file}: expected a post object or an array of posts` };
}

function wholeNumber(s: string): number | undefined {
  return /^\d+$/.test(s.trim()) ? Number(s.trim()) : undefined;
}

process.exitCode = await run(
  process.argv.slice(2),
  (line) => process.stdout.write(`${line}\n`),
  (line) => process.stderr.write(`${line}\n`),
);
