// The state store contract: what every store (digest subscriptions and runs,
// fingerprints, watches with their cursors and announcements, drafts,
// conversation memory, opened threads, kept paging state) promises, whichever
// database holds it. Run by sqlite.test.ts and postgres.test.ts against a real
// database each; a behaviour that differs between them fails one of the two.
import { afterEach, describe, expect, it } from 'vitest';
import type { Understood } from '../../../src/core/ask/types.ts';
import type { Record } from '../../../src/core/records/schema.ts';
import type { SqlPort } from '../../../src/db/sql.ts';
import { DraftStore } from '../../../src/state/draft-store.ts';
import { StoredConversations, StoredOpenedThreads, StoredPagingMemory } from '../../../src/state/memory.ts';
import { openStateStore, type StateLocation } from '../../../src/state/open.ts';
import { DigestStore, type SubscriptionInput } from '../../../src/state/store.ts';
import { WatchStore, announcementNonce, type PlannedAnnouncement, type WatchInput } from '../../../src/state/watch-store.ts';

export interface StateBackend {
  /** Where a fresh, empty database is (created for the test). */
  fresh(): Promise<StateLocation>;
  /** Marks the database as written by a newer build than this one. */
  makeNewer(sql: SqlPort): void;
}

const T0 = '2026-03-01T00:00:00.000Z';
const T1 = '2026-03-02T00:00:00.000Z';
const T2 = '2026-03-03T00:00:00.000Z';
const SUB: SubscriptionInput = { guildId: 'g1', channelId: 'c1', time: '08:00', timezone: 'Europe/London', query: '', createdBy: 'u1' };
const WATCH: WatchInput = {
  guildId: 'g1',
  channelId: 'c1',
  channelName: 'news',
  endpoint: 'https://example.org/wp-json/wp/v2/posts',
  site: 'example.org',
  everyMinutes: 15,
  query: '',
  createdBy: 'u1',
};

function understood(question: string, place: string): Understood {
  return {
    ok: true,
    question,
    command: 'count',
    args: { query: `place:${place} year:2022`, by: 'month' },
    filters: { place: [place], from: '2022-01-01', to: '2022-12-31', year: 2022, kind: ['incident'] },
    terms: [],
    readAs: `Counting incidents by month · place ${place} · 2022`,
    reading: { kind: 'count' },
  } as unknown as Understood;
}

function draftRecord(id: string): Record {
  return {
    kind: 'incident',
    id,
    title: `Attack ${id}`,
    date: { start: '2022-03-04', precision: 'day' },
    place: { place: 'Kabul', country: 'Afghanistan', precision: 'city' },
    sources: [{ source: 'src-a', quote: 'a verbatim quote' }],
  } as unknown as Record;
}

export function defineStateContract(name: string, backend: StateBackend): void {
  const ports: SqlPort[] = [];
  afterEach(() => {
    for (const p of ports.splice(0)) p.close();
  });

  /** Opens (and migrates) the store at `location`: each call is another connection, as another process would have. */
  function connect(location: StateLocation): SqlPort {
    const opened = openStateStore(location);
    if (!opened.ok) throw new Error(opened.message);
    ports.push(opened.sql);
    return opened.sql;
  }

  async function fresh(): Promise<{ sql: SqlPort; location: StateLocation }> {
    const location = await backend.fresh();
    return { sql: connect(location), location };
  }

  describe(`state store contract (${name})`, () => {
    describe('opening and migrations', () => {
      it('GIVEN an empty database THEN it is migrated once; opening it again migrates nothing', async () => {
        const location = await backend.fresh();
        const first = openStateStore(location);
        if (!first.ok) throw new Error(first.message);
        ports.push(first.sql);
        expect(first.migratedFrom).toBe(0);
        expect(first.version).toBeGreaterThan(0);
        const second = openStateStore(location);
        if (!second.ok) throw new Error(second.message);
        ports.push(second.sql);
        expect(second.migratedFrom).toBe(first.version);
        expect(second.version).toBe(first.version);
        expect(second.sql.dialect).toBe(first.sql.dialect);
      });

      it('GIVEN a database written by a newer build THEN it is refused as newer, not guessed at', async () => {
        const { sql, location } = await fresh();
        backend.makeNewer(sql);
        const again = openStateStore(location);
        expect(again.ok).toBe(false);
        if (again.ok) return;
        expect(again.reason).toBe('newer');
        expect(again.message).toMatch(/newer/);
        expect(again.fix).not.toBe('');
      });

      it('GIVEN a transaction that throws THEN nothing of it is kept; a nested one that throws undoes only itself', async () => {
        const { sql } = await fresh();
        const store = new DigestStore(sql);
        expect(() =>
          sql.transaction(() => {
            store.subscribe(SUB, T0, () => []);
            throw new Error('boom');
          }),
        ).toThrow('boom');
        expect(store.byChannel('c1')).toBeUndefined();
        sql.transaction(() => {
          store.subscribe(SUB, T0, () => []);
          expect(() =>
            sql.transaction(() => {
              store.subscribe({ ...SUB, channelId: 'c2' }, T0, () => []);
              throw new Error('inner');
            }),
          ).toThrow('inner');
        });
        expect(store.active().map((s) => s.channelId)).toEqual(['c1']);
      });
    });

    describe('digest subscriptions and fingerprints', () => {
      it('GIVEN a new channel THEN it is active and its baseline counts as reported', async () => {
        const store = new DigestStore((await fresh()).sql);
        const { subscription, replaced } = store.subscribe({ ...SUB, channelName: 'daily' }, T0, () => [
          { id: 'r1', fingerprint: 'a' },
          { id: 'r2', fingerprint: 'b' },
        ]);
        expect(replaced).toBeNull();
        expect(subscription).toMatchObject({ channelId: 'c1', channelName: 'daily', active: true, activeSince: T0, createdAt: T0, time: '08:00' });
        expect(typeof subscription.id).toBe('number');
        expect(store.fingerprints(subscription.id)).toEqual(new Map([['r1', 'a'], ['r2', 'b']]));
        expect(store.byId(subscription.id)).toEqual(subscription);
      });

      it('GIVEN the same channel with a new time THEN one subscription; a new query replaces the baseline', async () => {
        const store = new DigestStore((await fresh()).sql);
        const first = store.subscribe(SUB, T0, () => [{ id: 'r1', fingerprint: 'a' }]).subscription;
        let calls = 0;
        const second = store.subscribe({ ...SUB, time: '09:30' }, T1, () => {
          calls += 1;
          return [];
        });
        expect(second.subscription.id).toBe(first.id);
        expect(second.replaced?.time).toBe('08:00');
        expect(second.subscription).toMatchObject({ time: '09:30', activeSince: T1, createdAt: T0 });
        expect(calls).toBe(0);
        expect(store.fingerprints(first.id)).toEqual(new Map([['r1', 'a']]));
        store.subscribe({ ...SUB, query: 'place:kabul' }, T2, () => [{ id: 'r9', fingerprint: 'z' }]);
        expect(store.fingerprints(first.id)).toEqual(new Map([['r9', 'z']]));
      });

      it('GIVEN a time that is not HH:MM THEN the database refuses it', async () => {
        const store = new DigestStore((await fresh()).sql);
        expect(() => store.subscribe({ ...SUB, time: '8am' }, T0, () => [])).toThrow();
        expect(store.byChannel('c1')).toBeUndefined();
      });

      it('GIVEN subscriptions in two guilds and an unsubscribe THEN active lists by channel id, per guild', async () => {
        const store = new DigestStore((await fresh()).sql);
        store.subscribe({ ...SUB, channelId: 'c3' }, T0, () => []);
        store.subscribe({ ...SUB, channelId: 'c10' }, T0, () => []);
        store.subscribe({ ...SUB, guildId: 'g2', channelId: 'c2' }, T0, () => []);
        // Text order, byte by byte, as SQLite compares: 'c10' < 'c2' < 'c3'.
        expect(store.active().map((s) => s.channelId)).toEqual(['c10', 'c2', 'c3']);
        expect(store.active('g2').map((s) => s.channelId)).toEqual(['c2']);
        expect(store.unsubscribe('c3')?.channelId).toBe('c3');
        expect(store.unsubscribe('c3')).toBeNull();
        expect(store.unsubscribe('nope')).toBeNull();
        expect(store.active('g1').map((s) => s.channelId)).toEqual(['c10']);
        expect(store.byChannel('c3')?.active).toBe(false);
      });
    });

    describe('digest runs', () => {
      it('GIVEN an intent recorded twice THEN the first one stands (a second tick gets the same run)', async () => {
        const store = new DigestStore((await fresh()).sql);
        const sub = store.subscribe(SUB, T0, () => []).subscription;
        const a = store.recordIntent({ subscriptionId: sub.id, localDate: '2026-03-01', nonce: 'n1', messages: ['one', 'two'], covered: [{ id: 'r1', fingerprint: 'f1' }], plannedAt: T0 });
        const b = store.recordIntent({ subscriptionId: sub.id, localDate: '2026-03-01', nonce: 'n2', messages: ['other'], covered: [], plannedAt: T1 });
        expect(b).toEqual(a);
        expect(a).toMatchObject({ status: 'intent', nonce: 'n1', messages: ['one', 'two'], messageIds: [], covered: [{ id: 'r1', fingerprint: 'f1' }], attempts: 0, threadId: null });
      });

      it('GIVEN parts, a thread and completion THEN parts are kept in order and completion records the fingerprints once', async () => {
        const store = new DigestStore((await fresh()).sql);
        const sub = store.subscribe(SUB, T0, () => [{ id: 'r1', fingerprint: 'old' }]).subscription;
        const run = store.recordIntent({ subscriptionId: sub.id, localDate: '2026-03-01', nonce: 'n', messages: ['p0', 'p1'], covered: [{ id: 'r1', fingerprint: 'new' }, { id: 'r2', fingerprint: 'x' }], plannedAt: T0 });
        store.recordPart(run.id, 0, 'm0');
        expect(() => store.recordPart(run.id, 0, 'again')).toThrow(/part 0/);
        expect(() => store.recordPart(run.id, 2, 'skip')).toThrow(/part 2/);
        expect(store.recordPart(run.id, 1, 'm1').messageIds).toEqual(['m0', 'm1']);
        expect(store.markPosted(run.id, T1)).toMatchObject({ status: 'posted', postedAt: T1 });
        // Only an intent becomes posted: a second call keeps the first time.
        expect(store.markPosted(run.id, T2).postedAt).toBe(T1);
        expect(store.recordThread(run.id, 'th1').threadId).toBe('th1');
        expect(store.unfinishedRuns(sub.id).map((r) => r.id)).toEqual([run.id]);
        const done = store.complete(run.id, T2);
        expect(done).toMatchObject({ status: 'completed', completedAt: T2, lastError: null });
        expect(store.complete(run.id, '2026-04-01T00:00:00.000Z').completedAt).toBe(T2);
        expect(store.fingerprints(sub.id)).toEqual(new Map([['r1', 'new'], ['r2', 'x']]));
        expect(store.unfinishedRuns(sub.id)).toEqual([]);
        expect(store.latestRun(sub.id)?.id).toBe(run.id);
      });

      it('GIVEN runs on several dates THEN unfinished are oldest first and latest is by date', async () => {
        const store = new DigestStore((await fresh()).sql);
        const sub = store.subscribe(SUB, T0, () => []).subscription;
        const dates = ['2026-03-10', '2026-03-02', '2026-03-05'];
        const runs = dates.map((d) => store.recordIntent({ subscriptionId: sub.id, localDate: d, nonce: `n${d}`, messages: ['x'], covered: [], plannedAt: T0 }));
        expect(store.unfinishedRuns(sub.id).map((r) => r.localDate)).toEqual(['2026-03-02', '2026-03-05', '2026-03-10']);
        store.complete(runs[1]!.id, T1);
        store.complete(runs[2]!.id, T1);
        expect(store.latestRun(sub.id)?.localDate).toBe('2026-03-05');
        expect(store.latestRun(sub.id, ['intent'])?.localDate).toBe('2026-03-10');
        expect(store.latestRun(sub.id, ['skipped', 'failed'])).toBeUndefined();
        expect(store.run(sub.id, '2026-03-02')?.status).toBe('completed');
        expect(() => store.runById(999999)).toThrow(/999999/);
      });

      it('GIVEN skip THEN a new date or an intent with nothing posted is skipped, a started one is not', async () => {
        const store = new DigestStore((await fresh()).sql);
        const sub = store.subscribe(SUB, T0, () => []).subscription;
        const skipped = store.skip({ subscriptionId: sub.id, localDate: '2026-03-01', nonce: 'a', plannedAt: T0, reason: 'too late' });
        expect(skipped).toMatchObject({ status: 'skipped', lastError: 'too late', messageIds: [] });
        const quiet = store.recordIntent({ subscriptionId: sub.id, localDate: '2026-03-02', nonce: 'b', messages: ['x'], covered: [], plannedAt: T0 });
        expect(store.skip({ subscriptionId: sub.id, localDate: '2026-03-02', nonce: 'b', plannedAt: T0, reason: 'late' }).status).toBe('skipped');
        expect(store.runById(quiet.id).status).toBe('skipped');
        const started = store.recordIntent({ subscriptionId: sub.id, localDate: '2026-03-03', nonce: 'c', messages: ['x', 'y'], covered: [], plannedAt: T0 });
        store.recordPart(started.id, 0, 'm0');
        expect(store.skip({ subscriptionId: sub.id, localDate: '2026-03-03', nonce: 'c', plannedAt: T0, reason: 'late' }).status).toBe('intent');
      });

      it('GIVEN failures THEN attempts count up, the error is kept (clipped), a permanent one ends the run', async () => {
        const store = new DigestStore((await fresh()).sql);
        const sub = store.subscribe(SUB, T0, () => []).subscription;
        const run = store.recordIntent({ subscriptionId: sub.id, localDate: '2026-03-01', nonce: 'n', messages: ['x'], covered: [], plannedAt: T0 });
        expect(store.recordFailure(run.id, 'timeout', false)).toMatchObject({ attempts: 1, lastError: 'timeout', status: 'intent' });
        const ended = store.recordFailure(run.id, 'e'.repeat(2000), true);
        expect(ended).toMatchObject({ attempts: 2, status: 'failed' });
        expect(ended.lastError?.length).toBe(500);
      });
    });

    describe('watches, cursors and announcements', () => {
      const announce = (key: string, extra: Partial<PlannedAnnouncement> = {}): PlannedAnnouncement => ({
        key,
        kind: 'announce',
        sourceId: `s-${key}`,
        channelId: 'c1',
        threadName: `Thread ${key}`,
        messages: [`post ${key}`],
        ...extra,
      });

      it('GIVEN a watch added twice for the same channel and endpoint THEN one watch, its settings updated', async () => {
        const store = new WatchStore((await fresh()).sql);
        const a = store.add(WATCH, T0);
        expect(a.existed).toBe(false);
        expect(a.watch).toMatchObject({ channelId: 'c1', site: 'example.org', everyMinutes: 15, active: true, nextPollAt: T0, polls: 0, imported: 0, cursor: null, failures: 0 });
        const b = store.add({ ...WATCH, everyMinutes: 60, channelName: null }, T1);
        expect(b.existed).toBe(true);
        expect(b.watch).toMatchObject({ id: a.watch.id, everyMinutes: 60, channelName: 'news', nextPollAt: T1 });
        expect(() => store.add({ ...WATCH, everyMinutes: 1, endpoint: 'https://other.org/wp-json/wp/v2/posts' }, T0)).toThrow();
      });

      it('GIVEN watches removed and polled now THEN active lists the rest oldest first, per guild', async () => {
        const store = new WatchStore((await fresh()).sql);
        const w1 = store.add(WATCH, T0).watch;
        const w2 = store.add({ ...WATCH, endpoint: 'https://b.org/wp-json/wp/v2/posts', site: 'b.org', guildId: 'g2' }, T0).watch;
        const w3 = store.add({ ...WATCH, endpoint: 'https://c.org/wp-json/wp/v2/posts', site: 'c.org' }, T0).watch;
        expect(store.active().map((w) => w.id)).toEqual([w1.id, w2.id, w3.id]);
        expect(store.active('g2').map((w) => w.id)).toEqual([w2.id]);
        expect(store.remove(w1.id)?.id).toBe(w1.id);
        expect(store.remove(w1.id)).toBeNull();
        store.pollNow([w1.id, w3.id], T2);
        expect(store.byId(w3.id)?.nextPollAt).toBe(T2);
        expect(store.byId(w1.id)?.nextPollAt).toBe(T0);
        // The same channel and endpoint may be watched again once the old watch is removed.
        expect(store.add(WATCH, T1).existed).toBe(false);
      });

      it('GIVEN a successful poll THEN posts, cursor, validators and announcements are recorded together; a key is planned once', async () => {
        const store = new WatchStore((await fresh()).sql);
        const w = store.add(WATCH, T0).watch;
        const after = store.recordSuccess(w.id, {
          at: T1,
          nextPollAt: T2,
          cursor: '2026-03-01T10:00:00',
          etag: 'W/"1"',
          lastModified: 'Sun, 01 Mar 2026 10:00:00 GMT',
          posts: [
            { sourceId: 'example-1', postId: 1, fingerprint: 'f1', modified: '2026-03-01T09:00:00', title: 'One', url: 'https://example.org/1' },
            { sourceId: 'example-2', postId: 3000000000, fingerprint: 'f2', modified: null, title: 'Two', url: 'https://example.org/2' },
          ],
          announcements: [announce('new:example-1')],
        });
        expect(after).toMatchObject({ cursor: '2026-03-01T10:00:00', etag: 'W/"1"', lastPollAt: T1, lastSuccessAt: T1, nextPollAt: T2, polls: 1, imported: 2, failures: 0 });
        const seen = store.seen(w.id);
        expect(seen.get('example-2')).toEqual({ sourceId: 'example-2', postId: 3000000000, fingerprint: 'f2', modified: null, title: 'Two', url: 'https://example.org/2' });
        // A poll without a newer cursor keeps the old one; a changed post is updated, not duplicated.
        const again = store.recordSuccess(w.id, {
          at: T2,
          nextPollAt: T2,
          cursor: null,
          etag: null,
          lastModified: null,
          posts: [{ sourceId: 'example-1', postId: 1, fingerprint: 'f1b', modified: '2026-03-02T09:00:00', title: 'One!', url: 'https://example.org/1' }],
          announcements: [announce('new:example-1', { messages: ['different text'] }), announce('update:example-1:f1b', { kind: 'update', channelId: null })],
        });
        expect(again).toMatchObject({ cursor: '2026-03-01T10:00:00', etag: null, polls: 2, imported: 2 });
        expect(store.seen(w.id).get('example-1')?.title).toBe('One!');
        const planned = store.announcements(w.id);
        expect(planned.map((a) => a.key)).toEqual(['new:example-1', 'update:example-1:f1b']);
        expect(planned[0]).toMatchObject({ messages: ['post new:example-1'], status: 'intent', nonce: announcementNonce(w.id, 'new:example-1'), threadName: 'Thread new:example-1' });
        expect(planned[1]).toMatchObject({ kind: 'update', channelId: null });
      });

      it('GIVEN a failing poll that backs off THEN failures count, one back-off notice, and a recovery plans its notice', async () => {
        const store = new WatchStore((await fresh()).sql);
        const w = store.add(WATCH, T0).watch;
        store.recordFailure(w.id, { at: T0, error: 'HTTP 503', nextPollAt: T1 });
        const backed = store.recordFailure(w.id, { at: T1, error: 'HTTP 503', nextPollAt: T2, backoff: { key: `backoff:${T1}`, kind: 'backoff', channelId: 'c1', messages: ['backing off'] } });
        expect(backed).toMatchObject({ failures: 2, lastError: 'HTTP 503', backedOffAt: T1, lastPollAt: T1 });
        const later = store.recordFailure(w.id, { at: T2, error: 'x'.repeat(900), nextPollAt: T2, backoff: { key: `backoff:${T2}`, kind: 'backoff', channelId: 'c1', messages: ['again'] } });
        expect(later.backedOffAt).toBe(T1);
        expect(later.lastError?.length).toBe(500);
        const ok = store.recordSuccess(w.id, { at: T2, nextPollAt: T2, cursor: null, etag: null, lastModified: null, posts: [], announcements: [], recovered: { key: `recovered:${T2}`, kind: 'recovered', channelId: 'c1', messages: ['back'] } });
        expect(ok).toMatchObject({ failures: 0, backedOffAt: null, lastError: null });
        expect(store.announcements(w.id).map((a) => a.kind)).toEqual(['backoff', 'backoff', 'recovered']);
      });

      it('GIVEN an announcement worked on THEN parts in order, posted, thread, completed; pending lists only unfinished ones in plan order', async () => {
        const store = new WatchStore((await fresh()).sql);
        const w = store.add(WATCH, T0).watch;
        store.recordSuccess(w.id, { at: T0, nextPollAt: T1, cursor: null, etag: null, lastModified: null, posts: [], announcements: [announce('a', { messages: ['a0', 'a1'] }), announce('b'), announce('c')] });
        const [a, b, c] = store.announcements(w.id);
        store.recordPart(a!.id, 0, 'm0');
        expect(() => store.recordPart(a!.id, 0, 'm0')).toThrow(/part 0/);
        store.recordPart(a!.id, 1, 'm1');
        expect(store.markPosted(a!.id, T1)).toMatchObject({ status: 'posted', postedAt: T1, messageIds: ['m0', 'm1'] });
        expect(store.recordThread(a!.id, 'm0').threadId).toBe('m0');
        expect(store.byKey(w.id, 'a')?.threadId).toBe('m0');
        expect(store.byKey(w.id, 'nope')).toBeUndefined();
        expect(store.pending().map((x) => x.key)).toEqual(['a', 'b', 'c']);
        expect(store.complete(a!.id, T2).status).toBe('completed');
        expect(store.skip(b!.id, 'no thread').status).toBe('skipped');
        expect(store.recordAttemptFailure(c!.id, 'HTTP 500', false)).toMatchObject({ attempts: 1, status: 'intent' });
        expect(store.pending().map((x) => x.key)).toEqual(['c']);
        expect(store.recordAttemptFailure(c!.id, 'Unknown Channel', true).status).toBe('failed');
        expect(store.pending()).toEqual([]);
        // A finished announcement is not reopened by a late skip or completion.
        expect(store.skip(a!.id, 'late').status).toBe('completed');
        expect(() => store.announcement(999999)).toThrow(/999999/);
      });
    });

    describe('drafts', () => {
      it('GIVEN drafts THEN listed by status and server, reviewed once, unapproved back to pending, provenance by record', async () => {
        const store = new DraftStore((await fresh()).sql);
        const at = new Date(T0);
        const d1 = store.add({ guildId: 'g1', channelId: 'c1', sourceId: 'src-a', passage: 2, record: draftRecord('r-1'), draftedBy: 'u1', draftedByName: 'Analyst Ünal', duplicates: ['old-1'] }, at);
        const d2 = store.add({ guildId: 'g2', channelId: null, sourceId: 'src-b', passage: null, record: draftRecord('r-2'), draftedBy: 'u2', duplicates: [] }, at);
        const d3 = store.add({ guildId: null, channelId: null, sourceId: 'src-c', passage: null, record: draftRecord('r-3'), draftedBy: 'console', duplicates: [] }, at);
        expect(d1).toMatchObject({ status: 'pending', kind: 'incident', recordId: 'r-1', passage: 2, duplicates: ['old-1'], draftedAt: T0, draftedByName: 'Analyst Ünal', reviewedBy: null, reviewedByName: null });
        expect(store.get(d2.id)?.draftedByName).toBeNull();
        // A pending draft's record may be edited (same id); another id, or a reviewed draft, may not.
        const edited = { ...draftRecord('r-1'), title: 'Attack, edited' } as unknown as Record;
        expect(store.updateRecord(d1.id, edited, [])).toBe(true);
        expect(store.get(d1.id)).toMatchObject({ record: edited, duplicates: [] });
        expect(store.updateRecord(d1.id, draftRecord('r-other'), [])).toBe(false);
        expect(d1.record).toEqual(draftRecord('r-1'));
        expect(store.list(undefined).map((d) => d.id)).toEqual([d1.id, d2.id, d3.id]);
        expect(store.list('pending', 'g2').map((d) => d.id)).toEqual([d2.id]);
        expect(store.list(undefined, null).map((d) => d.id)).toEqual([d1.id, d2.id, d3.id]);
        expect(store.review(d1.id, 'approved', 'mod', new Date(T1), undefined, 'Moderator')).toBe(true);
        expect(store.get(d1.id)).toMatchObject({ reviewedBy: 'mod', reviewedByName: 'Moderator', reviewedAt: T1 });
        expect(store.updateRecord(d1.id, edited, ['x'])).toBe(false);
        expect(store.review(d1.id, 'rejected', 'other', new Date(T2), 'dup')).toBe(false);
        expect(store.review(d2.id, 'rejected', 'mod', new Date(T1), 'not in the source')).toBe(true);
        expect(store.get(d2.id)).toMatchObject({ status: 'rejected', reason: 'not in the source', reviewedBy: 'mod', reviewedAt: T1 });
        expect(store.list('approved').map((d) => d.id)).toEqual([d1.id]);
        expect(store.recordIds()).toEqual(new Set(['r-1', 'r-3']));
        expect(store.approvedFor('r-1')?.id).toBe(d1.id);
        expect(store.approvedFor('r-2')).toBeUndefined();
        store.unapprove(d1.id);
        expect(store.get(d1.id)).toMatchObject({ status: 'pending', reviewedBy: null, reviewedByName: null, reviewedAt: null });
        expect(store.get(999999)).toBeUndefined();
      });
    });

    describe('conversation memory, opened threads and kept paging state', () => {
      it('GIVEN a question remembered by one connection THEN another connection (another process) reads it back whole', async () => {
        const { sql, location } = await fresh();
        let now = 1_700_000_000_000;
        const a = new StoredConversations(sql, { now: () => now });
        const b = new StoredConversations(connect(location), { now: () => now });
        const u = understood('attacks in Kabul by month in 2022?', 'Kabul');
        a.set('thread-1', u);
        expect(b.get('thread-1')).toEqual(u);
        b.set('thread-1', understood('and in Herat?', 'Herat'));
        expect(a.get('thread-1')?.filters.place).toEqual(['Herat']);
        expect(a.get('thread-2')).toBeUndefined();
        expect(b.delete('thread-1')).toBe(true);
        expect(a.get('thread-1')).toBeUndefined();
        expect(a.delete('thread-1')).toBe(false);
        now += 1;
      });

      it('GIVEN the time to live passes THEN a thread is forgotten; a use in time keeps it', async () => {
        const { sql } = await fresh();
        let now = 1_700_000_000_000;
        const c = new StoredConversations(sql, { now: () => now, ttlMs: 1000 });
        c.set('t1', understood('q1', 'Kabul'));
        c.set('t2', understood('q2', 'Herat'));
        now += 800;
        expect(c.get('t1')).toBeDefined();
        now += 800;
        expect(c.get('t1')).toBeDefined();
        expect(c.get('t2')).toBeUndefined();
        expect(c.size).toBe(1);
      });

      it('GIVEN more threads than the bound THEN the least recently used is forgotten first', async () => {
        const { sql } = await fresh();
        let now = 1_700_000_000_000;
        const c = new StoredConversations(sql, { now: () => now, max: 3 });
        for (const t of ['t1', 't2', 't3']) {
          c.set(t, understood(t, 'Kabul'));
          now += 10;
        }
        expect(c.get('t1')).toBeDefined(); // t1 is now the most recent
        now += 10;
        c.set('t4', understood('t4', 'Kabul'));
        expect(c.size).toBe(3);
        expect(c.get('t2')).toBeUndefined();
        expect(['t1', 't3', 't4'].every((t) => c.get(t) !== undefined)).toBe(true);
      });

      it('GIVEN threads the bot opened THEN every connection knows them until their time to live or the bound', async () => {
        const { sql, location } = await fresh();
        let now = 1_700_000_000_000;
        const a = new StoredOpenedThreads(sql, { now: () => now, ttlMs: 1000, max: 2 });
        const b = new StoredOpenedThreads(connect(location), { now: () => now, ttlMs: 1000, max: 2 });
        a.touch('th1');
        expect(b.has('th1')).toBe(true);
        expect(b.has('th2')).toBe(false);
        now += 600;
        b.touch('th2');
        now += 600;
        expect(a.has('th1')).toBe(false);
        expect(a.has('th2')).toBe(true);
        a.touch('th3');
        now += 1;
        a.touch('th4');
        expect(b.has('th2')).toBe(false);
        expect(b.has('th3') && b.has('th4')).toBe(true);
      });

      it('GIVEN long-query options and a kept reply THEN another connection pages through them; each kind is bounded on its own', async () => {
        const { sql, location } = await fresh();
        let now = 1_700_000_000_000;
        const a = new StoredPagingMemory(sql, { now: () => now, max: 2 });
        const b = new StoredPagingMemory(connect(location), { now: () => now, max: 2 });
        expect(a.persistent).toBe(true);
        a.remember('k1', 'search|query=a%26b&page=2');
        const view = { type: 'message', title: 'Reloaded', lines: ['12 incidents', 'ünïcödé ✓'], nested: { n: 3, ok: true, none: null } };
        a.keep('v1', view);
        expect(b.recall('k1')).toBe('search|query=a%26b&page=2');
        expect(b.kept('v1')).toEqual(view);
        expect(b.recall('v1')).toBeUndefined();
        expect(b.kept('k1')).toBeUndefined();
        now += 1;
        a.remember('k2', 'x');
        now += 1;
        expect(b.recall('k1')).toBeDefined(); // a use: k2 is now the oldest
        now += 1;
        a.remember('k3', 'y');
        expect(b.recall('k2')).toBeUndefined();
        expect(b.recall('k1')).toBeDefined();
        expect(b.kept('v1')).toEqual(view);
      });
    });
  });
}
