// Files in data/ that are not what they claim: a symlink to a FIFO (which an
// ordinary open() waits on for ever), a folder named x.json, a file over the
// size limit, a file whose contents would leak into a reply. Each is reported
// by its name relative to the data folder, the load finishes, and nothing of
// the file's bytes or the server's absolute paths reaches the report.
import { execFile, execFileSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { matchFilters } from '../../src/core/query/filter.ts';
import { formatProblem, loadData } from '../../src/core/records/load.ts';
import { displayPath, readDataFile } from '../../src/core/records/read.ts';
import { openArchive } from '../../src/core/search/holder.ts';
import { createLogger } from '../../src/logger.ts';
import { Writable } from 'node:stream';
import { dataDir, tempDir, validFiles } from './helpers.ts';

const ROOT = resolve(import.meta.dirname, '../..');

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

async function withFifo(): Promise<string> {
  const dir = await dataDir(validFiles());
  const fifo = join(dir, 'pipe');
  execFileSync('mkfifo', [fifo]);
  await symlink(fifo, join(dir, 'sources', 'stuck.json'));
  return dir;
}

describe('data files that are not regular files', () => {
  it('GIVEN a symlink to a FIFO in sources/ THEN loadData finishes, names it (relative) as a FIFO, and keeps the other records', async () => {
    const dir = await withFifo();
    const result = await within(loadData(dir), 5000, 'loadData');
    const problems = result.problems.filter((p) => p.file.endsWith('stuck.json'));
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toMatch(/FIFO/);
    expect(problems[0]!.message).toMatch(/only regular files/);
    expect(displayPath(dir, problems[0]!.file)).toBe('sources/stuck.json');
    expect(result.incidents.length).toBeGreaterThan(0);
  });

  it('GIVEN a folder named x.json THEN it is reported, not skipped unseen', async () => {
    const dir = await dataDir(validFiles());
    await mkdir(join(dir, 'incidents', 'folder.json'));
    const result = await loadData(dir);
    expect(result.problems.find((p) => p.file.endsWith('folder.json'))?.message).toMatch(/a folder/);
  });

  it('GIVEN a file over the size limit THEN it is not read, and the limit is in the message', async () => {
    const dir = await tempDir();
    const file = join(dir, 'big.json');
    await writeFile(file, `{"x":"${'a'.repeat(5000)}"}`);
    const outcome = await readDataFile(file, { maxBytes: 1000 });
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.message).toMatch(/over the limit of 1000 bytes/);
    expect((await readDataFile(file, { maxBytes: 10_000 })).ok).toBe(true);
  });

  it('GIVEN a FIFO in data/ THEN data:check ends (exit 1) naming it, instead of hanging', async () => {
    const dir = await withFifo();
    const r = await new Promise<{ code: number; stdout: string }>((done) => {
      execFile(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'src', 'cli', 'data-check.ts'), '--data', dir], { cwd: ROOT, timeout: 30_000 }, (err, stdout) =>
        done({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout }),
      );
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${join(dir, 'sources', 'stuck.json')}: not read: a FIFO`);
  }, 40_000);
});

describe('what a reload reports', () => {
  it('GIVEN a broken file and a FIFO THEN /reload problems name them relative to the data folder and quote nothing from the file; the next reload is not held up', async () => {
    const dir = await dataDir(validFiles());
    const state = await tempDir();
    const lines: string[] = [];
    const log = await createLogger({ level: 'debug', destination: new Writable({ write: (c: Buffer, _e, done) => (lines.push(c.toString()), done()) }) });
    const holder = await openArchive({ dataDir: dir, stateDir: state, matchFilters, logger: log });
    await writeFile(join(dir, 'incidents', 'broken.json'), 'PRIVATE-NOTES password=hunter2 {');
    execFileSync('mkfifo', [join(dir, 'pipe')]);
    await symlink(join(dir, 'pipe'), join(dir, 'sources', 'stuck.json'));
    const report = await within(holder.reload(), 5000, 'the first reload');
    expect(report.ok).toBe(false);
    const shown = report.problems.map(formatProblem);
    expect(shown.some((l) => l.startsWith('incidents/broken.json: invalid JSON'))).toBe(true);
    expect(shown.some((l) => l.startsWith('sources/stuck.json: not read: a FIFO'))).toBe(true);
    const text = shown.join('\n') + lines.join('');
    expect(text).not.toContain(dir);
    expect(text).not.toContain('PRIVATE-NOTES');
    expect(text).not.toContain('hunter2');
    // A second reload right after is answered too: nothing was left waiting in the queue.
    await within(holder.reload(), 5000, 'the second reload');
  });
});

describe('data:check reads DATA_DIR', () => {
  it('GIVEN DATA_DIR and no --data THEN that folder is checked', async () => {
    const files = validFiles();
    files.set('incidents/broken.json', '{');
    const dir = await dataDir(files);
    const r = await new Promise<{ code: number; stdout: string }>((done) => {
      execFile(
        join(ROOT, 'node_modules', '.bin', 'tsx'),
        [join(ROOT, 'src', 'cli', 'data-check.ts')],
        { cwd: ROOT, timeout: 30_000, env: { PATH: process.env['PATH'], DATA_DIR: dir } },
        (err, stdout) => done({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout }),
      );
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(join(dir, 'incidents', 'broken.json'));
  }, 40_000);
});
