// db:sync: loads records into the archive's tables (schema.ts) idempotently.
// Records are compared by id and fingerprint (sha256 of the canonical JSON,
// as the embedded store keeps it): unchanged records are not touched (only
// their ordinal, when a record before them came or went), changed ones are
// replaced, removed ones deleted, and the vocabulary's document frequencies
// are adjusted by the difference. A second sync of the same data changes
// nothing and says so. The whole sync is one transaction under an advisory
// lock: a search never sees half of it, and two processes starting together
// load once, one after the other.
//
// Bulk work runs on an async `pg` client (a CLI / start-up step), not on the
// synchronous bridge the archive answers queries through.
import pg from 'pg';
import { COUNT_KEYS } from '../core/counts.ts';
import { KIND_OF_CODE } from '../core/search/columns.ts';
import { FILTER_COLUMNS } from '../core/search/filter-index.ts';
import type { Searchable } from '../core/search/types.ts';
import { migratePg } from '../db/pg-migrate.ts';
import { SyncPg } from '../db/pg-sync.ts';
import { ARCHIVE_COUNT_COLUMNS, ARCHIVE_FILTER_COLUMNS, ARCHIVE_SYNC_LOCK, bulkIndexes, countColumn, filterColumn } from './schema.ts';
import { docsOf, rowOf, type RecordRow } from './rows.ts';

export type KindTally = { incident: number; publication: number; source: number };

export interface SyncReport {
  added: KindTally;
  changed: KindTally;
  removed: KindTally;
  unchanged: number;
  /** Ids added, changed and removed, each sorted (what /reload reports). */
  ids: { added: string[]; changed: string[]; removed: string[] };
  /** Records whose number moved because records before them came or went. */
  renumbered: number;
  ms: number;
}

export interface SyncInput {
  /** The records in the engine's order: incidents, publications, sources. */
  records: Iterable<Searchable>;
  dataHash: string;
  /** The problems of the data the records come from (records left out), kept so a start with unchanged data can report them without reading it. */
  problems?: readonly unknown[];
  /** Progress lines (bulk loads take minutes at a million records). */
  log?: (line: string) => void;
}

const BATCH = 2000;
const tally = (): KindTally => ({ incident: 0, publication: 0, source: 0 });

/** Loads `records` into the archive tables of the database at `url`, migrating it first (db/pg-migrations.ts). */
export async function syncArchive(url: string, input: SyncInput): Promise<SyncReport> {
  const t0 = performance.now();
  const bridge = SyncPg.connect(url, { applicationName: 'archivist db:sync' });
  try {
    migratePg(bridge);
  } finally {
    bridge.close();
  }
  const db = new pg.Client({ connectionString: url, application_name: 'archivist db:sync' });
  await db.connect();
  try {
    await db.query('BEGIN');
    try {
      await db.query('SELECT pg_advisory_xact_lock($1)', [ARCHIVE_SYNC_LOCK]);
      const report = await syncIn(db, input);
      await db.query('COMMIT');
      return { ...report, ms: Math.round(performance.now() - t0) };
    } catch (err) {
      await db.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  } finally {
    await db.end();
  }
}

interface Existing {
  rid: string;
  ordinal: number;
  fingerprint: string;
  kind: number;
}

async function syncIn(db: pg.ClientBase, input: SyncInput): Promise<Omit<SyncReport, 'ms'>> {
  const log = input.log ?? (() => undefined);
  const existing = new Map<string, Existing>();
  {
    const res = await db.query<{ id: string; rid: string; ordinal: number; fingerprint: string; kind: number }>('SELECT r.id, r.rid, r.ordinal, b.fingerprint, r.kind FROM archive_records r JOIN archive_bodies b USING (rid)');
    for (const row of res.rows) existing.set(row.id, { rid: row.rid, ordinal: row.ordinal, fingerprint: row.fingerprint, kind: row.kind });
  }
  // The value dictionary: codes stay as they are; new values get the next code.
  const dict = new Map<string, Map<string, number>>();
  const nextCode = new Map<string, number>();
  const cols = [...FILTER_COLUMNS.map((d) => `filter:${d.name}`), ...COUNT_KEYS.map((k) => `count:${k}`)];
  for (const c of cols) {
    dict.set(c, new Map());
    nextCode.set(c, 1);
  }
  {
    const res = await db.query<{ col: string; code: number; value: string }>('SELECT col, code, value FROM archive_values ORDER BY col, code');
    for (const row of res.rows) {
      const m = dict.get(row.col);
      if (m === undefined) continue;
      m.set(row.value, row.code);
      nextCode.set(row.col, Math.max(nextCode.get(row.col)!, row.code + 1));
    }
  }
  // A first load: build the secondary indexes once at the end rather than row by row.
  const bulk = existing.size === 0;
  if (bulk) for (const i of bulkIndexes()) await db.query(`DROP INDEX IF EXISTS ${i.name}`);
  const newValues: Array<{ col: string; code: number; value: string }> = [];
  const used = new Map<string, Set<number>>(cols.map((c) => [c, new Set<number>()]));
  const codesOf = (col: string, values: readonly string[]): number[] => {
    const m = dict.get(col)!;
    const u = used.get(col)!;
    return values.map((v) => {
      let code = m.get(v);
      if (code === undefined) {
        code = nextCode.get(col)!;
        nextCode.set(col, code + 1);
        m.set(v, code);
        newValues.push({ col, code, value: v });
      }
      u.add(code);
      return code;
    });
  };

  const report = { added: tally(), changed: tally(), removed: tally(), unchanged: 0, renumbered: 0 };
  const ids = { added: [] as string[], changed: [] as string[], removed: [] as string[] };
  const seen = new Set<string>();
  const kinds: number[] = [];
  const counts = { incidents: 0, publications: 0, sources: 0, passages: 0 };
  let lastDataChange: string | null = null;
  const alphabet = new Set<string>();
  const termDelta = new Map<string, number>();
  const renumber: Array<[string, number]> = [];
  const replaced: string[] = [];
  let pending: Array<{ row: RecordRow; ordinal: number; codes: number[][]; record: Searchable }> = [];

  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    await insertBatch(db, pending, termDelta, alphabet);
    pending = [];
  };

  let ordinal = 0;
  for (const record of input.records) {
    if (seen.has(record.id)) throw new Error(`db:sync: record id ${record.id} appears twice`);
    seen.add(record.id);
    const row = rowOf(record);
    kinds.push(row.kind);
    if (record.kind === 'incident') counts.incidents++;
    else if (record.kind === 'publication') counts.publications++;
    else {
      counts.sources++;
      counts.passages += new Set(record.passages.map((p) => p.n)).size;
      for (const t of [record.published, record.modified]) if (t !== undefined && (lastDataChange === null || t > lastDataChange)) lastDataChange = t;
    }
    const codes = [
      ...FILTER_COLUMNS.map((d, i) => codesOf(`filter:${d.name}`, row.filterValues[i]!)),
      ...COUNT_KEYS.map((k, i) => codesOf(`count:${k}`, row.countValues[i]!)),
    ];
    const old = existing.get(record.id);
    if (old !== undefined && old.fingerprint === row.fingerprint) {
      report.unchanged++;
      if (old.ordinal !== ordinal) renumber.push([record.id, ordinal]);
    } else {
      if (old === undefined) {
        report.added[record.kind]++;
        ids.added.push(record.id);
      } else {
        report.changed[record.kind]++;
        ids.changed.push(record.id);
        replaced.push(old.rid);
      }
      pending.push({ row, ordinal, codes, record });
    }
    ordinal++;
    if (pending.length >= BATCH) {
      // Replaced rows go first: their ids must be free before the new versions are inserted.
      await removeRows(db, replaced.splice(0), termDelta);
      await flush();
      if (ordinal % 50_000 < BATCH) log(`${ordinal} records read`);
    }
  }
  const gone: string[] = [];
  for (const [id, old] of existing) {
    if (seen.has(id)) continue;
    gone.push(old.rid);
    report.removed[KIND_OF_CODE[old.kind] ?? 'incident']++;
    ids.removed.push(id);
  }
  await removeRows(db, [...replaced.splice(0), ...gone], termDelta);
  await flush();
  if (bulk) {
    log('building indexes...');
    for (const i of bulkIndexes()) await db.query(i.create);
  }
  report.renumbered = renumber.length;
  for (let i = 0; i < renumber.length; i += 10_000) {
    const part = renumber.slice(i, i + 10_000);
    await db.query('UPDATE archive_records r SET ordinal = u.o FROM unnest($1::text[], $2::int[]) AS u(id, o) WHERE r.id = u.id', [part.map((p) => p[0]), part.map((p) => p[1])]);
  }
  // Alphabet of the vocabulary: kept from before (terms never leave it for good) plus the new documents'.
  const meta = await db.query<{ alphabet: string }>('SELECT alphabet FROM archive_meta');
  for (const ch of meta.rows[0]?.alphabet ?? '') alphabet.add(ch);
  if (termDelta.size > 0) {
    const terms = [...termDelta.keys()];
    for (let i = 0; i < terms.length; i += 20_000) {
      const part = terms.slice(i, i + 20_000);
      await db.query(
        `INSERT INTO archive_terms (term, ndoc) SELECT t, n FROM unnest($1::text[], $2::int[]) AS u(t, n)
         ON CONFLICT (term) DO UPDATE SET ndoc = archive_terms.ndoc + EXCLUDED.ndoc`,
        [part, part.map((t) => termDelta.get(t)!)],
      );
    }
    await db.query('DELETE FROM archive_terms WHERE ndoc <= 0');
  }
  if (newValues.length > 0) {
    for (let i = 0; i < newValues.length; i += 20_000) {
      const part = newValues.slice(i, i + 20_000);
      await db.query('INSERT INTO archive_values (col, code, value) SELECT * FROM unnest($1::text[], $2::int[], $3::text[])', [
        part.map((v) => v.col),
        part.map((v) => v.code),
        part.map((v) => v.value),
      ]);
    }
  }
  // Values no record has any more leave the dictionary (vocabulary() lists the dictionary).
  const stale: Array<{ col: string; code: number }> = [];
  for (const [col, m] of dict) for (const code of m.values()) if (!used.get(col)!.has(code)) stale.push({ col, code });
  if (stale.length > 0) {
    await db.query('DELETE FROM archive_values v USING unnest($1::text[], $2::int[]) AS s(col, code) WHERE v.col = s.col AND v.code = s.code', [
      stale.map((s) => s.col),
      stale.map((s) => s.code),
    ]);
  }
  const changedAnything = ids.added.length + ids.changed.length + ids.removed.length + renumber.length + stale.length > 0;
  const prior = await db.query<{ data_hash: string }>('SELECT data_hash FROM archive_meta');
  if (changedAnything || prior.rows[0]?.data_hash !== input.dataHash) {
    await db.query(
      `INSERT INTO archive_meta (one, data_hash, built_at, counts, last_data_change, kinds, alphabet, problems) VALUES (true, $1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (one) DO UPDATE SET data_hash = EXCLUDED.data_hash, built_at = EXCLUDED.built_at, counts = EXCLUDED.counts,
         last_data_change = EXCLUDED.last_data_change, kinds = EXCLUDED.kinds, alphabet = EXCLUDED.alphabet, problems = EXCLUDED.problems`,
      [
        input.dataHash,
        new Date().toISOString(),
        JSON.stringify(counts),
        lastDataChange,
        Buffer.from(Uint8Array.from(kinds)),
        [...alphabet].sort().join(''),
        JSON.stringify(input.problems ?? []),
      ],
    );
  }
  const cmp = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
  ids.added.sort(cmp);
  ids.changed.sort(cmp);
  ids.removed.sort(cmp);
  return { ...report, ids };
}

/** Deletes records (their documents go with them), taking their documents' stems out of the vocabulary counts. */
async function removeRows(db: pg.ClientBase, rids: string[], termDelta: Map<string, number>): Promise<void> {
  for (let i = 0; i < rids.length; i += 10_000) {
    const part = rids.slice(i, i + 10_000);
    const res = await db.query<{ t: string; n: number }>(
      'SELECT t, count(*)::int AS n FROM archive_docs, unnest(tsvector_to_array(tsv)) AS t WHERE rid = ANY($1::bigint[]) GROUP BY t',
      [part],
    );
    for (const { t, n } of res.rows) termDelta.set(t, (termDelta.get(t) ?? 0) - n);
    await db.query('DELETE FROM archive_records WHERE rid = ANY($1::bigint[])', [part]);
  }
}

const arrayLiteral = (codes: readonly number[]): string => `{${codes.join(',')}}`;

async function insertBatch(
  db: pg.ClientBase,
  batch: ReadonlyArray<{ row: RecordRow; ordinal: number; codes: number[][]; record: Searchable }>,
  termDelta: Map<string, number>,
  alphabet: Set<string>,
): Promise<void> {
  const nf = ARCHIVE_FILTER_COLUMNS.length;
  const arrayCols = [...ARCHIVE_FILTER_COLUMNS.map(filterColumn), ...ARCHIVE_COUNT_COLUMNS.map(countColumn)];
  // FILTER_COLUMNS / COUNT_KEYS order to the schema's column order.
  const filterIdx = ARCHIVE_FILTER_COLUMNS.map((n) => FILTER_COLUMNS.findIndex((d) => d.name === n));
  const countIdx = ARCHIVE_COUNT_COLUMNS.map((k) => COUNT_KEYS.indexOf(k));
  const col = <T>(f: (b: (typeof batch)[number]) => T): T[] => batch.map(f);
  const params: unknown[] = [
    col((b) => b.row.id),
    col((b) => b.ordinal),
    col((b) => b.row.kind),
    col((b) => b.row.firstDay),
    col((b) => (b.row.span === null ? null : `[${b.row.span[0]},${b.row.span[1]}]`)),
    col((b) => b.row.exact),
    col((b) => b.row.grouped),
    col((b) => b.row.sourceUrl),
    col((b) => b.row.casFlag),
    ...[0, 1, 2, 3, 4, 5].map((k) => col((b) => b.row.cas[k])),
    col((b) => b.row.countMulti),
    ...arrayCols.map((_, i) => col((b) => arrayLiteral(b.codes[i < nf ? filterIdx[i]! : FILTER_COLUMNS.length + countIdx[i - nf]!]!))),
  ];
  const types = ['text', 'int', 'int2', 'text', 'text', 'bool', 'bool', 'text', 'int2', 'float8', 'float8', 'float8', 'float8', 'float8', 'float8', 'int', ...arrayCols.map(() => 'text')];
  const names = [
    'id', 'ordinal', 'kind', 'first_day', 'span', 'exact', 'grouped', 'source_url', 'cas_flag',
    'killed_low', 'killed_high', 'wounded_low', 'wounded_high', 'combined_low', 'combined_high', 'count_multi', ...arrayCols,
  ];
  const firstArray = names.indexOf('count_multi') + 1;
  const select = names.map((n, i) => (n === 'span' ? `u.c${i}::int4range` : i >= firstArray ? `u.c${i}::integer[]` : `u.c${i}`));
  await db.query(
    `INSERT INTO archive_records (${names.join(', ')})
     SELECT ${select.join(', ')} FROM unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')}) AS u(${names.map((_, i) => `c${i}`).join(', ')})`,
    params,
  );
  await db.query(
    `INSERT INTO archive_bodies (rid, fingerprint, body)
     SELECT r.rid, u.fingerprint, u.body FROM unnest($1::text[], $2::text[], $3::text[]) AS u(id, fingerprint, body) JOIN archive_records r ON r.id = u.id`,
    [col((b) => b.row.id), col((b) => b.row.fingerprint), col((b) => b.row.body)],
  );
  const dIds: string[] = [];
  const dPassage: number[] = [];
  const dKind: number[] = [];
  const dTsv: string[] = [];
  for (const b of batch) {
    for (const d of docsOf(b.record)) {
      dIds.push(b.row.id);
      dPassage.push(d.passage);
      dKind.push(d.kind);
      dTsv.push(d.tsv);
      for (const s of d.stems) {
        termDelta.set(s, (termDelta.get(s) ?? 0) + 1);
        for (const ch of s) alphabet.add(ch);
      }
    }
  }
  await db.query(
    `INSERT INTO archive_docs (rid, passage, kind, tsv)
     SELECT r.rid, u.passage, u.kind, u.tsv::tsvector FROM unnest($1::text[], $2::int[], $3::int2[], $4::text[]) AS u(id, passage, kind, tsv)
     JOIN archive_records r ON r.id = u.id`,
    [dIds, dPassage, dKind, dTsv],
  );
}

/** The report as lines a person reads (db:sync prints them). */
export function formatSyncReport(r: SyncReport): string[] {
  const kinds = ['incident', 'publication', 'source'] as const;
  const lines = kinds.map((k) => `${k}s: ${r.added[k]} added, ${r.changed[k]} changed, ${r.removed[k]} removed`);
  lines.push(`${r.unchanged} unchanged${r.renumbered > 0 ? `, ${r.renumbered} renumbered` : ''}; ${r.ms} ms`);
  const total = r.ids.added.length + r.ids.changed.length + r.ids.removed.length;
  if (total === 0) lines.push('nothing changed');
  return lines;
}
