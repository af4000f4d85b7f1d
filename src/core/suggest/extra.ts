// The fields of a draft beyond the first form's five (title, date, place or
// outlet/issue, casualties or medium, quote): for incidents the attack types,
// target, perpetrator, claim and its wording, and the category; for
// publications the medium, language, author, producer, volume and topics.
// They are edited through a second form (text) and through selects (the
// schema's own allowed values where it has an enum: claim status, category,
// medium; attack types from the suggester's words and the archive's own).
// Every change is checked with the same record schema as data:check; a
// problem names the field by its label.
import { ClaimStatus, Incident, IncidentCategory, Medium, Publication, type Claim, type Record } from '../records/schema.ts';

export type ExtraKey = 'attackTypes' | 'target' | 'perpetrator' | 'claim' | 'claimNote' | 'language' | 'author' | 'producer' | 'volume' | 'topics';
export type PickKey = 'attackTypes' | 'claimStatus' | 'category' | 'medium';

export interface ExtraField {
  key: ExtraKey;
  label: string;
  placeholder: string;
  max: number;
}

export interface ExtraProblem {
  field: ExtraKey | PickKey | 'record';
  /** The field as the form or select names it. */
  label: string;
  message: string;
}

const INCIDENT_FIELDS: readonly ExtraField[] = [
  { key: 'attackTypes', label: 'Attack types', placeholder: 'suicide bombing, armed assault (comma-separated)', max: 300 },
  { key: 'target', label: 'Target', placeholder: 'e.g. Shia worshippers at Friday prayers', max: 300 },
  { key: 'perpetrator', label: 'Perpetrator', placeholder: 'e.g. ISKP', max: 200 },
  { key: 'claim', label: 'Claim', placeholder: 'claimed by ISKP via Amaq; unclaimed; attributed by police to ISKP', max: 300 },
  { key: 'claimNote', label: 'Claim wording', placeholder: 'how the claim was worded, in the source\'s terms', max: 500 },
];

const PUBLICATION_FIELDS: readonly ExtraField[] = [
  { key: 'language', label: 'Language', placeholder: 'e.g. Pashto', max: 100 },
  { key: 'author', label: 'Author', placeholder: 'as the source names them', max: 200 },
  { key: 'producer', label: 'Producer', placeholder: 'e.g. Al-Azaim Foundation', max: 200 },
  { key: 'volume', label: 'Volume', placeholder: 'a number or as printed', max: 50 },
  { key: 'topics', label: 'Topics', placeholder: 'comma-separated', max: 300 },
];

const PICK_LABELS: { [K in PickKey]: string } = { attackTypes: 'Attack types', claimStatus: 'Claim status', category: 'Category', medium: 'Medium' };

/** The second form's fields for a kind of record (at most five: a Discord form's limit). */
export function extraFieldsFor(kind: Record['kind']): readonly ExtraField[] {
  return kind === 'incident' ? INCIDENT_FIELDS : PUBLICATION_FIELDS;
}

/** The selects a kind of record offers. */
export function picksFor(kind: Record['kind']): readonly PickKey[] {
  return kind === 'incident' ? ['attackTypes', 'claimStatus', 'category'] : ['medium'];
}

export function labelOf(field: ExtraProblem['field']): string {
  if (field === 'record') return 'Record';
  if (field in PICK_LABELS) return PICK_LABELS[field as PickKey];
  return [...INCIDENT_FIELDS, ...PUBLICATION_FIELDS].find((f) => f.key === field)?.label ?? field;
}

const list = (xs: readonly string[] | undefined): string => (xs ?? []).join(', ');

/** "claimed by ISKP via Amaq", the claim field's text form. */
export function formatClaim(c: Claim | undefined): string {
  if (c === undefined) return '';
  return [c.status, c.by !== undefined ? `by ${c.by}` : '', c.channel !== undefined ? `via ${c.channel}` : ''].filter((s) => s !== '').join(' ');
}

/** The second form's fields, prefilled from the record. */
export function extraValuesOf(record: Record): { [K in ExtraKey]?: string } {
  if (record.kind === 'incident') {
    return { attackTypes: list(record.attackTypes), target: record.target ?? '', perpetrator: record.perpetrator ?? '', claim: formatClaim(record.claim), claimNote: record.claim?.note ?? '' };
  }
  return { language: record.language ?? '', author: record.author ?? '', producer: record.producer ?? '', volume: record.volume !== undefined ? String(record.volume) : '', topics: list(record.topics) };
}

const STATUSES = ClaimStatus.options;

function readClaim(text: string): { ok: true; claim?: Omit<Claim, 'note'> } | { ok: false; message: string } {
  const t = text.trim();
  if (t === '') return { ok: true };
  const m = new RegExp(`^(${STATUSES.join('|')})\\b(?:\\s+by\\s+(.+?))?(?:\\s+via\\s+(.+?))?\\s*$`, 'i').exec(t);
  if (!m) return { ok: false, message: `"${t}" does not read as a claim; start with ${STATUSES.join(', ')}, then "by <who>" and "via <channel>" if the source says, e.g. "claimed by ISKP via Amaq"` };
  return { ok: true, claim: { status: m[1]!.toLowerCase() as Claim['status'], ...(m[2] !== undefined ? { by: m[2].trim() } : {}), ...(m[3] !== undefined ? { channel: m[3].trim() } : {}) } };
}

const splitList = (t: string): string[] => [...new Set(t.split(/\s*[,;\n]\s*/).map((x) => x.trim()).filter((x) => x !== ''))];

/** Checks the edited record with the schema; problems are named by the field they came from. */
function validated(record: Record, fieldOf: (top: string, path: readonly PropertyKey[]) => ExtraProblem['field'], problems: ExtraProblem[]): { ok: true; record: Record } | { ok: false; problems: ExtraProblem[] } {
  const parsed = (record.kind === 'incident' ? Incident : Publication).safeParse(record);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = fieldOf(String(issue.path[0] ?? ''), issue.path);
      if (!problems.some((p) => p.field === field)) problems.push({ field, label: labelOf(field), message: `${issue.path.join('.')}: ${issue.message}` });
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, record: parsed.data as Record };
}

function problem(field: ExtraProblem['field'], message: string): ExtraProblem {
  return { field, label: labelOf(field), message };
}

/**
 * The record with the second form's fields applied (a field left out of
 * `values` is unchanged; an empty one is removed). The record's citations are
 * unchanged: these fields come from the sentences already quoted.
 */
export function applyExtraFields(record: Record, values: { [K in ExtraKey]?: string }): { ok: true; record: Record } | { ok: false; problems: ExtraProblem[] } {
  const problems: ExtraProblem[] = [];
  const text = (k: ExtraKey): string | undefined => (values[k] === undefined ? undefined : values[k]!.trim());
  const set = <T extends object>(o: T, key: string, v: unknown): void => {
    if (v === undefined || v === '') delete (o as { [k: string]: unknown })[key];
    else (o as { [k: string]: unknown })[key] = v;
  };
  const next = structuredClone(record);
  if (next.kind === 'incident') {
    const types = text('attackTypes');
    if (types !== undefined) next.attackTypes = splitList(types);
    for (const k of ['target', 'perpetrator'] as const) {
      const v = text(k);
      if (v !== undefined) set(next, k, v);
    }
    const claimText = text('claim');
    const note = text('claimNote');
    let claim: Claim | undefined = next.claim;
    if (claimText !== undefined) {
      const read = readClaim(claimText);
      if (!read.ok) problems.push(problem('claim', read.message));
      else claim = read.claim === undefined ? undefined : { ...read.claim, ...(claim?.note !== undefined ? { note: claim.note } : {}) };
    }
    if (note !== undefined) {
      if (note !== '' && claim === undefined && !problems.some((p) => p.field === 'claim')) problems.push(problem('claimNote', 'a claim\'s wording needs a claim: fill Claim (e.g. "claimed by ISKP") or choose a claim status'));
      else if (claim !== undefined) {
        const { note: _n, ...rest } = claim;
        claim = note === '' ? rest : { ...rest, note };
      }
    }
    set(next, 'claim', claim);
    return validated(next, (top, path) => (top === 'claim' ? (path[1] === 'note' ? 'claimNote' : 'claim') : top === 'attackTypes' || top === 'target' || top === 'perpetrator' ? top : 'record'), problems);
  }
  for (const k of ['language', 'author', 'producer'] as const) {
    const v = text(k);
    if (v !== undefined) set(next, k, v);
  }
  const volume = text('volume');
  if (volume !== undefined) set(next, 'volume', /^\d+$/.test(volume) ? Number(volume) : volume);
  const topics = text('topics');
  if (topics !== undefined) next.topics = splitList(topics);
  return validated(next, (top) => (['language', 'author', 'producer', 'volume', 'topics'].includes(top) ? (top as ExtraKey) : 'record'), problems);
}

export interface PickOption {
  value: string;
  selected: boolean;
}

export interface PickMenu {
  key: PickKey;
  label: string;
  /** 0 when the field may be cleared. */
  min: number;
  max: number;
  options: PickOption[];
}

/** Discord allows 25 options in a select. */
const MAX_OPTIONS = 25;

/**
 * A select for one field: the schema's allowed values where it has an enum;
 * for attack types (free text in the schema) the given vocabulary and the
 * record's own, the record's first.
 */
export function pickMenu(key: PickKey, record: Record, attackTypes: readonly string[] = []): PickMenu {
  const of = (values: readonly string[], chosen: readonly string[]): PickOption[] => values.map((value) => ({ value, selected: chosen.includes(value) }));
  if (key === 'attackTypes') {
    const chosen = record.kind === 'incident' ? record.attackTypes : [];
    const values = [...new Set([...chosen, ...attackTypes])].slice(0, MAX_OPTIONS);
    return { key, label: PICK_LABELS[key], min: 0, max: values.length, options: of(values, chosen) };
  }
  if (key === 'claimStatus') {
    const chosen = record.kind === 'incident' && record.claim !== undefined ? [record.claim.status] : [];
    return { key, label: PICK_LABELS[key], min: 0, max: 1, options: of(STATUSES, chosen) };
  }
  if (key === 'category') return { key, label: PICK_LABELS[key], min: 1, max: 1, options: of(IncidentCategory.options, record.kind === 'incident' ? [record.category] : []) };
  return { key, label: PICK_LABELS[key], min: 1, max: 1, options: of(Medium.options, record.kind === 'publication' ? [record.medium] : []) };
}

/** The record with a select's values applied, checked with the schema. */
export function applyPick(record: Record, key: PickKey, values: readonly string[]): { ok: true; record: Record } | { ok: false; problems: ExtraProblem[] } {
  const next = structuredClone(record) as Record & { [k: string]: unknown };
  const problems: ExtraProblem[] = [];
  if (!picksFor(record.kind).includes(key)) return { ok: false, problems: [problem(key, `a ${record.kind} has no ${labelOf(key).toLowerCase()}`)] };
  if (next.kind === 'incident') {
    if (key === 'attackTypes') next.attackTypes = [...new Set(values)];
    else if (key === 'category') (next as { category: unknown }).category = values[0];
    else if (key === 'claimStatus') {
      if (values.length === 0) delete next.claim;
      else next.claim = { ...(next.claim ?? {}), status: values[0] as Claim['status'] };
    }
  } else (next as { medium: unknown }).medium = values[0];
  return validated(next, (top, path) => (top === 'claim' && path[1] === 'status' ? 'claimStatus' : top === 'claim' ? 'claimStatus' : top === key ? key : 'record'), problems);
}

/** One line per further field that has a value ("Attack types: bombing"), for the draft's card. */
export function extraSummary(record: Record): string[] {
  const out: string[] = [];
  if (record.kind === 'incident') {
    out.push(`Category: ${record.category}`);
    if (record.attackTypes.length > 0) out.push(`Attack types: ${list(record.attackTypes)}`);
    if (record.target !== undefined) out.push(`Target: ${record.target}`);
    if (record.perpetrator !== undefined) out.push(`Perpetrator: ${record.perpetrator}`);
    if (record.claim !== undefined) out.push(`Claim: ${formatClaim(record.claim)}${record.claim.note !== undefined ? ` ("${record.claim.note}")` : ''}`);
    return out;
  }
  out.push(`Medium: ${record.medium}`);
  if (record.outlet !== undefined) out.push(`Outlet: ${record.outlet}${record.issue !== undefined ? ` #${record.issue}` : ''}`);
  if (record.volume !== undefined) out.push(`Volume: ${record.volume}`);
  for (const k of ['language', 'author', 'producer'] as const) if (record[k] !== undefined) out.push(`${labelOf(k)}: ${record[k]}`);
  if (record.topics.length > 0) out.push(`Topics: ${list(record.topics)}`);
  return out;
}
