// The digest repository: subscriptions (one per channel, baseline on a new
// scope), runs (one per subscription and local date, parts recorded in order,
// completion and fingerprints together) and skipping.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStateDb } from '../../src/state/db.ts';
import { DigestStore, type SubscriptionInput } from '../../src/state/store.ts';

let store: DigestStore;

beforeEach(() => {
  const r = openStateDb(':memory:');
  if (!r.ok) throw new Error(r.message);
  store = new DigestStore(r.db);
});
afterEach(() => store.close());

const INPUT: SubscriptionInput = { guildId: 'g1', channelId: 'c1', time: '08:00', timezone: 'Europe/London', query: '', createdBy: 'u1' };
const T0 = '2026-03-01T00:00:00.000Z';
const T1 = '2026-03-02T00:00:00.000Z';

describe('subscriptions', () => {
  it('GIVEN a new channel THEN it is active and its baseline counts as reported', () => {
    const { subscription, replaced } = store.subscribe(INPUT, T0, () => [{ id: 'r1', fingerprint: 'a' }]);
    expect(replaced).toBeNull();
    expect(subscription).toMatchObject({ channelId: 'c1', active: true, activeSince: T0, createdAt: T0 });
    expect(store.fingerprints(subscription.id)).toEqual(new Map([['r1', 'a']]));
  });

  it('GIVEN the same channel again with a new time THEN one subscription, the old settings returned, history kept', () => {
    const first = store.subscribe(INPUT, T0, () => [{ id: 'r1', fingerprint: 'a' }]).subscription;
    let baselineCalls = 0;
    const second = store.subscribe({ ...INPUT, time: '09:30' }, T1, () => {
      baselineCalls += 1;
      return [];
    });
    expect(second.subscription.id).toBe(first.id);
    expect(second.replaced?.time).toBe('08:00');
    expect(second.subscription).toMatchObject({ time: '09:30', activeSince: T1, createdAt: T0 });
    // Same query, same scope: what was reported stays reported.
    expect(baselineCalls).toBe(0);
    expect(store.fingerprints(first.id).get('r1')).toBe('a');
    expect(store.active()).toHaveLength(1);
  });

  it('GIVEN a new query THEN the baseline is replaced by the new scope', () => {
    const sub = store.subscribe(INPUT, T0, () => [{ id: 'r1', fingerprint: 'a' }]).subscription;
    store.subscribe({ ...INPUT, query: 'place:kabul' }, T1, () => [{ id: 'r2', fingerprint: 'b' }]);
    expect(store.fingerprints(sub.id)).toEqual(new Map([['r2', 'b']]));
  });

  it('GIVEN unsubscribe THEN inactive and not listed; unsubscribing again returns null', () => {
    store.subscribe(INPUT, T0, () => []);
    expect(store.unsubscribe('c1')?.channelId).toBe('c1');
    expect(store.active()).toEqual([]);
    expect(store.unsubscribe('c1')).toBeNull();
    expect(store.unsubscribe('nope')).toBeNull();
  });

  it('GIVEN subscriptions in two guilds THEN each guild lists its own', () => {
    store.subscribe(INPUT, T0, () => []);
    store.subscribe({ ...INPUT, guildId: 'g2', channelId: 'c2' }, T0, () => []);
    expect(store.active('g1').map((s) => s.channelId)).toEqual(['c1']);
    expect(store.active('g2').map((s) => s.channelId)).toEqual(['c2']);
    expect(store.active().map((s) => s.channelId)).toEqual(['c1', 'c2']);
  });

  it('GIVEN a time the schema cannot hold THEN the database refuses it (a bug upstream, not user input)', () => {
    expect(() => store.subscribe({ ...INPUT, time: '8am' }, T0, () => [])).toThrow();
  });
});

describe('runs', () => {
  function intent(subscriptionId: number, localDate = '2026-03-02') {
    return store.recordIntent({
      subscriptionId,
      localDate,
      nonce: `d${subscriptionId}-x`,
      messages: ['part one', 'part two'],
      covered: [{ id: 'r9', fingerprint: 'z' }],
      plannedAt: '2026-03-02T08:00:00.000Z',
    });
  }

  it('GIVEN an intent recorded twice for one date THEN the first stands (one run per subscription and date)', () => {
    const sub = store.subscribe(INPUT, T0, () => []).subscription;
    const a = intent(sub.id);
    const b = store.recordIntent({ subscriptionId: sub.id, localDate: '2026-03-02', nonce: 'other', messages: ['x'], covered: [], plannedAt: T1 });
    expect(b.id).toBe(a.id);
    expect(b.nonce).toBe(a.nonce);
    expect(b.messages).toEqual(['part one', 'part two']);
  });

  it('GIVEN parts recorded in order THEN posted, thread, completed with fingerprints in one step', () => {
    const sub = store.subscribe(INPUT, T0, () => []).subscription;
    let run = intent(sub.id);
    run = store.recordPart(run.id, 0, 'm1');
    run = store.recordPart(run.id, 1, 'm2');
    expect(run.messageIds).toEqual(['m1', 'm2']);
    expect(store.markPosted(run.id, T1).status).toBe('posted');
    expect(store.recordThread(run.id, 't1').threadId).toBe('t1');
    expect(store.fingerprints(sub.id).size).toBe(0);
    const done = store.complete(run.id, T1);
    expect(done).toMatchObject({ status: 'completed', completedAt: T1 });
    expect(store.fingerprints(sub.id)).toEqual(new Map([['r9', 'z']]));
    expect(store.latestRun(sub.id)?.localDate).toBe('2026-03-02');
  });

  it('GIVEN a part recorded out of order THEN it throws (a runner bug must not corrupt the record)', () => {
    const sub = store.subscribe(INPUT, T0, () => []).subscription;
    const run = intent(sub.id);
    expect(() => store.recordPart(run.id, 1, 'm2')).toThrow(/part 1/);
  });

  it('GIVEN skip on a date with nothing posted THEN skipped; on a date with a part posted THEN left as it is', () => {
    const sub = store.subscribe(INPUT, T0, () => []).subscription;
    const skipped = store.skip({ subscriptionId: sub.id, localDate: '2026-03-01', nonce: 'n', plannedAt: T0, reason: 'late' });
    expect(skipped).toMatchObject({ status: 'skipped', lastError: 'late' });
    const run = intent(sub.id);
    store.recordPart(run.id, 0, 'm1');
    expect(store.skip({ subscriptionId: sub.id, localDate: '2026-03-02', nonce: 'n', plannedAt: T0, reason: 'late' }).status).toBe('intent');
    expect(store.unfinishedRuns(sub.id).map((r) => r.localDate)).toEqual(['2026-03-02']);
  });

  it('GIVEN failures THEN attempts count up; a permanent one fails the run', () => {
    const sub = store.subscribe(INPUT, T0, () => []).subscription;
    const run = intent(sub.id);
    expect(store.recordFailure(run.id, 'timeout', false)).toMatchObject({ attempts: 1, status: 'intent', lastError: 'timeout' });
    expect(store.recordFailure(run.id, 'x'.repeat(2000), true)).toMatchObject({ attempts: 2, status: 'failed' });
    expect(store.runById(run.id).lastError?.length).toBeLessThanOrEqual(500);
  });
});
