// Job leases: each scheduled job (a digest run, a source poll, an
// announcement) is worked on by one process at a time, however many bot
// processes share the state store. One copy of this machinery serves every
// runner (src/digest/runner.ts, src/sources/watcher.ts).
//
// A lease is a row in `job_leases` (job key, holder, fence, expiry), taken
// before the work with one atomic statement:
//
//   INSERT ... ON CONFLICT (job) DO UPDATE ... WHERE the lease has expired
//   (or is already this holder's) RETURNING ...
//
// On PostgreSQL the conflicting row is locked by the insert, so two processes
// racing for the same job serialise there and exactly one gets a row back;
// on SQLite the single writer does the same. The holder renews the lease
// while it works (every third of its length) and deletes it at the end. A
// process that dies leaves its lease to expire; the next process to look
// takes it over (the fence goes up by one) and finishes the work from the
// runner's recorded intent (nonce, parts posted, thread: src/jobs/post-once.ts),
// so a takeover posts no part twice and opens no second thread.
//
// A holder that fails to renew (it was paused past the expiry and another
// process took over) has lost the lease: `assertHeld()` throws LeaseLost
// before its next side effect, and the runner leaves the job to the new holder.
//
// Time: on PostgreSQL every expiry is computed and compared with the
// server's clock, so processes on machines whose clocks differ agree on when
// a lease has expired. On SQLite (one machine) the runner's clock is used,
// which tests control.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** The part of the state stores' SQL port (src/db/sql.ts) leases need. */
export interface LeaseSql {
  readonly dialect: 'sqlite' | 'postgres';
  get<T>(sql: string, params?: readonly (string | number | null)[]): T | undefined;
  run(sql: string, params?: readonly (string | number | null)[]): { changes: number };
}

// The table: src/state/migrations.ts (SQLite) and src/db/pg-migrations.ts (PostgreSQL).

/** A lease this process holds. */
export interface Lease {
  job: string;
  holder: string;
  /** Goes up by one at each takeover: tells holders of the same job apart in logs. */
  fence: number;
  /** Ms since the epoch, on the store's clock. */
  expiresAt: number;
}

/** Who holds a job now (when it could not be taken). */
export interface LeaseHolder {
  job: string;
  holder: string;
  expiresAt: number;
}

export type Acquired = { ok: true; lease: Lease } | { ok: false; heldBy: LeaseHolder };

/** The lease table. */
export interface LeaseStore {
  /** Takes the job if nobody holds it, its lease has expired, or this holder has it already. */
  acquire(job: string, holder: string, ttlMs: number): Acquired;
  /** Extends the lease; null when it is no longer this holder's (taken over after expiry). */
  renew(lease: Lease, ttlMs: number): Lease | null;
  /** Gives the job up (nothing happens when it was taken over meanwhile). */
  release(lease: Lease): void;
}

interface Row {
  job: string;
  holder: string;
  fence: number | string;
  expires_at: number | string;
}

/** Leases in the state store's `job_leases` table, over the SQL port (SQLite or PostgreSQL). */
export class SqlLeaseStore implements LeaseStore {
  readonly #sql: LeaseSql;
  readonly #now: () => number;

  /** `now`: the clock for SQLite (PostgreSQL uses the server's). */
  constructor(sql: LeaseSql, now: () => number = Date.now) {
    this.#sql = sql;
    this.#now = now;
  }

  /** Ms since the epoch on the clock every process agrees on. */
  #clock(): number {
    if (this.#sql.dialect === 'sqlite') return this.#now();
    const row = this.#sql.get<{ now: number | string }>('SELECT floor(extract(epoch from clock_timestamp()) * 1000)::float8 AS now');
    return Number(row!.now);
  }

  acquire(job: string, holder: string, ttlMs: number): Acquired {
    const now = this.#clock();
    const row = this.#sql.get<Row>(
      `INSERT INTO job_leases (job, holder, fence, acquired_at, expires_at) VALUES (?, ?, 1, ?, ?)
       ON CONFLICT (job) DO UPDATE SET holder = excluded.holder, fence = job_leases.fence + 1,
         acquired_at = excluded.acquired_at, expires_at = excluded.expires_at
       WHERE job_leases.expires_at <= ? OR job_leases.holder = ?
       RETURNING job, holder, fence, expires_at`,
      [job, holder, now, now + ttlMs, now, holder],
    );
    if (row !== undefined) return { ok: true, lease: { job, holder, fence: Number(row.fence), expiresAt: Number(row.expires_at) } };
    const held = this.#sql.get<Row>('SELECT job, holder, fence, expires_at FROM job_leases WHERE job = ?', [job]);
    // Released between the two statements: free now, so try again.
    if (held === undefined) return this.acquire(job, holder, ttlMs);
    return { ok: false, heldBy: { job, holder: held.holder, expiresAt: Number(held.expires_at) } };
  }

  renew(lease: Lease, ttlMs: number): Lease | null {
    const expiresAt = this.#clock() + ttlMs;
    const { changes } = this.#sql.run('UPDATE job_leases SET expires_at = ? WHERE job = ? AND holder = ? AND fence = ?', [
      expiresAt,
      lease.job,
      lease.holder,
      lease.fence,
    ]);
    return changes === 1 ? { ...lease, expiresAt } : null;
  }

  release(lease: Lease): void {
    this.#sql.run('DELETE FROM job_leases WHERE job = ? AND holder = ? AND fence = ?', [lease.job, lease.holder, lease.fence]);
  }
}

/** Thrown by `assertHeld()` once another process has taken the job over. */
export class LeaseLost extends Error {
  readonly job: string;
  constructor(job: string) {
    super(`the lease on ${job} was taken over by another process`);
    this.name = 'LeaseLost';
    this.job = job;
  }
}

/** The lease as the work sees it. */
export interface HeldLease {
  readonly job: string;
  readonly fence: number;
  /** True once a renewal found the job taken over. */
  readonly lost: boolean;
  /** Throws LeaseLost when the lease was lost; call before each side effect (a post, a thread). */
  assertHeld(): void;
}

export type LeaseRun<T> = { ran: true; value: T } | { ran: false; heldBy: LeaseHolder };

export interface LeaseTimers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

const defaultLeaseTimers: LeaseTimers = {
  setInterval: (fn, ms) => {
    const t = setInterval(fn, ms);
    t.unref();
    return t;
  },
  clearInterval: (h) => clearInterval(h as ReturnType<typeof setInterval>),
};

export interface LeaseLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface JobLeasesOptions {
  store: LeaseStore;
  /** This process's name in the table; default host:pid:random. */
  holder?: string;
  /** How long a lease lasts without renewal (LEASE_SECONDS). */
  ttlMs: number;
  logger?: LeaseLogger;
  timers?: LeaseTimers;
}

/** The name a process holds leases under: its host and pid (for operators) and a random part (pids are reused). */
export function defaultHolder(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

/** What runners receive: run a job under its lease, or learn who holds it. */
export class JobLeases {
  readonly holder: string;
  readonly ttlMs: number;
  readonly #store: LeaseStore;
  readonly #log: LeaseLogger | undefined;
  readonly #timers: LeaseTimers;

  constructor(opts: JobLeasesOptions) {
    this.#store = opts.store;
    this.holder = opts.holder ?? defaultHolder();
    this.ttlMs = opts.ttlMs;
    this.#log = opts.logger;
    this.#timers = opts.timers ?? defaultLeaseTimers;
  }

  /**
   * Takes the job's lease and runs `work` holding it (renewed every third of
   * its length), releasing it at the end however the work ends. When another
   * process holds it, does not run the work and says who holds it until when.
   */
  async run<T>(job: string, work: (held: HeldLease) => Promise<T>): Promise<LeaseRun<T>> {
    const got = this.#store.acquire(job, this.holder, this.ttlMs);
    if (!got.ok) return { ran: false, heldBy: got.heldBy };
    let lease: Lease = got.lease;
    let lost = false;
    if (lease.fence > 1) this.#log?.info({ job, fence: lease.fence }, 'job lease taken over: finishing the work from its record');
    const held: HeldLease = {
      job,
      get fence() {
        return lease.fence;
      },
      get lost() {
        return lost;
      },
      assertHeld: () => {
        if (lost) throw new LeaseLost(job);
      },
    };
    const renew = (): void => {
      if (lost) return;
      try {
        const renewed = this.#store.renew(lease, this.ttlMs);
        if (renewed === null) {
          lost = true;
          this.#log?.warn({ job, fence: lease.fence }, 'job lease lost: another process took the job over');
        } else lease = renewed;
      } catch (err) {
        // The store unreachable for a moment: keep working; the next renewal (or the expiry) decides.
        this.#log?.warn({ job, err: err instanceof Error ? err.message : String(err) }, 'job lease renewal failed');
      }
    };
    const timer = this.#timers.setInterval(renew, Math.max(1, Math.floor(this.ttlMs / 3)));
    try {
      return { ran: true, value: await work(held) };
    } finally {
      this.#timers.clearInterval(timer);
      if (!lost) {
        try {
          this.#store.release(lease);
        } catch (err) {
          // It expires by itself.
          this.#log?.warn({ job, err: err instanceof Error ? err.message : String(err) }, 'job lease release failed; it expires by itself');
        }
      }
    }
  }
}
