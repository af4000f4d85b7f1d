// /sources: sub-commands through the registry and the console, the Manage
// Server check, errors naming the option, reading a site into its posts
// endpoint, and add / list / check / remove over a real store.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCommand } from '../../commands/index.ts';
import type { Caller, CommandDeps } from '../../commands/shared/definition.ts';
import { answerLine } from '../../src/console/answer.ts';
import { endpointOf } from '../../src/core/sources/service.ts';
import { ViewSchema, type View } from '../../src/core/views.ts';
import { renderText } from '../../src/render/text.ts';
import { SqliteSourcesService } from '../../src/sources/service.ts';
import { openStateDb, type StateDb } from '../../src/state/db.ts';
import { LATEST_VERSION } from '../../src/state/migrations.ts';
import { WatchStore } from '../../src/state/watch-store.ts';
import { archiveOf } from '../digest/helpers.ts';

const NOW = new Date('2026-11-30T12:00:00Z');
const ADMIN: Caller = { userId: 'u1', guildId: 'g1', channelId: 'c-here', canManageGuild: true, channelName: (id) => (id === '111' ? 'osint' : undefined) };
const MEMBER: Caller = { ...ADMIN, canManageGuild: false };

let db: StateDb;
let store: WatchStore;
let service: SqliteSourcesService;
let changes: number;

beforeEach(() => {
  const r = openStateDb(':memory:');
  if (!r.ok) throw new Error(r.message);
  db = r.db;
  store = new WatchStore(db);
  changes = 0;
  service = new SqliteSourcesService({ store, onChange: () => (changes += 1) });
});
afterEach(() => db.close());

function deps(caller?: Caller): CommandDeps {
  return { archive: archiveOf([]), now: () => NOW, sources: service, ...(caller !== undefined ? { caller } : {}) };
}

function run(sub: string, options: Record<string, string | number>, caller?: Caller): View {
  const view = runCommand('sources', options, deps(caller), sub);
  expect(ViewSchema.safeParse(view).success).toBe(true);
  return view;
}

describe('endpointOf', () => {
  it.each([
    ['https://www.thekhorasandiary.com', 'https://www.thekhorasandiary.com/wp-json/wp/v2/posts', 'thekhorasandiary.com'],
    ['thekhorasandiary.com/new/2023/03/13/some-post/', 'https://thekhorasandiary.com/wp-json/wp/v2/posts', 'thekhorasandiary.com'],
    ['https://example.org/wp-json/wp/v2/posts?categories=12&per_page=5&page=3', 'https://example.org/wp-json/wp/v2/posts?categories=12', 'example.org'],
    ['https://example.org/?rest_route=/wp/v2/posts', 'https://example.org/?rest_route=%2Fwp%2Fv2%2Fposts', 'example.org'],
    ['<http://127.0.0.1:8080/wp-json/wp/v2/posts>', 'http://127.0.0.1:8080/wp-json/wp/v2/posts', '127.0.0.1'],
  ])('GIVEN %s THEN it polls %s', (input, endpoint, site) => {
    expect(endpointOf(input)).toEqual({ ok: true, endpoint, site });
  });

  it.each([
    ['ftp://example.org', 'not an http(s) URL'],
    ['https://user:pw@example.org', 'user name or password'],
    ['https://example.org/wp-json/wp/v2/users', 'not a posts listing'],
    ['not a url at all', 'not'],
    ['intranet', 'not a site'],
  ])('GIVEN %s THEN refused: %s', (input, says) => {
    const r = endpointOf(input);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toContain(says);
  });
});

describe('/sources handler', () => {
  it('GIVEN a member without Manage Server THEN refused, nothing stored', () => {
    const v = run('add', { url: 'https://example.org', channel: '111' }, MEMBER);
    expect(v).toMatchObject({ type: 'error', code: 'forbidden' });
    expect(store.active()).toEqual([]);
  });

  it('GIVEN add THEN the watch is stored with its endpoint, interval and query, is due now, and the watcher is told', () => {
    const v = run('add', { url: 'https://www.example.org/', channel: '111', every: 15, query: 'Kunar attack' }, ADMIN);
    expect(v).toMatchObject({ type: 'watches', action: 'add' });
    expect(renderText(v)).toContain('Watching example.org');
    expect(store.active()).toMatchObject([
      { guildId: 'g1', channelId: '111', channelName: 'osint', endpoint: 'https://www.example.org/wp-json/wp/v2/posts', everyMinutes: 15, query: 'Kunar attack', nextPollAt: NOW.toISOString(), failures: 0, cursor: null },
    ]);
    expect(changes).toBe(1);
    // The same site for the same channel again updates it rather than adding a second watch.
    const again = run('add', { url: 'https://www.example.org/', channel: '111', every: 60 }, ADMIN);
    expect(renderText(again)).toContain('already watched');
    expect(store.active()).toHaveLength(1);
    expect(store.active()[0]!.everyMinutes).toBe(60);
  });

  it('GIVEN bad options THEN errors name the option', () => {
    expect(renderText(run('add', { url: 'ftp://x.org', channel: '111' }, ADMIN))).toContain('url:');
    expect(renderText(run('add', { url: 'https://x.org', channel: '111', every: 4 }, ADMIN))).toContain('every must be 5 or more');
    expect(renderText(run('add', { url: 'https://x.org', channel: '#osint' }, ADMIN))).toContain('channel:');
    expect(renderText(run('remove', { watch: '42' }, ADMIN))).toContain('watch: "42"');
    expect(store.active()).toEqual([]);
  });

  it('GIVEN watches THEN list shows their state, check makes them due, remove stops one by number or URL', () => {
    run('add', { url: 'https://a.example.org', channel: '111' }, ADMIN);
    run('add', { url: 'https://b.example.org', channel: '111' }, ADMIN);
    const [a] = store.active();
    store.recordFailure(a!.id, { at: NOW.toISOString(), error: 'HTTP 500 Internal Server Error', nextPollAt: '2026-11-30T13:00:00.000Z' });
    const list = run('list', {}, ADMIN);
    const text = renderText(list);
    expect(text).toContain('a.example.org');
    expect(text).toContain('1 failure in a row');
    expect(text).toContain('Last error: HTTP 500');
    expect(text).toContain('not polled yet');

    const check = run('check', { watch: 'https://a.example.org' }, ADMIN);
    expect(check).toMatchObject({ type: 'watches', action: 'check', watches: [{ site: 'a.example.org', nextPollAt: NOW.toISOString() }] });

    expect(renderText(run('remove', { watch: String(a!.id) }, ADMIN))).toContain('Stopped watching a.example.org');
    expect(renderText(run('remove', { watch: 'b.example.org' }, ADMIN))).toContain('Stopped watching b.example.org');
    expect(store.active()).toEqual([]);
  });
});

describe('/sources in the console', () => {
  it('GIVEN no server THEN add and remove say they need one; list and check work on the state file', () => {
    service.add({ guildId: 'g1', channelId: '111', channelName: null, url: 'https://a.example.org', everyMinutes: 30, query: '', userId: 'u' }, NOW);
    const d = deps();
    expect(answerLine('/sources add url:https://x.org channel:111', d).type).toBe('error');
    expect(renderText(answerLine('/sources add url:https://x.org channel:111', d))).toContain('works in a Discord server');
    expect(renderText(answerLine('/sources list', d))).toContain('a.example.org');
    expect(renderText(answerLine('/sources check', d))).toContain('the running bot picks this up within a minute');
    expect(renderText(answerLine('/help topic:sources', d))).toContain('/sources add');
  });

  it('GIVEN no state store THEN /sources says why it is unavailable', () => {
    const v = answerLine('/sources list', { archive: archiveOf([]), now: () => NOW });
    expect(renderText(v)).toContain('state store is not open');
  });
});

describe('migration 3', () => {
  it('GIVEN a fresh database THEN the watch tables exist at the latest version', () => {
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(['watches', 'watch_posts', 'announcements', 'subscriptions']));
  });
});
