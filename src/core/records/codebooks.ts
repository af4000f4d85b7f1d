// What the event datasets' codes mean, from their codebooks: the tables the
// importers translate by, and the codes a record keeps from its row. The
// codes are not stored twice: records.ndjson keeps the row verbatim, and
// datasetCodes() reads a record's codes from it when the row is loaded, with
// their meanings from here.
//
// Codebooks: "UCDP GED Codebook version 23.1"; "ACLED Codebook" (2023);
// "GTD Codebook: Methodology, Inclusion Criteria, and Variables" (START, August 2021).
import type { DatasetCode } from './schema.ts';

export type CodeTable = ReadonlyMap<number, string>;

export const GED_DATE_PREC: CodeTable = new Map([
  [1, 'exact date of the event is known'],
  [2, 'date known only within a 2–6 day range'],
  [3, 'only the week of the event is known'],
  [4, 'date known only within an 8–30 day range, or only the month'],
  [5, 'date known only within a range of more than 30 days, or only the year'],
]);

export const GED_WHERE_PREC: CodeTable = new Map([
  [1, 'exact location of the event is known'],
  [2, 'event within about 25 km of a known point'],
  [3, 'only the second-order administrative division is known'],
  [4, 'only the first-order administrative division is known'],
  [5, 'only a linear feature or area (river, road, border region) is known'],
  [6, 'only the country is known'],
  [7, 'international waters or airspace'],
]);

export const GED_VIOLENCE: CodeTable = new Map([
  [1, 'state-based conflict'],
  [2, 'non-state conflict'],
  [3, 'one-sided violence'],
]);

export const GED_EVENT_CLARITY: CodeTable = new Map([
  [1, 'high clarity: the event is clearly described'],
  [2, 'lower clarity: an aggregate or summary of several events'],
]);

export const ACLED_TIME_PRECISION: CodeTable = new Map([
  [1, 'the source reports the day of the event'],
  [2, 'the source reports only the week; event_date is a day within it'],
  [3, 'the source reports only the month; event_date is a day within it'],
]);

export const ACLED_GEO_PRECISION: CodeTable = new Map([
  [1, 'the source names the town; coordinates are that town'],
  [2, 'the source names part of a region near a town; coordinates are of that town'],
  [3, 'the source names only a larger region; coordinates are of a stand-in location in it'],
]);

export const GTD_SPECIFICITY: CodeTable = new Map([
  [1, 'in a city/village/town; coordinates are of that place'],
  [2, 'in a city/village/town without coordinates; coordinates are of the smallest region'],
  [3, 'not in a city/village/town; coordinates are of the smallest region identified'],
  [4, 'no second-order region identified; coordinates are of the first-order region'],
  [5, 'no first-order region identified; coordinates unknown'],
]);

export const GTD_YES_NO_UNKNOWN: CodeTable = new Map([
  [1, 'yes'],
  [0, 'no'],
  [-9, 'unknown'],
]);

export const GTD_DOUBT: CodeTable = new Map([
  [1, 'yes: there is doubt that the incident is an act of terrorism'],
  [0, 'no: essentially no doubt that it is terrorism'],
  [-9, 'unknown (not recorded)'],
]);

export const GTD_CLAIM_MODE: CodeTable = new Map([
  [1, 'letter'],
  [2, 'call (post-incident)'],
  [3, 'call (pre-incident)'],
  [4, 'e-mail'],
  [5, 'note left at scene'],
  [6, 'video'],
  [7, 'posted to website, blog or social media'],
  [8, 'personal claim'],
  [9, 'other'],
  [10, 'unknown'],
]);

/** A kept field: its meaning, fixed or by code. */
type FieldSpec = readonly [field: string, meaning?: string | CodeTable];

const GED_FIELDS: readonly FieldSpec[] = [
  ['date_prec', GED_DATE_PREC],
  ['where_prec', GED_WHERE_PREC],
  ['event_clarity', GED_EVENT_CLARITY],
  ['type_of_violence', GED_VIOLENCE],
  ['best', 'best estimate of deaths'],
  ['low', 'lowest reliable estimate of deaths'],
  ['high', 'highest reliable estimate of deaths'],
  ['deaths_a', 'deaths of side A'],
  ['deaths_b', 'deaths of side B'],
  ['deaths_civilians', 'civilian deaths'],
  ['deaths_unknown', 'deaths of unknown status'],
  ['latitude'],
  ['longitude'],
  ['conflict_name'],
  ['dyad_name'],
  ['number_of_sources'],
];

const ACLED_FIELDS: readonly FieldSpec[] = [
  ['event_date'],
  ['time_precision', ACLED_TIME_PRECISION],
  ['geo_precision', ACLED_GEO_PRECISION],
  ['fatalities', 'conservative count of reported fatalities'],
  ['event_type'],
  ['sub_event_type'],
  ['disorder_type'],
  ['inter1', 'actor 1 type code'],
  ['inter2', 'actor 2 type code'],
  ['interaction', 'interaction code of the two actor types'],
  ['latitude'],
  ['longitude'],
  ['source'],
  ['source_scale'],
];

const GTD_FIELDS: readonly FieldSpec[] = [
  ['iyear'],
  ['imonth', new Map([[0, 'month unknown']])],
  ['iday', new Map([[0, 'day unknown']])],
  ['approxdate', 'approximate date as the coders wrote it'],
  ['extended', new Map([[1, 'the incident lasted more than 24 hours'], [0, 'the incident lasted less than 24 hours']])],
  ['resolution', 'date an extended incident ended'],
  ['specificity', GTD_SPECIFICITY],
  ['vicinity', new Map([[1, 'in the immediate vicinity of the city'], [0, 'in the city itself']])],
  ['latitude'],
  ['longitude'],
  ['doubtterr', GTD_DOUBT],
  ['alternative_txt'],
  ['claimed', GTD_YES_NO_UNKNOWN],
  ['claimmode', GTD_CLAIM_MODE],
  ['weaptype1_txt'],
  ['weapsubtype1_txt'],
  ['weaptype2_txt'],
  ['weapdetail'],
  ['targsubtype1_txt'],
  ['nkill', 'confirmed fatalities, victims and perpetrators'],
  ['nkillter', 'perpetrator fatalities'],
  ['nwound', 'confirmed non-fatal injuries'],
  ['scite1'],
  ['scite2'],
  ['scite3'],
  ['dbsource'],
];

export const DATASET_FIELDS: Readonly<Record<'ucdp-ged' | 'acled' | 'gtd', readonly FieldSpec[]>> = {
  'ucdp-ged': GED_FIELDS,
  acled: ACLED_FIELDS,
  gtd: GTD_FIELDS,
};

/** The codes a record keeps from its row, with their meanings. `fields` for a mapped sheet: [column, meaning]. */
export function datasetCodes(fields: readonly FieldSpec[], row: Readonly<Record<string, string>>): DatasetCode[] {
  const out: DatasetCode[] = [];
  for (const [field, meaning] of fields) {
    const raw = row[field];
    if (raw === undefined) continue;
    const value = raw.trim();
    if (value === '') continue;
    let m: string | undefined;
    if (typeof meaning === 'string') m = meaning;
    else if (meaning !== undefined) {
      // "2", "2.0" and "-9" are codes; Number() of anything else is not an integer.
      const x = Number(value);
      const n = Number.isInteger(x) ? x : NaN;
      m = meaning.get(n);
    }
    out.push({ field, value, ...(m !== undefined ? { meaning: m } : {}) });
  }
  return out;
}
