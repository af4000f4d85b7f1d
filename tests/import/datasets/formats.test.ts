// ACLED, GTD and mapped-spreadsheet fixtures (synthetic rows written from the
// codebooks' column lists, see tests/fixtures/datasets/README.md): imported,
// checked against the CSV, re-imported and corrupted, like the GED sample.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handle as countHandle } from '../../../commands/count.ts';
import { handle as recordHandle } from '../../../commands/record.ts';
import type { DatasetFormatName } from '../../../src/core/records/datasets.ts';
import type { Mapping } from '../../../src/core/import/datasets/mapped.ts';
import type { CountView, RecordView } from '../../../src/core/views.ts';
import { ACLED, archiveOf, csvRows, GTD, lineOf, removeDir, ROOT, run, tally, TEAM, TEAM_MAP, teamMapping, tempDir } from './helpers.ts';

interface Case {
  format: DatasetFormatName;
  file: string;
  key: string;
  idColumn: string;
  country: string;
  dateColumn: string;
  deathColumn: string;
  release?: string;
}

const CASES: Case[] = [
  { format: 'acled', file: ACLED, key: 'acled', idColumn: 'event_id_cnty', country: 'country', dateColumn: 'event_date', deathColumn: 'fatalities', release: '2024-03-31' },
  { format: 'gtd', file: GTD, key: 'gtd', idColumn: 'eventid', country: 'country_txt', dateColumn: 'imonth', deathColumn: 'nkill', release: '2022-05' },
  { format: 'csv', file: TEAM, key: 'team-incidents', idColumn: 'Ref', country: 'Country', dateColumn: 'Date', deathColumn: 'Killed' },
];

let mapping: Mapping;
const dirs: string[] = [];
beforeAll(async () => {
  mapping = await teamMapping();
});
afterAll(async () => {
  for (const d of dirs) await removeDir(d);
});

async function fresh(prefix: string): Promise<string> {
  const d = await tempDir(prefix);
  dirs.push(d);
  return d;
}

function field(view: RecordView, label: string): string {
  return view.fields.find((f) => f.label === label)?.value ?? '';
}

describe.each(CASES)('$format fixture', (c) => {
  let dir: string;
  let rows: Record<string, string>[];
  let loaded: Awaited<ReturnType<typeof archiveOf>>;
  const req = (file: string, dataDir: string) => ({
    format: c.format,
    file,
    dataDir,
    ...(c.release !== undefined ? { release: c.release } : {}),
    ...(c.format === 'csv' ? { mapping } : {}),
  });

  beforeAll(async () => {
    dir = await fresh(c.format);
    rows = await csvRows(c.file);
    const report = await run(req(c.file, dir));
    expect(report.problems).toEqual([]);
    expect(report.counts).toMatchObject({ read: rows.length, imported: rows.length, rejected: 0 });
    loaded = await archiveOf(dir);
  }, 60_000);

  it('has at least 50 rows, all imported and accepted by loadData', () => {
    expect(rows.length).toBeGreaterThanOrEqual(50);
    expect(loaded.data.problems).toEqual([]);
    expect(loaded.data.incidents).toHaveLength(rows.length);
    expect(new Set(loaded.data.incidents.map((r) => r.dataset?.row))).toEqual(new Set(rows.map((r) => r[c.idColumn])));
  });

  it('counts by country equal the CSV', () => {
    const view = countHandle({ by: 'country', query: `dataset:${c.key}` }, loaded.deps) as CountView;
    expect(view.total).toBe(rows.length);
    expect(Object.fromEntries(view.rows.map((r) => [r.key, r.count]))).toEqual(tally(rows.map((r) => r[c.country]!)));
  });

  it('a second import changes nothing', async () => {
    const again = await run(req(c.file, dir));
    expect(again.counts).toMatchObject({ read: rows.length, imported: 0, updated: 0, unchanged: rows.length, removed: 0, rejected: 0 });
    expect(again.written).toBe(false);
  });

  it('reports a bad date, a missing id, a non-numeric death count and a truncated last line, and imports the rest', async () => {
    const d = await fresh(`${c.format}-broken`);
    const [bad, noId, badDeath] = [3, 20, 40];
    const badDate = c.format === 'gtd' ? '13' : c.format === 'acled' ? '2021-02-30' : '31/02/2022';
    const edited = rows.map((r, i) => (i === bad ? { ...r, [c.dateColumn]: badDate } : i === noId ? { ...r, [c.idColumn]: '' } : i === badDeath ? { ...r, [c.deathColumn]: 'several' } : r));
    const whole = stringify(edited, { header: true, columns: Object.keys(rows[0]!) });
    const lastStart = whole.trimEnd().lastIndexOf('\n') + 1;
    const broken = `${whole.slice(0, lastStart)}${whole.slice(lastStart, whole.indexOf(',', lastStart + 5))}\n`;
    const file = path.join(d, `${c.format}-broken.csv`);
    await writeFile(file, broken);
    const report = await run(req(file, d));
    expect(report.counts.rejected).toBe(4);
    expect(report.counts.imported).toBe(rows.length - 4);
    const at = (line: number, column: string): string | undefined => report.problems.find((p) => p.line === line && p.column === column)?.message;
    expect(at(lineOf(broken, `${rows[bad]![c.idColumn]},`), c.dateColumn)).toMatch(/not a date|outside/);
    expect(at(lineOf(broken, `${rows[badDeath]![c.idColumn]},`), c.deathColumn)).toMatch(/"several" is not a (whole number|number)/);
    expect(report.problems.find((p) => p.column === c.idColumn)?.message).toMatch(/missing row id/);
    expect(report.problems.find((p) => p.line === broken.trimEnd().split('\n').length)?.message).toMatch(/cut off/);
    const { data } = await archiveOf(d);
    expect(data.problems).toEqual([]);
    expect(data.incidents).toHaveLength(rows.length - 4);
  });

  it('shows every row with its dates, place and casualty figure as the codebook reads them', () => {
    for (const i of rows.keys()) {
      const row = rows[i]!;
      const id = loaded.data.incidents.find((r) => r.dataset?.row === row[c.idColumn])!.id;
      const view = recordHandle({ id }, loaded.deps) as RecordView;
      expect(view.type).toBe('record');
      const date = field(view, 'Date');
      const place = field(view, 'Place');
      const killed = field(view, 'Killed');
      if (c.format === 'acled') {
        const tp = row['time_precision'];
        expect(date).toContain(`precision: ${tp === '1' ? 'day' : tp === '2' ? 'range' : 'month'}`);
        expect(field(view, 'Dataset codes')).toContain(`time_precision: ${tp}`);
        expect(place).toContain(`precision: ${{ '1': 'city', '2': 'district', '3': 'province' }[row['geo_precision']!]}`);
        expect(killed).toBe(`at least ${row['fatalities']}`);
      } else if (c.format === 'gtd') {
        const precision = row['imonth'] === '0' ? 'year' : row['iday'] === '0' ? 'month' : row['extended'] === '1' ? 'range' : 'day';
        expect(date).toContain(`precision: ${precision}`);
        if (row['approxdate'] !== '') expect(date).toContain(row['approxdate']);
        // An unknown day is never shown as a day.
        if (row['iday'] === '0') expect(date).not.toMatch(/^\d{4}-\d{2}-\d{2} \(/);
        expect(place).toContain(`precision: ${{ '1': 'city', '2': 'city', '3': 'district', '4': 'province', '5': 'country' }[row['specificity']!]}`);
        expect(killed).toBe(row['nkill'] === '' ? '' : String(Number(row['nkill'])));
        const claim = field(view, 'Claim');
        if (row['claimed'] === '1') expect(claim).toMatch(/^claimed/);
        else expect(claim).toBe(row['claimed'] === '0' ? 'unclaimed' : '');
        expect(field(view, 'Dataset codes')).toContain(`doubtterr: ${row['doubtterr']}`);
      } else {
        const cell = row['Date']!;
        const precision = row['End date'] !== '' ? 'range' : /^\d{4}$/.test(cell) ? 'year' : /^\d{2}\/\d{4}$/.test(cell) ? 'month' : 'day';
        expect(date).toContain(`precision: ${precision}`);
        const k = row['Killed']!;
        expect(killed).toBe(k === '' ? '' : k.replace('-', '–'));
        expect(field(view, 'Actors')).toContain(row['Perpetrator']!.split(';')[0]);
      }
      expect(place).toContain(row[c.country]);
    }
  });
});

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/import-dataset.ts', ...args], { cwd: ROOT, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('npm run import:dataset', () => {
  it('imports a mapped sheet, ends with one summary line, and exits 1 naming line and column of a rejected row', async () => {
    const d = await fresh('cli');
    const rows = await csvRows(TEAM);
    const file = path.join(d, 'sheet.csv');
    await writeFile(file, stringify(rows.map((r, i) => (i === 5 ? { ...r, Killed: 'lots' } : r)), { header: true, columns: Object.keys(rows[0]!) }));
    const res = await runCli(['--format', 'csv', '--file', file, '--map', TEAM_MAP, '--data', d]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`${file}: line 7, column Killed: "lots" is not a number of people`);
    const lines = res.stdout.trimEnd().split('\n');
    expect(lines[lines.length - 1]).toMatch(new RegExp(`^read ${rows.length}, imported ${rows.length - 1}, updated 0, unchanged 0, removed 0, rejected 1`));
  }, 60_000);

  it('exits 2 with the usage when --format is wrong or csv lacks --map', async () => {
    const wrong = await runCli(['--format', 'excel', '--file', TEAM]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/--format "excel" is not one of ucdp-ged, acled, gtd, csv/);
    const noMap = await runCli(['--format', 'csv', '--file', TEAM]);
    expect(noMap.code).toBe(2);
    expect(noMap.stderr).toMatch(/--map/);
  }, 60_000);
});
