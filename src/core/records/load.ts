// Loading data/: one record per JSON file in sources/, incidents/ and
// publications/. Every file is read and judged on its own, so one bad file
// never hides the rest; then the cross-checks in check.ts run over everything
// that parsed. Records with any problem at all are left out of the result, so
// whatever is built from a LoadResult (the search index) only holds records
// that passed every check.
import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import { schemaForFolder, type DataFolder, type Incident, type Publication, type SourceDocument } from './schema.ts';
import { crossCheck } from './check.ts';
import { readDataFile } from './read.ts';

/** Something wrong with one file. `path` is a JSON path (`date.start`, `sources[0].quote`), '' for the whole file. */
export interface Problem {
  file: string;
  path: string;
  message: string;
}

export interface LoadResult {
  sources: SourceDocument[];
  incidents: Incident[];
  publications: Publication[];
  /** Sorted by file; within a file, in the order found. */
  problems: Problem[];
  /** How many *.json files were read, good or bad. */
  files: number;
}

/** A record that passed its schema, with the file it came from (needed to name files in cross-check problems). */
export interface Entry<T> {
  file: string;
  record: T;
}

/** A file that was read but not accepted; `id` is its id when it had one, else its file name without `.json`. */
export interface Rejected {
  file: string;
  folder: DataFolder;
  id: string;
}

/** Everything read from data/ before the cross-checks. */
export interface ParsedData {
  sources: Entry<SourceDocument>[];
  incidents: Entry<Incident>[];
  publications: Entry<Publication>[];
  rejected: Rejected[];
}

export const DATA_FOLDERS = ['sources', 'incidents', 'publications'] as const satisfies readonly DataFolder[];

const KIND_OF_FOLDER: { [F in DataFolder]: string } = {
  sources: 'source',
  incidents: 'incident',
  publications: 'publication',
};

/** `<file>: <path>: <message>`, always one line. */
export function formatProblem(p: Problem): string {
  const message = p.message.replace(/\s*\n\s*/g, ' ');
  return p.path === '' ? `${p.file}: ${message}` : `${p.file}: ${p.path}: ${message}`;
}

/** `a.b[0].c` from a zod issue path; keys that are not identifiers are bracketed and quoted. */
export function formatJsonPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A file-system error in words without its path (Node's messages name the absolute path). */
function fsReason(err: unknown): string {
  const code = err instanceof Error ? (err as NodeJS.ErrnoException).code : undefined;
  return code !== undefined ? `error ${code}` : 'failed';
}

function isErrno(err: unknown, code: string): boolean {
  return err instanceof Error && (err as NodeJS.ErrnoException).code === code;
}

/**
 * The *.json names directly in a folder, sorted; a missing folder has none.
 * Every entry so named is listed, whatever it is: reading it (readDataFile)
 * reports a FIFO, a device or a folder by name instead of skipping it unseen.
 */
async function listJson(folder: string): Promise<{ names: string[]; problem?: Problem }> {
  try {
    const entries = await readdir(folder, { withFileTypes: true });
    const names = entries
      .filter((e) => e.name.endsWith('.json'))
      .map((e) => e.name)
      .sort(compareStrings);
    return { names };
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return { names: [] };
    return { names: [], problem: { file: folder, path: '', message: `cannot list folder: ${fsReason(err)}` } };
  }
}

// The per-parse error map only replaces zod's default wording (a schema's own
// messages win), and only for the case that wording makes unclear.
const parseOptions = {
  error: (issue: { code?: string; input?: unknown }) =>
    issue.code === 'invalid_type' && issue.input === undefined ? 'required field is missing' : undefined,
};

function issuesToProblems(file: string, issues: readonly z.core.$ZodIssue[]): Problem[] {
  const problems: Problem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      // Point at each unknown field itself rather than at the object holding it.
      for (const key of issue.keys) {
        problems.push({ file, path: formatJsonPath([...issue.path, key]), message: 'unknown field (not in the schema)' });
      }
    } else {
      problems.push({ file, path: formatJsonPath(issue.path), message: issue.message });
    }
  }
  return problems;
}

/**
 * Where JSON.parse gave up, as line and column, without quoting the text:
 * V8's own message quotes the file's first bytes ("\"abc...\" is not valid
 * JSON"), which must never reach a reply or a log.
 */
export function invalidJson(text: string, err: unknown): string {
  const message = errorMessage(err);
  const at = /at position (\d+)/.exec(message);
  if (at !== null) {
    const position = Math.min(Number(at[1]), text.length);
    const before = text.slice(0, position);
    const line = before.split('\n').length;
    const column = position - before.lastIndexOf('\n');
    return `invalid JSON at line ${line}, column ${column}`;
  }
  if (/unexpected end/i.test(message) || text.trim() === '') return 'invalid JSON: the file ends before the JSON does (empty or cut short?)';
  return 'invalid JSON: not a JSON object from its first character';
}

type FileOutcome =
  | { ok: true; record: SourceDocument | Incident | Publication }
  | { ok: false; id: string; problems: Problem[] };

async function loadFile(folder: DataFolder, file: string, name: string): Promise<FileOutcome> {
  const stem = name.slice(0, -'.json'.length);
  const read = await readDataFile(file);
  if (!read.ok) return { ok: false, id: stem, problems: [{ file, path: '', message: read.message }] };
  // Editors on some systems save a byte-order mark, which JSON.parse rejects.
  const text = read.bytes.toString('utf8').replace(/^\uFEFF/, '');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, id: stem, problems: [{ file, path: '', message: invalidJson(text, err) }] };
  }

  const obj = typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as { [k: string]: unknown }) : undefined;
  const id = typeof obj?.['id'] === 'string' ? obj['id'] : stem;
  const expectedKind = KIND_OF_FOLDER[folder];
  // A record in the wrong folder would fail its schema on many fields; one
  // problem naming the mix-up is clearer than that list.
  if (obj !== undefined && 'kind' in obj && obj['kind'] !== expectedKind) {
    return {
      ok: false,
      id,
      problems: [
        { file, path: 'kind', message: `kind ${JSON.stringify(obj['kind'])} does not belong in ${folder}/ (expected "${expectedKind}")` },
      ],
    };
  }

  const parsed = schemaForFolder[folder].safeParse(json, parseOptions);
  if (!parsed.success) return { ok: false, id, problems: issuesToProblems(file, parsed.error.issues) };
  if (parsed.data.id !== stem) {
    return {
      ok: false,
      id,
      problems: [{ file, path: 'id', message: `id "${parsed.data.id}" does not match the file name (expected ${parsed.data.id}.json)` }],
    };
  }
  return { ok: true, record: parsed.data };
}

/** Reads every record under `dir`, reports every problem, and returns only the records without any. */
export async function loadData(dir: string): Promise<LoadResult> {
  const problems: Problem[] = [];
  const parsed: ParsedData = { sources: [], incidents: [], publications: [], rejected: [] };
  let files = 0;

  try {
    if (!(await stat(dir)).isDirectory()) problems.push({ file: dir, path: '', message: 'not a folder' });
  } catch (err) {
    problems.push({ file: dir, path: '', message: isErrno(err, 'ENOENT') ? 'data folder not found' : `cannot read the data folder: ${fsReason(err)}` });
  }

  for (const folder of DATA_FOLDERS) {
    const listing = await listJson(join(dir, folder));
    if (listing.problem) problems.push(listing.problem);
    files += listing.names.length;
    const outcomes = await Promise.all(
      listing.names.map(async (name) => {
        const file = join(dir, folder, name);
        return { file, outcome: await loadFile(folder, file, name) };
      }),
    );
    for (const { file, outcome } of outcomes) {
      if (!outcome.ok) {
        problems.push(...outcome.problems);
        parsed.rejected.push({ file, folder, id: outcome.id });
        continue;
      }
      // The folder's schema fixes the kind, so each branch gets the matching type.
      const record = outcome.record;
      if (record.kind === 'source') parsed.sources.push({ file, record });
      else if (record.kind === 'incident') parsed.incidents.push({ file, record });
      else parsed.publications.push({ file, record });
    }
  }

  const checked = crossCheck(parsed);
  problems.push(...checked.problems);
  const keep = <T>(entries: Entry<T>[]): T[] => entries.filter((e) => !checked.rejected.has(e.file)).map((e) => e.record);
  // Stable sort: a file's problems stay in the order they were found.
  problems.sort((a, b) => compareStrings(a.file, b.file));
  return {
    sources: keep(parsed.sources),
    incidents: keep(parsed.incidents),
    publications: keep(parsed.publications),
    problems,
    files,
  };
}

/**
 * sha256 (hex) over the sorted relative paths and bytes of every *.json file
 * in the three data folders: it changes exactly when loadData could return
 * something different, so a saved search index can tell it is stale.
 */
export async function dataHash(dir: string): Promise<string> {
  const hash = createHash('sha256');
  for (const folder of DATA_FOLDERS) {
    const { names } = await listJson(join(dir, folder));
    for (const name of names) {
      const rel = `${folder}/${name}`;
      const read = await readDataFile(join(dir, folder, name));
      if (!read.ok) {
        // loadData reports the unreadable file; the hash only has to differ
        // from the readable state, so that fixing the file makes it stale.
        hash.update(`${Buffer.byteLength(rel)}:${rel}:unreadable;`);
        continue;
      }
      const bytes = read.bytes;
      // Length-prefixing keeps (path, bytes) boundaries unambiguous.
      hash.update(`${Buffer.byteLength(rel)}:${rel}:${bytes.length}:`);
      hash.update(bytes);
    }
  }
  return hash.digest('hex');
}
