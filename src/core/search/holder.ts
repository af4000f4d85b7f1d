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
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { loadData, dataHash, type LoadResult, type Problem } from '../records/load.ts';
import { loadRecordOverlay } from '../records/overlay.ts';
import { displayPath } from '../records/read.ts';
import { archiveFromSaved, createArchive, type ArchiveData, type MatchFilters, type SearchArchive } from './engine.ts';
import { buildCompactIndex, type BuildOptions } from './rebuild.ts';
import { loadSavedIndex, saveIndex } from './saved.ts';
import type { Searchable } from './types.ts';

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
  readonly current: SearchArchive;
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

const silent: Logger = { info: () => undefined, warn: () => undefined };

export function countsOf(a: SearchArchive): Counts {
  const s = a.stats();
  return { incidents: s.incidents, publications: s.publications, sources: s.sources, passages: s.passages };
}

function recordsById(data: ArchiveData): Map<string, Searchable> {
  const m = new Map<string, Searchable>();
  for (const r of [...data.incidents, ...data.publications, ...data.sources]) m.set(r.id, r);
  return m;
}

/** Ids added, removed and changed (any field) between two sets of records, each sorted. */
export function diffRecords(before: ArchiveData, after: ArchiveData): { added: string[]; removed: string[]; changed: string[] } {
  const a = recordsById(before);
  const b = recordsById(after);
  const added: string[] = [];
  const removed: string[] = [];
  const changed: string[] = [];
  for (const [id, r] of b) {
    const old = a.get(id);
    if (old === undefined) added.push(id);
    // Records come from JSON through zod, which rebuilds objects in schema key order, so equal records stringify equally.
    else if (JSON.stringify(old) !== JSON.stringify(r)) changed.push(id);
  }
  for (const id of a.keys()) if (!b.has(id)) removed.push(id);
  return { added: added.sort(), removed: removed.sort(), changed: changed.sort() };
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

/** dataDir and the overlay folders as one archive's data (see OpenOptions.overlayDirs). */
async function readData(dataDir: string, overlayDirs: readonly string[] = [], recordDirs: readonly string[] = [], log: Logger = silent): Promise<{ data: LoadResult; hash: string } | { error: Problem }> {
  const withSources = await readSources(dataDir, overlayDirs);
  if ('error' in withSources || recordDirs.length === 0) return withSources;
  let data = withSources.data;
  const hash = createHash('sha256').update(withSources.hash);
  for (const dir of recordDirs) {
    const layer = await loadRecordOverlay(dir, data);
    for (const p of layer.problems) log.warn({ file: p.file, path: p.path, problem: p.message }, 'curated record left out');
    if (layer.differs.length > 0) log.warn({ ids: layer.differs }, 'curated records differ from their version in data/; data/ wins');
    data = { ...data, incidents: [...data.incidents, ...layer.incidents], publications: [...data.publications, ...layer.publications] };
    hash.update(`|records:${dir}:${JSON.stringify(layer.incidents)}${JSON.stringify(layer.publications)}`);
  }
  return { data, hash: hash.digest('hex') };
}

async function readSources(dataDir: string, overlayDirs: readonly string[] = []): Promise<{ data: LoadResult; hash: string } | { error: Problem }> {
  const base = await readOne(dataDir);
  if ('error' in base || overlayDirs.length === 0) return base;
  const hash = createHash('sha256').update(base.hash);
  let data = base.data;
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
    hash.update(`|${dir.length}:${dir}:${layer.hash}`);
  }
  return { data, hash: hash.digest('hex') };
}

/** Reuses the saved index when it matches the data, otherwise builds and saves a new one. */
async function obtain(
  data: ArchiveData,
  hash: string,
  opts: OpenOptions,
  log: Logger,
): Promise<{ archive: SearchArchive; index: 'loaded' | 'built' }> {
  const saved = await loadSavedIndex(opts.stateDir, hash);
  if (saved.ok) {
    const from = archiveFromSaved(data, saved, { matchFilters: opts.matchFilters });
    if (from.ok) {
      from.archive.warm();
      return { archive: from.archive, index: 'loaded' };
    }
    log.warn({ detail: from.detail }, 'saved search index does not match the records; rebuilding');
  } else if (saved.reason !== 'missing') {
    log.info({ reason: saved.reason, detail: saved.detail }, 'saved search index not usable; rebuilding');
  }
  // Built off the main thread (rebuild.ts): the archive being served keeps answering meanwhile.
  const built = await buildCompactIndex(data, { ...opts.build, logger: log });
  const from = archiveFromSaved(data, { compact: built.compact, dataHash: hash, builtAt: new Date().toISOString() }, { matchFilters: opts.matchFilters });
  // The builder numbers documents as the engine does; a mismatch is a bug, and the synchronous build is the safe answer.
  const archive = from.ok ? from.archive : createArchive(data, { dataHash: hash, matchFilters: opts.matchFilters });
  if (!from.ok) log.warn({ detail: from.detail }, 'built index does not match the records; built again in the main thread');
  archive.warm();
  log.info({ ms: built.ms, thread: built.thread, ...countsOf(archive) }, 'search index built');
  const written = await saveIndex(opts.stateDir, archive);
  // Not saving only costs a rebuild at the next start; serving goes on.
  if (!written.ok) log.warn({ error: written.error }, 'could not save the search index');
  return { archive, index: 'built' };
}

export async function openArchive(opts: OpenOptions): Promise<ArchiveHolder> {
  const log = opts.logger ?? silent;
  const first = await readData(opts.dataDir, opts.overlayDirs, opts.recordOverlayDirs, log);
  const empty: ArchiveData = { sources: [], incidents: [], publications: [] };
  let problems: Problem[];
  let obtained: { archive: SearchArchive; index: 'loaded' | 'built' };
  if ('error' in first) {
    problems = [first.error];
    // Nothing readable: serve an empty archive (not saved: it says nothing about data/).
    obtained = { archive: createArchive(empty, { dataHash: '', matchFilters: opts.matchFilters }), index: 'built' };
  } else {
    problems = first.data.problems;
    obtained = await obtain(first.data, first.hash, opts, log);
  }
  if (problems.length > 0) log.warn({ problems: problems.length }, 'data has problems; serving the records without problems');

  let current = obtained.archive;
  const startup: ReloadReport = { ok: problems.length === 0, problems, counts: countsOf(current), index: obtained.index };
  // Reloads run one after another: two overlapping reloads would race to swap.
  let queue: Promise<unknown> = Promise.resolve();

  const reloadNow = async (): Promise<ReloadReport> => {
    const next = await readData(opts.dataDir, opts.overlayDirs, opts.recordOverlayDirs, log);
    if ('error' in next) return { ok: false, problems: [next.error], counts: countsOf(current), index: 'kept' };
    if (next.data.problems.length > 0) {
      log.warn({ problems: next.data.problems.length }, 'reload: data has problems; keeping the archive being served');
      return { ok: false, problems: next.data.problems, counts: countsOf(current), index: 'kept' };
    }
    if (next.hash === current.dataHash) {
      return { ok: true, problems: [], changed: { added: [], removed: [], changed: [] }, counts: countsOf(current), index: 'kept' };
    }
    const { archive, index } = await obtain(next.data, next.hash, opts, log);
    const changed = diffRecords(current.data, archive.data);
    current = archive;
    log.info({ ...changed, index }, 'reloaded data');
    return { ok: true, problems: [], changed, counts: countsOf(current), index };
  };

  return {
    get current() {
      return current;
    },
    startup,
    reload() {
      const run = queue.then(reloadNow);
      queue = run.catch(() => undefined);
      return run;
    },
  };
}
