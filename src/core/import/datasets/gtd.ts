// Global Terrorism Database (GTD), one CSV row -> one event record. Codes
// follow "GTD Codebook: Methodology, Inclusion Criteria, and Variables"
// (START, University of Maryland, August 2021).
//
// - iyear/imonth/iday: imonth 0 and iday 0 mean unknown, so the date is the
//   year or the month, never an invented day; approxdate (the coders' text for
//   an approximate date) becomes the date's label. extended 1 with a resolution
//   date: the range from the start to the resolution.
// - specificity 1-5: 1 the city is known with its coordinates (city); 2 the
//   city is known, coordinates are of the smallest region (city); 3 not in a
//   city, the smallest region is known (district: the city column holds it);
//   4 only the first-order region (province); 5 no region (country).
//   vicinity 1: in the vicinity of the city, said in the place note.
// - doubtterr (1 doubt that it is terrorism, 0 none, -9 unknown), claimed
//   (1 yes, 0 no, -9 unknown) with claimmode 1-10, attack/target/weapon types,
//   nkill/nwound (blank = unknown), gname, summary and scite1-3 are kept.
import type { Claim, DatasetRelease, Incident, Place } from '../../records/schema.ts';
import { GTD_CLAIM_MODE, GTD_DOUBT, GTD_SPECIFICITY, GTD_YES_NO_UNKNOWN } from '../../records/codebooks.ts';
import { actors, dateFromSpan, exactFigure, isRealDay, joinParts, monthEnd, pickQuote, recordId, releaseId, RowReader, type DatasetFormat, type Row, type Translation } from './common.ts';

export const GTD_KEY = 'gtd';

const SPECIFICITY = new Map<number, { precision: Place['precision']; meaning: string }>(
  ([[1, 'city'], [2, 'city'], [3, 'district'], [4, 'province'], [5, 'country']] as const).map(([n, precision]) => [n, { precision, meaning: GTD_SPECIFICITY.get(n)! }]),
);

const YES_NO_UNKNOWN = GTD_YES_NO_UNKNOWN;
const DOUBT = GTD_DOUBT;
const CLAIM_MODE = GTD_CLAIM_MODE;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const REQUIRED = ['eventid', 'iyear', 'imonth', 'iday', 'country_txt', 'specificity', 'gname', 'attacktype1_txt'];

/** GTD names an unknown group "Unknown". */
function known(name: string | undefined): string | undefined {
  return name === undefined || name.toLowerCase() === 'unknown' ? undefined : name;
}

/** The resolution date of an extended incident: ISO or M/D/YYYY as GTD exports write it. */
function resolutionDay(r: RowReader): string | undefined {
  const v = r.text('resolution');
  if (v === undefined) return undefined;
  const iso = /^(\d{4}-\d{2}-\d{2})/.exec(v)?.[1];
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(v);
  const day = iso ?? (us !== null ? `${us[3]}-${us[1]!.padStart(2, '0')}-${us[2]!.padStart(2, '0')}` : undefined);
  if (day === undefined || !isRealDay(day)) {
    r.problem('resolution', `"${v}" is not a date (expected YYYY-MM-DD or M/D/YYYY)`);
    return undefined;
  }
  return day;
}

export function gtdRelease(version: string): DatasetRelease & { url: string } {
  return {
    key: GTD_KEY,
    name: 'Global Terrorism Database (GTD)',
    version,
    producer: 'National Consortium for the Study of Terrorism and Responses to Terrorism (START), University of Maryland',
    licence: 'GTD Terms of Use (START): non-commercial use with attribution; the data may not be redistributed',
    citation: `National Consortium for the Study of Terrorism and Responses to Terrorism (START), University of Maryland. (${version}). The Global Terrorism Database (GTD) [Data file]. Retrieved from https://www.start.umd.edu/gtd`,
    codebook: 'GTD Codebook: Methodology, Inclusion Criteria, and Variables (August 2021)',
    url: 'https://www.start.umd.edu/gtd',
  };
}

export function translateGtd(row: Row, release: DatasetRelease): Translation {
  const r = new RowReader(row);
  const rowId = r.required('eventid', 'row id');
  if (rowId !== undefined && !/^\d+$/.test(rowId)) r.problem('eventid', `"${rowId}" is not a GTD event id (digits)`);
  const year = r.int('iyear', { min: 1970, max: 2100 });
  if (r.text('iyear') === undefined) r.problem('iyear', 'missing year');
  const month = r.int('imonth', { min: 0, max: 12 });
  const day = r.int('iday', { min: 0, max: 31 });
  const spec = r.code('specificity', SPECIFICITY, { required: true });
  const doubt = r.code('doubtterr', DOUBT);
  const claimed = r.code('claimed', YES_NO_UNKNOWN);
  const claimMode = r.code('claimmode', CLAIM_MODE);
  const nkill = r.int('nkill', { min: 0 });
  const nwound = r.int('nwound', { min: 0 });
  const country = r.required('country_txt', 'country');
  const resolution = resolutionDay(r);
  let start: string | undefined;
  let end: string | undefined;
  if (year !== undefined && month !== undefined && day !== undefined) {
    const y = String(year);
    if (month === 0) {
      if (day !== 0) r.problem('iday', `day ${day} given without a month (imonth 0)`);
      [start, end] = [`${y}-01-01`, `${y}-12-31`];
    } else {
      const m = `${y}-${String(month).padStart(2, '0')}`;
      if (day === 0) [start, end] = [`${m}-01`, monthEnd(`${m}-01`)];
      else {
        const d = `${m}-${String(day).padStart(2, '0')}`;
        if (!isRealDay(d)) r.problem('iday', `${d} is not a real day`);
        else [start, end] = [d, d];
      }
    }
  } else {
    for (const c of ['imonth', 'iday']) if (r.text(c) === undefined) r.problem(c, 'missing (0 means unknown)');
  }
  const quote = pickQuote(row, ['summary', 'scite1', 'scite2', 'scite3', 'location', 'target1']);
  if (quote === undefined) r.problem('summary', 'no text of 8 or more characters to quote (summary, scite1-3)');
  if (r.problems.length > 0 || rowId === undefined || start === undefined || end === undefined || spec === undefined || quote === undefined) {
    return { ok: false, ...(rowId !== undefined ? { rowId } : {}), problems: r.problems };
  }

  const extended = r.text('extended') === '1' && resolution !== undefined && resolution > end;
  if (extended) end = resolution;
  const approx = r.text('approxdate');
  const label =
    approx !== undefined
      ? `${approx} (GTD approxdate)`
      : month === 0
        ? `${year} (GTD imonth 0: month unknown)`
        : day === 0
          ? `${MONTHS[month! - 1]} ${year} (GTD iday 0: day unknown)`
          : extended
            ? `${start} – ${end} (GTD extended incident, resolved ${resolution})`
            : undefined;
  const city = r.text('city');
  const place: Place = {
    precision: spec.value.precision,
    ...(spec.n <= 2 && city !== undefined && city.toLowerCase() !== 'unknown' ? { place: city } : {}),
    ...(spec.n === 3 && city !== undefined && city.toLowerCase() !== 'unknown' ? { district: city } : {}),
    ...(spec.n <= 4 && r.text('provstate') !== undefined && r.text('provstate')!.toLowerCase() !== 'unknown' ? { province: r.text('provstate')! } : {}),
    ...(country !== undefined ? { country } : {}),
    ...(() => {
      const note = joinParts([r.text('vicinity') === '1' ? `in the vicinity of ${city ?? 'the city'}` : undefined, r.text('location')], '; ');
      return note !== '' ? { note } : {};
    })(),
  };
  const group = known(r.text('gname'));
  let claim: Claim | undefined;
  if (claimed?.n === 1) {
    claim = {
      status: 'claimed',
      ...(group !== undefined ? { by: group } : {}),
      ...(claimMode !== undefined && claimMode.n !== 10 ? { channel: claimMode.value } : {}),
    };
  } else if (claimed?.n === 0) claim = { status: 'unclaimed' };
  const attackTypes = ['attacktype1_txt', 'attacktype2_txt', 'attacktype3_txt'].map((c) => r.text(c)).filter((t): t is string => t !== undefined);
  const killed = exactFigure(nkill);
  const wounded = exactFigure(nwound);
  const summary = r.text('summary');
  const where = joinParts([place.place ?? place.district, place.province, country]);
  const record: Incident = {
    kind: 'incident',
    id: recordId(GTD_KEY, rowId),
    title: `${attackTypes[0] ?? 'Attack'}${group !== undefined ? ` by ${group}` : ''}, ${where}`,
    summary: summary ?? `${attackTypes.join(', ')} in ${where}${r.text('target1') !== undefined ? ` against ${r.text('target1')}` : ''}.`,
    date: dateFromSpan(start, end, label),
    tags: [],
    sources: [{ source: releaseId(release.key, release.version), quote: quote.quote, note: `GTD row ${rowId}, column ${quote.column}` }],
    category: 'event',
    place,
    attackTypes,
    ...(r.text('target1') !== undefined ? { target: r.text('target1')! } : {}),
    ...(r.text('targtype1_txt') !== undefined ? { targetType: r.text('targtype1_txt')! } : {}),
    ...(group !== undefined ? { perpetrator: group } : {}),
    ...(claim !== undefined ? { claim } : {}),
    ...(killed !== undefined || wounded !== undefined
      ? {
          casualties: {
            ...(killed !== undefined ? { killed } : {}),
            ...(wounded !== undefined ? { wounded } : {}),
            note: 'GTD nkill/nwound: all confirmed victims and perpetrators',
          },
        }
      : {}),
    actors: actors([
      [known(r.text('gname')), 'perpetrator group 1'],
      [known(r.text('gname2')), 'perpetrator group 2'],
      [known(r.text('gname3')), 'perpetrator group 3'],
    ]),
    dataset: {
      key: GTD_KEY,
      release: releaseId(release.key, release.version),
      row: rowId,
      // The row's codes are read from the stored row when it is loaded (records/codebooks.ts).
      codes: [],
    },
  };
  return { ok: true, record, rowId };
}

export function gtdFormat(version: string): DatasetFormat {
  const release = gtdRelease(version);
  return { key: GTD_KEY, idColumn: 'eventid', required: REQUIRED, release, translate: (row) => translateGtd(row, release) };
}
