// From a suggestion and a researcher's edits to a record, and back: the text
// fields a Discord modal shows (title, date, place or outlet/issue,
// casualties or medium, quote), how each is read back, and the checks a
// drafted record must pass (the schema and the quote-in-source check of
// data:check), each problem naming its field.
import { explainQuoteMismatch, quoteHaystack } from '../records/check.ts';
import { formatPartial } from '../records/dates.ts';
import { Incident, Publication, type Casualties, type DateSpec, type Figure, type Place, type Record, type SourceDocument } from '../records/schema.ts';
import { foldName } from './gazetteer.ts';
import type { Quoted, Suggestion } from './suggest.ts';

/** The five text fields of the draft modal. */
export interface DraftFields {
  title: string;
  date: string;
  /** Incidents: the place; publications: outlet and issue. */
  where: string;
  /** Incidents: casualties; publications: the medium. */
  detail: string;
  quote: string;
}

export interface FieldProblem {
  field: keyof DraftFields | 'record';
  message: string;
}

const MAX_ID = 80;

function slug(s: string): string {
  return foldName(s.replace(/[^\p{L}\p{N}]+/gu, ' ').trim().replace(/\s+/g, '-')) === ''
    ? ''
    : s
        .normalize('NFKD')
        .replace(/\p{M}/gu, '')
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '');
}

/** A record id in the house style (inc-2022-03-04-peshawar-imambargah...), unique among `taken`. */
export function recordIdFor(record: Pick<Record, 'kind' | 'title' | 'date'>, taken: (id: string) => boolean): string {
  const prefix = record.kind === 'incident' ? 'inc' : 'pub';
  const date = record.date?.start ?? '';
  const base = [prefix, date, slug(record.title)].filter((s) => s !== '').join('-').slice(0, MAX_ID).replace(/-+$/, '');
  let id = base;
  for (let n = 2; taken(id); n++) id = `${base}-${n}`;
  return id;
}

// ------------------------------------------------------------------ text forms

export function formatDateField(d: DateSpec | undefined): string {
  if (d === undefined) return '';
  return d.precision === 'range' && d.end !== undefined ? `${d.start}..${d.end}` : d.start;
}

function formatFigureField(f: Figure): string {
  const q = f.qualifier === 'exact' ? '' : `${f.qualifier} `;
  return `${q}${f.low}${f.high !== undefined ? `-${f.high}` : ''}`;
}

export function formatCasualties(c: Casualties | undefined): string {
  if (c === undefined) return '';
  const parts: string[] = [];
  if (c.killed) parts.push(`killed ${formatFigureField(c.killed)}`);
  if (c.wounded) parts.push(`wounded ${formatFigureField(c.wounded)}`);
  if (c.combined) parts.push(`killed and wounded ${formatFigureField(c.combined)}`);
  if (c.captured) parts.push(`captured ${formatFigureField(c.captured)}`);
  return parts.join('; ');
}

export function formatPlaceField(p: Place | undefined): string {
  if (p === undefined) return '';
  return [p.site, p.place, p.district, p.province, p.country].filter((x) => x !== undefined).join(', ');
}

export function fieldsOf(record: Record): DraftFields {
  return {
    title: record.title,
    date: formatDateField(record.date),
    where: record.kind === 'incident' ? formatPlaceField(record.place) : [record.outlet, record.issue !== undefined ? `#${record.issue}` : ''].filter((s) => s !== undefined && s !== '').join(' '),
    detail: record.kind === 'incident' ? formatCasualties(record.casualties) : record.medium,
    quote: record.sources[0]?.quote ?? '',
  };
}

// ------------------------------------------------------------------ suggestion -> record

function quotesOf(s: Suggestion): string[] {
  const all: string[] = [s.quote];
  for (const v of Object.values(s)) {
    if (typeof v === 'object' && v !== null && 'quote' in v && typeof (v as Quoted<unknown>).quote === 'string') all.push((v as Quoted<unknown>).quote);
  }
  return [...new Set(all)];
}

/** The record a suggestion stands for (id left empty: set when it is drafted). */
export function recordFromSuggestion(s: Suggestion, sourceId: string): Record {
  const sources = quotesOf(s).map((quote) => ({ source: sourceId, quote }));
  if (s.kind === 'incident') {
    return {
      kind: 'incident',
      id: '',
      title: s.title,
      summary: s.quote,
      category: s.category,
      ...(s.date ? { date: s.date.value } : {}),
      place: s.place?.value ?? { precision: 'unknown' },
      attackTypes: s.attackTypes?.value ?? [],
      ...(s.target ? { target: s.target.value } : {}),
      ...(s.perpetrator ? { perpetrator: s.perpetrator.value } : {}),
      ...(s.claim ? { claim: s.claim.value } : {}),
      ...(s.casualties ? { casualties: s.casualties.value } : {}),
      tags: [],
      sources,
    };
  }
  return {
    kind: 'publication',
    id: '',
    title: s.title,
    summary: s.quote,
    medium: s.medium.value,
    ...(s.outlet ? { outlet: s.outlet.value } : {}),
    ...(s.issue ? { issue: s.issue.value } : {}),
    ...(s.volume ? { volume: s.volume.value } : {}),
    ...(s.language ? { language: s.language.value } : {}),
    ...(s.author ? { author: s.author.value } : {}),
    ...(s.producer ? { producer: s.producer.value } : {}),
    ...(s.date ? { date: s.date.value } : {}),
    topics: [],
    tags: [],
    sources,
  };
}

// ------------------------------------------------------------------ fields -> record

const DATE_FORMS = 'YYYY, YYYY-MM, YYYY-MM-DD, or a range START..END';

function readDate(text: string, before: DateSpec | undefined): { ok: true; date?: DateSpec } | { ok: false; message: string } {
  const t = text.trim();
  if (t === '') return { ok: true };
  if (t === formatDateField(before)) return { ok: true, ...(before !== undefined ? { date: before } : {}) };
  const [start, end, more] = t.split(/\s*\.\.\s*/);
  if (more !== undefined || start === undefined) return { ok: false, message: `"${t}" is not a date; write ${DATE_FORMS}` };
  const shape = (s: string): DateSpec['precision'] | undefined => (/^\d{4}$/.test(s) ? 'year' : /^\d{4}-\d{2}$/.test(s) ? 'month' : /^\d{4}-\d{2}-\d{2}$/.test(s) ? 'day' : undefined);
  const p = shape(start);
  if (p === undefined || (end !== undefined && shape(end) === undefined)) return { ok: false, message: `"${t}" is not a date; write ${DATE_FORMS}` };
  const date: DateSpec = end !== undefined ? { start, end, precision: 'range' } : { start, precision: p };
  return { ok: true, date };
}

function readFigure(text: string): Figure | undefined {
  const m = /^(more than|at least|about)?\s*(\d+)(?:\s*-\s*(\d+))?$/i.exec(text.trim());
  if (!m) return undefined;
  const low = Number(m[2]);
  const high = m[3] !== undefined ? Number(m[3]) : undefined;
  return { low, ...(high !== undefined ? { high } : {}), qualifier: (m[1]?.toLowerCase() as Figure['qualifier'] | undefined) ?? 'exact' };
}

function readCasualties(text: string, before: Casualties | undefined): { ok: true; value?: Casualties } | { ok: false; message: string } {
  const t = text.trim();
  if (t === '') return { ok: true };
  if (t === formatCasualties(before)) return { ok: true, ...(before !== undefined ? { value: before } : {}) };
  const out: Casualties = before?.note !== undefined ? { note: before.note } : {};
  for (const part of t.split(/\s*;\s*/)) {
    const m = /^(killed and wounded|killed|wounded|captured)\s+(.+)$/i.exec(part);
    const figure = m ? readFigure(m[2]!) : undefined;
    if (!m || figure === undefined) return { ok: false, message: `"${part}" is not a casualty figure; write e.g. "killed 6; wounded about 10; captured 2" or "killed and wounded more than 200"` };
    const key = m[1]!.toLowerCase() === 'killed and wounded' ? 'combined' : (m[1]!.toLowerCase() as 'killed' | 'wounded' | 'captured');
    out[key] = figure;
  }
  return { ok: true, value: out };
}

function readPlace(text: string, before: Place | undefined): Place | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  if (t === formatPlaceField(before)) return before;
  const parts = t.split(/\s*,\s*/).filter((p) => p !== '');
  if (parts.length === 1) return { place: parts[0]!, precision: 'city' };
  const country = parts[parts.length - 1]!;
  const rest = parts.slice(0, -1);
  if (rest.length === 1) return { place: rest[0]!, country, precision: 'city' };
  return { site: rest[0]!, place: rest[rest.length - 1]!, country, precision: 'city' };
}

/**
 * The record a researcher submits: `base` (from the suggestion) with the
 * modal's fields applied, checked with the data/ schema and the quote against
 * the source. Problems name the modal field.
 */
export function applyFields(base: Record, fields: DraftFields, source: SourceDocument): { ok: true; record: Record } | { ok: false; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const date = readDate(fields.date, base.date);
  if (!date.ok) problems.push({ field: 'date', message: date.message });
  const quote = fields.quote.trim();
  const mismatch = explainQuoteMismatch(quoteHaystack(source), quote);
  if (mismatch !== undefined) problems.push({ field: 'quote', message: `${mismatch} (source "${source.id}")` });
  const title = fields.title.trim();
  if (title === '') problems.push({ field: 'title', message: 'title is empty' });
  let record: Record;
  // The edited quote is the record's first citation; the suggestion's other sentences stay as further citations.
  const sources = [{ source: source.id, quote }, ...base.sources.filter((c) => c.quote !== base.sources[0]?.quote && c.quote !== quote)];
  const { date: _drop, ...rest } = base;
  const withDate = date.ok && date.date !== undefined ? { date: date.date } : {};
  if (base.kind === 'incident') {
    const cas = readCasualties(fields.detail, base.casualties);
    if (!cas.ok) problems.push({ field: 'detail', message: cas.message });
    const place = readPlace(fields.where, base.place) ?? { precision: 'unknown' as const };
    const { casualties: _c, ...inc } = rest as typeof base;
    record = { ...inc, title, ...withDate, place, ...(cas.ok && cas.value !== undefined ? { casualties: cas.value } : {}), sources };
  } else {
    const m = /^(.*?)\s*(?:#\s*(\S+))?$/.exec(fields.where.trim());
    const outlet = m?.[1]?.trim() ?? '';
    const issueText = m?.[2];
    const issue = issueText === undefined ? undefined : /^\d+$/.test(issueText) ? Number(issueText) : issueText;
    const { outlet: _o, issue: _i, ...pub } = rest as typeof base;
    record = { ...pub, title, ...withDate, ...(outlet !== '' ? { outlet } : {}), ...(issue !== undefined ? { issue } : {}), medium: fields.detail.trim() as typeof base.medium, sources };
  }
  const schema = record.kind === 'incident' ? Incident : Publication;
  const parsed = schema.safeParse(record);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const top = String(issue.path[0] ?? '');
      const field: FieldProblem['field'] = top === 'date' ? 'date' : top === 'title' ? 'title' : top === 'place' || top === 'outlet' || top === 'issue' ? 'where' : top === 'casualties' || top === 'medium' ? 'detail' : top === 'sources' ? 'quote' : 'record';
      if (!problems.some((p) => p.field === field)) problems.push({ field, message: `${issue.path.join('.')}: ${issue.message}` });
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, record: parsed.data as Record };
}

/** "4 Mar 2022", "Apr 2022 – May 2022" for lists. */
export function shortDate(d: DateSpec | undefined): string {
  if (d === undefined) return 'no date';
  return d.label ?? (d.end !== undefined ? `${formatPartial(d.start)} – ${formatPartial(d.end)}` : formatPartial(d.start));
}

/** The record as its data/ file holds it: two-space JSON and a final newline, like the hand-written ones. */
export function recordFileText(r: Record): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}
