// Drafted records: modal fields read back with problems naming the field, the
// duplicate flag, the curated overlay (data/ wins), and the review rules.
import { mkdir, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { matchFilters } from '../../src/core/query/filter.ts';
import { loadRecordOverlay } from '../../src/core/records/overlay.ts';
import { Incident, SourceDocument, type Record } from '../../src/core/records/schema.ts';
import { openArchive } from '../../src/core/search/holder.ts';
import { applyFields, fieldsOf, recordFileText, recordIdFor } from '../../src/core/suggest/draft.ts';
import { likelyDuplicates } from '../../src/core/suggest/match.ts';
import { curatedRecordsDir } from '../../src/drafts/paths.ts';
import { DraftService } from '../../src/drafts/service.ts';
import { openStateDb } from '../../src/state/db.ts';
import { DraftStore } from '../../src/state/draft-store.ts';
import { tempStateDir } from '../digest/helpers.ts';

const seed = SourceDocument.parse(JSON.parse(readFileSync('data/sources/thekhorasandiary-28362.json', 'utf8')));
const peshawar = Incident.parse(JSON.parse(readFileSync('data/incidents/inc-2022-03-04-peshawar-imambargah-bombing.json', 'utf8'))) as Record;

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('modal fields', () => {
  it('GIVEN a record THEN its fields read back to the same record', () => {
    const back = applyFields(peshawar, fieldsOf(peshawar), seed);
    expect(back.ok && back.record).toEqual(peshawar);
  });

  it('GIVEN a bad date, casualties and quote THEN one problem per field, each naming it', () => {
    const fields = { ...fieldsOf(peshawar), date: '4 March', detail: 'many dead', quote: 'ISKP attacked a mosque in Lahore on March 4.' };
    const r = applyFields(peshawar, fields, seed);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems.map((p) => p.field).sort()).toEqual(['date', 'detail', 'quote']);
      expect(r.problems.find((p) => p.field === 'quote')?.message).toContain('quote not found in the source');
      expect(r.problems.find((p) => p.field === 'date')?.message).toContain('YYYY-MM-DD');
    }
  });

  it('GIVEN edits THEN the record carries them: a range date, new casualties, a place', () => {
    const fields = { ...fieldsOf(peshawar), date: '2022-03-01..2022-03-31', detail: 'killed 60; wounded about 190', where: 'Imambargah, Peshawar, Pakistan' };
    const r = applyFields(peshawar, fields, seed);
    expect(r.ok).toBe(true);
    if (r.ok && r.record.kind === 'incident') {
      expect(r.record.date).toEqual({ start: '2022-03-01', end: '2022-03-31', precision: 'range' });
      expect(r.record.casualties).toEqual({ killed: { low: 60, qualifier: 'exact' }, wounded: { low: 190, qualifier: 'about' } });
      expect(r.record.place).toMatchObject({ site: 'Imambargah', place: 'Peshawar', country: 'Pakistan' });
    }
  });

  it('GIVEN a title THEN an id in the house style, unique', () => {
    const taken = new Set(['inc-2022-03-04-suicide-bombing-in-peshawar']);
    expect(recordIdFor({ kind: 'incident', title: 'Suicide bombing in Peshawar', date: { start: '2022-03-04', precision: 'day' } }, (id) => taken.has(id))).toBe('inc-2022-03-04-suicide-bombing-in-peshawar-2');
    expect(recordFileText(peshawar).endsWith('}\n')).toBe(true);
  });
});

describe('duplicates', () => {
  it('GIVEN the same kind, an overlapping date and the same place THEN flagged; another place or date THEN not', () => {
    const same = { ...peshawar, id: 'inc-new', date: { start: '2022-03', precision: 'month' as const } } as Record;
    expect(likelyDuplicates(same, [peshawar]).map((r) => r.id)).toEqual([peshawar.id]);
    const elsewhere = { ...same, place: { place: 'Quetta', country: 'Pakistan', precision: 'city' as const } } as Record;
    expect(likelyDuplicates(elsewhere, [peshawar])).toEqual([]);
    const later = { ...same, date: { start: '2022-05', precision: 'month' as const } } as Record;
    expect(likelyDuplicates(later, [peshawar])).toEqual([]);
  });
});

describe('the curated overlay', () => {
  it('GIVEN a copy identical to data/ THEN it steps aside; a different one THEN data/ wins and it is reported; a bad quote THEN left out', async () => {
    const state = tempStateDir();
    cleanups.push(() => state.cleanup());
    const dir = path.join(curatedRecordsDir(state.dir), 'incidents');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, `${peshawar.id}.json`), recordFileText(peshawar));
    const changed = { ...peshawar, id: 'inc-2022-10-27-shiraz-shia-shrine-attack', title: 'Changed' };
    await writeFile(path.join(dir, `${changed.id}.json`), recordFileText(changed));
    const bad = { ...peshawar, id: 'inc-bad', sources: [{ source: seed.id, quote: 'This sentence is not in the article at all.' }] };
    await writeFile(path.join(dir, 'inc-bad.json'), recordFileText(bad));
    const shiraz = Incident.parse(JSON.parse(readFileSync('data/incidents/inc-2022-10-27-shiraz-shia-shrine-attack.json', 'utf8')));
    const r = await loadRecordOverlay(curatedRecordsDir(state.dir), { sources: [seed], incidents: [peshawar as Incident, shiraz], publications: [] });
    expect(r.exported).toEqual([peshawar.id]);
    expect(r.differs).toEqual([changed.id]);
    expect(r.incidents).toEqual([]);
    expect(r.problems.map((p) => [path.basename(p.file), p.path])).toEqual([['inc-bad.json', 'sources[0].quote']]);
  });
});

describe('review', () => {
  it('GIVEN a pending draft THEN a rejection needs a reason, and a reviewed draft cannot be reviewed again', async () => {
    const state = tempStateDir();
    cleanups.push(() => state.cleanup());
    const holder = await openArchive({ dataDir: 'data', stateDir: state.dir, recordOverlayDirs: [curatedRecordsDir(state.dir)], matchFilters });
    const opened = openStateDb(state.dir);
    if (!opened.ok) throw new Error(opened.message);
    cleanups.push(() => {
      opened.db.close();
    });
    // Version 4 added the drafts table; later versions keep it.
    expect(opened.version).toBeGreaterThanOrEqual(4);
    const service = new DraftService({ store: new DraftStore(opened.db), holder, stateDir: state.dir });
    const found = service.suggest(seed.id, 3);
    expect(found.ok).toBe(true);
    if (!found.ok) return;
    const s = found.suggestions[0]!;
    const { fields } = service.prepare(found.source, s);
    const submitted = service.submit({ userId: 'u1', guildId: 'g', channelId: 'c' }, seed.id, 3, s.key, fields, new Date('2026-11-30T10:00:00Z'));
    expect(submitted.ok).toBe(true);
    if (!submitted.ok) return;
    const id = submitted.draft.id;
    expect(service.reject(id, 'u2', '  ', new Date())).toEqual({ ok: false, message: 'reason: say why the draft is rejected' });
    const rejected = service.reject(id, 'u2', 'the same attack as an existing record', new Date());
    expect(rejected.ok && rejected.draft.status).toBe('rejected');
    const again = await service.approve(id, 'u3', new Date());
    expect(again).toEqual({ ok: false, message: `draft ${id} is already rejected` });
    expect(service.provenance(submitted.draft.recordId)).toBeUndefined();
    expect(service.suggest('no-such-source')).toMatchObject({ ok: false, field: 'source' });
    expect(service.suggest(seed.id, 999)).toMatchObject({ ok: false, field: 'passage' });
  });
});
