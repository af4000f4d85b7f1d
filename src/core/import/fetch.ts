// Fetch every page of a WordPress `wp/v2/posts` listing. Pages are fetched one
// after another (a small newsroom site should not see bursts from us); each
// request has a timeout and transient failures are retried with a bounded,
// exponential backoff. A page that still fails is reported, not fatal, unless
// it is the first one (without it we do not know how many pages there are).
//
// Every response body is read as a stream and counted: past maxBytes (the
// Content-Length is checked first, and the count while reading) the request is
// aborted and the page fails with the cap in its message. Such a page is never
// retried, since each retry would download the same oversized body again.

export type FetchErrorCode = 'bad-url' | 'timeout' | 'network' | 'http-status' | 'bad-json' | 'bad-shape' | 'too-many-pages' | 'too-large';

/** The largest response body read for one page (bytes): 100 long posts fit many times over. */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

export interface PageProblem {
  page: number;
  url: string;
  code: FetchErrorCode;
  message: string;
  attempts: number;
}

export type FetchResult =
  | { ok: true; posts: unknown[]; totalPages: number; problems: PageProblem[] }
  | { ok: false; code: FetchErrorCode; message: string };

export interface FetchOptions {
  /** Per request, including reading the body. */
  timeoutMs: number;
  /** Extra attempts after the first, for network errors, timeouts, 5xx and 429. */
  retries: number;
  /** First retry delay; doubles each retry. Default 500 ms. */
  backoffMs?: number;
  /** Cap on any single delay, including a server's Retry-After. Default 10 s. */
  maxBackoffMs?: number;
  /** Guard against a bogus X-WP-TotalPages. Default 1000 pages (100 000 posts). */
  maxPages?: number;
  /** Cap on one response body (bytes). Default DEFAULT_MAX_RESPONSE_BYTES. */
  maxBytes?: number;
  fetchImpl?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** Progress hook, called after each page that succeeded. */
  onPage?: (page: number, totalPages: number, postCount: number) => void;
}

export const PER_PAGE = 100;

type PageBody = { posts: unknown[]; totalPages: number };
type Attempt =
  | { ok: true; body: PageBody }
  | { ok: false; code: FetchErrorCode; message: string; retryable: boolean; retryAfterMs?: number };

/** The URL of one page of the listing; other query parameters (filters) are kept. */
export function pageUrl(base: string, page: number): string {
  const url = new URL(base);
  url.searchParams.set('per_page', String(PER_PAGE));
  url.searchParams.set('page', String(page));
  return url.toString();
}

export async function fetchAllPosts(url: string, opts: FetchOptions): Promise<FetchResult> {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    return { ok: false, code: 'bad-url', message: `--url "${url}" is not an http(s) URL` };
  }

  const first = await fetchPage(url, 1, opts);
  if ('problem' in first) {
    return { ok: false, code: first.problem.code, message: `page 1 (${first.problem.url}): ${first.problem.message}` };
  }
  const maxPages = opts.maxPages ?? 1000;
  const problems: PageProblem[] = [];
  const totalPages = first.body.totalPages;
  const lastPage = Math.min(totalPages, maxPages);
  if (totalPages > maxPages) {
    problems.push({
      page: maxPages + 1,
      url: pageUrl(url, maxPages + 1),
      code: 'too-many-pages',
      message: `X-WP-TotalPages says ${totalPages}; stopped after ${maxPages} pages`,
      attempts: 0,
    });
  }
  const posts = [...first.body.posts];
  opts.onPage?.(1, lastPage, first.body.posts.length);
  for (let page = 2; page <= lastPage; page++) {
    const result = await fetchPage(url, page, opts);
    if ('problem' in result) {
      problems.push(result.problem);
      continue;
    }
    posts.push(...result.body.posts);
    opts.onPage?.(page, lastPage, result.body.posts.length);
  }
  return { ok: true, posts, totalPages, problems };
}

async function fetchPage(base: string, page: number, opts: FetchOptions): Promise<{ body: PageBody } | { problem: PageProblem }> {
  const url = pageUrl(base, page);
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const retries = Math.max(0, Math.floor(opts.retries));
  for (let attempt = 0; ; attempt++) {
    const result = await attemptOnce(url, opts);
    if (result.ok) return { body: result.body };
    if (!result.retryable || attempt >= retries) {
      return { problem: { page, url, code: result.code, message: result.message, attempts: attempt + 1 } };
    }
    await sleep(backoffDelay(attempt, opts, result.retryAfterMs));
  }
}

/** Delay before retry number attempt+1: exponential, or the server's Retry-After, never above the cap. */
export function backoffDelay(attempt: number, opts: Pick<FetchOptions, 'backoffMs' | 'maxBackoffMs'>, retryAfterMs?: number): number {
  const cap = opts.maxBackoffMs ?? 10_000;
  const exponential = (opts.backoffMs ?? 500) * 2 ** attempt;
  return Math.min(cap, Math.max(exponential, retryAfterMs ?? 0));
}

async function attemptOnce(url: string, opts: FetchOptions): Promise<Attempt> {
  const fetchImpl = opts.fetchImpl ?? fetch;
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  // Raced as well as passed as the signal, so a fetchImpl that ignores the signal
  // still cannot hang us.
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      // Resolve before aborting so the race reports a timeout, not the abort error.
      resolve('timeout');
      controller.abort();
    }, opts.timeoutMs);
  });
  const work = (async (): Promise<Attempt> => {
    const res = await fetchImpl(url, { signal: controller.signal, headers: { accept: 'application/json' } });
    const maxBytes = opts.maxBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    const body = await readCapped(res, maxBytes);
    if (!body.ok) {
      controller.abort();
      return { ok: false, code: 'too-large', message: `${body.message}; over the cap of ${maxBytes} bytes per response, so it was not read`, retryable: false };
    }
    const text = body.text;
    if (!res.ok) {
      const retryable = res.status >= 500 || res.status === 429;
      const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
      return {
        ok: false,
        code: 'http-status',
        message: `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}${wpErrorMessage(text)}`,
        retryable,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      };
    }
    return parseBody(text, res.headers.get('x-wp-totalpages'));
  })();
  try {
    const outcome = await Promise.race([work, timedOut]);
    if (outcome === 'timeout') {
      return { ok: false, code: 'timeout', message: `no complete answer within ${opts.timeoutMs} ms`, retryable: true };
    }
    return outcome;
  } catch (err) {
    return { ok: false, code: 'network', message: networkErrorText(err), retryable: true };
  } finally {
    clearTimeout(timer);
  }
}

/** The body as text when it stays within `maxBytes`; otherwise stops reading at the cap. */
export async function readCapped(res: Response, maxBytes: number): Promise<{ ok: true; text: string } | { ok: false; message: string }> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    return { ok: false, message: `the response declares ${declared} bytes` };
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
      return { ok: false, message: `the response passed ${maxBytes} bytes while being read` };
    }
    chunks.push(value);
  }
  return { ok: true, text: Buffer.concat(chunks).toString('utf8') };
}

function parseBody(text: string, totalPagesHeader: string | null): Attempt {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    // Typically a PHP warning or an HTML error page in front of the JSON.
    return { ok: false, code: 'bad-json', message: `response is not JSON (starts with ${JSON.stringify(text.slice(0, 80))})`, retryable: false };
  }
  if (Array.isArray(body)) {
    const totalPages = parseTotalPages(totalPagesHeader);
    if (totalPages === undefined) {
      return { ok: false, code: 'bad-shape', message: `X-WP-TotalPages header "${totalPagesHeader}" is not a whole number`, retryable: false };
    }
    return { ok: true, body: { posts: body, totalPages } };
  }
  // A single-post endpoint (…/wp/v2/posts/123) answers with one object.
  if (typeof body === 'object' && body !== null) return { ok: true, body: { posts: [body], totalPages: 1 } };
  return { ok: false, code: 'bad-shape', message: 'expected a JSON array of posts or one post object', retryable: false };
}

// Missing header: not a paginated WordPress listing, so what we got is all there is.
export function parseTotalPages(header: string | null): number | undefined {
  if (header === null || header.trim() === '') return 1;
  if (!/^\d+$/.test(header.trim())) return undefined;
  return Math.max(1, Number(header.trim()));
}

export function parseRetryAfter(header: string | null): number | undefined {
  if (header === null) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

// WordPress errors are JSON {code, message}; the message says what went wrong.
export function wpErrorMessage(text: string): string {
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body === 'object' && body !== null && 'message' in body && typeof body.message === 'string') {
      return `: ${body.message}`;
    }
  } catch {
    // Not JSON: the status line says enough.
  }
  return '';
}

export function networkErrorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`;
}
