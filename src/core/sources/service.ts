// What /sources needs from the store of watched sites, as an interface (the
// SQLite implementation is src/sources/service.ts), and reading the site a
// user names into the posts endpoint that is polled.
import type { WatchesView } from '../views.ts';

export type WatchInfo = WatchesView['watches'][number];

export interface AddRequest {
  guildId: string;
  channelId: string;
  channelName: string | null;
  /** As typed: a site ("https://example.org") or a wp-json posts URL. */
  url: string;
  everyMinutes: number;
  query: string;
  userId: string;
}

export type AddResult = { ok: true; watch: WatchInfo; existed: boolean } | { ok: false; option: 'url'; message: string };

export interface SourcesService {
  add(request: AddRequest, now: Date): AddResult;
  /** Active watches of a guild, or (null) of all. */
  list(guildId: string | null, now: Date): WatchInfo[];
  /** Stops a watch, named by its number (as /sources list shows it) or its URL; null when none matches. */
  remove(ref: string, guildId: string | null, now: Date): WatchInfo | null;
  /** Makes the watches named (all of the guild's when `ref` is absent) due now; returns them, or null when `ref` matches none. */
  check(ref: string | undefined, guildId: string | null, now: Date): WatchInfo[] | null;
}

export const MIN_EVERY = 5;
export const DEFAULT_EVERY = 30;
export const MAX_EVERY = 7 * 24 * 60;

/** Query parameters the watcher sets itself on every poll; a user's copy of them is dropped. */
const OWN_PARAMS = ['page', 'per_page', 'orderby', 'order', 'modified_after', '_embed', 'offset', 'before', 'after'];

export type EndpointResult = { ok: true; endpoint: string; site: string } | { ok: false; message: string };

/**
 * The wp/v2/posts URL of what the user typed: a posts URL as it is (its own
 * filters, such as categories=12, kept), a `?rest_route=/wp/v2/posts` URL
 * likewise, and a site (or any page of it) as `<site>/wp-json/wp/v2/posts`.
 */
export function endpointOf(input: string): EndpointResult {
  const text = input.trim().replace(/^<(.*)>$/, '$1');
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    return { ok: false, message: `"${input}" is not a URL; give the site, e.g. https://example.org, or its /wp-json/wp/v2/posts URL` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, message: `"${input}" is not an http(s) URL` };
  if (url.username !== '' || url.password !== '') return { ok: false, message: 'the URL must not contain a user name or password' };
  if (!url.hostname.includes('.') && url.hostname !== 'localhost') return { ok: false, message: `"${url.hostname}" is not a site's host name` };
  url.hash = '';
  const route = url.searchParams.get('rest_route');
  const isPosts = /\/wp-json\/wp\/v2\/posts\/?$/.test(url.pathname) || (route !== null && /^\/wp\/v2\/posts\/?$/.test(route));
  if (/\/wp-json\//.test(url.pathname) && !isPosts) {
    return { ok: false, message: `${url.pathname} is not a posts listing; give the site, or its /wp-json/wp/v2/posts URL` };
  }
  if (!isPosts) {
    url.search = '';
    url.pathname = '/wp-json/wp/v2/posts';
  }
  for (const p of OWN_PARAMS) url.searchParams.delete(p);
  const site = url.hostname.toLowerCase().replace(/^www\./, '');
  return { ok: true, endpoint: url.toString(), site };
}
