// What the index sees of each record: four weighted fields. Few fields on
// purpose: lunr stores one vector per field per document, so every extra field
// costs index size and load time on every document, and the team's questions
// rank by "is it about X" (title), "where / who published it" (names), "what
// happened" (summary) and "mentions X somewhere" (body).
import type { Incident, Publication, SourceDocument } from '../records/schema.ts';
import { dateInterval, dateLabel } from '../records/dates.ts';
import type { DocMeta } from './build.ts';

export const FIELDS = [
  // A title names the event or publication: a word there is the strongest evidence.
  { name: 'title', boost: 10 },
  // Places, outlets and publishers are what researchers search by most, and they
  // are short fields, so BM25 alone would already favour them; x5 keeps them
  // above a summary that merely mentions a place in passing.
  { name: 'names', boost: 5 },
  // The summary is the record's own account: better than a passing mention.
  { name: 'summary', boost: 3 },
  // Everything else that is text: target, perpetrator, attack types, topics, tags,
  // producer, author, language, claim, citation quotes, passage text.
  { name: 'body', boost: 1 },
] as const;

export type FieldName = (typeof FIELDS)[number]['name'];

export type IndexDoc = { ref: string } & { [F in FieldName]: string };

/**
 * A source's passages, each number once (the first wins). The schema does not
 * forbid a repeated number, and two documents with one ref would make lunr
 * merge them and a search list the same passage twice.
 */
export function uniquePassages(r: SourceDocument): SourceDocument['passages'] {
  const seen = new Set<number>();
  return r.passages.filter((p) => !seen.has(p.n) && seen.add(p.n));
}

/** Ref of a source passage in the index: `<sourceId>#<n>`. */
export function passageRef(sourceId: string, n: number): string {
  return `${sourceId}#${n}`;
}

function join(parts: ReadonlyArray<string | number | undefined | null>): string {
  return parts.filter((p) => p !== undefined && p !== null && p !== '').join(' \n ');
}

export function incidentDoc(r: Incident): IndexDoc {
  const p = r.place;
  return {
    ref: r.id,
    title: r.title,
    names: join([p.site, p.place, p.district, p.province, p.country, r.claim?.channel, ...(r.actors ?? []).map((a) => a.name)]),
    summary: r.summary,
    body: join([
      r.category,
      r.target,
      r.targetType,
      r.perpetrator,
      ...r.attackTypes,
      ...r.tags,
      r.claim?.status,
      r.claim?.by,
      r.claim?.note,
      p.note,
      r.casualties?.note,
      r.group?.note,
      r.violence,
      r.dataset?.key,
      r.date?.label ?? (r.date ? dateLabel(r.date) : undefined),
      ...r.sources.map((c) => c.quote),
    ]),
  };
}

export function publicationDoc(r: Publication): IndexDoc {
  return {
    ref: r.id,
    title: r.title,
    names: join([r.outlet, r.producer]),
    summary: r.summary,
    body: join([
      r.medium,
      r.issue !== undefined ? `issue ${r.issue}` : undefined,
      r.volume !== undefined ? `volume ${r.volume}` : undefined,
      r.language,
      r.author,
      ...r.topics,
      ...r.tags,
      r.date?.label ?? (r.date ? dateLabel(r.date) : undefined),
      ...r.sources.map((c) => c.quote),
    ]),
  };
}

/**
 * A source is indexed as one document for its metadata and one per passage for
 * its text, so a hit can point at the passage to cite. The full text is not
 * indexed again on the source document: it would double every match.
 */
export function sourceDocs(r: SourceDocument): IndexDoc[] {
  const meta: IndexDoc = {
    ref: r.id,
    title: r.title,
    names: r.publisher,
    summary: '',
    // WordPress category/tag ids (numbers) are not words anyone searches for.
    body: join([r.author, ...r.categories, ...r.tags].filter((v): v is string => typeof v === 'string')),
  };
  const passages = uniquePassages(r).map((p) => ({ ref: passageRef(r.id, p.n), title: '', names: '', summary: '', body: p.text }));
  return [meta, ...passages];
}

/** The first day (YYYY-MM-DD) a record's date can mean, or null when it has none: what date order sorts by. */
export function firstDayOf(record: Incident | Publication | SourceDocument): string | null {
  if (record.kind === 'source') return record.published.slice(0, 10);
  return record.date === undefined ? null : dateInterval(record.date).from;
}

/** The index documents of one record, in ordinal order: the record, then (a source) its passages. */
export function documentsOfRecord(r: Incident | Publication | SourceDocument, visit: (fields: string[], meta: DocMeta) => void): void {
  const emit = (d: IndexDoc, passage: number, day: string | null): void =>
    visit(
      FIELDS.map((f) => d[f.name]),
      { ref: d.ref, recordId: r.id, passage, day },
    );
  const day = firstDayOf(r);
  if (r.kind === 'incident') emit(incidentDoc(r), 0, day);
  else if (r.kind === 'publication') emit(publicationDoc(r), 0, day);
  else {
    const docs = sourceDocs(r);
    const passages = uniquePassages(r);
    emit(docs[0]!, 0, day);
    for (let i = 1; i < docs.length; i++) emit(docs[i]!, passages[i - 1]!.n, day);
  }
}

/**
 * Every index document in ordinal order: incidents, publications, then each
 * source followed by its passages. The one place that order is decided; the
 * engine numbers its documents the same way.
 */
export function forEachDocument(
  data: { incidents: readonly Incident[]; publications: readonly Publication[]; sources: readonly SourceDocument[] },
  visit: (fields: string[], meta: DocMeta) => void,
): void {
  for (const r of data.incidents) documentsOfRecord(r, visit);
  for (const r of data.publications) documentsOfRecord(r, visit);
  for (const r of data.sources) documentsOfRecord(r, visit);
}
