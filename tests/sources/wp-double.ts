// A WordPress site double on 127.0.0.1 for the source watcher's tests: a
// wp/v2/posts endpoint that honours orderby=modified, order, per_page, page,
// modified_after and _embed=author, sends X-WP-Total / X-WP-TotalPages, an
// ETag and Last-Modified, and answers conditional requests with 304. Posts are
// published and edited by the test while it runs (the site's clock is the
// test's), and faults are queued for the next requests: 500, 429 with
// Retry-After, a hanging response, a body that hangs halfway, a malformed body
// (a PHP warning before the JSON), JSON that is not a list, an oversized body.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Fault = '500' | '429' | 'hang' | 'hang-body' | 'malformed' | 'not-array' | 'oversized';

export interface WpRequest {
  url: URL;
  headers: IncomingMessage['headers'];
  status: number;
}

export interface SitePost {
  id: number;
  date: string;
  modified: string;
  title: string;
  /** HTML paragraphs. */
  content: string;
  author: number;
  /** A real post served as it is (its own link, title, content), e.g. the seed post. */
  raw?: Record<string, unknown>;
}

export interface WpDouble {
  /** http://127.0.0.1:<port> */
  base: string;
  /** The posts endpoint. */
  postsUrl: string;
  /** The public host the posts' links use (their ids are `<first label>-<post id>`). */
  host: string;
  requests: WpRequest[];
  posts: Map<number, SitePost>;
  /** Publishes a post at the site's clock; returns it. */
  publish(id: number, title: string, paragraphs: string[], at: string): SitePost;
  /** Serves a real post as it is (its `modified` decides where it comes in the listing). */
  publishRaw(raw: Record<string, unknown>): SitePost;
  /** Edits a post (title and/or paragraphs) at the site's clock. */
  edit(id: number, changes: { title?: string; paragraphs?: string[] }, at: string): SitePost;
  /** Queues faults for the next requests, in order. */
  fail(...faults: Fault[]): void;
  /** Retry-After seconds sent with a 429. */
  retryAfter: number;
  /** Byte size of an oversized body. */
  oversizedBytes: number;
  /** Whether to send ETag and Last-Modified (and honour conditional requests). */
  validators: boolean;
  /** A post as wp/v2/posts returns it. */
  json(post: SitePost, embed?: boolean): Record<string, unknown>;
  stop(): Promise<void>;
}

function html(paragraphs: string[]): string {
  return paragraphs.map((p) => `<p>${p}</p>`).join('\n');
}

export async function startWpDouble(host = 'www.monitor-site.org'): Promise<WpDouble> {
  const posts = new Map<number, SitePost>();
  const faults: Fault[] = [];
  const requests: WpRequest[] = [];
  const sockets = new Set<Socket>();
  let base = '';

  const json = (p: SitePost, embed = false): Record<string, unknown> =>
    p.raw !== undefined ? { ...p.raw, ...(embed ? { _embedded: { author: [{ id: p.author, name: `Analyst ${p.author}` }] } } : {}) } : generated(p, embed);
  const generated = (p: SitePost, embed: boolean): Record<string, unknown> => ({
    id: p.id,
    date: p.date,
    date_gmt: p.date,
    modified: p.modified,
    modified_gmt: p.modified,
    slug: `post-${p.id}`,
    status: 'publish',
    type: 'post',
    link: `https://${host}/${p.date.slice(0, 10).replace(/-/g, '/')}/post-${p.id}/`,
    title: { rendered: p.title },
    content: { rendered: p.content, protected: false },
    excerpt: { rendered: '', protected: false },
    author: p.author,
    categories: [4],
    tags: [],
    _links: { self: [{ href: `https://${host}/wp-json/wp/v2/posts/${p.id}` }], author: [{ embeddable: true, href: `https://${host}/wp-json/wp/v2/users/${p.author}` }] },
    ...(embed ? { _embedded: { author: [{ id: p.author, name: `Analyst ${p.author}` }] } } : {}),
  });

  const double: WpDouble = {
    base: '',
    postsUrl: '',
    host,
    requests,
    posts,
    retryAfter: 1,
    oversizedBytes: 2 * 1024 * 1024,
    validators: true,
    json,
    publish(id, title, paragraphs, at) {
      const post = { id, date: at, modified: at, title, content: html(paragraphs), author: 2 };
      posts.set(id, post);
      return post;
    },
    publishRaw(raw) {
      const id = raw['id'] as number;
      const post = { id, date: String(raw['date']), modified: String(raw['modified'] ?? raw['date']), title: '', content: '', author: Number(raw['author'] ?? 1), raw };
      posts.set(id, post);
      return post;
    },
    edit(id, changes, at) {
      const post = posts.get(id);
      if (post === undefined) throw new Error(`no post ${id}`);
      const next = { ...post, modified: at, ...(changes.title !== undefined ? { title: changes.title } : {}), ...(changes.paragraphs !== undefined ? { content: html(changes.paragraphs) } : {}) };
      posts.set(id, next);
      return next;
    },
    fail(...f) {
      faults.push(...f);
    },
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const send = (res: ServerResponse, req: WpRequest, status: number, headers: Record<string, string>, body: string): void => {
    req.status = status;
    res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers });
    res.end(body);
  };

  const handle = (reqIn: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(reqIn.url ?? '/', base);
    const req: WpRequest = { url, headers: reqIn.headers, status: 0 };
    requests.push(req);
    if (url.pathname !== '/wp-json/wp/v2/posts') {
      send(res, req, 404, {}, JSON.stringify({ code: 'rest_no_route', message: 'No route was found matching the URL and request method.' }));
      return;
    }
    const fault = faults.shift();
    switch (fault) {
      case '500':
        send(res, req, 500, {}, JSON.stringify({ code: 'internal_server_error', message: 'There has been a critical error on this website.' }));
        return;
      case '429':
        send(res, req, 429, { 'retry-after': String(double.retryAfter) }, JSON.stringify({ code: 'too_many_requests', message: 'Slow down.' }));
        return;
      case 'hang':
        req.status = -1;
        return;
      case 'hang-body':
        req.status = 200;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('[{"id": 1, "title": ');
        return;
      case 'malformed':
        send(res, req, 200, { 'x-wp-totalpages': '1' }, '<br />\n<b>Warning</b>: Undefined variable $x in /var/www/wp-content/plugins/x.php on line 3<br />\n[]');
        return;
      case 'not-array':
        send(res, req, 200, {}, JSON.stringify({ posts: [] }));
        return;
      case 'oversized': {
        req.status = 200;
        res.writeHead(200, { 'content-type': 'application/json', 'x-wp-totalpages': '1' });
        const chunk = `${JSON.stringify(json(posts.values().next().value ?? { id: 1, date: '2026-01-01T00:00:00', modified: '2026-01-01T00:00:00', title: 'x', content: 'x', author: 1 }))},`;
        res.write('[');
        let sent = 1;
        while (sent < double.oversizedBytes) {
          res.write(chunk);
          sent += chunk.length;
        }
        res.end('{}]');
        return;
      }
      default:
        break;
    }
    const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page') ?? '10')));
    const page = Math.max(1, Number(url.searchParams.get('page') ?? '1'));
    const after = url.searchParams.get('modified_after');
    const byModified = url.searchParams.get('orderby') === 'modified';
    const asc = url.searchParams.get('order') === 'asc';
    let list = [...posts.values()].filter((p) => after === null || p.modified > after);
    list.sort((a, b) => {
      const ka = byModified ? a.modified : a.date;
      const kb = byModified ? b.modified : b.date;
      const c = ka < kb ? -1 : ka > kb ? 1 : a.id - b.id;
      return asc ? c : -c;
    });
    const total = list.length;
    const totalPages = Math.ceil(total / perPage);
    if (page > Math.max(1, totalPages)) {
      send(res, req, 400, {}, JSON.stringify({ code: 'rest_post_invalid_page_number', message: 'The page number requested is larger than the number of pages available.' }));
      return;
    }
    list = list.slice((page - 1) * perPage, page * perPage);
    const body = JSON.stringify(list.map((p) => json(p, url.searchParams.get('_embed') !== null)));
    const headers: Record<string, string> = { 'x-wp-total': String(total), 'x-wp-totalpages': String(totalPages) };
    if (double.validators) {
      const etag = `"${createHash('sha1').update(body).digest('hex')}"`;
      const newest = list.reduce((m, p) => (p.modified > m ? p.modified : m), '1970-01-01T00:00:00');
      const lastModified = new Date(`${newest}Z`).toUTCString();
      headers['etag'] = etag;
      headers['last-modified'] = lastModified;
      const inm = reqIn.headers['if-none-match'];
      const ims = reqIn.headers['if-modified-since'];
      const notModified = inm !== undefined ? inm === etag : ims !== undefined && Date.parse(ims) >= Date.parse(lastModified);
      if (notModified) {
        req.status = 304;
        res.writeHead(304, headers);
        res.end();
        return;
      }
    }
    send(res, req, 200, headers, body);
  };

  const server = createServer(handle);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  double.base = base;
  double.postsUrl = `${base}/wp-json/wp/v2/posts`;
  return double;
}
