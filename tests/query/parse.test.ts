import { describe, expect, it } from 'vitest';
import { FILTER_NAMES, parseQuery } from '../../src/core/query/parse.ts';
import type { Filters } from '../../src/core/search/types.ts';

function ok(input: string): ReturnType<typeof parseQuery> {
  const q = parseQuery(input);
  expect(q.problems, `problems for ${JSON.stringify(input)}`).toEqual([]);
  return q;
}

describe('filters', () => {
  const cases: Array<[string, Filters, string[]]> = [
    ['place:kabul', { place: ['kabul'] }, []],
    ['place:"Mazar-e-Sharif" bombing', { place: ['Mazar-e-Sharif'] }, ['bombing']],
    ['PLACE:Kabul', { place: ['Kabul'] }, []],
    ['place:kabul place:herat', { place: ['kabul', 'herat'] }, []],
    ['place:kabul,herat', { place: ['kabul', 'herat'] }, []],
    ['place:kabul place:Kabul', { place: ['kabul'] }, []],
    ['country:Afghanistan', { country: ['Afghanistan'] }, []],
    ['type:"suicide bombing"', { type: ['suicide bombing'] }, []],
    ['target:school', { target: ['school'] }, []],
    ['outlet:"Voice of Khurasan"', { outlet: ['Voice of Khurasan'] }, []],
    ['outlet:"Voice of Khurasan, Pashto"', { outlet: ['Voice of Khurasan, Pashto'] }, []],
    ['medium:magazine', { medium: ['magazine'] }, []],
    ['medium:newsletters', { medium: ['newsletters'] }, []],
    ['language:pashto', { language: ['pashto'] }, []],
    ['claimed:yes', { claimed: true }, []],
    ['claimed:true', { claimed: true }, []],
    ['claimed:No', { claimed: false }, []],
    ['claimed:false', { claimed: false }, []],
    ['kind:incident', { kind: ['incident'] }, []],
    ['kind:incidents', { kind: ['incident'] }, []],
    ['kind:publications,sources', { kind: ['publication', 'source'] }, []],
    ['kind:source kind:incident kind:sources', { kind: ['source', 'incident'] }, []],
    ['category:attack', { category: ['attack'] }, []],
    ['category:raids,attacks', { category: ['operation', 'attack'] }, []],
    ['from:2022', { from: '2022-01-01' }, []],
    ['from:2022-03', { from: '2022-03-01' }, []],
    ['from:2022-03-04', { from: '2022-03-04' }, []],
    ['to:2022', { to: '2022-12-31' }, []],
    ['to:2022-02', { to: '2022-02-28' }, []],
    ['to:2024-02', { to: '2024-02-29' }, []],
    ['from:2022-03 to:2022-06', { from: '2022-03-01', to: '2022-06-30' }, []],
    ['year:2022', { year: 2022, from: '2022-01-01', to: '2022-12-31' }, []],
    ['order:newest kabul', {}, ['kabul']],
    ['year:2022 from:2022-06', { year: 2022, from: '2022-06-01', to: '2022-12-31' }, []],
    ['during:ramadan', { during: { month: 9, name: 'Ramadan' } }, []],
    ['during:ramadan 1443', { during: { month: 9, name: 'Ramadan', hijriYear: 1443 } }, []],
    ['during:Ramazan 1443 herat', { during: { month: 9, name: 'Ramadan', hijriYear: 1443 } }, ['herat']],
    ['during:muharram 2022', { during: { month: 1, name: 'Muharram', gregorianYear: 2022 } }, []],
    ['during:"ramadan 1443"', { during: { month: 9, name: 'Ramadan', hijriYear: 1443 } }, []],
    ['during:"dhu al-hijjah"', { during: { month: 12, name: 'Dhu al-Hijjah' } }, []],
    ['during:rabi al-awwal 1443 killed', { during: { month: 3, name: 'Rabi al-Awwal', hijriYear: 1443 } }, ['killed']],
    ['during:rabi-ul-awwal', { during: { month: 3, name: 'Rabi al-Awwal' } }, []],
    ['during:"rabi 1"', { during: { month: 3, name: 'Rabi al-Awwal' } }, []],
    ['during:"rabi 1 1443"', { during: { month: 3, name: 'Rabi al-Awwal', hijriYear: 1443 } }, []],
    ['during:ramadan 12', { during: { month: 9, name: 'Ramadan' } }, ['12']],
    [
      'year:2022 during:muharram',
      { year: 2022, from: '2022-01-01', to: '2022-12-31', during: { month: 1, name: 'Muharram', gregorianYear: 2022 } },
      [],
    ],
    [
      'during:muharram 1444 year:2022',
      { year: 2022, from: '2022-01-01', to: '2022-12-31', during: { month: 1, name: 'Muharram', hijriYear: 1444 } },
      [],
    ],
    ['place: kabul', { place: ['kabul'] }, []],
    ['during: ramadan 1443', { during: { month: 9, name: 'Ramadan', hijriYear: 1443 } }, []],
    ['place:kabul claimed:yes year:2022 bus', { place: ['kabul'], claimed: true, year: 2022, from: '2022-01-01', to: '2022-12-31' }, ['bus']],
  ];

  it.each(cases)('%j', (input, filters, terms) => {
    const q = ok(input);
    expect(q.filters).toEqual(filters);
    expect(q.terms).toEqual(terms);
  });

  it('has a case for every filter name', () => {
    for (const name of FILTER_NAMES) {
      expect(cases.some(([input]) => input.toLowerCase().includes(`${name}:`)), name).toBe(true);
    }
  });
});

describe('problems', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['plce:kabul', 'text', /unknown filter 'plce' — did you mean place:\? Filters: place, country, type/],
    ['palce:kabul', 'text', /did you mean place:/],
    ['yaer:2022', 'text', /did you mean year:/],
    ['lang:pashto', 'text', /did you mean language:/],
    ['city:kabul', 'text', /did you mean place:/],
    ['date:2022', 'text', /year/],
    ['from:2022-13', 'from', /'2022-13' is not a date/],
    ['from:2022-02-30', 'from', /not a date/],
    ['to:22', 'to', /not a date/],
    ['from:yesterday', 'from', /not a date/],
    ['from:2023 to:2022', 'from', /after/],
    ['year:2022 from:2023-01', 'year', /no days/],
    ['from:2022 from:2023', 'from', /more than once/],
    ['year:22', 'year', /not a year/],
    ['claimed:maybe', 'claimed', /yes or no/],
    ['claimed:yes claimed:no', 'claimed', /both/],
    ['kind:attack', 'kind', /incident, publication or source/],
    ['category:bombing', 'category', /attack or operation/],
    ['category:', 'category', /needs a value/],
    ['during:foo', 'during', /Muharram, Safar, Rabi al-Awwal.*Dhu al-Hijjah/],
    ['during:rabi', 'during', /not a Hijri month/],
    ['during:2022', 'during', /not a Hijri month/],
    ['during:ramadan 1700', 'during', /Hijri year \(1300–1600\).*Gregorian year/],
    ['during:"ramadan 12"', 'during', /'12' is not a year/],
    ['during:ramadan during:muharram', 'during', /more than once/],
    ['medium:podcast', 'medium', /not a medium/],
    ['place:', 'place', /needs a value/],
    ['place:""', 'place', /needs a value/],
    ['place:, ', 'place', /needs a value/],
    ['kind:', 'kind', /needs a value/],
    ['during:', 'during', /needs a value/],
    ['place: year:2022', 'place', /needs a value/],
    ['during:ramadan 1443 year:2023', 'during', /Ramadan 1443 \(Apr–May 2022\) have no days in common/],
    ['during:muharram 2022 to:2022-07-01', 'during', /no days in common/],
  ];

  it.each(cases)('%j', (input, option, message) => {
    const q = parseQuery(input);
    expect(q.problems.length, JSON.stringify(q.problems)).toBeGreaterThan(0);
    expect(q.problems.some((p) => p.option === option && message.test(p.message)), JSON.stringify(q.problems)).toBe(true);
  });

  it('collects every problem instead of stopping at the first', () => {
    const q = parseQuery('plce:kabul from:2022-13 claimed:maybe');
    expect(q.problems.map((p) => p.option)).toEqual(['text', 'from', 'claimed']);
  });

  it('keeps the valid filters next to a problem', () => {
    const q = parseQuery('place:kabul from:2022-13');
    expect(q.filters.place).toEqual(['kabul']);
  });
});

describe('lunr syntax typed by accident', () => {
  const cases: Array<[string, string[], RegExp | null]> = [
    ['title: kabul', ['title', 'kabul'], /'title:' is not a filter/],
    ['title:kabul', ['title', 'kabul'], /'title:' is not a filter/],
    ['bomb~', ['bomb'], /ignored '~' after 'bomb'/],
    ['bomb~2', ['bomb'], /ignored '~2'/],
    ['~99 kabul', ['kabul'], /ignored '~99'/],
    ['kabul^2', ['kabul'], /ignored '\^2'/],
    ['^2', [], /ignored '\^2'/],
    ['*kabul', ['kabul'], /ignored '\*'/],
    ['bomb*', ['bomb'], /ignored '\*'/],
    ['- kabul', ['kabul'], /lone '-'/],
    ['+ kabul', ['kabul'], /lone '\+'/],
    ['-herat kabul', ['herat', 'kabul'], /cannot be excluded/],
    ['+herat', ['herat'], /ignored '\+'/],
    ['kabul OR herat', ['kabul', 'herat'], /ignored 'OR'/],
    ['attack at 10:30', ['attack', 'at', '10:30'], null],
    ['"unbalanced kabul', ['unbalanced', 'kabul'], /unmatched/],
    ['place:"Mazar-e-Sharif', [], /unmatched/],
    ['kabul, herat.', ['kabul', 'herat'], null],
    ['(kabul)', ['kabul'], null],
  ];

  it.each(cases)('%j', (input, terms, note) => {
    const q = ok(input);
    expect(q.terms).toEqual(terms);
    if (note === null) expect(q.notes).toEqual([]);
    else expect(q.notes.some((n) => note.test(n)), JSON.stringify(q.notes)).toBe(true);
  });

  it('reads the rest of an unmatched quote after a filter name as the value', () => {
    expect(ok('place:"Mazar-e-Sharif').filters.place).toEqual(['Mazar-e-Sharif']);
  });

  it('does not read a time as a filter', () => {
    expect(ok('10:30').filters).toEqual({});
  });
});

describe('terms', () => {
  it('lower-cases and keeps hyphenated words as typed', () => {
    expect(ok('Peshawar Imambargah Mazar-e-Sharif').terms).toEqual(['peshawar', 'imambargah', 'mazar-e-sharif']);
  });

  it('keeps Arabic, Pashto and Persian words', () => {
    expect(ok('حمله کابل داعش').terms).toEqual(['حمله', 'کابل', 'داعش']);
    expect(ok('«ولایت خراسان»').terms).toEqual(['ولایت', 'خراسان']);
  });

  it('searches a quoted phrase without a filter name as words', () => {
    expect(ok('"Islamic State Khorasan" attack').terms).toEqual(['islamic', 'state', 'khorasan', 'attack']);
  });

  it('treats curly quotes like straight ones', () => {
    expect(ok('outlet:“Voice of Khurasan”').filters.outlet).toEqual(['Voice of Khurasan']);
  });

  it('reads full-width characters from an IME', () => {
    expect(ok('ｐｌａｃｅ：ｋａｂｕｌ').filters.place).toEqual(['kabul']);
  });

  it('drops words with nothing searchable', () => {
    expect(ok('kabul ... !!! 🙂').terms).toEqual(['kabul']);
  });

  it('lists each word once', () => {
    expect(ok('kabul Kabul KABUL').terms).toEqual(['kabul']);
  });
});

describe('input', () => {
  it('reads empty and blank input as nothing', () => {
    for (const input of ['', '   ', '\n\t']) {
      expect(parseQuery(input)).toEqual({ input: '', terms: [], filters: {}, problems: [], notes: [] });
    }
  });

  it('reads undefined and null as an empty query without notes', () => {
    expect(parseQuery(undefined)).toEqual({ input: '', terms: [], filters: {}, problems: [], notes: [] });
    expect(parseQuery(null)).toEqual({ input: '', terms: [], filters: {}, problems: [], notes: [] });
  });

  it('reads other non-strings as empty, with a note', () => {
    for (const input of [42, {}, ['kabul'], true]) {
      const q = parseQuery(input);
      expect(q.terms).toEqual([]);
      expect(q.problems).toEqual([]);
      expect(q.notes.length).toBe(1);
    }
  });

  it('trims the input it reports', () => {
    expect(parseQuery('  kabul  ').input).toBe('kabul');
  });

  it('cuts input to 500 characters and says so', () => {
    const long = `${'kabul '.repeat(100)}herat`;
    const q = parseQuery(long);
    expect(q.input.length).toBeLessThanOrEqual(500);
    expect(q.notes).toContain('query cut to 500 characters');
    expect(q.terms).toContain('kabul');
    expect(q.terms).not.toContain('herat');
  });

  it('does not cut input of exactly 500 characters', () => {
    const q = parseQuery('a'.repeat(500));
    expect(q.input.length).toBe(500);
    expect(q.notes).toEqual([]);
  });

  it('does not split a surrogate pair when cutting', () => {
    const q = parseQuery(`${'a'.repeat(499)}𝐀𝐀`);
    expect(q.input).toBe('a'.repeat(499));
  });
});
