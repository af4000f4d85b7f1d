// /record id — one record in full: every field, and every citation with its
// quote, the source's link and the number of the passage holding the quote.
import { citationRefs, SourceNumbering } from '../src/core/citations.ts';
import { dateInterval, dateLabel } from '../src/core/records/dates.ts';
import type { Casualties, Claim, DateSpec, Figure, Incident, Place, Publication, SourceDocument } from '../src/core/records/schema.ts';
import type { Searchable } from '../src/core/search/types.ts';
import { isoStart, recordDateLabel } from '../src/core/timeline.ts';
import type { Field, RecordView, View } from '../src/core/views.ts';
import type { ArgsOf, CommandDefinition, CommandDeps } from './shared/definition.ts';
import { lookup } from './shared/ids.ts';

export const definition = {
  name: 'record',
  description: 'One record in full, with every citation',
  options: [{ name: 'id', type: 'string', required: true, description: 'Record id, as shown in search results', autocomplete: true, maxLength: 200 }],
} as const satisfies CommandDefinition;

export type Args = ArgsOf<typeof definition>;

/** "5", "about 50", "more than 200", "at least 5–12". */
export function formatFigure(f: Figure): string {
  const q = f.qualifier === 'exact' ? '' : `${f.qualifier} `;
  const range = f.high !== undefined && f.high !== f.low ? `${q}${f.low}–${f.high}` : `${q}${f.low}`;
  // A dataset's best estimate is kept beside its range (UCDP GED best/low/high).
  return f.best !== undefined ? `${f.best} (best estimate; low ${f.low}, high ${f.high ?? f.low})` : range;
}

function formatDate(date: DateSpec): string {
  const { from, to } = dateInterval(date);
  const span = from === to ? from : `${from} to ${to}`;
  // The label may be the source's own period name; the interval says which days it covers.
  return `${dateLabel(date)} (precision: ${date.precision}; ${span})`;
}

function formatPlace(place: Place): string {
  const parts = [place.site, place.place, place.district, place.province, place.country].filter((p): p is string => p !== undefined);
  const where = parts.length > 0 ? parts.join(', ') : 'not given';
  return `${where} (precision: ${place.precision})${place.note !== undefined ? ` — ${place.note}` : ''}`;
}

function formatClaim(claim: Claim): string {
  const by = claim.by !== undefined ? ` by ${claim.by}` : '';
  const via = claim.channel !== undefined ? ` via ${claim.channel}` : '';
  return `${claim.status}${by}${via}${claim.note !== undefined ? ` — ${claim.note}` : ''}`;
}

function casualtyFields(c: Casualties): Field[] {
  const fields: Field[] = [];
  if (c.killed !== undefined) fields.push({ label: 'Killed', value: formatFigure(c.killed) });
  if (c.wounded !== undefined) fields.push({ label: 'Wounded', value: formatFigure(c.wounded) });
  if (c.combined !== undefined) fields.push({ label: 'Killed and wounded (one figure)', value: formatFigure(c.combined) });
  if (c.captured !== undefined) fields.push({ label: 'Captured', value: formatFigure(c.captured) });
  if (c.note !== undefined) fields.push({ label: 'Casualties are of', value: c.note });
  return fields;
}

const list = (values: readonly (string | number)[]): string => values.join(', ');

/** Keys each kind formats itself; anything else a record carries is still shown, as JSON. */
const HANDLED: { [K in Searchable['kind']]: ReadonlySet<string> } = {
  incident: new Set([
    'kind', 'id', 'title', 'summary', 'date', 'tags', 'sources', 'category', 'place', 'attackTypes', 'target',
    'targetType', 'perpetrator', 'claim', 'casualties', 'group', 'actors', 'violence', 'dataset',
  ]),
  publication: new Set([
    'kind', 'id', 'title', 'summary', 'date', 'tags', 'sources', 'outlet', 'medium', 'issue', 'volume', 'language',
    'producer', 'author', 'topics',
  ]),
  source: new Set([
    'kind', 'id', 'url', 'title', 'publisher', 'published', 'modified', 'author', 'categories', 'tags', 'origin', 'text', 'passages', 'dataset',
  ]),
};

function incidentFields(r: Incident): Field[] {
  const f: Field[] = [{ label: 'Category', value: r.category }];
  f.push({ label: 'Place', value: formatPlace(r.place) });
  if (r.attackTypes.length > 0) f.push({ label: 'Attack types', value: list(r.attackTypes) });
  if (r.target !== undefined) f.push({ label: 'Target', value: r.target });
  if (r.targetType !== undefined) f.push({ label: 'Target type', value: r.targetType });
  if (r.perpetrator !== undefined) f.push({ label: 'Perpetrator', value: r.perpetrator });
  if (r.claim !== undefined) f.push({ label: 'Claim', value: formatClaim(r.claim) });
  if (r.casualties !== undefined) f.push(...casualtyFields(r.casualties));
  if (r.group !== undefined) {
    const count = r.group.count !== undefined ? `${formatFigure(r.group.count)} attacks` : 'several attacks';
    f.push({ label: 'Stands for', value: `${count}${r.group.note !== undefined ? ` — ${r.group.note}` : ''}` });
  }
  if (r.actors !== undefined && r.actors.length > 0) {
    f.push({ label: 'Actors', value: r.actors.map((a) => (a.role !== undefined ? `${a.name} (${a.role})` : a.name)).join('; ') });
  }
  if (r.violence !== undefined) f.push({ label: 'Violence', value: r.violence });
  if (r.dataset !== undefined) {
    f.push({ label: 'Dataset row', value: `${r.dataset.key} row ${r.dataset.row} (release ${r.dataset.release})` });
    // The dataset's own codes, as it wrote them, with what the codebook says they mean.
    if (r.dataset.codes.length > 0) {
      f.push({ label: 'Dataset codes', value: r.dataset.codes.map((c) => `${c.field}: ${c.value}${c.meaning !== undefined ? ` (${c.meaning})` : ''}`).join('\n') });
    }
  }
  return f;
}

function publicationFields(r: Publication): Field[] {
  const f: Field[] = [];
  if (r.outlet !== undefined) f.push({ label: 'Outlet', value: r.outlet });
  f.push({ label: 'Medium', value: r.medium });
  if (r.volume !== undefined) f.push({ label: 'Volume', value: String(r.volume) });
  if (r.issue !== undefined) f.push({ label: 'Issue', value: String(r.issue) });
  if (r.language !== undefined) f.push({ label: 'Language', value: r.language });
  if (r.producer !== undefined) f.push({ label: 'Producer', value: r.producer });
  if (r.author !== undefined) f.push({ label: 'Author', value: r.author });
  if (r.topics.length > 0) f.push({ label: 'Topics', value: list(r.topics) });
  return f;
}

function sourceFields(r: SourceDocument): Field[] {
  const f: Field[] = [
    { label: 'Publisher', value: r.publisher },
    { label: 'URL', value: r.url },
    { label: 'Published', value: r.published },
  ];
  if (r.modified !== undefined) f.push({ label: 'Modified', value: r.modified });
  if (r.author !== undefined) f.push({ label: 'Author', value: typeof r.author === 'number' ? `user ${r.author}` : r.author });
  if (r.categories.length > 0) f.push({ label: 'Categories', value: list(r.categories) });
  if (r.tags.length > 0) f.push({ label: 'Tags', value: list(r.tags) });
  if (r.dataset !== undefined) {
    f.push({ label: 'Dataset', value: `${r.dataset.name}, version ${r.dataset.version}` });
    f.push({ label: 'Licence', value: r.dataset.licence });
    f.push({ label: 'Required citation', value: r.dataset.citation });
    if (r.dataset.codebook !== undefined) f.push({ label: 'Codebook', value: r.dataset.codebook });
  }
  if (r.origin !== undefined) {
    f.push({ label: 'Imported', value: `WordPress post ${r.origin.postId}${r.origin.api !== undefined ? ` from ${r.origin.api}` : ''}, ${r.origin.importedAt}` });
  }
  f.push({ label: 'Passages', value: String(r.passages.length) });
  return f;
}

/** Every field of `record` that has a value, formatted, in reading order. */
export function recordFields(record: Searchable): Field[] {
  const fields: Field[] = [{ label: 'Id', value: record.id }, { label: 'Kind', value: record.kind }];
  if (record.kind === 'source') {
    fields.push(...sourceFields(record));
  } else {
    fields.push({ label: 'Date', value: record.date !== undefined ? formatDate(record.date) : 'not given by the source' });
    fields.push(...(record.kind === 'incident' ? incidentFields(record) : publicationFields(record)));
    fields.push({ label: 'Summary', value: record.summary });
    if (record.tags.length > 0) fields.push({ label: 'Tags', value: list(record.tags) });
  }
  const handled = HANDLED[record.kind];
  for (const [key, value] of Object.entries(record)) {
    if (!handled.has(key) && value !== undefined) fields.push({ label: key, value: JSON.stringify(value) });
  }
  return fields;
}

/** Who drafted and approved a record curated in Discord (src/drafts/service.ts). */
function provenanceFields(id: string, deps: CommandDeps): Field[] {
  const p = deps.drafts?.provenance(id);
  if (p === undefined) return [];
  // A readable name with the id beside it, never a mention: the record is shown to anyone and must not ping.
  const who = (id: string, name: string | undefined): string => (name !== undefined ? `${name} (user ${id})` : `user ${id}`);
  return [
    { label: 'Drafted by', value: `${who(p.draftedBy, p.draftedByName)} on ${p.draftedAt.slice(0, 10)}` },
    { label: 'Approved by', value: `${who(p.approvedBy, p.approvedByName)} on ${p.approvedAt.slice(0, 10)}` },
  ];
}

export function handle(args: Args, deps: CommandDeps): View {
  const found = lookup('record', deps.archive, args.id);
  if (!found.ok) return found.error;
  const record = found.record;
  const view: RecordView = {
    type: 'record',
    command: 'record',
    id: record.id,
    kind: record.kind,
    title: record.title,
    date: isoStart(record),
    dateLabel: recordDateLabel(record),
    fields: [...recordFields(record), ...provenanceFields(record.id, deps)],
    citations: record.kind === 'source' ? [] : citationRefs(record.sources, deps.archive, new SourceNumbering()),
    passages: record.kind === 'source' ? record.passages.map((p) => ({ n: p.n, text: p.text })) : [],
    record,
  };
  return view;
}
