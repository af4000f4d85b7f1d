// The console writes charts and exports into a folder and says where: by a
// direct call, through the REPL, and through `ask` as a child process (whose
// --json stdout must stay pure JSON, with the paths in `files`).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../commands/index.ts';
import { writeAttachments, writtenLines } from '../../src/console/files.ts';
import { runRepl } from '../../src/console/repl.ts';
import { deps, NOW, testArchive } from '../commands/helpers.ts';
import { parseCsvObjects } from '../helpers/csv.ts';
import { decodePng } from '../helpers/png.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'archivist-files-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeAttachments', () => {
  it('GIVEN a View without attachments THEN nothing is written and the folder is not created', async () => {
    const out = join(dir, 'none');
    expect(await writeAttachments(runCommand('count', { by: 'month' }, deps()), out)).toEqual({ paths: [], errors: [] });
    await expect(readdir(out)).rejects.toThrow();
  });

  it('GIVEN an export twice THEN two files, the second with -2, neither overwritten', async () => {
    const out = join(dir, 'twice', 'nested');
    const view = runCommand('export', { format: 'csv' }, deps());
    const first = await writeAttachments(view, out);
    const second = await writeAttachments(runCommand('export', { format: 'csv', query: 'kabul' }, deps()), out);
    const name = `archivist-export-${NOW.toISOString().slice(0, 10)}`;
    expect(first.paths).toEqual([join(out, `${name}.csv`)]);
    expect(second.paths).toEqual([join(out, `${name}-2.csv`)]);
    const all = parseCsvObjects((await readFile(first.paths[0]!, 'utf8')).replace(/^\uFEFF/, ''));
    const kabul = parseCsvObjects((await readFile(second.paths[0]!, 'utf8')).replace(/^\uFEFF/, ''));
    expect(all.length).toBeGreaterThan(kabul.length);
    expect(writtenLines(second)).toEqual([`Wrote ${second.paths[0]}`]);
  });
});

async function session(lines: string[], outDir: string): Promise<string> {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  const archive = testArchive();
  const done = runRepl({ archive: () => archive, now: () => NOW, input, output, outDir });
  for (const line of lines) input.write(`${line}\n`);
  input.end();
  await done;
  return text;
}

describe('REPL', () => {
  it('GIVEN /count chart:true then /about THEN the chart is written, its path printed, and answers stay in order', async () => {
    const out = join(dir, 'repl');
    const text = await session(['/count by:month chart:true', '/about'], out);
    const path = join(out, 'count-by-month.png');
    expect(text).toContain(`Wrote ${path}`);
    // The chart's path comes before the next answer, though drawing it took a while.
    expect(text.indexOf(`Wrote ${path}`)).toBeLessThan(text.indexOf('what this index holds'));
    const png = decodePng(await readFile(path));
    expect(png.width).toBeGreaterThan(0);
  });
});

const TSX = join(process.cwd(), 'node_modules', '.bin', 'tsx');

function ask(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      TSX,
      ['src/cli/ask.ts', ...args],
      { env: { PATH: process.env['PATH'], STATE_DIR: join(dir, 'state'), LOG_LEVEL: 'info' }, timeout: 30_000 },
      (err, stdout, stderr) => resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr }),
    );
  });
}

describe('ask', () => {
  it('GIVEN /export format:csv --json --out THEN stdout is only JSON, with the file path, and the CSV holds the exported rows', async () => {
    const out = join(dir, 'ask-export');
    const r = await ask(['/export format:csv query:kabul', '--json', '--out', out]);
    expect(r.code).toBe(0);
    const reply = JSON.parse(r.stdout) as { type: string; total: number; files: string[]; attachments: { rows: { id: string }[] }[] };
    expect(reply.type).toBe('export');
    expect(reply.files).toHaveLength(1);
    expect(reply.files[0]!.startsWith(out)).toBe(true);
    const rows = parseCsvObjects((await readFile(reply.files[0]!, 'utf8')).replace(/^\uFEFF/, ''));
    expect(rows.map((x) => x['id'])).toEqual(reply.attachments[0]!.rows.map((x) => x.id));
    expect(rows).toHaveLength(reply.total);
  });
});
