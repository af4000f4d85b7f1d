// ACLED (Armed Conflict Location & Event Data), one CSV export row -> one
// event record. Codes follow the "ACLED Codebook" (2023 edition, the one
// describing the disorder_type/civilian_targeting columns of current exports).
//
// - time_precision 1: the source gives the day -> that day. 2: the source gives
//   only the week (or weekend); ACLED codes a day within it, so the event lies
//   within 6 days either side of event_date -> that 13-day range. 3: only the
//   month; ACLED codes a day within it -> the month of event_date.
// - geo_precision 1: the town is known -> place = location (city). 2: a part
//   of a region near a town -> no place, district admin2, note "near
//   <location>". 3: only a larger region; ACLED codes a stand-in (often the
//   provincial capital) -> no place below the province, note names the stand-in.
// - fatalities: ACLED's single, conservative figure -> killed "at least" it.
// - actor1/actor2 and assoc_actor_1/assoc_actor_2 -> actors; event_type and
//   sub_event_type -> attack types; disorder_type -> violence; notes ->
//   summary and quote.
import type { DatasetRelease, Incident, Place } from '../../records/schema.ts';
import { ACLED_GEO_PRECISION, ACLED_TIME_PRECISION } from '../../records/codebooks.ts';
import { actors, addDays, dateFromSpan, joinParts, monthEnd, pickQuote, recordId, releaseId, RowReader, isRealDay, type DatasetFormat, type Row, type Translation } from './common.ts';

export const ACLED_KEY = 'acled';

const TIME_PRECISION = ACLED_TIME_PRECISION;

const GEO_PRECISION = new Map<number, { precision: Place['precision']; meaning: string }>(
  ([[1, 'city'], [2, 'district'], [3, 'province']] as const).map(([n, precision]) => [n, { precision, meaning: ACLED_GEO_PRECISION.get(n)! }]),
);

const REQUIRED = ['event_id_cnty', 'event_date', 'time_precision', 'event_type', 'actor1', 'country', 'geo_precision', 'fatalities'];

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** ACLED writes event_date as YYYY-MM-DD (API) or "15 January 2023" (website export). */
function acledDay(r: RowReader): string | undefined {
  const v = r.required('event_date', 'date');
  if (v === undefined) return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) {
    if (isRealDay(v)) return v;
  } else {
    const m = /^(\d{1,2})[ -]([A-Za-z]+)[ -](\d{4})$/.exec(v);
    const month = m === null ? -1 : MONTHS.findIndex((name) => name.startsWith(m[2]!.toLowerCase()) && m[2]!.length >= 3);
    if (m !== null && month >= 0) {
      const day = `${m[3]}-${String(month + 1).padStart(2, '0')}-${m[1]!.padStart(2, '0')}`;
      if (isRealDay(day)) return day;
    }
  }
  r.problem('event_date', `"${v}" is not a date (expected YYYY-MM-DD or "15 January 2023")`);
  return undefined;
}

export function acledRelease(version: string): DatasetRelease & { url: string } {
  return {
    key: ACLED_KEY,
    name: 'Armed Conflict Location & Event Data (ACLED)',
    version,
    producer: 'Armed Conflict Location & Event Data Project (ACLED)',
    licence: 'ACLED Terms of Use: attribution required; the data may not be redistributed',
    citation:
      'Raleigh, Clionadh, Andrew Linke, Håvard Hegre and Joakim Karlsen (2010) "Introducing ACLED: An Armed Conflict Location and Event Dataset", Journal of Peace Research 47(5): 651–660. ' +
      `Data: Armed Conflict Location & Event Data Project (ACLED), export ${version}, www.acleddata.com.`,
    codebook: 'ACLED Codebook (2023)',
    url: 'https://acleddata.com/data-export-tool/',
  };
}

export function translateAcled(row: Row, release: DatasetRelease): Translation {
  const r = new RowReader(row);
  const rowId = r.required('event_id_cnty', 'row id');
  const day = acledDay(r);
  const timePrec = r.code('time_precision', TIME_PRECISION, { required: true });
  const geoPrec = r.code('geo_precision', GEO_PRECISION, { required: true });
  const fatalities = r.int('fatalities', { min: 0 });
  if (r.text('fatalities') === undefined) r.problem('fatalities', 'missing fatality count');
  const country = r.required('country');
  const eventType = r.required('event_type');
  r.required('actor1');
  const quote = pickQuote(row, ['notes', 'source', 'actor1', 'event_type', 'location']);
  if (quote === undefined) r.problem('notes', 'no text of 8 or more characters to quote');
  if (r.problems.length > 0 || rowId === undefined || day === undefined || timePrec === undefined || geoPrec === undefined || quote === undefined) {
    return { ok: false, ...(rowId !== undefined ? { rowId } : {}), problems: r.problems };
  }

  const [start, end] =
    timePrec.n === 1 ? [day, day] : timePrec.n === 2 ? [addDays(day, -6), addDays(day, 6)] : [`${day.slice(0, 7)}-01`, monthEnd(day)];
  const label = timePrec.n === 1 ? undefined : `${timePrec.n === 2 ? `week around ${day}` : day.slice(0, 7)} (ACLED time_precision ${timePrec.n}: ${timePrec.value})`;
  const location = r.text('location');
  const place: Place = {
    precision: geoPrec.value.precision,
    ...(geoPrec.n === 1 && location !== undefined ? { place: location } : {}),
    ...(geoPrec.n <= 2 && r.text('admin2') !== undefined ? { district: r.text('admin2')! } : {}),
    ...(r.text('admin1') !== undefined ? { province: r.text('admin1')! } : {}),
    ...(country !== undefined ? { country } : {}),
    ...(geoPrec.n === 2 && location !== undefined ? { note: `near ${location}` } : {}),
    ...(geoPrec.n === 3 && location !== undefined ? { note: `ACLED places it at ${location}, a stand-in for the region` } : {}),
  };
  const subType = r.text('sub_event_type');
  const notes = r.text('notes');
  const who = joinParts([r.text('actor1'), r.text('actor2')], ' vs ');
  const record: Incident = {
    kind: 'incident',
    id: recordId(ACLED_KEY, rowId),
    title: `${subType ?? eventType}: ${who}, ${joinParts([location, country])}`,
    summary: notes ?? `${eventType}${subType !== undefined ? ` (${subType})` : ''}: ${who} in ${joinParts([location, country])}.`,
    date: dateFromSpan(start, end, label),
    tags: r.text('tags') !== undefined ? r.text('tags')!.split(/;\s*/).filter((t) => t !== '') : [],
    sources: [{ source: releaseId(release.key, release.version), quote: quote.quote, note: `ACLED row ${rowId}, column ${quote.column}` }],
    category: 'event',
    place,
    attackTypes: [eventType!, ...(subType !== undefined && subType !== eventType ? [subType] : [])],
    ...(r.text('civilian_targeting') !== undefined ? { targetType: r.text('civilian_targeting')! } : {}),
    casualties: {
      killed: { low: fatalities!, qualifier: 'at least' },
      note: 'ACLED fatalities: a conservative figure for all reported deaths in the event',
    },
    actors: actors([
      [r.text('actor1'), 'actor 1'],
      [r.text('assoc_actor_1'), 'associated actor 1'],
      [r.text('actor2'), 'actor 2'],
      [r.text('assoc_actor_2'), 'associated actor 2'],
    ]),
    ...(r.text('disorder_type') !== undefined ? { violence: r.text('disorder_type')! } : {}),
    dataset: {
      key: ACLED_KEY,
      release: releaseId(release.key, release.version),
      row: rowId,
      // The row's codes are read from the stored row when it is loaded (records/codebooks.ts).
      codes: [],
    },
  };
  return { ok: true, record, rowId };
}

export function acledFormat(version: string): DatasetFormat {
  const release = acledRelease(version);
  return { key: ACLED_KEY, idColumn: 'event_id_cnty', required: REQUIRED, release, translate: (row) => translateAcled(row, release) };
}
