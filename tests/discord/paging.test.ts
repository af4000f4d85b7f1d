// Paging state in button custom ids: it round-trips, fits Discord's 100
// characters, survives a restart (a fresh Paging decodes it) unless it had to
// be kept in memory, and rejects ids it did not make.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CUSTOM_ID_MAX, Paging, type PagingState } from '../../src/discord/paging.ts';

const state = (options: { [k: string]: string }, n = 2, kind: 'page' | 'part' = 'page'): PagingState => ({ command: 'search', options, target: { kind, n } });

describe('custom ids', () => {
  it('GIVEN any options THEN the id is at most 100 characters and decodes to the same state', () => {
    const paging = new Paging();
    const options = fc.dictionary(fc.constantFrom('query', 'from', 'to', 'by', 'id'), fc.string({ unit: 'grapheme', maxLength: 120 }));
    fc.assert(
      fc.property(options, fc.integer({ min: 1, max: 1000 }), fc.constantFrom('page' as const, 'part' as const), (opts, n, kind) => {
        const { customId } = paging.encode(state(opts, n, kind));
        expect(customId.length).toBeLessThanOrEqual(CUSTOM_ID_MAX);
        expect(paging.decode(customId)).toEqual({ ok: true, state: state(opts, n, kind) });
      }),
    );
  });

  it('GIVEN an ordinary query THEN the state is in the id itself, so a new process (after a restart) decodes it', () => {
    const { customId, remembered } = new Paging().encode(state({ query: 'place:kabul type:"suicide bombing" & more=|%' }));
    expect(remembered).toBe(false);
    expect(customId.startsWith('pg|search|p2|')).toBe(true);
    expect(new Paging().decode(customId)).toEqual({ ok: true, state: state({ query: 'place:kabul type:"suicide bombing" & more=|%' }) });
  });

  it('GIVEN options too long for 100 characters THEN a hash kept in memory: it decodes in this process, and is "expired" after a restart', () => {
    const long = { query: 'kabul '.repeat(60).trim() };
    const paging = new Paging();
    const { customId, remembered } = paging.encode(state(long));
    expect(remembered).toBe(true);
    expect(customId.length).toBeLessThanOrEqual(CUSTOM_ID_MAX);
    expect(paging.decode(customId)).toEqual({ ok: true, state: state(long) });
    expect(new Paging().decode(customId)).toEqual({ ok: false, reason: 'expired' });
  });

  it('GIVEN more long queries than the memory holds THEN the least recently used is forgotten first', () => {
    const paging = new Paging({ maxRemembered: 2 });
    const ids = [1, 2, 3].map((i) => paging.encode(state({ query: `${i} `.repeat(80) })).customId);
    expect(paging.decode(ids[0]!)).toEqual({ ok: false, reason: 'expired' });
    expect(paging.decode(ids[1]!).ok).toBe(true);
    expect(paging.decode(ids[2]!).ok).toBe(true);
  });

  it.each(['', 'button', 'pg|search|p0|', 'pg|search|x2|query=a', 'pg||p2|', 'pg|search|p2|novalue', 'pg|search|p2|q=%zz', 'xx|search|p2|'])(
    'GIVEN the foreign id %j THEN invalid',
    (id) => {
      expect(new Paging().decode(id)).toEqual({ ok: false, reason: 'invalid' });
    },
  );

  it('GIVEN page 1 of 3 THEN Prev is disabled, Next goes to page 2, and both ids differ', () => {
    const { row } = new Paging().row('timeline', { query: 'year:2022' }, 'page', 1, 3);
    const [prev, next] = row.components as { custom_id: string; disabled: boolean }[];
    expect(prev?.disabled).toBe(true);
    expect(next?.disabled).toBe(false);
    expect(prev?.custom_id).not.toBe(next?.custom_id);
    expect(new Paging().decode(next!.custom_id)).toEqual({ ok: true, state: { command: 'timeline', options: { query: 'year:2022' }, target: { kind: 'page', n: 2 } } });
    const last = new Paging().row('timeline', {}, 'page', 3, 3).row.components as { disabled: boolean }[];
    expect(last.map((b) => b.disabled)).toEqual([false, true]);
  });
});
