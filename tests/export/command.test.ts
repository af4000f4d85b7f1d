// /export: the reply says what the file holds; the attachment spec carries one
// row per matching record, in date order, named by the day it was made.
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../commands/index.ts';
import { renderJson } from '../../src/render/json.ts';
import { renderText } from '../../src/render/text.ts';
import { as, deps, INCIDENTS, NOW, PUBLICATIONS, valid } from '../commands/helpers.ts';

function exportOf(options: Record<string, string>) {
  return as(valid(runCommand('export', options, deps())), 'export');
}

function rowsOf(view: ReturnType<typeof exportOf>) {
  const spec = view.attachments[0];
  if (spec?.kind !== 'export') throw new Error('expected an export attachment');
  return spec;
}

describe('/export', () => {
  it('GIVEN format:csv and no query THEN every incident and publication, once each, in the timeline order', () => {
    const view = exportOf({ format: 'csv' });
    expect(view).toMatchObject({ format: 'csv', total: INCIDENTS.length + PUBLICATIONS.length });
    expect(view.kinds).toEqual({ incidents: INCIDENTS.length, publications: PUBLICATIONS.length, sources: 0 });
    const spec = rowsOf(view);
    expect(spec.name).toBe(`archivist-export-${NOW.toISOString().slice(0, 10)}.csv`);
    expect(spec.meta.generatedAt).toBe(NOW.toISOString());
    const ids = spec.rows.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    // Same order as the timeline lists them.
    const timeline = as(valid(runCommand('timeline', {}, deps())), 'list');
    expect(ids.slice(0, timeline.entries.length)).toEqual(timeline.entries.map((e) => e.id));
  });

  it('GIVEN a query and dates THEN only matching records, and the query in the metadata', () => {
    const view = exportOf({ format: 'json', query: 'country:afghanistan', from: '2022-04', to: '2022-04' });
    const spec = rowsOf(view);
    expect(spec.rows.length).toBeGreaterThan(0);
    for (const row of spec.rows) expect(row.country).toBe('Afghanistan');
    expect(spec.rows.map((r) => r.id)).not.toContain('op-2022-10-kabul-raid');
    expect(spec.meta.query).toBe('country:afghanistan');
    expect(spec.meta.readAs).toEqual(view.readAs);
    expect(spec.name.endsWith('.json')).toBe(true);
  });

  it('GIVEN kind:source THEN source documents are exported with their own URL', () => {
    const view = exportOf({ format: 'csv', query: 'kind:source' });
    expect(view.kinds).toMatchObject({ sources: 2, incidents: 0 });
    for (const row of rowsOf(view).rows) expect(row.source_url).toMatch(/^https:\/\/example\.org\//);
  });

  it('GIVEN nothing matches THEN no attachment, and the text says nothing was exported', () => {
    const view = exportOf({ format: 'csv', query: 'zzzzqqq' });
    expect(view.total).toBe(0);
    expect(view.attachments).toEqual([]);
    expect(renderText(view)).toContain('nothing was exported');
  });

  it('GIVEN an export THEN the text names the count, kinds, format and file; the JSON is the View', () => {
    const view = exportOf({ format: 'csv', query: 'kabul' });
    const text = renderText(view);
    expect(text).toContain(`Exported ${view.total} records`);
    expect(text).toContain('CSV');
    expect(text).toContain(rowsOf(view).name);
    for (const line of text.split('\n')) expect(Array.from(line).length).toBeLessThanOrEqual(80);
    expect(JSON.parse(renderJson(view))).toMatchObject({ type: 'export', total: view.total, format: 'csv' });
  });

  it('GIVEN no format or a bad one THEN an error listing csv and json', () => {
    const missing = as(valid(runCommand('export', {}, deps())), 'error');
    expect(missing.code).toBe('missing-option');
    expect(missing.hints.join(' ')).toContain('csv, json');
    const bad = as(valid(runCommand('export', { format: 'xlsx' }, deps())), 'error');
    expect(bad.code).toBe('bad-option');
  });

  it('GIVEN a bad date THEN the same error as the other commands', () => {
    const view = as(valid(runCommand('export', { format: 'csv', from: '2022-13' }, deps())), 'error');
    expect(view.code).toBe('bad-option');
  });
});
