// npm run -s records:export -- [--data <dir>] [--state <dir>]
// Copies the records approved from drafts in Discord (kept in
// <STATE_DIR>/curated/{incidents,publications}/) into <data>/incidents and
// <data>/publications, byte for byte: two-space JSON with a final newline,
// the format of hand-written records, validated by the same schema. Their
// sources are exported by `npm run -s sources:export` (bot-imported ones) or
// are in data/ already. A file in data/ with the same id and the same record
// is left alone; one with a different record is left alone and reported (data/
// wins; the bot says so in its log and in /draft list).
// Exit codes: 0 all exported, 1 some file could not be exported, 2 usage error.
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { writeFileAtomically } from '../core/records/write.ts';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { recordText } from '../core/records/overlay.ts';
import { Incident, Publication } from '../core/records/schema.ts';
import { curatedRecordsDir } from '../drafts/paths.ts';

const USAGE = `usage: npm run -s records:export -- [--data <dir>] [--state <dir>]
  --data <dir>    data folder (default: DATA_DIR, else data)
  --state <dir>   the bot's state folder (default: STATE_DIR, else var)`;

const out = (l: string): boolean => process.stdout.write(`${l}\n`);
const err = (l: string): boolean => process.stderr.write(`${l}\n`);
const msg = (e: unknown): string => (e instanceof Error ? e.message : String(e));

async function run(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { data: { type: 'string' }, state: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true }));
  } catch (e) {
    err(`records-export: ${msg(e)}`);
    err(USAGE);
    return 2;
  }
  if (values.help === true) return (out(USAGE), 0);
  const config = loadConfig();
  if (!config.ok) return (err(config.message), 2);
  const dataDir = values.data ?? config.config.dataDir;
  const stateDir = values.state ?? config.config.stateDir;
  const counts = { exported: 0, unchanged: 0, failed: 0 };
  for (const folder of ['incidents', 'publications'] as const) {
    const schema = folder === 'incidents' ? Incident : Publication;
    const from = path.join(curatedRecordsDir(stateDir), folder);
    const to = path.join(dataDir, folder);
    let names: string[] = [];
    try {
      names = (await readdir(from)).filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    if (names.length > 0) await mkdir(to, { recursive: true });
    for (const name of names) {
      const source = path.join(from, name);
      const target = path.join(to, name);
      const bytes = await readFile(source);
      const parsed = schema.safeParse(JSON.parse(bytes.toString('utf8')));
      if (!parsed.success) {
        err(`failed ${source}: not a valid ${folder.slice(0, -1)} (${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')})`);
        counts.failed += 1;
        continue;
      }
      let existing: Buffer | undefined;
      try {
        existing = await readFile(target);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
          err(`failed ${target}: cannot read it (${msg(e)})`);
          counts.failed += 1;
          continue;
        }
      }
      if (existing !== undefined) {
        let same = existing.equals(bytes);
        if (!same) {
          try {
            const other = schema.safeParse(JSON.parse(existing.toString('utf8')));
            same = other.success && recordText(other.data) === recordText(parsed.data);
          } catch {
            same = false;
          }
        }
        if (same) counts.unchanged += 1;
        else {
          err(`skipped ${target}: data/ holds a different record with the id "${parsed.data.id}"; data/ wins (move it aside to export the bot's copy)`);
          counts.failed += 1;
        }
        continue;
      }
      try {
        await writeFileAtomically(target, bytes);
      } catch (e) {
        err(`failed ${target}: cannot write it (${msg(e)})`);
        counts.failed += 1;
        continue;
      }
      out(`new ${parsed.data.id} -> ${target}`);
      counts.exported += 1;
    }
  }
  out(`exported ${counts.exported}, unchanged ${counts.unchanged}, failed ${counts.failed} (from ${curatedRecordsDir(stateDir)} to ${dataDir})`);
  return counts.failed > 0 ? 1 : 0;
}

process.exitCode = await run(process.argv.slice(2));
