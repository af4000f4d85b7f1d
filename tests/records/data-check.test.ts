// Runs the real CLI in a child process: exit codes and output lines are its interface.
import { execFile } from 'node:child_process';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadData } from '../../src/core/records/load.ts';
import { TARGET, changeOneWord, dataDir, goodIncident, goodPublication, sourceA, sourceB, tempDir, validFiles, writeFiles } from './helpers.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const CLI = join(ROOT, 'src', 'cli', 'data-check.ts');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(args: string[], cwd = ROOT): Promise<Run> {
  return new Promise((done) => {
    execFile(TSX, [CLI, ...args], { cwd }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      done({ code, stdout, stderr });
    });
  });
}

const lines = (s: string): string[] => s.split('\n').filter((l) => l !== '');

describe('data:check', () => {
  it('exits 0 and ends with the counts on valid data', async () => {
    const files = validFiles();
    const dir = await dataDir(files);
    const r = await run(['--data', dir]);
    expect(r.code).toBe(0);
    const records = [...files.values()] as { kind: string; passages?: unknown[] }[];
    const count = (kind: string) => records.filter((x) => x.kind === kind).length;
    const passages = [sourceA(), sourceB()].reduce((n, s) => n + (s['passages'] as unknown[]).length, 0);
    expect(lines(r.stdout).at(-1)).toBe(
      `ok: ${count('incident')} incidents, ${count('publication')} publications, ${count('source')} sources, ${passages} passages`,
    );
  });

  it('exits 1 and prints every problem as <file>: <path>: <message>', async () => {
    const files = validFiles();
    delete (files.get(TARGET) as Record<string, unknown>)['title'];
    // A record failing its schema never reaches the quote check, so the bad quote goes in another file.
    const other = `incidents/${String(goodIncident()['id'])}.json`;
    const citation = (files.get(other) as { sources: { quote: string }[] }).sources[0]!;
    citation.quote = changeOneWord(citation.quote);
    files.set('publications/pub-bad.json', { ...goodPublication(), id: 'pub-bad', medium: 'podcast' });
    const dir = await dataDir(files);

    const r = await run(['--data', dir]);
    expect(r.code).toBe(1);
    const out = lines(r.stdout);
    expect(out).toContain(`${join(dir, TARGET)}: title: required field is missing`);
    expect(out.some((l) => l.startsWith(`${join(dir, other)}: sources[0].quote: quote not found`))).toBe(true);
    expect(out.some((l) => l.startsWith(`${join(dir, 'publications/pub-bad.json')}: medium: `))).toBe(true);
    expect(out.some((l) => l.startsWith('ok:'))).toBe(false);
  });

  it('reads ./data by default and names files as given', async () => {
    const cwd = await tempDir();
    const files = validFiles();
    delete (files.get(TARGET) as Record<string, unknown>)['title'];
    const prefixed = new Map([...files].map(([rel, content]) => [`data/${rel}`, content]));
    await writeFiles(cwd, prefixed);

    const r = await run([], cwd);
    expect(r.code).toBe(1);
    expect(lines(r.stdout)).toContain(`${join('data', TARGET)}: title: required field is missing`);
  });

  it('exits 2 on an unknown option and lists the valid ones', async () => {
    const r = await run(['--dta', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--dta');
    expect(r.stderr).toContain('--data <dir>');
  });

  it('exits 1 when the data dir does not exist', async () => {
    const missing = join(await tempDir(), 'missing');
    const r = await run(['--data', missing]);
    expect(r.code).toBe(1);
    expect(lines(r.stdout)).toContain(`${missing}: data folder not found`);
  });
});

// Runs once the team has written real incidents: the loader must catch one
// changed word in a real quote against a real source.
const REAL = join(ROOT, 'data');
const realJson = (folder: string): string[] =>
  existsSync(join(REAL, folder)) ? readdirSync(join(REAL, folder)).filter((n) => n.endsWith('.json')) : [];
const realIncidents = realJson('incidents');
// Incidents written before their source document is in are not checkable yet.
const realDataReady = realIncidents.length > 0 && realJson('sources').length > 0;

describe('data:check on a copy of the real data', () => {
  it.skipIf(!realDataReady)('reports a real incident quote changed by one word', async () => {
    const copy = await tempDir();
    await cp(REAL, copy, { recursive: true });

    // Only an incident that passes every check now proves the corruption is what gets caught.
    const before = await loadData(copy);
    const bad = new Set(before.problems.map((p) => p.file));
    const clean = realIncidents.map((n) => join(copy, 'incidents', n)).find((f) => !bad.has(f));
    expect(clean, 'no real incident passes data:check; fix the data first').toBeDefined();
    const file = clean!;

    const record = JSON.parse(await readFile(file, 'utf8')) as { sources: { quote: string }[] };
    const citation = record.sources[0]!;
    citation.quote = changeOneWord(citation.quote);
    await writeFile(file, JSON.stringify(record, null, 2));

    const r = await run(['--data', copy]);
    expect(r.code).toBe(1);
    expect(lines(r.stdout).some((l) => l.startsWith(`${file}: sources[0].quote: `))).toBe(true);
  });
});
