// Checks across files, run after each file has passed its own schema: ids are
// unique over all kinds, every citation names a usable source, and every quote
// is really in that source. A quote that is not in its source is the failure
// that matters most here: the bot answers with these quotes as evidence.
import type { Entry, ParsedData, Problem } from './load.ts';
import type { Incident, Publication, SourceDocument } from './schema.ts';
import { normaliseForQuote } from './text.ts';

export interface CrossCheckResult {
  problems: Problem[];
  /** Files of records that have a cross-check problem; loadData leaves them out. */
  rejected: Set<string>;
}

/** Shortest normalised quote accepted; the schema's own minimum, after whitespace is folded. */
const MIN_QUOTE = 8;
/** Context shown on each side of the point where a quote stops matching. */
const HINT = 30;

/** The text a quote may come from: title and body, normalised once per source. */
export function quoteHaystack(source: SourceDocument): string {
  return normaliseForQuote(`${source.title}\n${source.text}`);
}

/**
 * Why `quote` is not in `haystack` (already normalised), or undefined when it is.
 * The message shows where the quote stops matching, since the usual cause is
 * one changed word in a long quote.
 */
export function explainQuoteMismatch(haystack: string, quote: string): string | undefined {
  const q = normaliseForQuote(quote);
  if (q.length < MIN_QUOTE) return `quote has fewer than ${MIN_QUOTE} characters once whitespace is folded`;
  if (haystack.includes(q)) return undefined;
  if (haystack.toLowerCase().includes(q.toLowerCase())) return 'quote is in the source but with different letter case';
  // Longest prefix of the quote found in the source; "found" is monotone in
  // the prefix length, so a binary search finds it.
  let found = 0;
  let missing = q.length;
  while (missing - found > 1) {
    const mid = (found + missing) >> 1;
    if (haystack.includes(q.slice(0, mid))) found = mid;
    else missing = mid;
  }
  // A few characters match almost anywhere; only a longer prefix says where the quote goes wrong.
  if (found < 2 * MIN_QUOTE) return 'quote not found in the source (not even its opening words)';
  const before = q.slice(Math.max(0, found - HINT), found);
  const after = q.slice(found, found + HINT);
  return `quote not found in the source: it matches up to "…${before}" and then differs at "${after}…"`;
}

export function crossCheck(data: ParsedData): CrossCheckResult {
  const problems: Problem[] = [];
  const rejected = new Set<string>();
  const reject = (problem: Problem): void => {
    problems.push(problem);
    rejected.add(problem.file);
  };

  const all: Entry<SourceDocument | Incident | Publication>[] = [...data.sources, ...data.incidents, ...data.publications];
  const byId = new Map<string, Entry<SourceDocument | Incident | Publication>[]>();
  for (const entry of all) {
    const group = byId.get(entry.record.id);
    if (group) group.push(entry);
    else byId.set(entry.record.id, [entry]);
  }
  // Every file sharing an id is dropped: nothing says which of them is right.
  for (const [id, group] of byId) {
    if (group.length < 2) continue;
    for (const entry of group) {
      const others = group.filter((e) => e !== entry).map((e) => e.file);
      reject({ file: entry.file, path: 'id', message: `duplicate id "${id}": also used by ${others.join(', ')}` });
    }
  }

  // Passage numbers are how citations and search hits point into a source: each must be unique.
  for (const { file, record } of data.sources) {
    const seen = new Map<number, number>();
    record.passages.forEach((p, i) => {
      const first = seen.get(p.n);
      if (first === undefined) seen.set(p.n, i);
      else reject({ file, path: `passages[${i}].n`, message: `passage number ${p.n} is already used by passages[${first}]` });
    });
  }

  const usable = new Map<string, { source: SourceDocument; haystack?: string }>();
  for (const { file, record } of data.sources) if (!rejected.has(file)) usable.set(record.id, { source: record });
  const unusable = new Map<string, string>();
  for (const r of data.rejected) if (r.folder === 'sources') unusable.set(r.id, r.file);
  for (const { file, record } of data.sources) if (rejected.has(file)) unusable.set(record.id, file);

  for (const { file, record, rowChecked } of [...data.incidents, ...data.publications]) {
    if (rejected.has(file)) continue;
    record.sources.forEach((citation, i) => {
      const target = usable.get(citation.source);
      if (target === undefined) {
        const broken = unusable.get(citation.source);
        const other = byId.get(citation.source)?.[0];
        const message =
          broken !== undefined
            ? `source "${citation.source}" has problems (see ${broken}), so this citation cannot be checked`
            : other !== undefined
              ? `"${citation.source}" is ${other.record.kind === 'incident' ? 'an' : 'a'} ${other.record.kind} (${other.file}), not a source`
              : `unknown source "${citation.source}": no source record has this id`;
        reject({ file, path: `sources[${i}].source`, message });
        return;
      }
      // A dataset record quotes its own row, checked when the row was read (datasets.ts).
      if (rowChecked === true && target.source.dataset !== undefined) return;
      target.haystack ??= quoteHaystack(target.source);
      const mismatch = explainQuoteMismatch(target.haystack, citation.quote);
      if (mismatch !== undefined) {
        reject({ file, path: `sources[${i}].quote`, message: `${mismatch} (source "${citation.source}")` });
      }
    });
  }

  return { problems, rejected };
}
