// The record side of a unit build, in a worker thread of its own (started by
// unit.ts next to the index worker of rebuild.ts): the main thread sends the
// records' JSON, a batch at a time in shared memory (shared-batches.ts: the
// very bytes the index worker reads); this thread writes the record store (store.ts), builds the columns
// (columns.ts) and, once the index is built, the document layout the archive
// needs (engine.ts prepareLayout), and sends all of it back as transferred
// typed arrays. Each batch is acknowledged once taken in (the main thread
// keeps only a few unacknowledged). The main thread keeps serving meanwhile:
// a million records' columns, fingerprints and sections never touch its heap.
import { parentPort } from 'node:worker_threads';
import { columnDefs, columnsToParts, ColumnsBuilder, packColumnValues, type RecordColumns } from './columns.ts';
import { prepareLayout } from './engine.ts';
import { FILTER_COLUMNS } from './filter-index.ts';
import { forEachRecord } from './shared-batches.ts';
import { StoreWriter } from './store.ts';
import type { Problem } from '../records/load.ts';
import type { Searchable } from './types.ts';
import type { UnitWorkerReply, UnitWorkerRequest } from './unit.ts';

const port = parentPort;
if (port === null) throw new Error('unit-worker.ts must run in a worker thread');

let writer: StoreWriter | undefined;
let columns: ColumnsBuilder | undefined;
/** The first failure to write: reported at finish (the build goes on; the unit is then not saved). */
let writeError: string | undefined;

function reply(message: UnitWorkerReply, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

// One message at a time, in order: 'finish' waits for the sections 'records-done' is still writing.
let queue: Promise<void> = Promise.resolve();
port.on('message', (m: UnitWorkerRequest) => {
  queue = queue.then(() => handle(m)).catch((err: unknown) => reply({ type: 'failed', error: message(err) }));
});

/** The columns, made once every record is in; the store's sections but the fingerprints written then too (see StoreWriter.writeColumns). */
let finished: RecordColumns | undefined;

async function recordsDone(): Promise<RecordColumns> {
  if (finished !== undefined) return finished;
  const cols = columns!.finish();
  columns = undefined;
  finished = cols;
  // The id order, sorted here: the index worker's ref order would give it too, but only once the index is finished.
  void cols.sortedIds;
  if (writer !== undefined) {
    try {
      await writer.writeColumns(cols);
    } catch (err) {
      writeError = message(err);
      writer.abort();
      writer = undefined;
    }
  }
  return cols;
}

async function handle(m: UnitWorkerRequest): Promise<void> {
  if (m.type === 'begin') {
    writer?.abort();
    writeError = m.dirError;
    columns = new ColumnsBuilder(columnDefs(FILTER_COLUMNS));
    finished = undefined;
    writer = undefined;
    if (writeError === undefined) {
      try {
        writer = new StoreWriter(m.file, { fingerprints: m.shared ? 'shared' : 'compute' });
      } catch (err) {
        writeError = message(err);
      }
    }
    return;
  }
  if (m.type === 'records') {
    forEachRecord(m, (json, bytes) => {
      const record = JSON.parse(json) as Searchable;
      columns!.add(record);
      if (writer === undefined) return;
      try {
        writer.addBytes(record, bytes, m.fingerprint === true);
      } catch (err) {
        writeError = message(err);
        writer.abort();
        writer = undefined;
      }
    });
    reply({ type: 'ack' });
    return;
  }
  if (m.type === 'records-done') {
    await recordsDone();
    return;
  }
  if (m.type === 'finish') {
    const cols = await recordsDone();
    finished = undefined;
    if (writer === undefined) return reply({ type: 'finished', ok: false, error: writeError ?? 'the record store was not written' });
    if (cols.passStart[cols.count]! + cols.count !== m.docCount) {
      writer.abort();
      return reply({ type: 'finished', ok: false, error: 'the index and the records disagree on the number of documents' });
    }
    const written = await writer.finish(cols, {
      dataHash: m.dataHash,
      unitId: m.unitId,
      problems: m.problems as Problem[],
      ...(m.fingerprints !== undefined ? { fingerprints: m.fingerprints } : {}),
    });
    const prepared = prepareLayout(cols, m.dateRank);
    if (prepared === null) {
      writer.abort();
      return reply({ type: 'finished', ok: false, error: 'the index date order does not fit the records' });
    }
    const parts = columnsToParts(cols);
    const packed = packColumnValues(parts.json);
    const buffers = new Set<ArrayBuffer>();
    const add = (a: { buffer: ArrayBufferLike }): void => void buffers.add(a.buffer as ArrayBuffer);
    for (const a of Object.values(parts.arrays)) add(a);
    for (const p of Object.values(packed)) [p.bytes, p.ends].forEach(add);
    for (const a of [written.offsets, written.crcs, written.fingerprints]) add(a);
    for (const a of [prepared.docRec, prepared.docPassage, prepared.kindCode, prepared.dateOrder, prepared.recordsByDate, prepared.recordDoc]) add(a);
    reply({ type: 'finished', ok: true, parts, packed, written, prepared, tmp: writer.tmp }, [...buffers]);
    return;
  }
  if (m.type === 'commit') {
    try {
      writer!.commit();
      writer = undefined;
      reply({ type: 'committed', ok: true });
    } catch (err) {
      reply({ type: 'committed', ok: false, error: message(err) });
    }
    return;
  }
  // abort
  writer?.abort();
  writer = undefined;
  reply({ type: 'aborted' });
}

reply({ type: 'ready' });
