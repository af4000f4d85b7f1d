import { describe, expect, it } from 'vitest';
import { handle, recordFields } from '../../commands/record.ts';
import { as, deps, INCIDENTS, NEWS, REVIEW, valid } from './helpers.ts';

describe('/record', () => {
  it('GIVEN an incident id THEN every field is shown and every citation has its quote, URL and passage', () => {
    const view = as(valid(handle({ id: 'inc-2022-03-04-peshawar' }, deps())), 'record');
    const fields = new Map(view.fields.map((f) => [f.label, f.value]));
    expect(fields.get('Place')).toContain('Imambargah, Peshawar, Pakistan');
    expect(fields.get('Attack types')).toBe('suicide bombing');
    expect(fields.get('Claim')).toBe('attributed by Example News');
    expect(fields.get('Killed and wounded (one figure)')).toBe('more than 200');
    expect(fields.get('Date')).toContain('precision: day');
    expect(view.citations).toHaveLength(2);
    expect(view.citations[0]).toMatchObject({ url: NEWS.url, passage: 1, quote: 'A suicide bomber struck an Imambargah in Peshawar on March 4' });
    // The second quote is the source's title: no passage holds it.
    expect(view.citations[1]!.passage).toBeNull();
    expect(view.record).toEqual(INCIDENTS[0]);
  });

  it('GIVEN a record with a field the formatter does not know THEN it is still shown', () => {
    const record = { ...INCIDENTS[1]!, extra: 'kept' } as unknown as Parameters<typeof recordFields>[0];
    expect(recordFields(record)).toContainEqual({ label: 'extra', value: '"kept"' });
  });

  it('GIVEN an imprecise date THEN the field says its precision and the days it covers', () => {
    const view = as(handle({ id: 'inc-2022-ramadan-mazar' }, deps()), 'record');
    const date = view.fields.find((f) => f.label === 'Date')!.value;
    expect(date).toBe('Ramadan 1443 (Apr–May 2022) (precision: range; 2022-04-02 to 2022-05-01)');
  });

  it('GIVEN an undated record THEN the date says the source gives none', () => {
    const view = as(handle({ id: 'inc-undated-unknown-place' }, deps()), 'record');
    expect(view.date).toBeNull();
    expect(view.fields.find((f) => f.label === 'Date')?.value).toBe('not given by the source');
  });

  it('GIVEN a source id THEN its passages are listed, numbered', () => {
    const view = as(handle({ id: REVIEW.id }, deps()), 'record');
    expect(view.kind).toBe('source');
    expect(view.passages.map((p) => p.n)).toEqual([1, 2, 3]);
    expect(view.fields.find((f) => f.label === 'Author')?.value).toBe('A. Analyst');
  });

  it.each([
    ['inc-2022-03-04-peshawr', 'inc-2022-03-04-peshawar'],
    ['peshawar', 'inc-2022-03-04-peshawar'],
    ['vok-4', 'pub-vok-4'],
    ['kabul raid', 'op-2022-10-kabul-raid'],
  ])('GIVEN the unknown id %s THEN the error suggests %s', (id, suggestion) => {
    const view = as(handle({ id }, deps()), 'error');
    expect(view.code).toBe('not-found');
    expect(view.hints.join(' ')).toContain(suggestion);
  });

  it('GIVEN an id like nothing THEN the error says where ids are found', () => {
    const view = as(handle({ id: 'zzzzzzzzzzzzzzzzzzzz' }, deps()), 'error');
    expect(view.hints.join(' ')).toContain('/search');
  });
});
