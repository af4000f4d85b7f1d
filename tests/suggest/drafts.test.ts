// Drafted records: modal fields read back with problems naming the field, the
// duplicate flag, the curated overlay (data/ wins), and the review rules.
import { mkdir, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { matchFilters } from '../../src/core/query/filter.ts';
import { loadRecordOverlay } from '../../src/core/records/overlay.ts';
import { Incident, Medium, SourceDocument, type Record } from '../../src/core/records/schema.ts';
import { openArchive } from '../../src/core/search/holder.ts';
import { applyFields, fieldsOf, recordFileText, recordIdFor, type DraftFields } from '../../src/core/suggest/draft.ts';
import { applyExtraFields, applyPick, extraValuesOf, pickMenu } from '../../src/core/suggest/extra.ts';
import type { Suggestion } from '../../src/core/suggest/suggest.ts';
import { DigestRunner } from '../../src/digest/runner.ts';
import { SqliteDigestService } from '../../src/digest/service.ts';
import { DigestStore } from '../../src/state/store.ts';
import { likelyDuplicates } from '../../src/core/suggest/match.ts';
import { curatedRecordsDir } from '../../src/drafts/paths.ts';
import { DraftService } from '../../src/drafts/service.ts';
import { openStateDb } from '../../src/state/db.ts';
import { DraftStore } from '../../src/state/draft-store.ts';
import { LATEST_VERSION } from '../../src/state/migrations.ts';
import { FakeDiscord, ManualTimers, MemoryLog, tempStateDir, TestClock } from '../digest/helpers.ts';

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
    expect(opened.version).toBe(LATEST_VERSION);
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

describe('the other fields (second form and selects)', () => {
  const shiraz = Incident.parse(JSON.parse(readFileSync('data/incidents/inc-2022-10-27-shiraz-shia-shrine-attack.json', 'utf8'))) as Record;

  it('GIVEN the second form THEN attack types, target, perpetrator and claim are set; a bad value names its field; an empty field is removed', () => {
    const base = { ...shiraz, attackTypes: [], claim: undefined, perpetrator: undefined } as Record;
    const r = applyExtraFields(base, { attackTypes: 'armed assault; shooting, armed assault', target: 'pilgrims', perpetrator: 'ISKP', claim: 'attributed by the Iranian government to ISKP', claimNote: '' });
    expect(r.ok).toBe(true);
    if (r.ok && r.record.kind === 'incident') {
      expect(r.record.attackTypes).toEqual(['armed assault', 'shooting']);
      expect(r.record.claim).toEqual({ status: 'attributed', by: 'the Iranian government to ISKP' });
      expect(r.record.target).toBe('pilgrims');
      // The citations are untouched.
      expect(r.record.sources).toEqual(base.sources);
      const cleared = applyExtraFields(r.record, { target: '', claim: '' });
      expect(cleared.ok && cleared.record.kind === 'incident' && [cleared.record.target, cleared.record.claim]).toEqual([undefined, undefined]);
    }
    const bad = applyExtraFields(base, { claim: 'maybe ISKP', claimNote: 'they said so' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problems.map((p) => [p.field, p.label])).toEqual([['claim', 'Claim']]);
    const noClaim = applyExtraFields(base, { claimNote: 'they said so' });
    expect(!noClaim.ok && noClaim.problems.map((p) => p.label)).toEqual(['Claim wording']);
    expect(extraValuesOf(shiraz)).toMatchObject({ attackTypes: (shiraz as { attackTypes: string[] }).attackTypes.join(', ') });
  });

  it('GIVEN a publication THEN language, author, producer, volume and topics; selects offer the schema\'s media and refuse others', () => {
    const pub = { kind: 'publication', id: 'pub-x', title: 'Voice of Khurasan issue 5', summary: 'x', medium: 'magazine issue', outlet: 'Voice of Khurasan', issue: 5, topics: [], tags: [], sources: peshawar.sources } as Record;
    const r = applyExtraFields(pub, { language: 'English', author: 'Al-Azaim', producer: 'Al-Azaim Foundation', volume: '2', topics: 'Hazaras, Taliban' });
    expect(r.ok && r.record.kind === 'publication' && [r.record.language, r.record.volume, r.record.topics]).toEqual(['English', 2, ['Hazaras', 'Taliban']]);
    const menu = pickMenu('medium', pub);
    expect(menu.options.map((o) => o.value)).toEqual([...Medium.options]);
    expect(menu.options.filter((o) => o.selected).map((o) => o.value)).toEqual(['magazine issue']);
    const video = applyPick(pub, 'medium', ['video']);
    expect(video.ok && video.record.kind === 'publication' && video.record.medium).toBe('video');
    const bad = applyPick(pub, 'medium', ['podcast']);
    expect(!bad.ok && bad.problems.map((p) => p.label)).toEqual(['Medium']);
    expect(!applyPick(pub, 'claimStatus', ['claimed']).ok).toBe(true);
    // A claim status alone is a claim; clearing it removes the claim.
    const claimed = applyPick(shiraz, 'claimStatus', ['disputed']);
    expect(claimed.ok && claimed.record.kind === 'incident' && claimed.record.claim?.status).toBe('disputed');
    const none = claimed.ok ? applyPick(claimed.record, 'claimStatus', []) : undefined;
    expect(none?.ok && none.record.kind === 'incident' && none.record.claim).toBe(undefined);
  });
});

describe('approval, duplicates, names and the next digest', () => {
  async function setUp() {
    const state = tempStateDir();
    cleanups.push(() => state.cleanup());
    const holder = await openArchive({ dataDir: 'data', stateDir: state.dir, recordOverlayDirs: [curatedRecordsDir(state.dir)], matchFilters });
    const opened = openStateDb(state.dir);
    if (!opened.ok) throw new Error(opened.message);
    cleanups.push(() => {
      opened.db.close();
    });
    const service = new DraftService({ store: new DraftStore(opened.db), holder, stateDir: state.dir });
    return { state, holder, db: opened.db, service };
  }

  function draftOf(service: DraftService, match: (s: Suggestion) => boolean, edit: Partial<DraftFields> = {}) {
    const found = service.suggest(seed.id);
    if (!found.ok) throw new Error(found.message);
    const s = found.suggestions.find(match);
    if (s === undefined) throw new Error('no such suggestion');
    const { fields } = service.prepare(found.source, s);
    const submitted = service.submit({ userId: 'u1', name: 'Researcher One', guildId: 'g', channelId: 'c' }, seed.id, null, s.key, { ...fields, ...edit }, new Date('2026-11-30T10:00:00Z'));
    if (!submitted.ok) throw new Error(JSON.stringify(submitted.problems));
    return submitted;
  }

  it('GIVEN a draft flagged as a duplicate THEN Approve refuses, naming the record, until confirmed; the names are kept for /record', async () => {
    const { service } = await setUp();
    const submitted = draftOf(service, (s) => s.kind === 'incident' && s.place?.value.place === 'Peshawar', { title: 'Imambargah bombing, Peshawar (second reading)' });
    expect(submitted.duplicates.map((d) => d.id)).toEqual([peshawar.id]);
    const held = await service.approve(submitted.draft.id, { userId: 'u2', name: 'Reviewer Two' }, new Date('2026-11-30T11:00:00Z'));
    expect(held.ok).toBe(false);
    if (!held.ok) {
      expect(held.duplicates?.map((d) => d.id)).toEqual([peshawar.id]);
      expect(held.message).toContain(peshawar.id);
    }
    expect(service.get(submitted.draft.id)?.status).toBe('pending');
    const done = await service.approve(submitted.draft.id, { userId: 'u2', name: 'Reviewer Two' }, new Date('2026-11-30T11:00:00Z'), { confirmDuplicates: true });
    expect(done.ok).toBe(true);
    expect(service.provenance(submitted.draft.recordId)).toEqual({
      draftedBy: 'u1',
      draftedByName: 'Researcher One',
      draftedAt: '2026-11-30T10:00:00.000Z',
      approvedBy: 'u2',
      approvedByName: 'Reviewer Two',
      approvedAt: '2026-11-30T11:00:00.000Z',
    });
  });

  it('GIVEN a draft that looks like nothing THEN it is approved at once; a later edit that makes it a duplicate is caught at approval', async () => {
    const { service, holder } = await setUp();
    const before = holder.current.count;
    const a = draftOf(service, (s) => s.kind === 'incident', { title: 'An attack far away', where: 'Somewhere, Nowhereland', date: '1999-01-01' });
    expect(a.duplicates).toEqual([]);
    expect((await service.approve(a.draft.id, 'u2', new Date())).ok).toBe(true);
    expect(holder.current.count).toBe(before + 1);
    // Its twin, drafted after it went live, is flagged against it.
    const b = draftOf(service, (s) => s.kind === 'incident', { title: 'The same attack far away', where: 'Somewhere, Nowhereland', date: '1999-01' });
    expect(b.duplicates.map((d) => d.id)).toEqual([a.draft.recordId]);
    const held = await service.approve(b.draft.id, 'u2', new Date());
    expect(!held.ok && held.duplicates?.map((d) => d.id)).toEqual([a.draft.recordId]);
  });

  it('GIVEN a digest subscription made before a draft is approved THEN the next digest lists the approved record under new records', async () => {
    const { service, holder, db } = await setUp();
    const digestStore = new DigestStore(db);
    const digest = new SqliteDigestService({ store: digestStore });
    digest.subscribe({ guildId: 'g', channelId: 'c1', time: '08:00', timezone: 'UTC', query: '', userId: 'u1' }, holder.current, new Date('2026-11-29T09:00:00Z'));
    const submitted = draftOf(service, (s) => s.kind === 'incident', { title: 'Grenade attack on a checkpoint in Nowhereland', where: 'Somewhere, Nowhereland', date: '2026-11-29' });
    expect((await service.approve(submitted.draft.id, 'u2', new Date('2026-11-29T12:00:00Z'))).ok).toBe(true);
    const discord = new FakeDiscord();
    const clock = new TestClock(new Date('2026-11-30T08:00:00Z'));
    const runner = new DigestRunner({ store: digestStore, archive: () => holder.current, poster: discord, clock, logger: new MemoryLog(), timers: new ManualTimers() });
    const outcomes = await runner.tick(new Date('2026-11-30T08:00:00Z'));
    expect(outcomes).toMatchObject([{ outcome: 'completed', localDate: '2026-11-30' }]);
    const posted = discord.inChannel('c1').map((m) => m.content).join('\n');
    const section = /__New records \((\d+)\)__([\s\S]*?)(?:\n__|$)/.exec(posted);
    expect(section?.[1]).toBe('1');
    expect(section?.[2]).toContain('Grenade attack on a checkpoint in Nowhereland');
    // Reported once: the day after, it is no longer new.
    const next = await runner.tick(new Date('2026-12-01T08:00:00Z'));
    expect(next).toMatchObject([{ outcome: 'completed' }]);
    expect(discord.inChannel('c1').map((m) => m.content).join('\n').split('Grenade attack on a checkpoint').length).toBe(2);
  });
});
