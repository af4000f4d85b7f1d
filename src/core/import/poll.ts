// One poll of a watched WordPress site: the posts modified since the cursor,
// oldest change first (`orderby=modified&order=asc&modified_after=<cursor>`),
// every page of `per_page=100` by X-WP-TotalPages. Kind to the site and safe
// against it:
// - conditional requests: the validators (ETag, Last-Modified) of the last
//   answer are sent back (If-None-Match, If-Modified-Since) and a 304 means
//   nothing changed. Only when the last answer was a single page: in a listing
//   ordered by modification an edit moves a post to the last page, so page 1
//   alone saying "unchanged" proves nothing about page 2;
// - a timeout on every request, body included, and a cap on the body's size,
//   checked while it streams in (a site must not fill our memory);
// - retries with exponential backoff for network errors, timeouts, 5xx and
//   429, honouring Retry-After up to the cap; a longer Retry-After ends the
//   poll with it, so the watcher waits that long before the next one;
// - a body that is not JSON, not an array of objects, or too large is an
//   error for this poll, never a throw.
// The cursor is sent one second early: `modified_after` is exclusive and
// WordPress keeps whole seconds, so a post edited in the same second as the
// last one seen is not missed; posts seen again are recognised by the caller.
import { backoffDelay, networkErrorText, parseRetryAfter, parseTotalPages, PER_PAGE, wpErrorMessage, type FetchErrorCode } from './fetch.ts';

export type PollErrorCode = FetchErrorCode | 'too-large';

export interface Validators {
  etag: string | null;
  lastModified: string | null;
}

export interface PollRequest {
  /** The wp/v2/posts URL (the user's own filters kept). */
  endpoint: string;
  /** Latest `modified` seen, or null for the first poll (everything). */
  cursor: string | null;
  /** Validators of the last answer, sent back when it was a single page. */
  validators: Validators | null;
}

export interface PollOptions {
  timeoutMs: number;
  retries: number;
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Largest body accepted per page, in bytes. */
  maxBytes: number;
  /** Most pages read in one poll; the rest is read by the next poll (the cursor has moved). */
  maxPages: number;
  fetchImpl?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

export type PollResult =
  | { ok: true; notModified: true; validators: Validators | null }
  | {
      ok: true;
      notModified: false;
      posts: unknown[];
      /** Pages read, and pages the site has. */
      pages: number;
      totalPages: number;
      /** Validators of page 1, kept only when it was the only page. */
      validators: Validators | null;
    }
  | { ok: false; code: PollErrorCode; message: string; retryAfterMs?: number };

export const DEFAULT_POLL_OPTIONS: PollOptions = {
  timeoutMs: 20_000,
  retries: 2,
  backoffMs: 1_000,
  maxBackoffMs: 30_000,
  maxBytes: 16 * 1024 * 1024,
  maxPages: 50,
};

/** `2026-11-30T10:00:00` minus one second, in the same zone-less form WordPress uses. */
export function cursorParam(cursor: string): string {
  const zoned = /(?:Z|[+-]\d{2}:?\d{2})$/.test(cursor) ? cursor : `${cursor}Z`;
  const ms = Date.parse(zoned);
  if (Number.isNaN(ms)) return cursor;
  return new Date(ms - 1000).toISOString().slice(0, 19);
}

/** The URL of one page of a poll. */
export function pollUrl(endpoint: string, cursor: string | null, page: number): string {
  const url = new URL(endpoint);
  url.searchParams.set('orderby', 'modified');
  url.searchParams.set('order', 'asc');
  url.searchParams.set('per_page', String(PER_PAGE));
  url.searchParams.set('page', String(page));
  // The author's name for the announcement; the importer ignores _embedded.
  url.searchParams.set('_embed', 'author');
  if (cursor !== null) url.searchParams.set('modified_after', cursorParam(cursor));
  else url.searchParams.delete('modified_after');
  return url.toString();
}

type Attempt =
  | { ok: true; notModified: true; validators: Validators }
  | { ok: true; notModified: false; posts: unknown[]; totalPages: number; validators: Validators }
  | { ok: false; code: PollErrorCode; message: string; retryable: boolean; retryAfterMs?: number };

async function readCapped(res: Response, maxBytes: number): Promise<{ ok: true; text: string } | { ok: false; size: string }> {
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    return { ok: false, size: `${declared} bytes` };
  }
  if (res.body === null) return { ok: true, text: '' };
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return { ok: false, size: `more than ${maxBytes} bytes` };
    }
    chunks.push(value);
  }
  return { ok: true, text: Buffer.concat(chunks).toString('utf8') };
}

async function attemptOnce(url: string, headers: Record<string, string>, opts: PollOptions): Promise<Attempt> {
  const fetchImpl = opts.fetchImpl ?? fetch;
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      resolve('timeout');
      controller.abort();
    }, opts.timeoutMs);
  });
  const work = (async (): Promise<Attempt> => {
    const res = await fetchImpl(url, { signal: controller.signal, headers: { accept: 'application/json', ...headers } });
    const validators: Validators = { etag: res.headers.get('etag'), lastModified: res.headers.get('last-modified') };
    if (res.status === 304) {
      await res.body?.cancel().catch(() => undefined);
      return { ok: true, notModified: true, validators };
    }
    const read = await readCapped(res, opts.maxBytes);
    if (!read.ok) return { ok: false, code: 'too-large', message: `response too large (${read.size}; the limit is ${opts.maxBytes} bytes)`, retryable: false };
    if (!res.ok) {
      const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
      return {
        ok: false,
        code: 'http-status',
        message: `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}${wpErrorMessage(read.text)}`,
        retryable: res.status >= 500 || res.status === 429,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      };
    }
    let body: unknown;
    try {
      body = JSON.parse(read.text);
    } catch {
      return { ok: false, code: 'bad-json', message: `response is not JSON (starts with ${JSON.stringify(read.text.slice(0, 80))})`, retryable: false };
    }
    if (!Array.isArray(body) || body.some((p) => typeof p !== 'object' || p === null || Array.isArray(p))) {
      return { ok: false, code: 'bad-shape', message: 'expected a JSON array of posts', retryable: false };
    }
    const totalPages = parseTotalPages(res.headers.get('x-wp-totalpages'));
    if (totalPages === undefined) {
      return { ok: false, code: 'bad-shape', message: `X-WP-TotalPages header "${res.headers.get('x-wp-totalpages')}" is not a whole number`, retryable: false };
    }
    return { ok: true, notModified: false, posts: body, totalPages, validators };
  })();
  try {
    const outcome = await Promise.race([work, timedOut]);
    if (outcome === 'timeout') return { ok: false, code: 'timeout', message: `no complete answer within ${opts.timeoutMs} ms`, retryable: true };
    return outcome;
  } catch (err) {
    return { ok: false, code: 'network', message: networkErrorText(err), retryable: true };
  } finally {
    clearTimeout(timer);
    // A hanging body must not keep the socket open after we gave up on it.
    controller.abort();
  }
}

async function fetchPage(url: string, headers: Record<string, string>, opts: PollOptions): Promise<Attempt> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const cap = opts.maxBackoffMs ?? 10_000;
  for (let attempt = 0; ; attempt++) {
    const result = await attemptOnce(url, headers, opts);
    if (result.ok || !result.retryable || attempt >= opts.retries) return result;
    // A server asking for more patience than we give within one poll: end the poll and come back later.
    if (result.retryAfterMs !== undefined && result.retryAfterMs > cap) return result;
    await sleep(backoffDelay(attempt, opts, result.retryAfterMs));
  }
}

/** Polls the endpoint for posts modified since the cursor. Never throws. */
export async function pollPosts(req: PollRequest, opts: PollOptions): Promise<PollResult> {
  const first = pollUrl(req.endpoint, req.cursor, 1);
  const headers: Record<string, string> = {};
  if (req.validators?.etag) headers['if-none-match'] = req.validators.etag;
  if (req.validators?.lastModified) headers['if-modified-since'] = req.validators.lastModified;
  const page1 = await fetchPage(first, headers, opts);
  if (!page1.ok) {
    return { ok: false, code: page1.code, message: `page 1 (${first}): ${page1.message}`, ...(page1.retryAfterMs !== undefined ? { retryAfterMs: page1.retryAfterMs } : {}) };
  }
  if (page1.notModified) return { ok: true, notModified: true, validators: req.validators };
  const posts = [...page1.posts];
  const last = Math.min(page1.totalPages, opts.maxPages);
  for (let page = 2; page <= last; page++) {
    const url = pollUrl(req.endpoint, req.cursor, page);
    const next = await fetchPage(url, {}, opts);
    // A later page failing fails the poll: the cursor must not move past posts not read.
    if (!next.ok) {
      return { ok: false, code: next.code, message: `page ${page} (${url}): ${next.message}`, ...(next.retryAfterMs !== undefined ? { retryAfterMs: next.retryAfterMs } : {}) };
    }
    if (next.notModified) return { ok: false, code: 'http-status', message: `page ${page} (${url}): 304 without a conditional request` };
    posts.push(...next.posts);
  }
  const single = page1.totalPages <= 1 && (page1.validators.etag !== null || page1.validators.lastModified !== null);
  return { ok: true, notModified: false, posts, pages: last, totalPages: page1.totalPages, validators: single ? page1.validators : null };
}
