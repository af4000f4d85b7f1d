// The saved index (saved.ts) and the record store (store.ts) are one unit:
// built in one pass over the records, written side by side in the state
// folder, both marked with the same unit id and the hash of data/, and loaded
// only together. Anything that does not fit (missing, another version, stale,
// damaged, two files from different builds) is a reason to rebuild, and the
// reason is reported.
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { archiveFromUnit, type MatchFilters, type SearchArchive } from './engine.ts';
import { columnDefs, ColumnsBuilder, type RecordColumns } from './columns.ts';
import type { CompactIndex } from './compact.ts';
import { FILTER_COLUMNS } from './filter-index.ts';
import { buildCompactIndex, type BuildOptions, type RecordFeed } from './rebuild.ts';
import { loadSavedIndex, saveIndex } from './saved.ts';
import { openStore, openWrittenStore, storePath, StoreWriter, type WrittenStore } from './store.ts';
import type { Problem } from '../records/load.ts';
import type { Searchable } from './types.ts';

export type LoadUnitResult =
  | { ok: true; archive: SearchArchive; bytes: { index: number }; problems: Problem[] }
  | { ok: false; reason: 'missing' | 'corrupt' | 'version' | 'stale'; detail: string };

/** The archive served from the saved unit in `stateDir`, when it is there, whole and built from data/ as it is now. */
export async function loadUnit(stateDir: string, dataHash: string, matchFilters: MatchFilters): Promise<LoadUnitResult> {
  const saved = await loadSavedIndex(stateDir, dataHash);
  if (!saved.ok) return saved;
  const opened = openStore(stateDir, { dataHash, unitId: saved.unitId });
  if (!opened.ok) return opened;
  const from = archiveFromUnit(opened.columns, opened.store, saved, { matchFilters });
  if (!from.ok) {
    opened.store.close();
    return from;
  }
  return { ok: true, archive: from.archive, bytes: { index: saved.bytes }, problems: opened.header.problems ?? [] };
}

export interface BuildUnitOptions {
  stateDir: string;
  dataHash: string;
  build?: BuildOptions;
  /** The problems data/ had when these records were read (files left out), saved with the unit. */
  problems?: readonly Problem[];
  /** When given, the result carries the archive over the unit just written (as loadUnit would give it). */
  matchFilters?: MatchFilters;
}

export type BuildUnitResult =
  | { ok: true; compact: CompactIndex; ms: number; thread: 'worker' | 'main'; unitId: string; builtAt: string; indexBytes: number; archive?: SearchArchive }
  | { ok: false; compact: CompactIndex; ms: number; thread: 'worker' | 'main'; error: string };

/**
 * Builds the index (in the worker, see rebuild.ts) and, in the same pass, the
 * record store and its columns, then writes both. `records` is called once
 * per pass and must give the records in the engine's order. On success the
 * unit is on disk and loadUnit serves it; on failure to write, `compact` is
 * still the index of the records (the caller can serve them from memory).
 */
export async function buildUnit(records: () => Iterable<Searchable>, opts: BuildUnitOptions & { documents?: number }): Promise<BuildUnitResult> {
  // A state folder that cannot be made (a file in the way, permissions) only means nothing is saved: the build goes on.
  const dirError = await mkdir(opts.stateDir, { recursive: true }).then(
    () => undefined,
    (err: unknown) => (err instanceof Error ? err.message : String(err)),
  );
  const unitId = randomBytes(8).toString('hex');
  const file = storePath(opts.stateDir);
  let writer: StoreWriter | undefined;
  let columns: ColumnsBuilder | undefined;
  let writeError: string | undefined;
  const feed: RecordFeed = {
    records,
    ...(opts.documents !== undefined ? { documents: opts.documents } : {}),
    begin() {
      writer?.abort();
      writeError = undefined;
      columns = new ColumnsBuilder(columnDefs(FILTER_COLUMNS));
      try {
        if (dirError !== undefined) throw new Error(dirError);
        writer = new StoreWriter(file);
      } catch (err) {
        writer = undefined;
        writeError = err instanceof Error ? err.message : String(err);
      }
    },
    onRecord(record) {
      columns!.add(record);
      if (writer === undefined) return;
      try {
        writer.add(record);
      } catch (err) {
        writeError = err instanceof Error ? err.message : String(err);
        writer.abort();
        writer = undefined;
      }
    },
  };
  const built = await buildCompactIndex(feed, opts.build ?? {});
  const builtAt = new Date().toISOString();
  const fail = (error: string): BuildUnitResult => {
    writer?.abort();
    return { ok: false, compact: built.compact, ms: built.ms, thread: built.thread, error };
  };
  if (writer === undefined || columns === undefined) return fail(writeError ?? 'the record store was not written');
  let cols: RecordColumns;
  let written: WrittenStore;
  try {
    cols = await columns.finishAsync();
    if (cols.passStart[cols.count]! + cols.count !== built.compact.docCount) throw new Error('the index and the records disagree on the number of documents');
    cols.adoptIdOrder(built.compact.refRank);
    written = await writer.finish(cols, { dataHash: opts.dataHash, unitId, problems: opts.problems ?? [] });
    writer.commit();
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }
  // The store first, the index second: a crash between the two leaves files whose unit ids differ, which is rebuilt.
  const saved = await saveIndex(opts.stateDir, { compact: built.compact, dataHash: opts.dataHash, builtAt, unitId });
  if (!saved.ok) return fail(saved.error);
  const done = { ok: true as const, compact: built.compact, ms: built.ms, thread: built.thread, unitId, builtAt, indexBytes: saved.bytes };
  if (opts.matchFilters === undefined) return done;
  // Served from what was just written, without reading the unit back (the next start reads and checks it).
  const store = openWrittenStore(file, cols.ids, written);
  const from = archiveFromUnit(cols, store, { compact: built.compact, dataHash: opts.dataHash, builtAt, unitId }, { matchFilters: opts.matchFilters });
  if (!from.ok) {
    store.close();
    return { ok: false, compact: built.compact, ms: built.ms, thread: built.thread, error: from.detail };
  }
  return { ...done, archive: from.archive };
}
