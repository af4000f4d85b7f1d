// Updating a stored dataset: by row id, across releases, within --where and
// --since; data:check on tampered NDJSON; the pieces the importers share.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareVersions, importDataset, inferRelease } from '../../../src/core/import/datasets/run.ts';
import { dateParser, parseFigure } from '../../../src/core/import/datasets/mapped.ts';
import { dateFromSpan } from '../../../src/core/import/datasets/common.ts';
import { archiveOf, csvRows, GED, NOW, removeDir, run, tempDir } from './helpers.ts';

let rows: Record<string, string>[];
let columns: string[];
beforeAll(async () => {
  rows = (await csvRows(GED)).slice(0, 60);
  columns = Object.keys(rows[0]!);
});

async function withDir(prefix: string, body: (dir: string, write: (name: string, rs: Record<string, string>[]) => Promise<string>) => Promise<void>): Promise<void> {
  const dir = await tempDir(prefix);
  try {
    await body(dir, async (name, rs) => {
      const file = path.join(dir, name);
      await writeFile(file, stringify(rs, { header: true, columns }));
      return file;
    });
  } finally {
    await removeDir(dir);
  }
}

describe('re-importing', () => {
  it('updates changed rows by row id, adds new ones, removes missing ones, and says which fields changed', async () => {
    await withDir('reimport', async (dir, write) => {
      await run({ format: 'ucdp-ged', file: await write('ged231.csv', rows.slice(0, 50)), dataDir: dir });
      const changed = rows.slice(0, 50).map((r, i) => (i === 7 ? { ...r, best: r['high']!, low: r['high']!, deaths_unknown: String(Number(r['deaths_unknown']) + 1) } : r));
      const next = [...changed.filter((_, i) => i !== 3), rows[55]!];
      const report = await run({ format: 'ucdp-ged', file: await write('ged231-fixed.csv', next), dataDir: dir });
      expect(report.counts).toMatchObject({ read: 50, imported: 1, updated: 1, unchanged: 48, removed: 1, rejected: 0 });
      expect(report.changes).toEqual(
        expect.arrayContaining([
          { id: `ucdp-ged-${rows[55]!['id']}`, change: 'added' },
          { id: `ucdp-ged-${rows[7]!['id']}`, change: 'updated', fields: expect.arrayContaining(['casualties', 'summary']) },
          { id: `ucdp-ged-${rows[3]!['id']}`, change: 'removed' },
        ]),
      );
      const { data } = await archiveOf(dir);
      expect(data.problems).toEqual([]);
      expect(data.incidents.map((r) => r.dataset!.row).sort()).toEqual(next.map((r) => r['id']!).sort());
    });
  });

  it('moves every row to a newer release under the same record ids, and refuses an older one', async () => {
    await withDir('release', async (dir, write) => {
      await run({ format: 'ucdp-ged', file: await write('ged231.csv', rows.slice(0, 20)), dataDir: dir });
      const newer = await run({ format: 'ucdp-ged', file: await write('GEDEvent_v24_1.csv', rows.slice(0, 20)), dataDir: dir });
      expect(newer.release).toBe('24.1');
      expect(newer.counts).toMatchObject({ updated: 20, imported: 0, removed: 0 });
      const { data } = await archiveOf(dir);
      expect(data.sources.map((s) => s.id)).toEqual(['ucdp-ged-24-1']);
      expect(data.incidents.every((r) => r.sources[0]!.source === 'ucdp-ged-24-1')).toBe(true);
      expect(data.incidents.map((r) => r.id).sort()).toEqual(rows.slice(0, 20).map((r) => `ucdp-ged-${r['id']}`).sort());
      const older = await importDataset({ format: 'ucdp-ged', file: await write('ged231.csv', rows.slice(0, 20)), dataDir: dir, now: NOW });
      expect(older).toEqual({ ok: false, message: expect.stringMatching(/holds release 24\.1, newer than 23\.1/) });
    });
  });

  it('--where and --since import only their slice, and a later scoped import removes only inside its slice', async () => {
    await withDir('scope', async (dir, write) => {
      const country = rows[0]!['country']!;
      const inCountry = rows.filter((r) => r['country'] === country);
      const file = await write('ged231.csv', rows);
      const scoped = await run({ format: 'ucdp-ged', file, dataDir: dir, where: [{ key: 'country', values: [country.toLowerCase()] }] });
      expect(scoped.counts).toMatchObject({ imported: inCountry.length, skipped: rows.length - inCountry.length });
      await run({ format: 'ucdp-ged', file, dataDir: dir });
      // The country's first row and another country's row are missing from the next file.
      const other = rows.find((r) => r['country'] !== country)!;
      const smaller = await write('ged231-smaller.csv', rows.filter((r) => r !== inCountry[0] && r !== other));
      const again = await run({ format: 'ucdp-ged', file: smaller, dataDir: dir, where: [{ key: 'country', values: [country] }] });
      expect(again.counts.removed).toBe(1);
      const { data } = await archiveOf(dir);
      const ids = new Set(data.incidents.map((r) => r.dataset!.row));
      expect(ids.has(inCountry[0]!['id']!)).toBe(false);
      expect(ids.has(other['id']!)).toBe(true);
      expect(data.incidents).toHaveLength(rows.length - 1);

      const since = '2015-01-01';
      const dir2 = path.join(dir, 'since');
      const report = await run({ format: 'ucdp-ged', file, dataDir: dir2, since });
      expect(report.counts.imported).toBe(rows.filter((r) => r['date_end']! >= since).length);
    });
  });

  it('says which column a --where key is not', async () => {
    await withDir('where', async (dir, write) => {
      const bad = await importDataset({ format: 'ucdp-ged', file: await write('ged231.csv', rows.slice(0, 3)), dataDir: dir, now: NOW, where: [{ key: 'contry', values: ['x'] }] });
      expect(bad).toEqual({ ok: false, message: expect.stringMatching(/--where contry: not a column of the file/) });
    });
  });
});

describe('an import that imports nothing', () => {
  it('leaves no dataset folder behind, so the data folder still loads', async () => {
    await withDir('nothing', async (dir, write) => {
      const file = await write('ged231.csv', rows.slice(0, 3).map((r) => ({ ...r, date_start: 'soon' })));
      const report = await run({ format: 'ucdp-ged', file, dataDir: path.join(dir, 'data') });
      expect(report.counts).toMatchObject({ read: 3, imported: 0, rejected: 3 });
      const { data } = await archiveOf(path.join(dir, 'data'));
      expect(data.problems.filter((p) => p.file.includes('datasets'))).toEqual([]);
    });
  });
});

describe('data:check on stored rows', () => {
  it('names the file line and field of a quote that is not in its row, a record that is not its row, and a wrong count', async () => {
    await withDir('tamper', async (dir, write) => {
      await run({ format: 'ucdp-ged', file: await write('ged231.csv', rows.slice(0, 10)), dataDir: dir });
      const file = path.join(dir, 'datasets', 'ucdp-ged', 'records.ndjson');
      const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
      const a = JSON.parse(lines[2]!);
      a.record.sources[0].quote = `${a.record.sources[0].quote} and 40 more were killed`;
      const b = JSON.parse(lines[5]!);
      b.record.dataset.row = '999999999';
      lines[2] = JSON.stringify(a);
      lines[5] = JSON.stringify(b);
      lines.pop();
      await writeFile(file, `${lines.join('\n')}\n`);
      const { data } = await archiveOf(dir);
      const at = (line: number, p: string) => data.problems.find((x) => x.file === `${file}:${line}` && x.path === p)?.message;
      expect(at(3, 'record.sources[0].quote')).toMatch(/quote not found in the source.*\(the stored row\)/);
      expect(at(6, 'record.dataset.row')).toMatch(/is not the stored row's id/);
      expect(data.problems.find((x) => x.path === 'count')?.message).toMatch(/says 10 rows but records.ndjson has 9/);
      expect(data.incidents).toHaveLength(7);
    });
  });
});

describe('shared pieces', () => {
  it('reads release versions from file names', () => {
    expect(inferRelease('ucdp-ged', 'data/ged231.csv')).toBe('23.1');
    expect(inferRelease('ucdp-ged', 'GEDEvent_v24_1.csv')).toBe('24.1');
    expect(inferRelease('ucdp-ged', 'ucdp-ged-23.1-sample-1000.csv')).toBe('23.1');
    expect(inferRelease('gtd', 'globalterrorismdb_0522dist.csv')).toBe('2022-05');
    expect(inferRelease('acled', '2024-01-01-2024-03-31-Afghanistan.csv')).toBe('2024-03-31');
    expect(inferRelease('acled', 'export.csv')).toBeUndefined();
    expect(compareVersions('23.1', '24.0')).toBeLessThan(0);
    expect(compareVersions('24.10', '24.9')).toBeGreaterThan(0);
  });

  it('turns a dataset span into the least precise DateSpec that is still exact: day, month, year or range', () => {
    expect(dateFromSpan('2020-03-04', '2020-03-04')).toEqual({ start: '2020-03-04', precision: 'day' });
    expect(dateFromSpan('2020-02-01', '2020-02-29')).toEqual({ start: '2020-02', precision: 'month' });
    expect(dateFromSpan('2020-01-01', '2020-12-31')).toEqual({ start: '2020', precision: 'year' });
    expect(dateFromSpan('2020-02-01', '2020-02-28')).toEqual({ start: '2020-02-01', end: '2020-02-28', precision: 'range' });
  });

  it('reads sheet dates in the mapped format, and a month or a year alone without inventing a day', () => {
    const dmy = dateParser('DD/MM/YYYY');
    expect(dmy('04/03/2022')).toEqual({ start: '2022-03-04', precision: 'day' });
    expect(dmy('4/3/2022')).toEqual({ start: '2022-03-04', precision: 'day' });
    expect(dmy('31/02/2022')).toBeUndefined();
    expect(dmy('03/2022')).toEqual({ start: '2022-03', precision: 'month' });
    expect(dmy('2022')).toEqual({ start: '2022', precision: 'year' });
    expect(dateParser('MM/DD/YYYY')('03/04/2022')).toEqual({ start: '2022-03-04', precision: 'day' });
    expect(dateParser('D MMM YYYY')('4 Mar 2022')).toEqual({ start: '2022-03-04', precision: 'day' });
    expect(dateParser('YYYY-MM-DD')('2022-03-04')).toEqual({ start: '2022-03-04', precision: 'day' });
  });

  it('reads casualty cells as figures with their qualifier', () => {
    expect(parseFigure('5')).toEqual({ low: 5, qualifier: 'exact' });
    expect(parseFigure('5-8')).toEqual({ low: 5, high: 8, qualifier: 'exact' });
    expect(parseFigure('at least 10')).toEqual({ low: 10, qualifier: 'at least' });
    expect(parseFigure('10+')).toEqual({ low: 10, qualifier: 'at least' });
    expect(parseFigure('more than 200')).toEqual({ low: 200, qualifier: 'more than' });
    expect(parseFigure('about 20')).toEqual({ low: 20, qualifier: 'about' });
    expect(parseFigure('8-5')).toBeUndefined();
    expect(parseFigure('many')).toBeUndefined();
  });
});

describe('readLines', () => {
  it('gives each line once with its number, across chunk boundaries, CRLF or not, with or without a final newline', async () => {
    const { readLines } = await import('../../../src/core/records/datasets.ts');
    const dir = await tempDir('lines');
    try {
      const long = 'x'.repeat(3 << 20);
      const file = path.join(dir, 'l.ndjson');
      await writeFile(file, `a\r\n${long}\nb\n\nc`);
      const got: Array<{ n: number; text: string }> = [];
      for await (const l of readLines(file)) got.push(l);
      expect(got.map((l) => [l.n, l.text.length > 10 ? 'long' : l.text])).toEqual([[1, 'a'], [2, 'long'], [3, 'b'], [4, ''], [5, 'c']]);
      expect(got[1]!.text).toBe(long);
    } finally {
      await removeDir(dir);
    }
  });
});
