// npm run -s import:dataset -- --format ucdp-ged|acled|gtd|csv --file <path> [--map <mapping.json>]
//   [--where country=Afghanistan,Pakistan] [--since YYYY-MM-DD] [--release <version>] [--data data]
// Streams the file into data/datasets/<key>/ (see src/core/import/datasets/run.ts).
// Exit codes: 0 every row imported, 1 some row rejected (the rest imported) or
// the file could not be read, 2 usage error.
import { readFile } from 'node:fs/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DatasetFormatName } from '../core/records/datasets.ts';
import { formatJsonPath } from '../core/records/load.ts';
import { PartialDate } from '../core/records/schema.ts';
import { Mapping } from '../core/import/datasets/mapped.ts';
import { formatRowProblem, importDataset, summaryLine, type WhereClause } from '../core/import/datasets/run.ts';

const OPTIONS = {
  format: { type: 'string' },
  file: { type: 'string' },
  map: { type: 'string' },
  where: { type: 'string', multiple: true },
  since: { type: 'string' },
  release: { type: 'string' },
  data: { type: 'string', default: 'data' },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options'];

const USAGE = `usage: npm run -s import:dataset -- --format ucdp-ged|acled|gtd|csv --file <path> [options]
  --format <f>         ucdp-ged (UCDP GED CSV), acled (ACLED export), gtd (GTD CSV), csv (a sheet with --map)
  --file <path>        the CSV file; read as a stream
  --map <file.json>    for --format csv: which column holds what (see README, "Importing datasets")
  --where k=v1,v2      only rows whose column k (or country, province, violence, actor) is one of the values; repeatable
  --since YYYY-MM-DD   only rows whose date may fall on or after this day
  --release <version>  the release (e.g. 23.1); default: read from the file name
  --data <dir>         data folder (default: data); records go to <dir>/datasets/<dataset>/
  -h, --help           show this help`;

type Out = (line: string) => void;

async function run(argv: string[], out: Out, err: Out): Promise<number> {
  const usage = (message: string): number => {
    err(`import-dataset: ${message}`);
    err(USAGE);
    return 2;
  };
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (e) {
    return usage(e instanceof Error ? e.message : String(e));
  }
  if (values.help) {
    out(USAGE);
    return 0;
  }
  const format = DatasetFormatName.safeParse(values.format);
  if (!format.success) return usage(values.format === undefined ? '--format is required' : `--format "${values.format}" is not one of ucdp-ged, acled, gtd, csv`);
  if (values.file === undefined || values.file.trim() === '') return usage('--file is required');
  if (format.data === 'csv' && values.map === undefined) return usage('--format csv needs --map <mapping.json>');
  if (format.data !== 'csv' && values.map !== undefined) return usage('--map is only for --format csv');
  if (values.since !== undefined && (!PartialDate.safeParse(values.since).success || values.since.length !== 10)) {
    return usage(`--since "${values.since}" is not a day (YYYY-MM-DD)`);
  }
  const where: WhereClause[] = [];
  for (const w of values.where ?? []) {
    const m = /^([^=]+)=(.+)$/.exec(w);
    if (m === null) return usage(`--where "${w}" is not column=value[,value...]`);
    where.push({ key: m[1]!.trim(), values: m[2]!.split(',').map((v) => v.trim()).filter((v) => v !== '') });
  }

  let mapping: Mapping | undefined;
  if (values.map !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(values.map, 'utf8'));
    } catch (e) {
      err(`import-dataset: cannot read --map ${values.map}: ${e instanceof Error ? e.message : String(e)}`);
      return 2;
    }
    const parsed = Mapping.safeParse(json);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) err(`${values.map}: ${formatJsonPath(issue.path) || '(top)'}: ${issue.message}`);
      return 2;
    }
    mapping = parsed.data;
  }

  const report = await importDataset({
    format: format.data,
    file: values.file,
    dataDir: values.data,
    ...(values.release !== undefined ? { release: values.release } : {}),
    ...(mapping !== undefined ? { mapping } : {}),
    where,
    ...(values.since !== undefined ? { since: values.since } : {}),
    now: new Date(),
    onProgress: (rows, ms) => err(`… ${rows.toLocaleString('en')} rows read (${Math.round((rows / ms) * 1000).toLocaleString('en')} rows/s)`),
  });
  if (!report.ok) {
    err(`import-dataset: ${report.message}`);
    return 1;
  }
  for (const p of report.problems) err(formatRowProblem(values.file, p));
  for (const c of report.changes) out(`${c.change} ${c.id}${c.fields !== undefined ? ` (${c.fields.join(', ')})` : ''}`);
  out(`${summaryLine(report.counts)}${report.written ? ` -> ${report.folder}` : ''}`);
  return report.counts.rejected > 0 ? 1 : 0;
}

process.exitCode = await run(
  process.argv.slice(2),
  (line) => process.stdout.write(`${line}\n`),
  (line) => process.stderr.write(`${line}\n`),
);
