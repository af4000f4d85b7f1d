import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { backoffDelay, fetchAllPosts, pageUrl } from '../../src/core/import/fetch.ts';
import { importPosts } from '../../src/core/import/wordpress.ts';
import { makePost } from './posts.ts';

// One server for the file; each route scripts a behaviour and every request is
// logged so the tests can count attempts.
const requests: { path: string; page: string | null; perPage: string | null }[] = [];
const failedOnce = new Set<string>();
let server: Server;
let base: string;

const PAGES: Record<string, unknown[]> = {
  '1': [makePost(101), makePost(102)],
  '2': [makePost(103), makePost(104, { content: 'not an object' })],
};

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const page = url.searchParams.get('page');
  requests.push({ path: url.pathname, page, perPage: url.searchParams.get('per_page') });
  switch (url.pathname) {
    case '/flaky/wp-json/wp/v2/posts': {
      // Page 1 fails with 503 the first time it is asked for, then works.
      if (page === '1' && !failedOnce.has('flaky')) {
        failedOnce.add('flaky');
        return json(res, 503, { code: 'busy', message: 'try later' });
      }
      const posts = PAGES[page ?? ''];
      if (posts === undefined) return json(res, 400, { code: 'rest_post_invalid_page_number', message: 'bad page' });
      return json(res, 200, posts, { 'x-wp-totalpages': '2', 'x-wp-total': '4' });
    }
    case '/rate-limited/wp-json/wp/v2/posts':
      // A single-post endpoint answers with one object and no page count.
      if (!failedOnce.has('rate-limited')) {
        failedOnce.add('rate-limited');
        return json(res, 429, { code: 'too_many', message: 'slow down' }, { 'retry-after': '0' });
      }
      return json(res, 200, makePost(201));
    case '/page2-down/wp-json/wp/v2/posts':
      if (page === '1') return json(res, 200, PAGES['1'], { 'x-wp-totalpages': '2' });
      return json(res, 500, { code: 'internal', message: 'database gone' });
    case '/missing/wp-json/wp/v2/posts':
      return json(res, 404, { code: 'rest_no_route', message: 'No route was found' });
    case '/php-warning/wp-json/wp/v2/posts':
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end('<br />\n<b>Warning</b>: something in functions.php\n[]');
    case '/hang/wp-json/wp/v2/posts':
      return; // never answers
    case '/endless/wp-json/wp/v2/posts': {
      // No Content-Length: a body that goes on and on, in chunks, until the client stops reading.
      res.writeHead(200, { 'content-type': 'application/json' });
      let sent = 0;
      const more = (): void => {
        if (res.destroyed || sent > 5_000_000) return void res.end();
        sent += 16_384;
        if (res.write('['.padEnd(16_384, ' '))) setImmediate(more);
        else res.once('drain', more);
      };
      res.on('error', () => undefined);
      return more();
    }
    case '/declared-huge/wp-json/wp/v2/posts':
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(1_200_000_000) });
      res.on('error', () => undefined);
      return void res.write('[');
    default:
      return json(res, 404, { code: 'nope', message: 'unknown path' });
  }
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  requests.length = 0;
});

const fast = { timeoutMs: 2_000, retries: 2, backoffMs: 5 };
const requestsTo = (name: string) => requests.filter((r) => r.path === `/${name}/wp-json/wp/v2/posts`);

describe('fetchAllPosts against a local WordPress stand-in', () => {
  it('fetches every page with per_page=100, retrying a 503, and the importer reports the bad post', async () => {
    const result = await fetchAllPosts(`${base}/flaky/wp-json/wp/v2/posts?categories=25`, fast);
    if (!result.ok) throw new Error(`fetch failed: ${result.message}`);
    expect(result.totalPages).toBe(2);
    expect(result.problems).toEqual([]);
    expect(result.posts.map((p) => (p as { id: number }).id)).toEqual([101, 102, 103, 104]);
    expect(requestsTo('flaky').map((r) => r.page)).toEqual(['1', '1', '2']);
    expect(requestsTo('flaky').every((r) => r.perPage === '100')).toBe(true);

    const dataDir = await mkdtemp(path.join(tmpdir(), 'archivist-wp-fetch-'));
    try {
      const report = await importPosts(result.posts, { dataDir });
      expect(report.counts).toMatchObject({ imported: 3, new: 3, failed: 1 });
      expect(report.outcomes.filter((o) => !o.ok)).toMatchObject([
        { index: 3, postId: 104, code: 'invalid-post', message: expect.stringMatching(/^content: expected object/) },
      ]);
      expect((await readdir(path.join(dataDir, 'sources'))).sort()).toEqual([
        'example-news-101.json',
        'example-news-102.json',
        'example-news-103.json',
      ]);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('reports a page that keeps failing and still returns the other pages', async () => {
    const result = await fetchAllPosts(`${base}/page2-down/wp-json/wp/v2/posts`, fast);
    if (!result.ok) throw new Error(`fetch failed: ${result.message}`);
    expect(result.posts).toHaveLength(2);
    expect(result.problems).toMatchObject([
      { page: 2, code: 'http-status', attempts: 3, message: expect.stringContaining('500') },
    ]);
    expect(result.problems[0]?.message).toContain('database gone');
    expect(requestsTo('page2-down').map((r) => r.page)).toEqual(['1', '2', '2', '2']);
  });

  it('retries a 429 and accepts a single post object', async () => {
    const result = await fetchAllPosts(`${base}/rate-limited/wp-json/wp/v2/posts`, fast);
    expect(result).toMatchObject({ ok: true, totalPages: 1, problems: [] });
    expect(result.ok && result.posts.map((p) => (p as { id: number }).id)).toEqual([201]);
    expect(requestsTo('rate-limited')).toHaveLength(2);
  });

  it('does not retry a 404', async () => {
    const result = await fetchAllPosts(`${base}/missing/wp-json/wp/v2/posts`, fast);
    expect(result).toMatchObject({ ok: false, code: 'http-status', message: expect.stringContaining('404') });
    expect(requestsTo('missing')).toHaveLength(1);
  });

  it('reports a response that is not JSON without retrying it', async () => {
    const result = await fetchAllPosts(`${base}/php-warning/wp-json/wp/v2/posts`, fast);
    expect(result).toMatchObject({ ok: false, code: 'bad-json', message: expect.stringContaining('Warning') });
    expect(requestsTo('php-warning')).toHaveLength(1);
  });

  it('gives up on a page that never answers after the timeout and its retries', async () => {
    const result = await fetchAllPosts(`${base}/hang/wp-json/wp/v2/posts`, { timeoutMs: 150, retries: 1, backoffMs: 5 });
    expect(result).toMatchObject({ ok: false, code: 'timeout' });
    expect(requestsTo('hang')).toHaveLength(2);
  });

  it('reports a network error (nothing listening) after retrying', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    let sleeps = 0;
    const result = await fetchAllPosts(`http://127.0.0.1:${port}/wp-json/wp/v2/posts`, {
      ...fast,
      sleep: async () => {
        sleeps += 1;
      },
    });
    expect(result).toMatchObject({ ok: false, code: 'network' });
    expect(sleeps).toBe(fast.retries);
  });

  it('rejects a URL that is not http(s) without any request', async () => {
    expect(await fetchAllPosts('file:///etc/passwd', fast)).toMatchObject({ ok: false, code: 'bad-url' });
    expect(requests).toHaveLength(0);
  });
});

describe('pageUrl and backoffDelay', () => {
  it('sets per_page and page and keeps other query parameters', () => {
    const url = new URL(pageUrl('https://site.test/wp-json/wp/v2/posts?categories=25&per_page=10', 3));
    expect(url.searchParams.get('per_page')).toBe('100');
    expect(url.searchParams.get('page')).toBe('3');
    expect(url.searchParams.get('categories')).toBe('25');
  });

  it('doubles the delay each retry, honours Retry-After, and never exceeds the cap', () => {
    const opts = { backoffMs: 100, maxBackoffMs: 1_000 };
    expect([0, 1, 2, 3, 4].map((a) => backoffDelay(a, opts))).toEqual([100, 200, 400, 800, 1_000]);
    expect(backoffDelay(0, opts, 700)).toBe(700);
    expect(backoffDelay(0, opts, 60_000)).toBe(1_000);
  });
});

describe('response size cap', () => {
  it.each(['endless', 'declared-huge'])('GIVEN a %s body over the cap THEN the fetch fails with the cap in the message, after one request (no retry)', async (name) => {
    const result = await fetchAllPosts(`${base}/${name}/wp-json/wp/v2/posts`, { ...fast, maxBytes: 100_000 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.code).toBe('too-large');
    expect(result.message).toContain('100000 bytes');
    expect(requestsTo(name)).toHaveLength(1);
  });
});
