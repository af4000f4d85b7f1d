// Records the bot keeps itself (approved drafts, STATE_DIR/curated/incidents
// and /publications), served with data/ until they are exported into it.
// Each file is checked as data:check checks data/: the schema, and each
// quote against its source in the archive being built.
//
// data/ wins: a record whose id is also in data/ steps aside. When the two
// are the same record it simply does (the export reached git); when they
// differ, data/'s version is served and the difference is reported, so the
// log and /draft list can say so.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { explainQuoteMismatch, quoteHaystack } from './check.ts';
import type { Problem } from './load.ts';
import { Incident, Publication, type Record, type SourceDocument } from './schema.ts';

export interface OverlayResult {
  incidents: Incident[];
  publications: Publication[];
  /** Files left out, and why. */
  problems: Problem[];
  /** Ids whose data/ version differs from the bot's copy (data/ served). */
  differs: string[];
  /** Ids whose data/ version is the same record (the bot's copy steps aside). */
  exported: string[];
}

async function names(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort();
  } catch {
    return [];
  }
}

/** Canonical text of a record, to compare two copies. */
export function recordText(r: Record): string {
  return JSON.stringify(r);
}

export async function loadRecordOverlay(dir: string, base: { sources: readonly SourceDocument[]; incidents: readonly Incident[]; publications: readonly Publication[] }): Promise<OverlayResult> {
  const out: OverlayResult = { incidents: [], publications: [], problems: [], differs: [], exported: [] };
  const sources = new Map(base.sources.map((s) => [s.id, s]));
  const haystacks = new Map<string, string>();
  const existing = new Map<string, Record>([...base.incidents, ...base.publications].map((r) => [r.id, r]));
  for (const folder of ['incidents', 'publications'] as const) {
    const schema = folder === 'incidents' ? Incident : Publication;
    for (const name of await names(join(dir, folder))) {
      const file = join(dir, folder, name);
      let parsed;
      try {
        parsed = schema.safeParse(JSON.parse(await readFile(file, 'utf8')));
      } catch (err) {
        out.problems.push({ file, path: '', message: `not readable JSON: ${err instanceof Error ? err.message : String(err)}` });
        continue;
      }
      if (!parsed.success) {
        out.problems.push({ file, path: String(parsed.error.issues[0]?.path.join('.') ?? ''), message: parsed.error.issues[0]?.message ?? 'invalid' });
        continue;
      }
      const record = parsed.data as Record;
      const other = existing.get(record.id);
      if (other !== undefined) {
        (recordText(other) === recordText(record) ? out.exported : out.differs).push(record.id);
        continue;
      }
      let bad: Problem | undefined;
      record.sources.forEach((c, i) => {
        const s = sources.get(c.source);
        if (s === undefined) {
          bad ??= { file, path: `sources[${i}].source`, message: `unknown source "${c.source}"` };
          return;
        }
        let h = haystacks.get(s.id);
        if (h === undefined) haystacks.set(s.id, (h = quoteHaystack(s)));
        const why = explainQuoteMismatch(h, c.quote);
        if (why !== undefined) bad ??= { file, path: `sources[${i}].quote`, message: why };
      });
      if (bad !== undefined) {
        out.problems.push(bad);
        continue;
      }
      existing.set(record.id, record);
      if (record.kind === 'incident') out.incidents.push(record);
      else out.publications.push(record);
    }
  }
  return out;
}
