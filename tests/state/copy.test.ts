// npm run -s state:copy: a bot's SQLite state copied into PostgreSQL (a real
// server for this file) reads back the same through every store; new rows
// get ids after the copied ones; a destination that already holds state is
// refused with nothing copied; --back copies PostgreSQL into SQLite.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlPort } from '../../src/db/sql.ts';
import { DraftStore } from '../../src/state/draft-store.ts';
import { StoredConversations } from '../../src/state/memory.ts';
import { openStateStore, type StateLocation } from '../../src/state/open.ts';
import { DigestStore } from '../../src/state/store.ts';
import { WatchStore } from '../../src/state/watch-store.ts';
import type { Record } from '../../src/core/records/schema.ts';
import type { Understood } from '../../src/core/ask/types.ts';
import { tempStateDir } from '../digest/helpers.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';

let pg: TestPostgres;
beforeAll(async () => {
  pg = await startPostgres();
}, 90_000);
afterAll(async () => {
  await pg?.stop();
}, 30_000);

function open(location: StateLocation): SqlPort {
  const opened = openStateStore(location);
  if (!opened.ok) throw new Error(opened.message);
  return opened.sql;
}

function copy(stateDir: string, databaseUrl: string, back = false): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/state-copy.ts', ...(back ? ['--back'] : [])], {
    env: { PATH: process.env['PATH'], STATE_DIR: stateDir, DATABASE_URL: databaseUrl, DISCORD_TOKEN: '' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Everything the stores read back, for comparing two databases. */
function snapshot(sql: SqlPort): unknown {
  const digest = new DigestStore(sql);
  const watches = new WatchStore(sql);
  const drafts = new DraftStore(sql);
  const subs = [...digest.active(), ...['c-gone'].map((c) => digest.byChannel(c))];
  return {
    subs,
    runs: digest.active().map((s) => [digest.unfinishedRuns(s.id), digest.latestRun(s.id, ['completed', 'skipped'])]),
    fingerprints: digest.active().map((s) => [...digest.fingerprints(s.id)]),
    watches: watches.active(),
    seen: watches.active().map((w) => [...watches.seen(w.id)]),
    announcements: watches.active().map((w) => watches.announcements(w.id)),
    drafts: drafts.list(undefined),
    conversation: new StoredConversations(sql, { now: () => 1_700_000_000_500 }).get('thread-1'),
  };
}

describe('npm run -s state:copy', () => {
  it('GIVEN a bot state in SQLite THEN PostgreSQL reads back the same, new ids follow, a second copy is refused, and --back restores it', async () => {
    const state = tempStateDir();
    try {
      const sqlite = open({ stateDir: state.dir });
      const digest = new DigestStore(sqlite);
      const sub = digest.subscribe({ guildId: 'g1', channelId: 'c1', time: '08:00', timezone: 'UTC', query: 'place:kabul', createdBy: 'u1' }, '2026-03-01T00:00:00.000Z', () => [{ id: 'r1', fingerprint: 'f1' }]).subscription;
      digest.subscribe({ guildId: 'g1', channelId: 'c-gone', time: '09:00', timezone: 'UTC', query: '', createdBy: 'u1' }, '2026-03-01T00:00:00.000Z', () => []);
      digest.unsubscribe('c-gone');
      const run = digest.recordIntent({ subscriptionId: sub.id, localDate: '2026-03-02', nonce: 'd1-20260302', messages: ['a', 'b'], covered: [{ id: 'r2', fingerprint: 'f2' }], plannedAt: '2026-03-02T08:00:00.000Z' });
      digest.recordPart(run.id, 0, 'm0');
      digest.recordPart(run.id, 1, 'm1');
      digest.markPosted(run.id, '2026-03-02T08:00:01.000Z');
      digest.recordThread(run.id, 'm0');
      digest.complete(run.id, '2026-03-02T08:00:02.000Z');
      digest.recordIntent({ subscriptionId: sub.id, localDate: '2026-03-03', nonce: 'd1-20260303', messages: ['c'], covered: [], plannedAt: '2026-03-03T08:00:00.000Z' });
      const watches = new WatchStore(sqlite);
      const w = watches.add({ guildId: 'g1', channelId: 'c1', channelName: 'news', endpoint: 'https://example.org/wp-json/wp/v2/posts', site: 'example.org', everyMinutes: 15, query: '', createdBy: 'u1' }, '2026-03-01T00:00:00.000Z').watch;
      watches.recordSuccess(w.id, { at: '2026-03-01T00:15:00.000Z', nextPollAt: '2026-03-01T00:30:00.000Z', cursor: '2026-03-01T00:10:00', etag: 'W/"7"', lastModified: null, posts: [{ sourceId: 'example-9', postId: 9, fingerprint: 'p9', modified: '2026-03-01T00:10:00', title: 'Nine', url: 'https://example.org/9' }], announcements: [{ key: 'new:example-9', kind: 'announce', sourceId: 'example-9', channelId: 'c1', threadName: 'Nine', messages: ['Nine'] }] });
      const record = { kind: 'incident', id: 'r-5', title: 'Attack', sources: [{ source: 'example-9', quote: 'q' }] } as unknown as Record;
      new DraftStore(sqlite).add({ guildId: 'g1', channelId: 'c1', sourceId: 'example-9', passage: 1, record, draftedBy: 'u2', duplicates: ['r-1'] }, new Date('2026-03-01T01:00:00.000Z'));
      new StoredConversations(sqlite, { now: () => 1_700_000_000_000 }).set('thread-1', { ok: true, question: 'attacks in Kabul?', terms: ['attacks'] } as unknown as Understood);
      const before = snapshot(sqlite);
      sqlite.close();

      const url = await pg.createDatabase('copy_target');
      const copied = copy(state.dir, url);
      expect(copied.stderr).toBe('');
      expect(copied.status).toBe(0);
      expect(copied.stdout).toContain('subscriptions: 2');
      expect(copied.stdout).toContain('digest_runs: 2');
      expect(copied.stdout).toContain('announcements: 1');
      expect(copied.stdout).not.toContain(decodeURIComponent(new URL(url).password));

      const postgres = open({ stateDir: state.dir, databaseUrl: url });
      try {
        expect(postgres.dialect).toBe('postgres');
        expect(snapshot(postgres)).toEqual(before);
        // The identity counters moved past the copied ids.
        const next = new DigestStore(postgres).subscribe({ guildId: 'g1', channelId: 'c3', time: '10:00', timezone: 'UTC', query: '', createdBy: 'u1' }, '2026-03-04T00:00:00.000Z', () => []).subscription;
        expect(next.id).toBe(3);
      } finally {
        postgres.close();
      }

      const again = copy(state.dir, url);
      expect(again.status).toBe(1);
      expect(again.stderr).toMatch(/already holds state \(subscriptions, digest_runs/);

      const back = tempStateDir();
      try {
        const restored = copy(back.dir, url, true);
        expect(restored.status).toBe(0);
        const sqlite2 = open({ stateDir: back.dir });
        try {
          const after = snapshot(sqlite2) as { subs: unknown[] };
          expect(after.subs).toHaveLength(3);
          const original = open({ stateDir: state.dir });
          expect(new DigestStore(sqlite2).run(sub.id, '2026-03-02')).toEqual(new DigestStore(original).run(sub.id, '2026-03-02'));
          original.close();
        } finally {
          sqlite2.close();
        }
      } finally {
        back.cleanup();
      }
    } finally {
      state.cleanup();
    }
  }, 120_000);
});
