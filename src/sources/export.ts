// Copying the bot's imported sources into data/ (npm run -s sources:export;
// see src/cli/sources-export.ts for the rules).
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { writeFileAtomically } from '../core/records/write.ts';
import path from 'node:path';
import { siteHost } from '../core/import/wordpress.ts';
import { SourceDocument } from '../core/records/schema.ts';
import { watchedSourcesDir } from './paths.ts';

type Out = (line: string) => void;

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export async function exportSources(stateDir: string, dataDir: string, out: Out, err: Out): Promise<{ exported: number; unchanged: number; failed: number }> {
  const from = path.join(watchedSourcesDir(stateDir), 'sources');
  const to = path.join(dataDir, 'sources');
  let names: string[];
  try {
    names = (await readdir(from)).filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') names = [];
    else throw e;
  }
  const counts = { exported: 0, unchanged: 0, failed: 0 };
  await mkdir(to, { recursive: true });
  for (const name of names) {
    const source = path.join(from, name);
    const target = path.join(to, name);
    const bytes = await readFile(source);
    let doc: SourceDocument;
    try {
      const parsed = SourceDocument.safeParse(JSON.parse(bytes.toString('utf8')));
      if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      doc = parsed.data;
    } catch (e) {
      err(`failed ${source}: not a valid source document (${errorText(e)})`);
      counts.failed += 1;
      continue;
    }
    let existing: Buffer | undefined;
    try {
      existing = await readFile(target);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
        err(`failed ${target}: cannot read it (${errorText(e)})`);
        counts.failed += 1;
        continue;
      }
    }
    if (existing !== undefined && existing.equals(bytes)) {
      counts.unchanged += 1;
      continue;
    }
    if (existing !== undefined) {
      let other: string | undefined;
      try {
        const url = (JSON.parse(existing.toString('utf8')) as { url?: unknown }).url;
        if (typeof url === 'string' && siteHost(url) !== siteHost(doc.url)) other = url;
      } catch {
        // An unreadable file in data/ is replaced by the valid document, as import:wp would refuse to: report instead.
        err(`failed ${target}: exists and is not valid JSON; fix or delete it, then export again`);
        counts.failed += 1;
        continue;
      }
      if (other !== undefined) {
        err(`failed ${target}: already holds ${other}, a different site with the same id "${doc.id}"; move it aside to export ${doc.url}`);
        counts.failed += 1;
        continue;
      }
    }
    try {
      await writeFileAtomically(target, bytes);
    } catch (e) {
      err(`failed ${target}: cannot write it (${errorText(e)})`);
      counts.failed += 1;
      continue;
    }
    out(`${existing === undefined ? 'new' : 'updated'} ${doc.id} -> ${target}`);
    counts.exported += 1;
  }
  return counts;
}

