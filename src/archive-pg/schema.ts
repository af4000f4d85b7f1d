// The archive's tables in PostgreSQL (SEARCH_BACKEND=postgres). They mirror
// what the embedded engine keeps (search/columns.ts, search/compact.ts):
//
// - archive_records: one row per record, numbered by `ordinal` in the engine's
//   order (incidents, publications, sources) (the record itself as JSON and its
//   fingerprint in archive_bodies, so scans stay narrow); its
//   date as a day range (int4range of YYYYMMDD numbers, GiST-indexed); one
//   int[] column per structured filter (FILTER_COLUMNS in
//   search/filter-index.ts: f_<name>, GIN-indexed) and per /count key
//   (COUNT_KEYS in counts.ts: c_<key>), holding codes of archive_values; the
//   casualty figures as bounds.
// - archive_docs: the index documents (a record's own, and one per source
//   passage), each with a tsvector weighted like the lunr fields: title A,
//   names B, summary C, body D (search/documents.ts FIELDS), GIN-indexed. The
//   lexemes are lunr's stems, made in Node by the engine's own pipeline, so a
//   word matches the same documents in both backends.
// - archive_terms: the vocabulary (every stem with its document frequency),
//   for prefix matching (a btree range) and typo neighbours (pg_trgm).
// - archive_values: the distinct values of each filter and count column.
// - archive_meta: one row: data hash, counts, kinds by ordinal.
//
// The tables are created by migration 3 of the PostgreSQL schema
// (db/pg-migrations.ts), with the state tables, in the same database.

/** Column of archive_records holding the codes of a filter (FILTER_COLUMNS) or a count key (COUNT_KEYS). */
export const filterColumn = (name: string): string => `f_${name}`;
export const countColumn = (key: string): string => `c_${key}`;

/** The filter and count columns this schema has: a new FILTER_COLUMNS entry or COUNT_KEY needs a migration adding its column. */
export const ARCHIVE_FILTER_COLUMNS = ['place', 'country', 'type', 'target', 'category', 'claimed', 'dataset', 'actor', 'violence', 'outlet', 'medium', 'language'] as const;
export const ARCHIVE_COUNT_COLUMNS = ['month', 'year', 'place', 'country', 'type', 'target', 'outlet', 'medium', 'language', 'claim', 'dataset', 'actor', 'violence'] as const;

/** Taken (transaction-scoped) by db:sync so two processes starting together load data/ once, one after the other. */
export const ARCHIVE_SYNC_LOCK = 0x41524348; // "ARCH"

const arrayCols = [...ARCHIVE_FILTER_COLUMNS.map(filterColumn), ...ARCHIVE_COUNT_COLUMNS.map(countColumn)];

/**
 * The secondary indexes of the records and documents: a first load into empty
 * tables drops them and builds them once at the end (sync.ts), which is much
 * faster than maintaining a GIN index row by row.
 */
export function bulkIndexes(): Array<{ table: 'archive_records' | 'archive_docs'; name: string; create: string }> {
  const rec = (name: string, using: string): { table: 'archive_records'; name: string; create: string } => ({
    table: 'archive_records',
    name,
    create: `CREATE INDEX ${name} ON archive_records ${using}`,
  });
  return [
    rec('archive_records_date', '(first_day, id)'),
    rec('archive_records_span', 'USING gist (span)'),
    rec('archive_records_kind', '(kind)'),
    ...ARCHIVE_FILTER_COLUMNS.map((c) => rec(`archive_records_${filterColumn(c)}`, `USING gin (${filterColumn(c)})`)),
    { table: 'archive_docs', name: 'archive_docs_tsv', create: 'CREATE INDEX archive_docs_tsv ON archive_docs USING gin (tsv)' },
  ];
}

/** The archive's tables and indexes, as statements in order (db/pg-migrations.ts runs them as one migration). */
export const ARCHIVE_SCHEMA_V1: readonly string[] = [
  'CREATE EXTENSION IF NOT EXISTS pg_trgm',
  `CREATE TABLE archive_records (
    rid bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ordinal integer NOT NULL,
    id text COLLATE "C" NOT NULL UNIQUE,
    kind smallint NOT NULL,
    first_day text COLLATE "C",
    span int4range,
    exact boolean NOT NULL,
    grouped boolean NOT NULL,
    source_url text,
    cas_flag smallint NOT NULL,
    killed_low double precision, killed_high double precision,
    wounded_low double precision, wounded_high double precision,
    combined_low double precision, combined_high double precision,
    count_multi integer NOT NULL DEFAULT 0,
    ${arrayCols.map((c) => `${c} integer[] NOT NULL DEFAULT '{}'`).join(',\n    ')},
    CONSTRAINT archive_records_ordinal UNIQUE (ordinal) DEFERRABLE INITIALLY DEFERRED
  )`,
  ...bulkIndexes().filter((i) => i.table === 'archive_records').map((i) => i.create),
  // The record itself and its fingerprint apart, so that scans over the columns (counts, filters) stay narrow.
  `CREATE TABLE archive_bodies (
    rid bigint PRIMARY KEY REFERENCES archive_records (rid) ON DELETE CASCADE,
    fingerprint text NOT NULL,
    body text NOT NULL
  )`,
  `CREATE TABLE archive_docs (
    rid bigint NOT NULL REFERENCES archive_records (rid) ON DELETE CASCADE,
    passage integer NOT NULL,
    kind smallint NOT NULL,
    tsv tsvector NOT NULL,
    PRIMARY KEY (rid, passage)
  )`,
  ...bulkIndexes().filter((i) => i.table === 'archive_docs').map((i) => i.create),
  `CREATE TABLE archive_terms (
    term text COLLATE "C" PRIMARY KEY,
    ndoc integer NOT NULL
  )`,
  'CREATE INDEX archive_terms_trgm ON archive_terms USING gin (term gin_trgm_ops)',
  `CREATE TABLE archive_values (
    col text NOT NULL,
    code integer NOT NULL,
    value text NOT NULL,
    PRIMARY KEY (col, code),
    UNIQUE (col, value)
  )`,
  `CREATE TABLE archive_meta (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    data_hash text NOT NULL,
    built_at text NOT NULL,
    counts jsonb NOT NULL,
    last_data_change text,
    kinds bytea NOT NULL,
    alphabet text NOT NULL,
    problems jsonb NOT NULL DEFAULT '[]'
  )`,
];
