// One poll of a watched site against the WordPress double on 127.0.0.1:
// paging by X-WP-TotalPages in modification order, the cursor, conditional
// requests, and every fault ending as an error result (never a throw), each
// bounded by the timeout.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cursorParam, pollPosts, pollUrl, type PollOptions } from '../../src/core/import/poll.ts';
import { startWpDouble, type WpDouble } from './wp-double.ts';

let site: WpDouble;
const sleeps: number[] = [];
// Generous for a loaded machine; the hang tests set their own short timeout.
const opts = (extra: Partial<PollOptions> = {}): PollOptions => ({
  timeoutMs: 10_000,
  retries: 2,
  backoffMs: 10,
  maxBackoffMs: 5_000,
  maxBytes: 256 * 1024,
  maxPages: 50,
  sleep: async (ms) => {
    sleeps.push(ms);
  },
  ...extra,
});

function minute(i: number): string {
  return new Date(Date.UTC(2026, 10, 1, 8, 0, 0) + i * 60_000).toISOString().slice(0, 19);
}

beforeEach(async () => {
  site = await startWpDouble();
  sleeps.length = 0;
});
afterEach(async () => {
  await site.stop();
});

describe('paging and the cursor', () => {
  it('GIVEN 250 posts THEN three pages of 100 are read in modification order, with the parameters WordPress needs', async () => {
    for (let i = 1; i <= 250; i++) site.publish(i, `Post ${i}`, [`Text of post ${i}.`], minute(251 - i));
    const r = await pollPosts({ endpoint: site.postsUrl, cursor: null, validators: null }, opts());
    expect(r.ok && !r.notModified).toBe(true);
    if (!r.ok || r.notModified) return;
    expect(r.pages).toBe(3);
    expect(r.posts).toHaveLength(250);
    const modified = r.posts.map((p) => (p as { modified: string }).modified);
    expect(modified).toEqual([...modified].sort());
    const q = site.requests[0]!.url.searchParams;
    expect([q.get('orderby'), q.get('order'), q.get('per_page'), q.get('page'), q.get('modified_after')]).toEqual(['modified', 'asc', '100', '1', null]);
    expect(site.requests.map((x) => x.url.searchParams.get('page'))).toEqual(['1', '2', '3']);
  });

  it('GIVEN a cursor THEN only posts modified after it come (and the post at the cursor again, one second of overlap)', async () => {
    for (let i = 1; i <= 5; i++) site.publish(i, `Post ${i}`, ['x'], minute(i));
    const r = await pollPosts({ endpoint: site.postsUrl, cursor: minute(3), validators: null }, opts());
    expect(r.ok && !r.notModified && r.posts.map((p) => (p as { id: number }).id)).toEqual([3, 4, 5]);
    expect(site.requests[0]!.url.searchParams.get('modified_after')).toBe(cursorParam(minute(3)));
    expect(cursorParam('2026-11-01T08:00:00')).toBe('2026-11-01T07:59:59');
  });

  it("GIVEN a user's posts URL with its own filter THEN the filter is kept and the paging parameters are ours", () => {
    const url = new URL(pollUrl('https://example.org/wp-json/wp/v2/posts?categories=12&per_page=5', '2026-01-01T00:00:00', 2));
    expect(url.searchParams.get('categories')).toBe('12');
    expect(url.searchParams.get('per_page')).toBe('100');
    expect(url.searchParams.get('page')).toBe('2');
  });

  it('GIVEN the validators of a one-page answer THEN the next poll sends them and a 304 means not modified', async () => {
    site.publish(1, 'One', ['x'], minute(1));
    const first = await pollPosts({ endpoint: site.postsUrl, cursor: null, validators: null }, opts());
    expect(first.ok && !first.notModified && first.validators?.etag).toMatch(/^"/);
    if (!first.ok || first.notModified) return;
    const again = await pollPosts({ endpoint: site.postsUrl, cursor: null, validators: first.validators }, opts());
    expect(again.ok && again.notModified).toBe(true);
    expect(site.requests[1]!.headers['if-none-match']).toBe(first.validators!.etag);
    expect(site.requests[1]!.status).toBe(304);
    // Once the site changes, the same validators get the new posts.
    site.publish(2, 'Two', ['y'], minute(2));
    const changed = await pollPosts({ endpoint: site.postsUrl, cursor: null, validators: first.validators }, opts());
    expect(changed.ok && !changed.notModified && changed.posts).toHaveLength(2);
  });

  it('GIVEN several pages THEN no validators are kept (page 1 unchanged proves nothing about the last page)', async () => {
    for (let i = 1; i <= 150; i++) site.publish(i, `P${i}`, ['x'], minute(i));
    const r = await pollPosts({ endpoint: site.postsUrl, cursor: null, validators: null }, opts());
    expect(r.ok && !r.notModified && r.validators).toBeNull();
  });
});

describe('faults are results, not throws', () => {
  it('GIVEN a 429 with Retry-After THEN the poll waits that long and retries', async () => {
    site.publish(1, 'One', ['x'], minute(1));
    site.retryAfter = 2;
    site.fail('429');
    const r = await pollPosts({ endpoint: site.postsUrl, cursor: null, validators: null }, opts());
    expect(r.ok).toBe(true);
    expect(sleeps).toEqual([2000]);
  });

  it('GIVEN a Retry-After longer than the cap THEN the poll ends with it, for the watcher to wait', async () => {
    site.retryAfter = 600;
    site.fail('429');
    const r = await pollPosts({ endpoint: site.postsUrl, cursor: null, validators: null }, opts());
    expect(r.ok).toBe(false);
    expect(!r.ok && r.retryAfterMs).toBe(600_000);
    expect(sleeps).toEqual([]);
  });

  it('GIVEN a 500 THEN it is retried with backoff; three in a row fail the poll naming the status', async () => {
    site.publish(1, 'One', ['x'], minute(1));
    site.fail('500');
    expect((await pollPosts({ endpoint: site.postsUrl, cursor: null, validators: null }, opts())).ok).toBe(true);
    expect(sleeps).toEqual([10]);
    site.fail('500', '500', '500');
    const r = await pollPosts({ endpoint: site.postsUrl, cursor: null, validators: null }, opts());
    expect(!r.ok && r.code).toBe('http-status');
    expect(!r.ok && r.message).toContain('HTTP 500');
  });

  it('GIVEN a hanging response or a body that stops halfway THEN each attempt times out and the poll fails', async () => {
    for (const fault of ['hang', 'hang-body'] as const) {
      site.fail(fault, fault);
      const started = Date.now();
      const r = await pollPosts({ endpoint: site.postsUrl, cursor: null, validators: null }, opts({ retries: 1, timeoutMs: 300 }));
      expect(!r.ok && r.code).toBe('timeout');
      expect(Date.now() - started).toBeLessThan(5_000);
    }
  });

  it('GIVEN a PHP warning before the JSON, or JSON that is not a list THEN bad-json / bad-shape, not retried', async () => {
    site.fail('malformed');
    const a = await pollPosts({ endpoint: site.postsUrl, cursor: null, validators: null }, opts());
    expect(!a.ok && a.code).toBe('bad-json');
    site.fail('not-array');
    const b = await pollPosts({ endpoint: site.postsUrl, cursor: null, validators: null }, opts());
    expect(!b.ok && b.code).toBe('bad-shape');
    expect(sleeps).toEqual([]);
  });

  it('GIVEN a body larger than the cap THEN too-large, read no further than the cap', async () => {
    site.publish(1, 'One', ['x'], minute(1));
    site.fail('oversized');
    const r = await pollPosts({ endpoint: site.postsUrl, cursor: null, validators: null }, opts({ maxBytes: 64 * 1024 }));
    expect(!r.ok && r.code).toBe('too-large');
  });

  it('GIVEN nothing listening THEN a network error after the retries', async () => {
    const url = site.postsUrl;
    await site.stop();
    const r = await pollPosts({ endpoint: url, cursor: null, validators: null }, opts({ retries: 1 }));
    expect(!r.ok && r.code).toBe('network');
    site = await startWpDouble();
  });
});
