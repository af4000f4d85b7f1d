// UCDP Georeferenced Event Dataset (GED), one CSV row -> one event record.
// Codes follow the "UCDP GED Codebook version 23.1" (Högbladh 2023), the
// release of the sample this was built on; later releases keep these codes.
//
// - date_prec 1-5: how precisely date_start..date_end is known. The record's
//   date is always the dataset's own span (never narrowed), and the label says
//   what the code means: 1 exact day; 2 a 2-6 day range; 3 only the week;
//   4 an 8-30 day range or only the month; 5 more than 30 days or only the year.
// - where_prec 1-7 -> place precision: 1 exact location (site); 2 within about
//   25 km of a known point (city); 3 only the second-order administrative
//   division (district); 4 only the first-order division (province); 5 a linear
//   feature or area such as a river, road or border region (region); 6 only the
//   country; 7 international waters or airspace (region).
// - best/low/high -> killed {low, high, best} (a range spanning all three when
//   a row's best lies outside its low..high, as some rows' do); deaths_a/deaths_b/
//   deaths_civilians/deaths_unknown, event_clarity, type_of_violence and the
//   precision codes are kept verbatim as the record's dataset codes.
// - type_of_violence 1-3 -> violence: state-based conflict, non-state
//   conflict, one-sided violence; side_a and side_b -> actors.
import type { DatasetRelease, Incident, Place } from '../../records/schema.ts';
import { GED_DATE_PREC, GED_EVENT_CLARITY, GED_VIOLENCE, GED_WHERE_PREC } from '../../records/codebooks.ts';
import { actors, dateFromSpan, joinParts, pickQuote, recordId, releaseId, RowReader, type DatasetFormat, type Row, type Translation } from './common.ts';

export const GED_KEY = 'ucdp-ged';

const DATE_PREC = GED_DATE_PREC;

const WHERE_PREC = new Map<number, { precision: Place['precision']; meaning: string }>(
  ([[1, 'site'], [2, 'city'], [3, 'district'], [4, 'province'], [5, 'region'], [6, 'country'], [7, 'region']] as const).map(([n, precision]) => [
    n,
    { precision, meaning: GED_WHERE_PREC.get(n)! },
  ]),
);

export { GED_VIOLENCE };

const EVENT_CLARITY = GED_EVENT_CLARITY;

const QUOTE_COLUMNS = ['source_headline', 'source_article', 'source_original', 'where_description', 'dyad_name', 'conflict_name'];

const REQUIRED = ['id', 'type_of_violence', 'side_a', 'side_b', 'country', 'where_prec', 'date_prec', 'date_start', 'date_end', 'best', 'low', 'high'];

/** The citation UCDP asks for; the second article is the release's annual report (23.1: Davies et al. 2023). */
function gedCitation(version: string): string {
  const base =
    'Sundberg, Ralph, and Erik Melander (2013) "Introducing the UCDP Georeferenced Event Dataset", Journal of Peace Research 50(4): 523–532.';
  return version.startsWith('23.')
    ? `${base} Davies, Shawn, Therese Pettersson & Magnus Öberg (2023) "Organized violence 1989–2022, and the return of conflict between states", Journal of Peace Research 60(4).`
    : `${base} And the UCDP annual article for the release, as listed at https://ucdp.uu.se/downloads/.`;
}

export function gedRelease(version: string): DatasetRelease & { url: string } {
  return {
    key: GED_KEY,
    name: 'UCDP Georeferenced Event Dataset (GED) Global',
    version,
    producer: 'Uppsala Conflict Data Program (UCDP), Uppsala University',
    licence: 'Creative Commons Attribution 4.0 International (CC BY 4.0)',
    citation: gedCitation(version),
    codebook: `UCDP GED Codebook version ${version}`,
    url: 'https://ucdp.uu.se/downloads/',
  };
}

export function translateGed(row: Row, release: DatasetRelease): Translation {
  const r = new RowReader(row);
  const id = r.required('id', 'row id');
  if (id !== undefined && !/^\d+(\.0*)?$/.test(id)) r.problem('id', `"${id}" is not a GED event id (a whole number)`);
  const violence = r.code('type_of_violence', GED_VIOLENCE, { required: true });
  const datePrec = r.code('date_prec', DATE_PREC, { required: true });
  const wherePrec = r.code('where_prec', WHERE_PREC, { required: true });
  const start = r.isoDay('date_start', { required: true });
  const end = r.isoDay('date_end', { required: true });
  if (start !== undefined && end !== undefined && end < start) r.problem('date_end', `${end} is before date_start ${start}`);
  const best = r.int('best', { min: 0 });
  const low = r.int('low', { min: 0 });
  const high = r.int('high', { min: 0 });
  for (const c of ['best', 'low', 'high'] as const) if (r.text(c) === undefined) r.problem(c, 'missing death count');
  for (const c of ['deaths_a', 'deaths_b', 'deaths_civilians', 'deaths_unknown']) r.int(c, { min: 0 });
  r.code('event_clarity', EVENT_CLARITY);
  const country = r.required('country');
  const quote = pickQuote(row, QUOTE_COLUMNS);
  if (quote === undefined) r.problem('source_article', 'no text of 8 or more characters to quote');
  const rowId = id?.replace(/\.0*$/, '');
  if (r.problems.length > 0 || rowId === undefined || start === undefined || end === undefined || datePrec === undefined || wherePrec === undefined || quote === undefined) {
    return { ok: false, ...(rowId !== undefined ? { rowId } : {}), problems: r.problems };
  }

  const where = wherePrec.value;
  const place: Place = {
    precision: where.precision,
    ...(wherePrec.n <= 2 && r.text('where_coordinates') !== undefined ? { place: r.text('where_coordinates')! } : {}),
    ...(r.text('adm_2') !== undefined ? { district: r.text('adm_2')! } : {}),
    ...(r.text('adm_1') !== undefined ? { province: r.text('adm_1')! } : {}),
    ...(country !== undefined ? { country } : {}),
    ...(r.text('where_description') !== undefined ? { note: r.text('where_description')! } : {}),
  };
  const sideA = r.text('side_a');
  const sideB = r.text('side_b');
  const label = datePrec.n === 1 && start === end ? undefined : `${start === end ? start : `${start} – ${end}`} (GED date_prec ${datePrec.n}: ${datePrec.value})`;
  const placeName = place.place ?? place.district ?? place.province ?? country;
  const deaths = `best ${best} (low ${low}, high ${high})`;
  const parts = joinParts([
    r.text('deaths_a') !== undefined ? `side A ${r.text('deaths_a')}` : undefined,
    r.text('deaths_b') !== undefined ? `side B ${r.text('deaths_b')}` : undefined,
    r.text('deaths_civilians') !== undefined ? `civilians ${r.text('deaths_civilians')}` : undefined,
    r.text('deaths_unknown') !== undefined ? `unknown ${r.text('deaths_unknown')}` : undefined,
  ]);
  const violenceLabel = violence?.value;
  const record: Incident = {
    kind: 'incident',
    id: recordId(GED_KEY, rowId),
    title: `${violenceLabel !== undefined ? `${violenceLabel[0]!.toUpperCase()}${violenceLabel.slice(1)}: ` : ''}${r.text('dyad_name') ?? joinParts([sideA, sideB], ' – ')}, ${joinParts([placeName === country ? undefined : placeName, country])}`,
    summary: `${joinParts([sideA, sideB], ' vs ')} — ${joinParts([r.text('where_description') ?? placeName, country])}. Deaths: ${deaths}${parts !== '' ? `; ${parts}` : ''}. (UCDP GED event ${rowId}${r.text('conflict_name') !== undefined ? `, conflict "${r.text('conflict_name')}"` : ''}.)`,
    date: dateFromSpan(start, end, label),
    tags: [],
    sources: [{ source: releaseId(release.key, release.version), quote: quote.quote, note: `GED row ${rowId}, column ${quote.column}` }],
    category: 'event',
    place,
    attackTypes: [],
    casualties: {
      // Some GED rows give a best outside low..high (e.g. low 3, best 2, high 3): the range then spans all three, and the note says so.
      killed: { low: Math.min(low!, best!, high!), high: Math.max(low!, best!, high!), best: best!, qualifier: 'exact' },
      note: `all deaths in the event (both sides, civilians and unknown): ${parts !== '' ? parts : 'no breakdown given'}${
        low! <= best! && best! <= high! ? '' : `; GED gives low ${low}, best ${best}, high ${high}, so the range spans all three`
      }`,
    },
    actors: actors([
      [sideA, 'side A'],
      [sideB, 'side B'],
    ]),
    ...(violenceLabel !== undefined ? { violence: violenceLabel } : {}),
    dataset: {
      key: GED_KEY,
      release: releaseId(release.key, release.version),
      row: rowId,
      // The row's codes are read from the stored row when it is loaded (records/codebooks.ts).
      codes: [],
    },
  };
  return { ok: true, record, rowId };
}

export function gedFormat(version: string): DatasetFormat {
  const release = gedRelease(version);
  return { key: GED_KEY, idColumn: 'id', required: REQUIRED, release, translate: (row) => translateGed(row, release) };
}
