import { describe, expect, it } from 'vitest';
import { handle } from '../../commands/cite.ts';
import { as, deps, NEWS, REVIEW, valid } from './helpers.ts';

const accessed = new Date('2025-11-27T23:30:00Z');

describe('/cite', () => {
  it('GIVEN a record citing one source twice THEN one reference with both quotes (markdown by default)', () => {
    const view = as(valid(handle({ id: 'inc-2022-03-04-peshawar' }, deps(accessed))), 'citations');
    expect(view.style).toBe('markdown');
    expect(view.accessed).toBe('2025-11-27');
    expect(view.items).toHaveLength(1);
    const item = view.items[0]!;
    expect(item.url).toBe(NEWS.url);
    expect(item.quotes.map((q) => q.passage)).toEqual([1, null]);
    expect(item.text).toBe(`[Attacks on worshippers in Peshawar and Kabul](${NEWS.url}) — Example News, 10 May 2022. Accessed 27 Nov 2025.`);
  });

  it('GIVEN style chicago THEN title in quotes, publisher, long dates, access date, URL', () => {
    const view = as(handle({ id: 'pub-vok-3', style: 'chicago' }, deps(accessed)), 'citations');
    expect(view.items[0]!.text).toBe(
      `A. Analyst. "Propaganda review 2022." Example Monitor, January 15, 2023. Accessed November 27, 2025. ${REVIEW.url}.`,
    );
  });

  it('GIVEN style apa and no named author THEN the title takes the author position', () => {
    const view = as(handle({ id: NEWS.id, style: 'apa' }, deps(accessed)), 'citations');
    expect(view.items[0]!.text).toBe(
      `Attacks on worshippers in Peshawar and Kabul. (2022, May 10). Example News. Retrieved November 27, 2025, from ${NEWS.url}`,
    );
    expect(view.items[0]!.quotes).toEqual([]);
  });

  it('GIVEN another day THEN the accessed date follows deps.now()', () => {
    const view = as(handle({ id: 'pub-vok-3', style: 'apa' }, deps(new Date('2030-01-02T00:00:00Z'))), 'citations');
    expect(view.items[0]!.text).toContain('Retrieved January 2, 2030');
  });

  it('GIVEN an unknown id THEN closest ids are suggested', () => {
    const view = as(handle({ id: 'pub-vok-5' }, deps()), 'error');
    expect(view.hints.join(' ')).toMatch(/pub-vok-[34]/);
  });
});

describe('markdown references', () => {
  it('GIVEN a title with markdown characters THEN they are escaped so the link still works', async () => {
    const { formatReference } = await import('../../src/core/citations.ts');
    const source = { ...NEWS, title: 'Attacks [updated] *now*', url: 'https://example.org/a_(b)' };
    expect(formatReference(source, 'markdown', accessed)).toBe(
      '[Attacks \\[updated\\] \\*now\\*](https://example.org/a_%28b%29) — Example News, 10 May 2022. Accessed 27 Nov 2025.',
    );
  });
});
