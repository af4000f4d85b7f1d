import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPosts } from '../../src/core/import/wordpress.ts';
import { makePost } from './posts.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

// One spawn per test; node --import tsx skips npx's own start-up. The generous
// limits are for a loaded 2-core machine, where a TypeScript start can take seconds.
function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/import-wp.ts', ...args], { cwd: ROOT, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

let dir: string;
let server: Server;
let base: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'archivist-wp-cli-'));
  // Page 1 of 2 answers; page 2 is a 404, which must be reported and not retried.
  server = createServer((req, res) => {
    const page = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams.get('page');
    res.setHeader('content-type', 'application/json');
    if (page === '1') {
      res.setHeader('x-wp-totalpages', '2');
      res.end(JSON.stringify([makePost(11), makePost(12)]));
    } else {
      res.statusCode = 404;
      res.end(JSON.stringify({ code: 'rest_post_invalid_page_number', message: 'The page number requested is larger than the number of pages available.' }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

describe('import-wp CLI', { timeout: 40_000 }, () => {
  it('imports a batch file, reports the malformed post and exits 1', async () => {
    const file = path.join(dir, 'batch.json');
    const dataDir = path.join(dir, 'batch-data');
    await writeFile(file, JSON.stringify([makePost(1), makePost(2, { link: 42 }), makePost(3)]));

    const result = await runCli(['--file', file, '--data', dataDir, '--publisher', 'Example News']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('imported 2 (2 new, 0 updated, 0 unchanged), failed 1');
    expect(result.stderr).toMatch(/post at index 1 \(id 2\): link: expected string/);
    expect((await readdir(path.join(dataDir, 'sources'))).sort()).toEqual(['example-news-1.json', 'example-news-3.json']);
    const doc = JSON.parse(await readFile(path.join(dataDir, 'sources', 'example-news-1.json'), 'utf8')) as { publisher: string };
    expect(doc.publisher).toBe('Example News');
  });

  it('reports an already imported post as unchanged, leaves the file as it was, and exits 0', async () => {
    const dataDir = path.join(dir, 'rerun-data');
    await importPosts([makePost(1)], { dataDir, now: new Date('2024-01-01T00:00:00Z') });
    const target = path.join(dataDir, 'sources', 'example-news-1.json');
    const before = await readFile(target, 'utf8');
    const file = path.join(dir, 'single.json');
    await writeFile(file, JSON.stringify(makePost(1)));

    const result = await runCli(['--file', file, '--data', dataDir]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('imported 1 (0 new, 0 updated, 1 unchanged), failed 0');
    expect(await readFile(target, 'utf8')).toBe(before);
  });

  it('fetches --url pages, imports what it got and exits 1 for the page that failed', async () => {
    const dataDir = path.join(dir, 'url-data');
    const result = await runCli(['--url', `${base}/wp-json/wp/v2/posts`, '--data', dataDir, '--retries', '0', '--timeout', '3000']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('imported 2 (2 new, 0 updated, 0 unchanged), failed 0, pages failed 1');
    expect(result.stderr).toMatch(/failed page 2 .*HTTP 404/);
    expect((await readdir(path.join(dataDir, 'sources'))).sort()).toEqual(['example-news-11.json', 'example-news-12.json']);
  });

  it('exits 2 on an unknown option and lists the valid ones', async () => {
    const result = await runCli(['--fiel', 'x.json']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("'--fiel'");
    expect(result.stderr).toMatch(/valid options: .*--file.*--url.*--data.*--publisher/);
  });

  it('exits 2 when neither --file nor --url is given', async () => {
    const result = await runCli(['--data', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('exactly one of --file or --url');
  });

  it('exits 1 and names the file when it is not JSON', async () => {
    const file = path.join(dir, 'broken.json');
    await writeFile(file, '[{"id": 1,');
    const result = await runCli(['--file', file, '--data', dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`--file ${file} is not valid JSON`);
  });
});
