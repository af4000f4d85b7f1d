// The real UCDP GED 23.1 sample (1,000 rows, CC BY 4.0, tests/fixtures/datasets/README.md):
// imported, loaded, counted, shown, re-imported and corrupted.
import { readFile, writeFile, readdir, stat } from 'node:fs/promises';
import { stringify } from 'csv-stringify/sync';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handle as countHandle } from '../../../commands/count.ts';
import { handle as recordHandle } from '../../../commands/record.ts';
import { handle as citeHandle } from '../../../commands/cite.ts';
import { handle as exportHandle } from '../../../commands/export.ts';
import { handle as timelineHandle } from '../../../commands/timeline.ts';
import { parseQuery } from '../../../src/core/query/parse.ts';
import type { CountView, ExportView, RecordView } from '../../../src/core/views.ts';
import { archiveOf, csvRows, GED, lineOf, removeDir, run, sample, tally, tempDir } from './helpers.ts';

let dir: string;
let rows: Record<string, string>[];
let loaded: Awaited<ReturnType<typeof archiveOf>>;
let first: Awaited<ReturnType<typeof run>>;

beforeAll(async () => {
  dir = await tempDir('ged');
  rows = await csvRows(GED);
  first = await run({ format: 'ucdp-ged', file: GED, dataDir: dir });
  loaded = await archiveOf(dir);
}, 60_000);

afterAll(() => removeDir(dir));

const DATE_PREC_WORDS: Record<string, RegExp> = {
  '1': /exact date/,
  '2': /2–6 day range/,
  '3': /week/,
  '4': /8–30 day range, or only the month/,
  '5': /more than 30 days, or only the year/,
};
const WHERE_PRECISION: Record<string, string> = { '1': 'site', '2': 'city', '3': 'district', '4': 'province', '5': 'region', '6': 'country', '7': 'region' };

describe('importing the GED sample', () => {
  it('imports every row, and loadData accepts every record with its release as the source', () => {
    expect(rows).toHaveLength(1000);
    expect(first.counts).toMatchObject({ read: 1000, imported: 1000, updated: 0, unchanged: 0, removed: 0, rejected: 0 });
    expect(first.problems).toEqual([]);
    expect(loaded.data.problems).toEqual([]);
    expect(loaded.data.incidents).toHaveLength(1000);
    expect(loaded.data.sources.map((s) => s.id)).toEqual(['ucdp-ged-23-1']);
    expect(new Set(loaded.data.incidents.map((r) => r.dataset?.row))).toEqual(new Set(rows.map((r) => r['id'])));
  });

  it('counts by country equal the counts computed from the CSV', () => {
    const view = countHandle({ by: 'country', query: 'dataset:ucdp-ged' }, loaded.deps) as CountView;
    expect(view.type).toBe('count');
    expect(view.total).toBe(1000);
    const got = Object.fromEntries(view.rows.map((r) => [r.key, r.count]));
    expect(tally(Object.keys(got).flatMap((k) => Array(got[k]).fill(k)))).toEqual(tally(rows.map((r) => r['country']!)));
  });

  it('counts by year equal the years of date_start..date_end in the CSV (a span over two years is its own row)', () => {
    const view = countHandle({ by: 'year', query: 'dataset:ucdp-ged' }, loaded.deps) as CountView;
    const got = Object.fromEntries(view.rows.map((r) => [r.key, r.count]));
    const want = tally(rows.map((r) => (r['date_start']!.slice(0, 4) === r['date_end']!.slice(0, 4) ? r['date_start']!.slice(0, 4) : `${r['date_start']!.slice(0, 4)}/${r['date_end']!.slice(0, 4)}`)));
    expect(tally(Object.keys(got).flatMap((k) => Array(got[k]).fill(k)))).toEqual(want);
  });

  it('counts by violence type equal type_of_violence in the CSV', () => {
    const view = countHandle({ by: 'violence' }, loaded.deps) as CountView;
    const names: Record<string, string> = { '1': 'state-based conflict', '2': 'non-state conflict', '3': 'one-sided violence' };
    expect(Object.fromEntries(view.rows.map((r) => [r.key, r.count]))).toEqual(tally(rows.map((r) => names[r['type_of_violence']!]!)));
  });

  it('shows, for 20 seeded random rows, the dates and their precision, the place and its precision, and low/best/high deaths', () => {
    for (const i of sample(20, rows.length, 2315)) {
      const row = rows[i]!;
      const view = recordHandle({ id: `ucdp-ged-${row['id']}` }, loaded.deps) as RecordView;
      expect(view.type, row['id']).toBe('record');
      const field = (label: string): string => view.fields.find((f) => f.label === label)?.value ?? '';
      const date = field('Date');
      expect(date).toContain(row['date_start']);
      expect(date).toContain(row['date_end']);
      const codes = field('Dataset codes');
      expect(codes).toContain(`date_prec: ${row['date_prec']}`);
      expect(codes).toMatch(DATE_PREC_WORDS[row['date_prec']!]!);
      expect(codes).toContain(`where_prec: ${row['where_prec']}`);
      const place = field('Place');
      expect(place).toContain(`precision: ${WHERE_PRECISION[row['where_prec']!]}`);
      expect(place).toContain(row['country']);
      if (row['adm_1'] !== '') expect(place).toContain(row['adm_1']);
      expect(field('Killed')).toContain(`${row['best']} (best estimate`);
      for (const k of ['low', 'best', 'high', 'deaths_a', 'deaths_b', 'deaths_civilians', 'deaths_unknown']) expect(codes).toContain(`${k}: ${row[k]}`);
      expect(field('Actors')).toContain(row['side_a']);
      // Its citation points at the release, with a quote from the row.
      expect(view.citations[0]?.source).toBe('ucdp-ged-23-1');
      expect(Object.values(row).some((cell) => cell.includes(view.citations[0]!.quote))).toBe(true);
    }
  });

  it('finds events by dataset:, actor: and violence: filters as the CSV says', () => {
    const search = (q: string): number => loaded.archive.search(parseQuery(q), { limit: Infinity }).total;
    expect(search('dataset:ucdp-ged')).toBe(1000);
    expect(search('dataset:acled')).toBe(0);
    const oneSided = rows.filter((r) => r['type_of_violence'] === '3').length;
    expect(search('violence:one-sided')).toBe(oneSided);
    const syria = rows.filter((r) => r['side_a'] === 'Government of Syria' || r['side_b'] === 'Government of Syria').length;
    expect(syria).toBeGreaterThan(0);
    expect(search('actor:"Government of Syria"')).toBe(syria);
  });

  it('/export and /timeline treat the imported events as records', () => {
    const exported = exportHandle({ format: 'csv', query: 'dataset:ucdp-ged' }, loaded.deps) as ExportView;
    expect(exported.total).toBe(1000);
    expect(exported.kinds.incidents).toBe(1000);
    const timeline = timelineHandle({ query: 'dataset:ucdp-ged' }, loaded.deps);
    expect((timeline as { total: number }).total).toBe(1000);
  });

  it('/cite gives the dataset\'s required citation', () => {
    const view = citeHandle({ id: `ucdp-ged-${rows[0]!['id']}`, style: 'chicago' }, loaded.deps);
    expect(view.type).toBe('citations');
    const text = (view as { items: { text: string }[] }).items[0]!.text;
    expect(text).toContain('Sundberg, Ralph, and Erik Melander (2013)');
    expect(text).toContain('version 23.1');
    expect(text).toContain('CC BY 4.0');
  });

  it('a second import of the same file changes nothing, not even a byte', async () => {
    const folder = path.join(dir, 'datasets', 'ucdp-ged');
    const before = await Promise.all((await readdir(folder)).map(async (f) => [f, await readFile(path.join(folder, f), 'utf8'), (await stat(path.join(folder, f))).mtimeMs] as const));
    const again = await run({ format: 'ucdp-ged', file: GED, dataDir: dir, now: new Date('2026-01-01T00:00:00Z') });
    expect(again.counts).toMatchObject({ read: 1000, imported: 0, updated: 0, unchanged: 1000, removed: 0, rejected: 0 });
    expect(again.written).toBe(false);
    const after = await Promise.all((await readdir(folder)).map(async (f) => [f, await readFile(path.join(folder, f), 'utf8'), (await stat(path.join(folder, f))).mtimeMs] as const));
    expect(after).toEqual(before);
  });
});

describe('a corrupted copy', () => {
  it('reports a bad date, a missing id, a non-numeric death count and a truncated last line by line and column, and imports the rest', async () => {
    // Three rows broken in one cell each (written back with csv-stringify), and the last line cut short.
    const [badDate, missingId, badDeaths] = [10, 500, 900];
    const edited = rows.map((r, i) =>
      i === badDate ? { ...r, date_start: '2013-02-30' } : i === missingId ? { ...r, id: '' } : i === badDeaths ? { ...r, best: 'many' } : r,
    );
    const whole = stringify(edited, { header: true, columns: Object.keys(rows[0]!) });
    const lastStart = whole.trimEnd().lastIndexOf('\n') + 1;
    const broken = `${whole.slice(0, lastStart)}${whole.slice(lastStart, whole.indexOf(',', lastStart + 60))}\n`;
    const lastLine = broken.trimEnd().split('\n').length;
    const dir2 = await tempDir('ged-broken');
    try {
      const file = path.join(dir2, 'ged231-broken.csv');
      await writeFile(file, broken);
      const report = await run({ format: 'ucdp-ged', file, dataDir: dir2 });
      expect(report.counts.read).toBe(1000);
      expect(report.counts.rejected).toBe(4);
      expect(report.counts.imported).toBe(996);
      const at = (line: number, column: string): string | undefined => report.problems.find((p) => p.line === line && p.column === column)?.message;
      expect(at(lineOf(broken, `${rows[badDate]!['id']},`), 'date_start')).toMatch(/"2013-02-30" is not a date/);
      expect(at(lineOf(broken, `,${rows[missingId]!['relid']},`), 'id')).toMatch(/missing row id/);
      expect(at(lineOf(broken, `${rows[badDeaths]!['id']},`), 'best')).toMatch(/"many" is not a whole number/);
      const truncated = report.problems.find((p) => p.line === lastLine);
      expect(truncated?.message).toMatch(/fields \(cut off\?\)/);
      expect(report.problems).toHaveLength(4);
      const { data } = await archiveOf(dir2);
      expect(data.problems).toEqual([]);
      expect(data.incidents).toHaveLength(996);
    } finally {
      await removeDir(dir2);
    }
  });
});
