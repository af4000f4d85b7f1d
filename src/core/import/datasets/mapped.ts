// The team's own spreadsheets: a mapping file says which column holds what,
// and each row becomes one incident record cited to the spreadsheet's release.
// The README shows a complete mapping file.
import { z } from 'zod';
import { Id, IncidentCategory, type DatasetRelease, type Figure, type Incident, type Place } from '../../records/schema.ts';
import { actors, isRealDay, joinParts, recordId, releaseId, RowReader, slug, type DatasetFormat, type Row, type Translation } from './common.ts';

const Column = z.string().min(1, 'a column name');

export const Mapping = z
  .object({
    dataset: z
      .object({
        key: Id,
        name: z.string().min(1),
        version: z.string().min(1),
        producer: z.string().min(1),
        licence: z.string().min(1),
        citation: z.string().min(1),
        url: z.url(),
        codebook: z.string().min(1).optional(),
      })
      .strict(),
    /** The column with each row's own id (stable across versions of the sheet). */
    id: Column,
    /** The column whose text is the record's summary and its verbatim quote. */
    text: Column,
    title: Column.optional(),
    date: z
      .object({
        column: Column,
        /** e.g. YYYY-MM-DD, DD/MM/YYYY, MM/DD/YYYY, D.M.YYYY, D MMM YYYY. Cells with only a month or year are read as such. */
        format: z.string().refine((f) => /YYYY/.test(f) && /M/.test(f) && /D/.test(f), 'format needs YYYY, M(M) and D(D), e.g. DD/MM/YYYY'),
        /** A column with the last day, for events known only within a range. */
        end: Column.optional(),
      })
      .strict(),
    place: z
      .object({ site: Column.optional(), place: Column.optional(), district: Column.optional(), province: Column.optional(), country: Column.optional() })
      .strict()
      .default({}),
    country: Column.optional(),
    /** attack (by the group), operation (against it), event; or { "column": ... } holding one of those per row. */
    category: z.union([IncidentCategory, z.object({ column: Column }).strict()]),
    actors: z.array(z.union([Column, z.object({ column: Column, role: z.string().min(1).optional() }).strict()])).default([]),
    casualties: z.object({ killed: Column.optional(), wounded: Column.optional() }).strict().default({}),
    type: Column.optional(),
    target: Column.optional(),
    violence: Column.optional(),
    /** The column with the URL of the row's own source, kept with the record. */
    url: Column.optional(),
  })
  .strict();
export type Mapping = z.infer<typeof Mapping>;

/** The cells a mapped record shows as its dataset codes: the date as written and the source URL. */
export function mappedCodeFields(m: Mapping): Array<readonly [string, string]> {
  return [[m.date.column, `date as written (format ${m.date.format})`] as const, ...(m.url !== undefined ? [[m.url, 'source URL'] as const] : [])];
}

/** Every column a mapping names, for checking the file's header. */
export function mappedColumns(m: Mapping): string[] {
  const cols = [m.id, m.text, m.title, m.date.column, m.date.end, ...Object.values(m.place), m.country, m.casualties.killed, m.casualties.wounded, m.type, m.target, m.violence, m.url];
  if (typeof m.category === 'object') cols.push(m.category.column);
  for (const a of m.actors) cols.push(typeof a === 'string' ? a : a.column);
  return [...new Set(cols.filter((c): c is string => c !== undefined))];
}

const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

interface DateParser {
  (cell: string): { start: string; precision: 'day' | 'month' | 'year' } | undefined;
}

/** A parser for a date format made of YYYY, MM/M, DD/D, MMM/MMMM and separators. */
export function dateParser(format: string): DateParser {
  const order: ('y' | 'm' | 'n' | 'd')[] = [];
  const pattern = format.replace(/YYYY|MMMM|MMM|MM|M|DD|D|[^YMD]/g, (tok) => {
    if (tok === 'YYYY') return order.push('y'), '(\\d{4})';
    if (tok === 'MMMM' || tok === 'MMM') return order.push('n'), '([A-Za-z]+)\\.?';
    if (tok === 'MM' || tok === 'M') return order.push('m'), '(\\d{1,2})';
    if (tok === 'DD' || tok === 'D') return order.push('d'), '(\\d{1,2})';
    return tok.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&').replace(/ /g, '\\s+');
  });
  const full = new RegExp(`^${pattern}$`);
  const monthOf = (s: string): number => {
    if (/^\d+$/.test(s)) return Number(s);
    const i = MONTH_NAMES.findIndex((n) => s.toLowerCase().startsWith(n));
    return i + 1;
  };
  return (cell) => {
    const m = full.exec(cell);
    if (m !== null) {
      let y = '';
      let mo = 0;
      let d = 0;
      order.forEach((k, i) => {
        const v = m[i + 1]!;
        if (k === 'y') y = v;
        else if (k === 'd') d = Number(v);
        else mo = monthOf(v);
      });
      const day = `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
      return isRealDay(day) ? { start: day, precision: 'day' } : undefined;
    }
    // A cell that gives less than the format: only the month or the year. Never a guessed day.
    const iso = /^(\d{4})-(\d{1,2})$/.exec(cell);
    const mY = /^(\d{1,2})[/.\- ](\d{4})$/.exec(cell);
    const nameY = /^([A-Za-z]+)\.?\s+(\d{4})$/.exec(cell);
    const ym = iso !== null ? [iso[1]!, Number(iso[2])] : mY !== null ? [mY[2]!, Number(mY[1])] : nameY !== null ? [nameY[2]!, monthOf(nameY[1]!)] : null;
    if (ym !== null) {
      const [y, mo] = ym as [string, number];
      return mo >= 1 && mo <= 12 ? { start: `${y}-${String(mo).padStart(2, '0')}`, precision: 'month' } : undefined;
    }
    if (/^\d{4}$/.test(cell)) return { start: cell, precision: 'year' };
    return undefined;
  };
}

/** "5", "5-10", "at least 5", "5+", "more than 5", ">5", "about 5", "~5". */
export function parseFigure(cell: string): Figure | undefined {
  const s = cell.trim().toLowerCase().replace(/,/g, '');
  let m = /^(\d+)$/.exec(s);
  if (m) return { low: Number(m[1]), qualifier: 'exact' };
  m = /^(\d+)\s*[-–]\s*(\d+)$/.exec(s);
  if (m) return Number(m[2]) >= Number(m[1]) ? { low: Number(m[1]), high: Number(m[2]), qualifier: 'exact' } : undefined;
  m = /^(?:at least|>=|≥)\s*(\d+)$/.exec(s) ?? /^(\d+)\s*\+$/.exec(s);
  if (m) return { low: Number(m[1]), qualifier: 'at least' };
  m = /^(?:more than|over|>)\s*(\d+)$/.exec(s);
  if (m) return { low: Number(m[1]), qualifier: 'more than' };
  m = /^(?:about|around|approx\.?|approximately|c\.|~)\s*(\d+)$/.exec(s);
  if (m) return { low: Number(m[1]), qualifier: 'about' };
  return undefined;
}

export function mappedRelease(m: Mapping): DatasetRelease & { url: string } {
  return { ...m.dataset };
}

export function translateMapped(row: Row, m: Mapping, parse: DateParser, release: DatasetRelease): Translation {
  const r = new RowReader(row);
  const rawId = r.required(m.id, 'row id');
  const rowId = rawId !== undefined && slug(rawId) !== '' ? rawId : undefined;
  if (rawId !== undefined && rowId === undefined) r.problem(m.id, `"${rawId}" has no letters or digits to make an id from`);
  const dateCell = r.required(m.date.column, 'date');
  let date: Incident['date'];
  if (dateCell !== undefined) {
    const start = parse(dateCell);
    if (start === undefined) r.problem(m.date.column, `"${dateCell}" is not a date in the format ${m.date.format} (or a month/year alone)`);
    else {
      const endCell = m.date.end !== undefined ? r.text(m.date.end) : undefined;
      const end = endCell !== undefined ? parse(endCell) : undefined;
      if (endCell !== undefined && end === undefined) r.problem(m.date.end!, `"${endCell}" is not a date in the format ${m.date.format}`);
      else if (end !== undefined && end.start !== start.start) {
        if (end.start < start.start) r.problem(m.date.end!, `${end.start} is before the start ${start.start}`);
        else date = { start: start.start, end: end.start, precision: 'range' };
      } else date = { start: start.start, precision: start.precision };
    }
  }
  let category: Incident['category'] | undefined;
  if (typeof m.category === 'string') category = m.category;
  else {
    const v = r.required(m.category.column, 'category')?.toLowerCase();
    const parsed = IncidentCategory.safeParse(v);
    if (v !== undefined && !parsed.success) r.problem(m.category.column, `"${v}" is not attack, operation or event`);
    if (parsed.success) category = parsed.data;
  }
  const figure = (column: string | undefined): Figure | undefined => {
    if (column === undefined) return undefined;
    const v = r.text(column);
    if (v === undefined) return undefined;
    const f = parseFigure(v);
    if (f === undefined) r.problem(column, `"${v}" is not a number of people (e.g. 5, 5-10, at least 5, about 5)`);
    return f;
  };
  const killed = figure(m.casualties.killed);
  const wounded = figure(m.casualties.wounded);
  const text = r.required(m.text, 'text');
  if (text !== undefined && text.length < 8) r.problem(m.text, 'text is shorter than 8 characters, too short to quote');
  const url = m.url !== undefined ? r.text(m.url) : undefined;
  if (url !== undefined && !z.url().safeParse(url).success) r.problem(m.url!, `"${url}" is not a URL`);
  if (r.problems.length > 0 || rowId === undefined || text === undefined || category === undefined) {
    return { ok: false, ...(rowId !== undefined ? { rowId } : {}), problems: r.problems };
  }

  const level = (c: string | undefined): string | undefined => (c === undefined ? undefined : r.text(c));
  const p = { site: level(m.place.site), place: level(m.place.place), district: level(m.place.district), province: level(m.place.province), country: level(m.place.country ?? m.country) };
  const precision: Place['precision'] = p.site ? 'site' : p.place ? 'city' : p.district ? 'district' : p.province ? 'province' : p.country ? 'country' : 'unknown';
  const place: Place = { precision };
  for (const k of ['site', 'place', 'district', 'province', 'country'] as const) if (p[k] !== undefined) place[k] = p[k];
  const types = m.type !== undefined ? (r.text(m.type)?.split(/;\s*/).filter((t) => t !== '') ?? []) : [];
  const where = joinParts([p.site ?? p.place ?? p.district ?? p.province, p.country]);
  const title = (m.title !== undefined ? r.text(m.title) : undefined) ?? `${types[0] ?? category}${where !== '' ? ` in ${where}` : ''}`;
  const record: Incident = {
    kind: 'incident',
    id: recordId(m.dataset.key, rowId),
    title,
    summary: text,
    ...(date !== undefined ? { date } : {}),
    tags: [],
    sources: [{ source: releaseId(release.key, release.version), quote: text, note: `${m.dataset.name} row ${rowId}, column ${m.text}` }],
    category,
    place,
    attackTypes: types,
    ...(m.target !== undefined && r.text(m.target) !== undefined ? { target: r.text(m.target)! } : {}),
    ...(killed !== undefined || wounded !== undefined ? { casualties: { ...(killed ? { killed } : {}), ...(wounded ? { wounded } : {}) } } : {}),
    ...(m.actors.length > 0
      ? {
          actors: actors(
            m.actors.map((a): [string | undefined, string] => (typeof a === 'string' ? [r.text(a), a] : [r.text(a.column), a.role ?? a.column])),
          ),
        }
      : {}),
    ...(m.violence !== undefined && r.text(m.violence) !== undefined ? { violence: r.text(m.violence)! } : {}),
    dataset: {
      key: m.dataset.key,
      release: releaseId(release.key, release.version),
      row: rowId,
      // The row's codes are read from the stored row when it is loaded (mappedCodeFields).
      codes: [],
    },
  };
  return { ok: true, record, rowId };
}

export function mappedFormat(m: Mapping): DatasetFormat {
  const release = mappedRelease(m);
  const parse = dateParser(m.date.format);
  return { key: m.dataset.key, idColumn: m.id, required: mappedColumns(m), release, translate: (row) => translateMapped(row, m, parse, release) };
}
