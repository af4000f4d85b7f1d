// A synchronous PostgreSQL client. The state stores and the Archive port are
// synchronous interfaces (commands, the core and the runners call them without
// awaiting; better-sqlite3 was chosen for that), so their PostgreSQL
// implementations need a client that answers synchronously. `pg` itself is
// asynchronous: it runs here in a worker thread holding one connection, and the
// caller blocks on Atomics.wait until the worker has the answer (the technique
// of the `synckit` package, kept to the few lines this needs).
//
// The price is that the calling thread waits for the database's round trip:
// fine for the short indexed statements the stores and the archive issue, and
// the same as the embedded engine's synchronous work. Every call has a timeout,
// so a lost server fails a call with a clear error instead of hanging the bot;
// the connection is then opened afresh on the next call.
import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

export interface SyncPgOptions {
  /** Per call, milliseconds (default 30 s). */
  timeoutMs?: number;
  /** Shown in pg_stat_activity. */
  applicationName?: string;
}

export interface QueryResult<T> {
  rows: T[];
  rowCount: number;
}

/** An error from the server (code = SQLSTATE, e.g. '23505' unique violation) or from the bridge ('ETIMEDOUT', 'ECONNREFUSED', ...). */
export class PgError extends Error {
  readonly code: string | undefined;
  readonly detail: string | undefined;
  constructor(message: string, code?: string, detail?: string) {
    super(message);
    this.name = 'PgError';
    this.code = code;
    this.detail = detail;
  }
}

interface Request {
  op: 'query' | 'end';
  sql?: string;
  params?: unknown[];
}

type Reply =
  | { ok: true; rows: unknown[]; rowCount: number }
  | { ok: false; message: string; code?: string; detail?: string };

// The worker: plain CommonJS (eval), so it needs no TypeScript loader. It
// connects on the first request and reconnects after a lost connection.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const pg = require(workerData.pgPath);
// int8 (counts, sums) as numbers when exact, as PostgreSQL's text otherwise.
pg.types.setTypeParser(20, (v) => { const n = Number(v); return Number.isSafeInteger(n) ? n : v; });
const { port, flag, url, applicationName } = workerData;
let client = null;
let broken = false;
async function connection() {
  if (client !== null && !broken) return client;
  if (client !== null) { client.end().catch(() => {}); client = null; }
  const c = new pg.Client({ connectionString: url, application_name: applicationName });
  c.on('error', () => { broken = true; });
  broken = false;
  await c.connect();
  client = c;
  return c;
}
function answer(reply) {
  port.postMessage(reply);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}
port.on('message', async (req) => {
  if (req.op === 'end') {
    if (client !== null) await client.end().catch(() => {});
    client = null;
    answer({ ok: true, rows: [], rowCount: 0 });
    return;
  }
  try {
    const c = await connection();
    const r = await c.query(req.sql, req.params);
    // A multi-statement text returns one result per statement: the last one answers.
    const last = Array.isArray(r) ? r[r.length - 1] : r;
    answer({ ok: true, rows: last ? last.rows : [], rowCount: last && last.rowCount != null ? last.rowCount : 0 });
  } catch (err) {
    answer({ ok: false, message: String(err && err.message ? err.message : err), code: err && err.code ? String(err.code) : undefined, detail: err && err.detail ? String(err.detail) : undefined });
  }
});
`;

const PG_PATH = createRequire(import.meta.url).resolve('pg');
/** Added to the first call's timeout after the worker (re)starts: loading pg and connecting. */
const STARTUP_ALLOWANCE_MS = 10_000;
/** Only ever waited on, to sleep a millisecond. */
const SLEEP = new Int32Array(new SharedArrayBuffer(4));

/** Masks the password of a connection URL for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable database URL)';
  }
}

export class SyncPg {
  readonly #url: string;
  readonly #timeoutMs: number;
  readonly #applicationName: string;
  #worker: Worker | undefined;
  #port: MessagePort | undefined;
  #flag: Int32Array | undefined;
  #depth = 0;
  #closed = false;

  private constructor(url: string, options: SyncPgOptions) {
    this.#url = url;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#applicationName = options.applicationName ?? 'archivist';
  }

  /** Opens the bridge and checks the server answers (throws PgError when it does not). */
  static connect(url: string, options: SyncPgOptions = {}): SyncPg {
    const db = new SyncPg(url, options);
    db.query('SELECT 1');
    return db;
  }

  #start(): void {
    const { port1, port2 } = new MessageChannel();
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { port: port2, flag, url: this.#url, applicationName: this.#applicationName, pgPath: PG_PATH },
      transferList: [port2],
    });
    // The bridge alone never keeps a process alive.
    worker.unref();
    port1.unref();
    this.#worker = worker;
    this.#port = port1;
    this.#flag = flag;
  }

  #stop(): void {
    void this.#worker?.terminate();
    this.#port?.close();
    this.#worker = undefined;
    this.#port = undefined;
    this.#flag = undefined;
  }

  #call(req: Request): Reply {
    if (this.#closed) throw new PgError('the database connection is closed', 'ECLOSED');
    const fresh = this.#worker === undefined;
    if (fresh) this.#start();
    const flag = this.#flag!;
    const port = this.#port!;
    Atomics.store(flag, 0, 0);
    port.postMessage(req);
    // A fresh worker first loads pg and connects: that time is not the statement's.
    const timeoutMs = this.#timeoutMs + (fresh ? STARTUP_ALLOWANCE_MS : 0);
    const deadline = Date.now() + timeoutMs;
    // The worker posts its reply, then sets the flag: once the flag is set the reply is on the port.
    let left = timeoutMs;
    while (left > 0 && Atomics.wait(flag, 0, 0, left) === 'timed-out') left = deadline - Date.now();
    for (;;) {
      const got = receiveMessageOnPort(port);
      if (got !== undefined) return got.message as Reply;
      if (Date.now() >= deadline) {
        // The connection's state is unknown (an open transaction is rolled back by the server when it closes).
        this.#stop();
        this.#depth = 0;
        throw new PgError(`no answer from ${redactUrl(this.#url)} within ${timeoutMs} ms`, 'ETIMEDOUT');
      }
      if (Atomics.load(flag, 0) === 1) Atomics.wait(SLEEP, 0, 0, 1);
      else Atomics.wait(flag, 0, 0, Math.max(1, deadline - Date.now()));
    }
  }

  /** Runs one statement ($1..$n placeholders) and returns its rows. */
  query<T = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): QueryResult<T> {
    const reply = this.#call({ op: 'query', sql, params: [...params] });
    if (!reply.ok) throw new PgError(reply.message, reply.code, reply.detail);
    return { rows: reply.rows as T[], rowCount: reply.rowCount };
  }

  /**
   * Runs `fn` in a transaction on the bridge's one connection: COMMIT when it
   * returns, ROLLBACK when it throws. Nested calls use savepoints. `fn` must be
   * synchronous (a promise would escape the transaction).
   */
  transaction<T>(fn: () => T): T {
    const depth = this.#depth;
    const savepoint = `sp_${depth}`;
    this.query(depth === 0 ? 'BEGIN' : `SAVEPOINT ${savepoint}`);
    this.#depth = depth + 1;
    try {
      const result = fn();
      if (result !== null && typeof result === 'object' && typeof (result as { then?: unknown }).then === 'function') {
        throw new TypeError('SyncPg.transaction: the function returned a promise; it must be synchronous');
      }
      this.#depth = depth;
      this.query(depth === 0 ? 'COMMIT' : `RELEASE SAVEPOINT ${savepoint}`);
      return result;
    } catch (err) {
      this.#depth = depth;
      if (this.#worker !== undefined) {
        try {
          this.query(depth === 0 ? 'ROLLBACK' : `ROLLBACK TO SAVEPOINT ${savepoint}`);
        } catch {
          // The original error says more than a failed rollback (the server rolls back on disconnect).
        }
      }
      throw err;
    }
  }

  get inTransaction(): boolean {
    return this.#depth > 0;
  }

  /** Closes the connection and the worker. Later calls throw. */
  close(): void {
    if (this.#closed) return;
    if (this.#worker !== undefined) {
      try {
        this.#call({ op: 'end' });
      } catch {
        // Closing anyway.
      }
    }
    this.#stop();
    this.#closed = true;
  }
}
