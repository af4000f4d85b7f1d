// The JSON contract scripts rely on (documented in the README).
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../commands/index.ts';
import { VIEW_VERSION } from '../../src/core/views.ts';
import { renderJson } from '../../src/render/json.ts';
import { deps, NEWS } from '../commands/helpers.ts';

type Json = { [k: string]: unknown };

function json(command: string, options: Record<string, string>): Json {
  return JSON.parse(renderJson(runCommand(command, options, deps()))) as Json;
}

function expectEntryContract(entry: Json): void {
  expect(typeof entry['id']).toBe('string');
  expect(['incident', 'publication', 'source']).toContain(entry['kind']);
  expect(entry['date'] === null || /^\d{4}-\d{2}-\d{2}$/.test(entry['date'] as string)).toBe(true);
  expect(typeof entry['dateLabel']).toBe('string');
  expect(typeof entry['title']).toBe('string');
  const citations = entry['citations'] as Json[];
  expect(Array.isArray(citations)).toBe(true);
  for (const c of citations) {
    expect(typeof c['url']).toBe('string');
    expect(typeof c['title']).toBe('string');
    expect(typeof c['quote']).toBe('string');
  }
}

describe('JSON replies', () => {
  it.each([
    ['search', { query: 'kabul' }],
    ['timeline', { query: 'year:2022' }],
  ])('GIVEN /%s THEN command, total and entries with the contract fields', (command, options) => {
    const out = json(command, options);
    expect(out['version']).toBe(VIEW_VERSION);
    expect(out['command']).toBe(command);
    expect(typeof out['total']).toBe('number');
    const entries = out['entries'] as Json[];
    expect(entries.length).toBeGreaterThan(0);
    for (const e of entries) expectEntryContract(e);
  });

  it('GIVEN an incident dated to a month THEN date is its first day and dateLabel the month', () => {
    const entries = json('search', { query: 'shooting' })['entries'] as Json[];
    expect(entries[0]).toMatchObject({ id: 'inc-2022-04-kabul', date: '2022-04-01', dateLabel: 'Apr 2022' });
  });

  it('GIVEN an undated record THEN date is null', () => {
    const entries = json('timeline', { query: 'unknown place' })['entries'] as Json[];
    expect(entries.find((e) => e['id'] === 'inc-undated-unknown-place')?.['date']).toBeNull();
  });

  it('GIVEN /count THEN rows of key and count, total, and the counted entries', () => {
    const out = json('count', { by: 'outlet' });
    expect(out['command']).toBe('count');
    expect(typeof out['total']).toBe('number');
    const rows = out['rows'] as Json[];
    for (const r of rows) {
      expect(typeof r['key']).toBe('string');
      expect(typeof r['count']).toBe('number');
    }
    const entries = out['entries'] as Json[];
    expect(entries).toHaveLength(out['total'] as number);
    for (const e of entries) expectEntryContract(e);
  });

  it('GIVEN a citation THEN the url is the source document URL', () => {
    const entries = json('search', { query: 'peshawar' })['entries'] as Json[];
    expect((entries[0]!['citations'] as Json[])[0]!['url']).toBe(NEWS.url);
  });

  it('GIVEN an error THEN type error with code, message and hints', () => {
    const out = json('nope', {});
    expect(out).toMatchObject({ type: 'error', command: null, code: 'unknown-command' });
    expect(typeof out['message']).toBe('string');
    expect(Array.isArray(out['hints'])).toBe(true);
  });
});
