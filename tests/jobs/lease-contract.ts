// The lease store's contract, run on SQLite (tests/jobs/lease.test.ts, a
// controlled clock) and PostgreSQL (tests/jobs/lease-postgres.test.ts, the
// server's clock, so "later" is real waiting with a short lease). Each
// `store()` is a new connection, as another process would have.
import { describe, expect, it } from 'vitest';
import type { LeaseStore } from '../../src/jobs/lease.ts';

export interface LeaseContractSetup {
  store: () => LeaseStore | Promise<LeaseStore>;
  /** Lets `ms` pass on the store's clock. */
  advance: (ms: number) => Promise<void>;
  /** The lease length the tests use (short on a real clock). */
  ttlMs: number;
}

export function defineLeaseContract(name: string, setup: LeaseContractSetup): void {
  const ttl = setup.ttlMs;
  let n = 0;
  const job = (what: string): string => `${what}:${++n}:${Math.random().toString(36).slice(2, 8)}`;

  describe(`lease store contract: ${name}`, () => {
    it('GIVEN a free job THEN the first holder takes it; another is refused and told who holds it until when', async () => {
      const a = await setup.store();
      const b = await setup.store();
      const j = job('digest');
      const got = a.acquire(j, 'A', ttl);
      if (!got.ok) throw new Error('not acquired');
      expect(got.lease).toMatchObject({ job: j, holder: 'A', fence: 1 });
      expect(got.lease.expiresAt).toBeGreaterThan(Date.parse('2020-01-01'));
      expect(b.acquire(j, 'B', ttl)).toEqual({ ok: false, heldBy: { job: j, holder: 'A', expiresAt: got.lease.expiresAt } });
      // Another job is independent.
      expect(b.acquire(job('digest'), 'B', ttl).ok).toBe(true);
    });

    it('GIVEN a lease past its expiry THEN another holder takes it over with a higher fence; the old holder can neither renew nor release it', async () => {
      const a = await setup.store();
      const b = await setup.store();
      const j = job('poll');
      const first = a.acquire(j, 'A', ttl);
      if (!first.ok) throw new Error('not acquired');
      expect(b.acquire(j, 'B', ttl).ok).toBe(false);
      await setup.advance(ttl + 1);
      const taken = b.acquire(j, 'B', ttl);
      expect(taken).toMatchObject({ ok: true, lease: { holder: 'B', fence: 2 } });
      expect(a.renew(first.lease, ttl)).toBeNull();
      a.release(first.lease);
      expect(a.acquire(j, 'A', ttl)).toMatchObject({ ok: false, heldBy: { holder: 'B' } });
    });

    it('GIVEN a renewal THEN the expiry moves later; GIVEN a release THEN the job is free at once', async () => {
      // Connections first: opening one may take a while, and the lease is running.
      const [a, b, c] = await Promise.all([setup.store(), setup.store(), setup.store()]);
      const j = job('announcement');
      const got = a.acquire(j, 'A', ttl);
      if (!got.ok) throw new Error('not acquired');
      await setup.advance(Math.floor(ttl / 2));
      const renewed = a.renew(got.lease, ttl);
      expect(renewed).not.toBeNull();
      expect(renewed!.expiresAt).toBeGreaterThan(got.lease.expiresAt);
      // Past the first expiry, but renewed: still A's.
      await setup.advance(Math.floor(ttl / 2) + 1);
      expect(b.acquire(j, 'B', ttl).ok).toBe(false);
      a.release(renewed!);
      expect(c.acquire(j, 'C', ttl)).toMatchObject({ ok: true, lease: { holder: 'C', fence: 1 } });
    });

    it('GIVEN the holder asks again THEN it keeps the job (a retry in the same process)', async () => {
      const a = await setup.store();
      const j = job('digest');
      expect(a.acquire(j, 'A', ttl).ok).toBe(true);
      expect(a.acquire(j, 'A', ttl)).toMatchObject({ ok: true, lease: { fence: 2 } });
    });

    it('GIVEN many holders asking for many jobs in turn THEN each job has exactly one holder at a time', async () => {
      const stores = await Promise.all([setup.store(), setup.store(), setup.store()]);
      const jobs = Array.from({ length: 10 }, () => job('many'));
      const owners = new Map<string, string>();
      for (const j of jobs) {
        stores.forEach((s, i) => {
          const got = s.acquire(j, `H${i}`, ttl);
          if (got.ok) {
            expect(owners.has(j)).toBe(false);
            owners.set(j, `H${i}`);
          } else expect(got.heldBy.holder).toBe(owners.get(j));
        });
      }
      expect([...owners.values()]).toEqual(jobs.map(() => 'H0'));
    });
  });
}
