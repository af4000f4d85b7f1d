// The Archive (search/types.ts) over PostgreSQL: the same answers as the
// embedded engine (search/engine.ts) from the tables schema.ts describes.
// A ParsedQuery compiles to one SQL statement (compile.ts); this class runs it
// through a synchronous connection (db/pg-sync.ts: the Archive interface is
// synchronous), keeps what every command touches per record in memory only
// where it is one byte per record (the kind), and reads everything else
// (ids, records, spans, fingerprints) when asked, with a bounded cache.
import { arrayIdList } from '../core/search/id-list.ts';
import lunr from 'lunr';
import { COUNT_KEYS, figureSumLabel, finishCount, isSpanKey, isTimeKey, type CountKey, type CountResult } from '../core/counts.ts';
import { SCHEMA_VERSION } from '../core/records/schema.ts';
import { KIND_OF_CODE } from '../core/search/columns.ts';
import { INDEX_FORMAT_VERSION } from '../core/search/engine.ts';
import type { Archive, ArchiveStats, Hit, ParsedQuery, Searchable, SearchOptions, SearchResult, Selection } from '../core/search/types.ts';
import type { CasualtySums, FigureSum } from '../core/views.ts';
import { compileSearch, type DocRow, type ValueSource } from './compile.ts';
import { expandWords } from './expand.ts';
import { countColumn } from './schema.ts';
import { fromDb } from './rows.ts';

/** What the archive needs of a database connection: SyncPg (db/pg-sync.ts) has it. */
export interface PgQuery {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): { rows: T[]; rowCount: number };
}

/** Bumped when the tables' meaning changes (schema.ts, rows.ts); shown in stats().indexVersion. */
export const PG_ARCHIVE_VERSION = 1;

const CACHE_MAX = 200_000;
/** Records read ahead along the last selection, and how many record texts are kept. */
const READ_AHEAD = 100;
const RECORD_CACHE_MAX = 1000;

interface Counts {
  incidents: number;
  publications: number;
  sources: number;
  passages: number;
}

export class PgArchive implements Archive {
  readonly dataHash: string;
  readonly builtAt: string;
  private readonly db: PgQuery;
  private readonly kinds: Uint8Array;
  private readonly meta: { counts: Counts; lastDataChange: string | null };
  private readonly alphabet: string[];
  private readonly ids = new Map<number, string>();
  private readonly ordinals = new Map<string, number>();
  private readonly values = new Map<string, Array<string | undefined>>();
  private vocab: ReturnType<Archive['vocabulary']> | undefined;
  /** Record texts by number (JSON, parsed per call: callers may keep or change what they get). */
  private readonly records = new Map<number, string>();
  private lastSelection: { records: Int32Array } | undefined;
  private readAhead = 0;
  private positions: Map<number, number> | undefined;

  private constructor(db: PgQuery, row: { data_hash: string; built_at: string; counts: Counts; last_data_change: string | null; kinds: Uint8Array; alphabet: string }) {
    this.db = db;
    this.dataHash = row.data_hash;
    this.builtAt = row.built_at;
    this.kinds = Uint8Array.from(row.kinds);
    this.meta = { counts: row.counts, lastDataChange: row.last_data_change };
    this.alphabet = [...row.alphabet];
  }

  /** The archive as the last db:sync left it; an empty archive when none ran yet. */
  static open(db: PgQuery): PgArchive {
    const res = db.query<{ data_hash: string; built_at: string; counts: Counts; last_data_change: string | null; kinds: Uint8Array; alphabet: string }>(
      'SELECT data_hash, built_at, counts, last_data_change, kinds, alphabet FROM archive_meta',
    );
    const row = res.rows[0] ?? {
      data_hash: '',
      built_at: new Date(0).toISOString(),
      counts: { incidents: 0, publications: 0, sources: 0, passages: 0 },
      last_data_change: null,
      kinds: new Uint8Array(0),
      alphabet: '',
    };
    return new PgArchive(db, row);
  }

  get count(): number {
    return this.kinds.length;
  }

  /** The distinct values of a column (filter:<name> or count:<key>) by code: values[code - 1]. */
  private valuesOf(col: string): Array<string | undefined> {
    let v = this.values.get(col);
    if (v === undefined) {
      const res = this.db.query<{ code: number; value: string }>('SELECT code, value FROM archive_values WHERE col = $1 ORDER BY code', [col]);
      const max = res.rows.reduce((m, r) => Math.max(m, r.code), 0);
      // Codes of values no record has any more are holes.
      v = new Array<string | undefined>(max).fill(undefined);
      for (const r of res.rows) v[r.code - 1] = fromDb(r.value);
      this.values.set(col, v);
    }
    return v;
  }

  private remember(r: number, id: string): void {
    if (this.ids.size >= CACHE_MAX) {
      this.ids.clear();
      this.ordinals.clear();
    }
    this.ids.set(r, id);
    this.ordinals.set(id, r);
  }

  record(r: number): Searchable {
    const cached = this.records.get(r);
    if (cached !== undefined) return JSON.parse(cached) as Searchable;
    // Commands read the records of a selection in its order (entries, exports, digests): read ahead in one round trip.
    const sel = this.lastSelection;
    let batch = [r];
    if (sel !== undefined) {
      let at = -1;
      if (sel.records[this.readAhead] === r) at = this.readAhead;
      else {
        // Positions of the selection's records, made once per selection on its first miss.
        if (this.positions === undefined) {
          this.positions = new Map();
          sel.records.forEach((o, i) => this.positions!.set(o, i));
        }
        at = this.positions.get(r) ?? -1;
      }
      if (at >= 0) {
        batch = Array.from(sel.records.subarray(at, at + READ_AHEAD));
        this.readAhead = at + batch.length;
      }
    }
    const res = this.db.query<{ ordinal: number; id: string; body: string }>('SELECT r.ordinal, r.id, b.body FROM archive_records r JOIN archive_bodies b USING (rid) WHERE r.ordinal = ANY($1::int[])', [batch]);
    if (this.records.size + res.rows.length > RECORD_CACHE_MAX) this.records.clear();
    let body: string | undefined;
    for (const row of res.rows) {
      this.records.set(row.ordinal, row.body);
      this.remember(row.ordinal, row.id);
      if (row.ordinal === r) body = row.body;
    }
    if (body === undefined) throw new RangeError(`no record numbered ${r}`);
    return JSON.parse(body) as Searchable;
  }

  recordId(r: number): string {
    const known = this.ids.get(r);
    if (known !== undefined) return known;
    const res = this.db.query<{ id: string }>('SELECT id FROM archive_records WHERE ordinal = $1', [r]);
    const id = res.rows[0]?.id;
    if (id === undefined) throw new RangeError(`no record numbered ${r}`);
    this.remember(r, id);
    return id;
  }

  recordKind(r: number): Searchable['kind'] {
    const k = KIND_OF_CODE[this.kinds[r]!];
    if (k === undefined) throw new RangeError(`no record numbered ${r}`);
    return k;
  }

  ordinalOf(id: string): number {
    const known = this.ordinals.get(id);
    if (known !== undefined) return known;
    const res = this.db.query<{ ordinal: number }>('SELECT ordinal FROM archive_records WHERE id = $1', [id]);
    const r = res.rows[0]?.ordinal;
    if (r === undefined) return -1;
    this.remember(r, id);
    return r;
  }

  get(id: string): Searchable | undefined {
    const known = this.ordinals.get(id);
    if (known !== undefined) {
      const cached = this.records.get(known);
      if (cached !== undefined) return JSON.parse(cached) as Searchable;
    }
    const res = this.db.query<{ body: string; ordinal: number }>('SELECT b.body, r.ordinal FROM archive_records r JOIN archive_bodies b USING (rid) WHERE r.id = $1', [id]);
    const row = res.rows[0];
    if (row === undefined) return undefined;
    this.remember(row.ordinal, id);
    if (this.records.size >= RECORD_CACHE_MAX) this.records.clear();
    this.records.set(row.ordinal, row.body);
    return JSON.parse(row.body) as Searchable;
  }

  sourceUrl(id: string): string | undefined {
    const res = this.db.query<{ source_url: string | null }>('SELECT source_url FROM archive_records WHERE id = $1', [id]);
    return res.rows[0]?.source_url ?? undefined;
  }

  span(r: number): { from: string; to: string; exactDay: boolean } | undefined {
    const res = this.db.query<{ f: number | null; t: number | null; exact: boolean }>(
      'SELECT lower(span) AS f, upper(span) - 1 AS t, exact FROM archive_records WHERE ordinal = $1',
      [r],
    );
    const row = res.rows[0];
    if (row === undefined || row.f === null || row.t === null) return undefined;
    return { from: isoDay(row.f), to: isoDay(row.t), exactDay: row.exact };
  }

  fingerprint(r: number): string {
    const res = this.db.query<{ fingerprint: string }>('SELECT b.fingerprint FROM archive_records r JOIN archive_bodies b USING (rid) WHERE r.ordinal = $1', [r]);
    const fp = res.rows[0]?.fingerprint;
    if (fp === undefined) throw new RangeError(`no record numbered ${r}`);
    return fp;
  }

  stats(): ArchiveStats {
    const { counts, lastDataChange } = this.meta;
    return {
      incidents: counts.incidents,
      publications: counts.publications,
      sources: counts.sources,
      passages: counts.passages,
      dataHash: this.dataHash,
      lastDataChange,
      indexVersion: `lunr ${lunr.version} / schema ${SCHEMA_VERSION} / index ${INDEX_FORMAT_VERSION} / postgres ${PG_ARCHIVE_VERSION}`,
      builtAt: this.builtAt,
    };
  }

  vocabulary(): ReturnType<Archive['vocabulary']> {
    if (this.vocab === undefined) {
      // As the engine: distinct ignoring case, the first spelling seen kept, sorted for people.
      const collect = (values: ReadonlyArray<string | undefined>): string[] => {
        const seen = new Map<string, string>();
        for (const v of values) if (v !== undefined && !seen.has(v.toLowerCase())) seen.set(v.toLowerCase(), v);
        return [...seen.values()].sort((a, b) => a.localeCompare(b, 'en'));
      };
      const values = (name: string): Array<string | undefined> => this.valuesOf(`filter:${name}`);
      const ids = this.db.query<{ id: string }>('SELECT id FROM archive_records ORDER BY id').rows.map((r) => r.id);
      this.vocab = {
        places: collect(values('place')),
        countries: collect(values('country')),
        outlets: collect(values('outlet')),
        media: collect(values('medium')),
        types: collect(values('type')),
        ids: arrayIdList(ids),
      };
    }
    return this.vocab;
  }

  citing(sourceIds: readonly string[]): string[] {
    if (sourceIds.length === 0) return [];
    // The citations are in the records' bodies: a scan, in the engine's date order (first day, undated last, then id).
    const res = this.db.query<{ id: string }>(
      `SELECT r.id FROM archive_records r JOIN archive_bodies b USING (rid)
        WHERE (b.body::jsonb ->> 'kind') <> 'source'
          AND EXISTS (SELECT 1 FROM jsonb_array_elements(b.body::jsonb -> 'sources') c WHERE c ->> 'source' = ANY($1::text[]))
        ORDER BY r.first_day NULLS LAST, r.id`,
      [sourceIds],
    );
    return res.rows.map((row) => row.id);
  }

  sourcesWithUrl(accepts: (url: string) => boolean): string[] {
    const res = this.db.query<{ source_url: string; ids: string[] }>(
      'SELECT source_url, array_agg(id ORDER BY id) AS ids FROM archive_records WHERE source_url IS NOT NULL GROUP BY source_url',
    );
    return res.rows.filter((row) => accepts(row.source_url)).flatMap((row) => row.ids);
  }

  private valueSource(): ValueSource {
    return { valuesOf: (col) => this.valuesOf(col) };
  }

  /** The page a query asks for (see engine.ts run()): documents, or (select) records. */
  private run<T>(
    query: ParsedQuery,
    options: SearchOptions,
    shape: 'docs' | 'records',
    read: (rows: Record<string, unknown>[]) => { value: T; total: number; empty: boolean },
  ): { value: T; total: number; mode: SearchResult['mode']; notes: string[] } {
    const expanded = expandWords(this.db, query, this.alphabet);
    const plan = compileSearch(query, options, expanded, this.valueSource());
    const runOne = (text: 'all' | 'any'): { value: T; total: number } => {
      const page = shape === 'docs' ? plan.page(text) : plan.records(text);
      const got = read(this.db.query<Record<string, unknown>>(page.sql, page.params).rows);
      let total = got.total;
      if (got.empty && page.count !== undefined) {
        // An offset past the end: the page is empty, the total still counts.
        total = Number(this.db.query<{ n: string }>(page.count.sql, page.count.params).rows[0]?.n ?? 0);
      }
      return { value: got.value, total };
    };
    if (plan.words === 0) return { ...runOne('all'), mode: 'none', notes: expanded.notes };
    let out = runOne('all');
    let mode: SearchResult['mode'] = 'all';
    if (out.total === 0 && plan.words > 1) {
      const any = runOne('any');
      if (any.total > 0) {
        out = any;
        mode = 'any';
      }
    }
    return { ...out, mode, notes: expanded.notes };
  }

  search(query: ParsedQuery, options: SearchOptions = {}): SearchResult {
    const run = this.run(query, options, 'docs', (rows) => {
      const docs = rows as unknown as DocRow[];
      return { value: docs, total: docs.length > 0 ? Number(docs[0]!.total) : 0, empty: docs.length === 0 };
    });
    const hits: Hit[] = run.value.map((d) => {
      this.remember(d.ordinal, d.id);
      return this.hit(d);
    });
    // A page of hits is shown with its records: the first one read brings the page's in one round trip.
    if (hits.length > 0 && hits.length <= READ_AHEAD) this.readAlong(Int32Array.from(run.value, (d) => d.ordinal));
    return { hits, total: run.total, mode: run.mode, notes: run.notes };
  }

  select(query: ParsedQuery, options: SearchOptions = {}): Selection {
    const run = this.run(query, options, 'records', (rows) => {
      const row = rows[0] as { o: number[]; i: number[]; total: number } | undefined;
      const o = row?.o ?? [];
      return { value: { records: Int32Array.from(o), imprecise: Uint8Array.from(row?.i ?? []) }, total: Number(row?.total ?? 0), empty: o.length === 0 };
    });
    const selection = { records: run.value.records, imprecise: run.value.imprecise, total: run.total, mode: run.mode, notes: run.notes };
    this.readAlong(selection.records);
    return selection;
  }

  /** Records are read ahead along `records` (record()). */
  private readAlong(records: Int32Array): void {
    this.lastSelection = { records };
    this.readAhead = 0;
    this.positions = undefined;
  }

  private hit(d: DocRow): Hit {
    let record: Searchable | undefined;
    const hit = { ref: d.passage === 0 ? d.id : `${d.id}#${d.passage}`, id: d.id, ordinal: d.ordinal, score: Math.round(Number(d.score) * 1000) / 1000, imprecise: d.imprecise } as Hit;
    Object.defineProperty(hit, 'record', {
      enumerable: true,
      configurable: true,
      get: () => (record ??= this.record(d.ordinal)),
    });
    if (d.passage !== 0) hit.passage = d.passage;
    return hit;
  }

  /** countBy (counts.ts) over the records numbered `ordinals`, counted in SQL. */
  countBy(ordinals: ArrayLike<number>, by: CountKey): CountResult {
    const col = countColumn(by);
    const values = this.valuesOf(`count:${by}`);
    const spanCodes: number[] = [];
    if (isTimeKey(by)) values.forEach((v, i) => v !== undefined && isSpanKey(v) && spanCodes.push(i + 1));
    const bit = 1 << COUNT_KEYS.indexOf(by);
    const list = Array.from(ordinals);
    const res = this.db.query<{ code: number | null; n: string; unknown: string; spanning: string; multi: string; grouped: string }>(
      `WITH s AS MATERIALIZED (SELECT ${col} AS k, grouped, count_multi FROM archive_records WHERE ordinal = ANY($1::int[]))
       SELECT NULL::int AS code, 0::bigint AS n,
              count(*) FILTER (WHERE cardinality(k) = 0) AS unknown,
              count(*) FILTER (WHERE k && $2::int[]) AS spanning,
              count(*) FILTER (WHERE count_multi & $3 <> 0) AS multi,
              count(*) FILTER (WHERE grouped) AS grouped
       FROM s
       UNION ALL
       SELECT c, count(*), 0, 0, 0, 0 FROM s, unnest(k) AS c GROUP BY c`,
      [list, spanCodes, bit],
    );
    const groups = new Map<string, { spellings: Map<string, number>; count: number }>();
    let tally = { unknown: 0, spanning: 0, multiValued: 0, grouped: 0 };
    for (const row of res.rows) {
      if (row.code === null) {
        tally = { unknown: Number(row.unknown), spanning: Number(row.spanning), multiValued: Number(row.multi), grouped: Number(row.grouped) };
        continue;
      }
      const v = values[row.code - 1]!;
      const norm = v.toLowerCase();
      let g = groups.get(norm);
      if (g === undefined) groups.set(norm, (g = { spellings: new Map(), count: 0 }));
      const n = Number(row.n);
      g.count += n;
      g.spellings.set(v, (g.spellings.get(v) ?? 0) + n);
    }
    return finishCount(groups, by, { total: list.length, ...tally });
  }

  /** sumCasualties (counts.ts) over the incidents numbered `ordinals`, summed in SQL. */
  sumCasualties(ordinals: ArrayLike<number>): CasualtySums {
    const list = Array.from(ordinals);
    const figs = ['killed', 'wounded', 'combined'] as const;
    const res = this.db.query<Record<string, string | number | null>>(
      `SELECT count(*) FILTER (WHERE cas_flag = 1) AS excluded,
       ${figs
         .map(
           (f) => `count(${f}_low) FILTER (WHERE cas_flag = 2) AS ${f}_n,
           coalesce(sum(${f}_low) FILTER (WHERE cas_flag = 2), 0) AS ${f}_lo,
           coalesce(sum(${f}_high) FILTER (WHERE cas_flag = 2), 0) AS ${f}_hi`,
         )
         .join(',\n')}
       FROM archive_records WHERE ordinal = ANY($1::int[])`,
      [list],
    );
    const row = res.rows[0]!;
    const sum = (f: (typeof figs)[number]): FigureSum => {
      const records = Number(row[`${f}_n`]);
      const hi = Number(row[`${f}_hi`]);
      const s = { low: Number(row[`${f}_lo`]), high: hi === Infinity ? null : hi, records };
      return { ...s, label: figureSumLabel(s) };
    };
    return { incidents: list.length, killed: sum('killed'), wounded: sum('wounded'), combined: sum('combined'), excluded: Number(row.excluded) };
  }
}

/** YYYYMMDD back to YYYY-MM-DD. */
function isoDay(n: number): string {
  const y = Math.floor(n / 10000);
  const m = Math.floor(n / 100) % 100;
  const d = n % 100;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

