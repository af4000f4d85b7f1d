// The archive served from PostgreSQL (SEARCH_BACKEND=postgres), and reloading
// it: the same ArchiveHolder the embedded engine's holder (search/holder.ts)
// gives the transports. At start and on every reload, data/ (with the same
// overlay folders) is loaded into the tables by db:sync (sync.ts), which
// changes only what changed; the archive is then opened afresh over them.
// As with the embedded engine, a reload that finds problems in data/ keeps
// the archive being served (at start the good records are served).
import type { Problem } from '../core/records/load.ts';
import { readData, readHash, countsOf, type ArchiveHolder, type Logger, type ReloadReport } from '../core/search/holder.ts';
import { recordsInOrder } from '../core/search/engine.ts';
import { migratePg } from '../db/pg-migrate.ts';
import { SyncPg } from '../db/pg-sync.ts';
import { PgArchive } from './archive.ts';
import { syncArchive, type SyncReport } from './sync.ts';

export interface PgOpenOptions {
  databaseUrl: string;
  dataDir: string;
  overlayDirs?: readonly string[];
  recordOverlayDirs?: readonly string[];
  logger?: Logger;
  /** Per call on the query connection (ms). */
  timeoutMs?: number;
}

const silent: Logger = { info: () => undefined, warn: () => undefined };

/** What a sync report says, for logs: added/changed/removed per kind. */
export function syncSummary(r: SyncReport): Record<string, unknown> {
  return { added: r.added, changed: r.changed, removed: r.removed, unchanged: r.unchanged, renumbered: r.renumbered, ms: r.ms };
}

export async function openPgArchive(opts: PgOpenOptions): Promise<ArchiveHolder & { close(): void }> {
  const log = opts.logger ?? silent;
  const db = SyncPg.connect(opts.databaseUrl, { applicationName: 'archivist archive', timeoutMs: opts.timeoutMs ?? 30_000 });
  migratePg(db);
  let problems: Problem[];
  let index: ReloadReport['index'] = 'loaded';
  // Unchanged data is found by its hash alone, without reading a million records (as the embedded engine's saved unit).
  const hashed = await readHash(opts.dataDir, opts.overlayDirs, opts.recordOverlayDirs);
  const synced = db.query<{ data_hash: string; problems: Problem[] }>('SELECT data_hash, problems FROM archive_meta').rows[0];
  if ('hash' in hashed && synced !== undefined && synced.data_hash === hashed.hash) {
    problems = synced.problems;
    log.info({ dataHash: hashed.hash }, 'db:sync: the archive in PostgreSQL already holds this data');
  } else {
    const first = await readData(opts.dataDir, opts.overlayDirs, opts.recordOverlayDirs, log);
    problems = 'error' in first ? [first.error] : first.data.problems;
    if (!('error' in first)) {
      const report = await syncArchive(opts.databaseUrl, { records: recordsInOrder(first.data), dataHash: first.hash, problems });
      log.info(syncSummary(report), 'db:sync: data loaded into PostgreSQL');
      if (report.ids.added.length + report.ids.changed.length + report.ids.removed.length > 0) index = 'built';
    }
  }
  if (problems.length > 0) log.warn({ problems: problems.length }, 'data has problems; serving the records without problems');
  let current = PgArchive.open(db);
  const startup: ReloadReport = { ok: problems.length === 0, problems, counts: countsOf(current), index };
  let queue: Promise<unknown> = Promise.resolve();

  const reloadNow = async (): Promise<ReloadReport> => {
    const hashed = await readHash(opts.dataDir, opts.overlayDirs, opts.recordOverlayDirs);
    if ('error' in hashed) return { ok: false, problems: [hashed.error], counts: countsOf(current), index: 'kept' };
    if (hashed.hash === current.dataHash) {
      if (problems.length > 0) return { ok: false, problems, counts: countsOf(current), index: 'kept' };
      return { ok: true, problems: [], changed: { added: [], removed: [], changed: [] }, counts: countsOf(current), index: 'kept' };
    }
    const next = await readData(opts.dataDir, opts.overlayDirs, opts.recordOverlayDirs, log);
    if ('error' in next) return { ok: false, problems: [next.error], counts: countsOf(current), index: 'kept' };
    if (next.data.problems.length > 0) {
      log.warn({ problems: next.data.problems.length }, 'reload: data has problems; keeping the archive being served');
      return { ok: false, problems: next.data.problems, counts: countsOf(current), index: 'kept' };
    }
    const report = await syncArchive(opts.databaseUrl, { records: recordsInOrder(next.data), dataHash: next.hash });
    problems = [];
    current = PgArchive.open(db);
    const changed = { added: report.ids.added, removed: report.ids.removed, changed: report.ids.changed };
    log.info({ ...syncSummary(report) }, 'reloaded data (db:sync)');
    return { ok: true, problems: [], changed, counts: countsOf(current), index: 'built' };
  };

  return {
    get current() {
      return current;
    },
    startup,
    reload() {
      const run = queue.then(() => reloadNow());
      queue = run.catch(() => undefined);
      return run;
    },
    close() {
      db.close();
    },
  };
}
