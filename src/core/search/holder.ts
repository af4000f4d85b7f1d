// The archive the bot serves, and reloading it. Commands read `holder.current`
// on every request; a reload builds the new archive completely before one
// assignment swaps it in, so a request never sees half of two archives.
//
// Bad files: loadData leaves out every record with a problem.
// - At start there is no previous archive, so the good records are served and
//   the problems are reported (holder.startup): the team needs the bot up, and
//   one broken file should not hide the other thousand records.
// - On reload, any problem keeps the archive that is being served: a half-edited
//   file must not make its record vanish from answers. The report names the
//   files; the next reload after the fix swaps.
import { loadData, dataHash, type LoadResult, type Problem } from '../records/load.ts';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { loadRecordOverlay } from '../records/overlay.ts';
import { displayPath } from '../records/read.ts';
import { fingerprint } from '../digest/fingerprint.ts';
import { archiveFromSaved, createArchive, recordsInOrder, type ArchiveData, type MatchFilters, type SearchArchive } from './engine.ts';
import type { BuildOptions } from './rebuild.ts';
import type { Archive } from './types.ts';
import { FileStore } from './store.ts';
import { buildUnit, loadUnit, type UnitCheck } from './unit.ts';

/** The subset of pino's logger used here, so core does not depend on pino. */
export interface Logger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface Counts {
  incidents: number;
  publications: number;
  sources: number;
  passages: number;
}

export interface ReloadReport {
  /** False when data/ had problems and the previous archive was kept (or, at start, the good records were served). */
  ok: boolean;
  problems: Problem[];
  /** Ids added, removed or changed compared with the archive served before; absent when nothing was swapped. */
  changed?: { added: string[]; removed: string[]; changed: string[] };
  /** Counts of the archive served after this call. */
  counts: Counts;
  /** How the index was obtained: loaded from the saved file, built, or the served one kept. */
  index: 'loaded' | 'built' | 'kept';
}

export interface ArchiveHolder {
  /** The embedded engine's archive, or (SEARCH_BACKEND=postgres) the PostgreSQL one: commands see only Archive. */
  readonly current: Archive;
  /** The report of the first load. */
  readonly startup: ReloadReport;
  reload(): Promise<ReloadReport>;
}

export interface OpenOptions {
  dataDir: string;
  /** Where the saved index lives (created if missing). */
  stateDir: string;
  matchFilters: MatchFilters;
  logger?: Logger;
  /** How index builds run (default: in a worker thread once the data is big enough; see rebuild.ts). */
  build?: BuildOptions;
  /**
   * After loading a saved unit, check in the background what loading left
   * unchecked (every posting and rank of the index, the saved document layout,
   * the whole record store's checksum; see loadUnit) and rebuild when it
   * fails (default true). Only for tests that look at a unit's damage
   * themselves.
   */
  verifyRecords?: boolean;
  /**
   * Further data folders served with dataDir, such as the sources the bot
   * imports from watched sites (STATE_DIR/sources). Their sources join the
   * archive; one with the id of a source in dataDir replaces it (the bot's
   * copy is the site's latest version). A missing folder is simply empty.
   */
  overlayDirs?: readonly string[];
  /**
   * Folders of records the bot keeps itself (approved drafts), served with
   * dataDir: data/ wins on an id both have (see records/overlay.ts). A file
   * with a problem is left out and logged; it never holds back a reload.
   */
  recordOverlayDirs?: readonly string[];
}

/** How long an archive no longer served keeps its store open for requests that started on it. */
const RETIRE_MS = 60_000;

const silent: Logger = { info: () => undefined, warn: () => undefined };

export function countsOf(a: Pick<Archive, 'stats'>): Counts {
  const s = a.stats();
  return { incidents: s.incidents, publications: s.publications, sources: s.sources, passages: s.passages };
}

/** Ids added, removed and changed (any field) between two sets of records, each sorted. */
export function diffRecords(before: ArchiveData, after: ArchiveData): { added: string[]; removed: string[]; changed: string[] } {
  const a = createArchiveLite(before);
  const b = createArchiveLite(after);
  return diffArchives(a, b);
}

function createArchiveLite(data: ArchiveData): Pick<SearchArchive, 'count' | 'recordId' | 'ordinalOf' | 'fingerprint'> {
  const records = recordsInOrder(data);
  const byId = new Map(records.map((r, i) => [r.id, i]));
  return {
    count: records.length,
    recordId: (i) => records[i]!.id,
    ordinalOf: (id) => byId.get(id) ?? -1,
    fingerprint: (i) => fingerprint(records[i]!),
  };
}

/**
 * Ids added, removed and changed between two archives, by the fingerprints
 * the record stores keep (sha256 of each record's canonical JSON: any field
 * that differs changes it), without reading the records.
 */
export function diffArchives(
  before: Pick<SearchArchive, 'count' | 'recordId' | 'ordinalOf' | 'fingerprint'>,
  after: Pick<SearchArchive, 'count' | 'recordId' | 'ordinalOf' | 'fingerprint'>,
): { added: string[]; removed: string[]; changed: string[] } {
  const added: string[] = [];
  const removed: string[] = [];
  const changed: string[] = [];
  for (let r = 0; r < after.count; r++) {
    const id = after.recordId(r);
    const old = before.ordinalOf(id);
    if (old < 0) added.push(id);
    else if (before.fingerprint(old) !== after.fingerprint(r)) changed.push(id);
  }
  for (let r = 0; r < before.count; r++) {
    const id = before.recordId(r);
    if (after.ordinalOf(id) < 0) removed.push(id);
  }
  const cmp = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
  return { added: added.sort(cmp), removed: removed.sort(cmp), changed: changed.sort(cmp) };
}

async function readOne(dataDir: string): Promise<{ data: LoadResult; hash: string } | { error: Problem }> {
  try {
    const [data, hash] = await Promise.all([loadData(dataDir), dataHash(dataDir)]);
    // Replies and logs name files relative to the data folder, never by an absolute server path.
    data.problems = data.problems.map((p) => ({ ...p, file: displayPath(dataDir, p.file) }));
    return { data, hash };
  } catch (err) {
    // loadData reports file problems itself; this is the unexpected rest (e.g. permissions on data/).
    const code = err instanceof Error ? (err as NodeJS.ErrnoException).code : undefined;
    return { error: { file: 'the data folder', path: '', message: `cannot read data: ${code !== undefined ? `error ${code}` : 'failed'}` } };
  }
}

/** The hash of dataDir and the overlay folders together, as readData computes it. */
function overlayHash(base: string, layers: ReadonlyArray<{ dir: string; hash: string }>): string {
  const hash = createHash('sha256').update(base);
  for (const { dir, hash: h } of layers) hash.update(`|${dir.length}:${dir}:${h}`);
  return hash.digest('hex');
}

/** dataDir and the overlay folders as one archive's data (see OpenOptions.overlayDirs); also what db:sync loads into PostgreSQL. */
export async function readData(dataDir: string, overlayDirs: readonly string[] = [], recordDirs: readonly string[] = [], log: Logger = silent): Promise<{ data: LoadResult; hash: string } | { error: Problem }> {
  const withSources = await readSources(dataDir, overlayDirs);
  if ('error' in withSources || recordDirs.length === 0) return withSources;
  let data = withSources.data;
  for (const dir of recordDirs) {
    const layer = await loadRecordOverlay(dir, data);
    for (const p of layer.problems) log.warn({ file: p.file, path: p.path, problem: p.message }, 'curated record left out');
    if (layer.differs.length > 0) log.warn({ ids: layer.differs }, 'curated records differ from their version in data/; data/ wins');
    data = { ...data, incidents: [...data.incidents, ...layer.incidents], publications: [...data.publications, ...layer.publications] };
  }
  // Hashed by bytes, as readHash does: what a curated record layer adds depends only on its files and the data beneath it.
  return { data, hash: await recordLayersHash(withSources.hash, recordDirs) };
}

/** `hash` extended by the bytes of the curated record folders (unchanged when there are none). */
async function recordLayersHash(hash: string, recordDirs: readonly string[]): Promise<string> {
  if (recordDirs.length === 0) return hash;
  const h = createHash('sha256').update(hash);
  for (const dir of recordDirs) if (existsSync(dir)) h.update(`|records:${dir.length}:${dir}:${await dataHash(dir)}`);
  return h.digest('hex');
}

async function readSources(dataDir: string, overlayDirs: readonly string[] = []): Promise<{ data: LoadResult; hash: string } | { error: Problem }> {
  const base = await readOne(dataDir);
  if ('error' in base || overlayDirs.length === 0) return base;
  let data = base.data;
  const layers: Array<{ dir: string; hash: string }> = [];
  for (const dir of overlayDirs) {
    if (!existsSync(dir)) continue;
    const layer = await readOne(dir);
    if ('error' in layer) return layer;
    const ids = new Set(layer.data.sources.map((s) => s.id));
    data = {
      ...data,
      sources: [...data.sources.filter((s) => !ids.has(s.id)), ...layer.data.sources],
      problems: [...data.problems, ...layer.data.problems.filter((p) => !p.message.includes('data folder not found'))],
      files: data.files + layer.data.files,
    };
    layers.push({ dir, hash: layer.hash });
  }
  return { data, hash: overlayHash(base.hash, layers) };
}

/**
 * Serves the saved unit (index + record store) when it matches the data,
 * otherwise builds both (the index in the worker), saves them and serves the
 * records from the new store. When the unit cannot be written, the records
 * are served from memory (and the next start builds again).
 */
async function obtain(
  data: ArchiveData,
  hash: string,
  opts: OpenOptions,
  log: Logger,
  problems: readonly Problem[],
): Promise<{ archive: SearchArchive; index: 'loaded' | 'built' }> {
  // Built off the main thread (rebuild.ts): the archive being served keeps answering meanwhile.
  let documents = data.incidents.length + data.publications.length;
  for (const s of data.sources) documents += 1 + s.passages.length;
  const built = await buildUnit(() => recordsInOrder(data), {
    // Known, so that small data is built in this thread (starting a worker costs more than the build).
    documents,
    stateDir: opts.stateDir,
    dataHash: hash,
    matchFilters: opts.matchFilters,
    problems,
    ...(opts.build !== undefined ? { build: opts.build } : {}),
  });
  let archive: SearchArchive | undefined;
  if (built.ok) archive = built.archive;
  else {
    log.warn({ error: built.error }, 'could not save the search index and record store; serving the records from memory');
  }
  if (archive === undefined) {
    const from = archiveFromSaved(data, { compact: built.compact, dataHash: hash, builtAt: new Date().toISOString() }, { matchFilters: opts.matchFilters });
    // The builder numbers documents as the engine does; a mismatch is a bug, and the synchronous build is the safe answer.
    archive = from.ok ? from.archive : createArchive(data, { dataHash: hash, matchFilters: opts.matchFilters });
    if (!from.ok) log.warn({ detail: from.detail }, 'built index does not match the records; built again in the main thread');
  }
  await archive.warm();
  log.info({ ms: built.ms, thread: built.thread, ...countsOf(archive) }, 'search index built');
  return { archive, index: 'built' };
}

/** The hash readData would give (cheap: bytes, no parsing), or the problem that kept the data from being read. */
export async function readHash(dataDir: string, overlayDirs: readonly string[] = [], recordDirs: readonly string[] = []): Promise<{ hash: string } | { error: Problem }> {
  const one = async (dir: string): Promise<string> => dataHash(dir);
  try {
    const base = await one(dataDir);
    const layers: Array<{ dir: string; hash: string }> = [];
    for (const dir of overlayDirs) if (existsSync(dir)) layers.push({ dir, hash: await one(dir) });
    return { hash: await recordLayersHash(overlayDirs.length === 0 ? base : overlayHash(base, layers), recordDirs) };
  } catch (err) {
    // As readOne: no absolute server path in replies and logs.
    const code = err instanceof Error ? (err as NodeJS.ErrnoException).code : undefined;
    return { error: { file: 'the data folder', path: '', message: `cannot read data: ${code !== undefined ? `error ${code}` : 'failed'}` } };
  }
}

/**
 * The saved unit for data/ as it is now, when there is one: then the records
 * are not read from data/ at all (data/ hashes the same, so its records and
 * problems are those the unit was built from; the problems are saved with it).
 */
async function fromSavedUnit(
  hash: string,
  opts: OpenOptions,
  log: Logger,
): Promise<{ archive: SearchArchive; problems: Problem[] } | null> {
  const loaded = await loadUnit(opts.stateDir, hash, opts.matchFilters);
  if (loaded.ok) {
    await loaded.archive.warm();
    deferredChecks.set(loaded.archive, loaded.check);
    return { archive: loaded.archive, problems: loaded.problems };
  }
  if (loaded.reason !== 'missing') log.info({ reason: loaded.reason, detail: loaded.detail }, 'saved search index not usable; rebuilding');
  return null;
}

/** What loadUnit left to check for an archive loaded from a saved unit; run by the holder once it serves that archive. */
const deferredChecks = new WeakMap<SearchArchive, (stop?: () => boolean) => Promise<UnitCheck>>();

export async function openArchive(opts: OpenOptions): Promise<ArchiveHolder> {
  const log = opts.logger ?? silent;
  const empty: ArchiveData = { sources: [], incidents: [], publications: [] };
  let problems: Problem[];
  let obtained: { archive: SearchArchive; index: 'loaded' | 'built' };
  const hashed = await readHash(opts.dataDir, opts.overlayDirs, opts.recordOverlayDirs);
  const saved = 'hash' in hashed ? await fromSavedUnit(hashed.hash, opts, log) : null;
  if (saved !== null) {
    problems = saved.problems;
    obtained = { archive: saved.archive, index: 'loaded' };
  } else {
    const first = await readData(opts.dataDir, opts.overlayDirs, opts.recordOverlayDirs, log);
    if ('error' in first) {
      problems = [first.error];
      // Nothing readable: serve an empty archive (not saved: it says nothing about data/).
      obtained = { archive: createArchive(empty, { dataHash: '', matchFilters: opts.matchFilters }), index: 'built' };
    } else {
      problems = first.data.problems;
      obtained = await obtain(first.data, first.hash, opts, log, problems);
    }
  }
  if (problems.length > 0) log.warn({ problems: problems.length }, 'data has problems; serving the records without problems');
  /** The problems of the data the served archive was built from. */
  let currentProblems = problems;

  let current = obtained.archive;
  const startup: ReloadReport = { ok: problems.length === 0, problems, counts: countsOf(current), index: obtained.index };
  // Reloads run one after another: two overlapping reloads would race to swap.
  let queue: Promise<unknown> = Promise.resolve();

  /** Serves `next`; the archive served before lets go of its store once requests that began with it are long done. */
  const swap = (next: SearchArchive): void => {
    const old = current;
    current = next;
    watch(next);
    if (old !== next) setTimeout(() => old.store.close(), RETIRE_MS).unref();
  };
  /** A damaged store is never served: a read that finds damage, or the background check, rebuilds. */
  let rebuilding = false;
  const damaged = (archive: SearchArchive, detail: string): void => {
    if (archive !== current || rebuilding) return;
    rebuilding = true;
    log.warn({ detail }, 'saved index or record store damaged; rebuilding the index and store');
    const run = queue.then(() => reloadNow(true));
    queue = run.catch(() => undefined);
    void run.finally(() => {
      rebuilding = false;
    });
  };
  const watch = (archive: SearchArchive): void => {
    const store = archive.store;
    if (!(store instanceof FileStore)) return;
    store.onDamage = (detail) => damaged(archive, detail);
    if (opts.verifyRecords !== false) {
      // A loaded unit: its deferred checks (which end with the records' checksum); a unit just built: the records' checksum.
      const deferred = deferredChecks.get(archive);
      deferredChecks.delete(archive);
      const check = deferred !== undefined ? deferred(() => archive !== current) : store.verifyRecords();
      void check.then(
        (v) => {
          if (!v.ok) damaged(archive, v.detail);
        },
        (err: unknown) => damaged(archive, err instanceof Error ? err.message : String(err)),
      );
    }
  };
  watch(current);

  const reloadNow = async (force = false): Promise<ReloadReport> => {
    if (!force) {
      // Unchanged data is found by its hash alone, without reading a million records.
      const hashed = await readHash(opts.dataDir, opts.overlayDirs, opts.recordOverlayDirs);
      if ('error' in hashed) return { ok: false, problems: [hashed.error], counts: countsOf(current), index: 'kept' };
      if (hashed.hash === current.dataHash) {
        if (currentProblems.length > 0) return { ok: false, problems: currentProblems, counts: countsOf(current), index: 'kept' };
        return { ok: true, problems: [], changed: { added: [], removed: [], changed: [] }, counts: countsOf(current), index: 'kept' };
      }
    }
    const next = await readData(opts.dataDir, opts.overlayDirs, opts.recordOverlayDirs, log);
    if ('error' in next) return { ok: false, problems: [next.error], counts: countsOf(current), index: 'kept' };
    // A rebuild forced by a damaged store goes ahead with the good records (as at start): the damaged one must not stay.
    if (next.data.problems.length > 0 && !force) {
      log.warn({ problems: next.data.problems.length }, 'reload: data has problems; keeping the archive being served');
      return { ok: false, problems: next.data.problems, counts: countsOf(current), index: 'kept' };
    }
    let obtained: { archive: SearchArchive; index: 'loaded' | 'built' } | null = null;
    if (!force) {
      const saved = await fromSavedUnit(next.hash, opts, log);
      if (saved !== null) obtained = { archive: saved.archive, index: 'loaded' };
    }
    obtained ??= await obtain(next.data, next.hash, opts, log, next.data.problems);
    const { archive, index } = obtained;
    currentProblems = next.data.problems;
    const changed = diffArchives(current, archive);
    swap(archive);
    log.info({ ...changed, index }, 'reloaded data');
    return { ok: true, problems: [], changed, counts: countsOf(current), index };
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
  };
}
