// Curation end to end with the real discord.js client against the Discord
// double: a draft from a passage -> modal submit with a wrong quote (the
// error names the quote) -> corrected -> a member without the reviewer role
// is refused -> approved by a reviewer -> /search finds it in the same
// session -> /record shows who drafted and approved it -> a restart keeps it
// -> records:export writes a file that passes data:check.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { matchFilters } from '../../src/core/query/filter.ts';
import { openArchive, type ArchiveHolder } from '../../src/core/search/holder.ts';
import { DraftInteractions } from '../../src/discord/drafts.ts';
import { curatedRecordsDir } from '../../src/drafts/paths.ts';
import { DraftService } from '../../src/drafts/service.ts';
import { openStateDb } from '../../src/state/db.ts';
import { DraftStore } from '../../src/state/draft-store.ts';
import { watchedSourcesDir } from '../../src/sources/paths.ts';
import { tempStateDir } from '../digest/helpers.ts';
import type { Json } from './double/index.ts';
import { ROLE_ID } from './double/payloads.ts';
import { ADMIN_PERMISSIONS, ask, buttonsOf, dataCopy, int, startBot, str, textsOf, type Bot } from './harness.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EPHEMERAL = 64;
/** The double's guild has this role (tests/discord/double/payloads.ts). */
const REVIEWER_ROLE = ROLE_ID;
const SOURCE = 'thekhorasandiary-28362';
/** Plain members: see and use channels, no Manage Server. */
const MEMBER = '3072';

function run(script: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr });
    });
  });
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startCuration(dataDir: string, stateDir: string): Promise<{ bot: Bot; holder: ArchiveHolder; service: DraftService }> {
  const holder = await openArchive({ dataDir, stateDir, overlayDirs: [watchedSourcesDir(stateDir)], recordOverlayDirs: [curatedRecordsDir(stateDir)], matchFilters });
  const opened = openStateDb(stateDir);
  if (!opened.ok) throw new Error(opened.message);
  const service = new DraftService({ store: new DraftStore(opened.db), holder, stateDir });
  const bot = await startBot(holder, {
    services: () => ({ drafts: service }),
    handlers: ({ log }) => [new DraftInteractions({ service, log, reviewerRole: REVIEWER_ROLE })],
  });
  cleanups.push(async () => {
    await bot.stop();
    expect(bot.double.errors).toEqual([]);
    opened.db.close();
  });
  return { bot, holder, service };
}

/** The modal's text inputs as the bot prefilled them: custom_id -> value. */
function modalValues(callbackData: Json): { [id: string]: string } {
  const out: { [id: string]: string } = {};
  for (const row of (callbackData['components'] as Json[]) ?? []) {
    for (const c of (row['components'] as Json[]) ?? []) out[String(c['custom_id'])] = String(c['value'] ?? '');
  }
  return out;
}

describe('curation in Discord', () => {
  it('GIVEN a passage THEN draft, a wrong quote named, corrected, refused without the role, approved, searchable, kept over a restart, exported', async () => {
    const data = await dataCopy();
    cleanups.push(data.remove);
    const state = tempStateDir();
    cleanups.push(() => state.cleanup());
    const { bot } = await startCuration(data.path, state.dir);

    // 1. Suggestions from passage 3.
    const listed = await ask(bot, { name: 'draft', options: [{ name: 'from', type: 1, options: [str('source', SOURCE), int('passage', 3)] }] });
    const text = textsOf(listed.message).join('\n');
    expect(text).toContain(`Suggested records from ${SOURCE} passage 3`);
    const lines = text.split('\n').filter((l) => /^\d+\. /.test(l));
    const n = lines.findIndex((l) => l.includes('Peshawar'));
    expect(n).toBeGreaterThanOrEqual(0);
    const use = buttonsOf(listed.message)[n]!;
    expect(use.label).toBe(`Use ${n + 1}`);

    // 2. The button opens a modal prefilled from the suggestion.
    const opened = await ask(bot, { type: 3, customId: use.customId });
    expect(opened.callbackType).toBe(9);
    const modal = payloadData(opened);
    const values = modalValues(modal);
    expect(values['date']).toBe('2022-03-04');
    expect(values['where']).toContain('Peshawar');
    expect(values['detail']).toBe('killed and wounded more than 200');
    expect(values['quote']).toContain('Julaybib al-Kabuli targeted an Imambargah in Peshawar on March 4');
    const submitId = String(modal['custom_id']);

    // 3. A wrong quote: the error names the quote, and what was typed comes back.
    const title = 'Suicide bombing of an Imambargah in Peshawar (Julaybib)';
    const wrong = await ask(bot, { type: 5, customId: submitId, fields: { ...values, title, quote: 'ISKP suicide bomber Julaybib al-Kabuli attacked a mosque in Lahore.' } });
    expect(wrong.message['flags']).toBe(EPHEMERAL);
    const wrongText = textsOf(wrong.message).join('\n');
    expect(wrongText).toMatch(/\*\*Quote\*\*: quote not found in the source/);
    expect(wrongText).toContain('attacked a mosque in Lahore');
    expect(wrongText).not.toMatch(/\*\*(Title|Date|Place|Casualties)\*\*/);

    // 4. Corrected: a pending draft, flagged as looking like the curated record of the same attack.
    const ok = await ask(bot, { type: 5, customId: submitId, fields: { ...values, title } });
    const okText = textsOf(ok.message).join('\n');
    expect(ok.message['flags'] ?? 0).toBe(0);
    // The drafter is named as Discord shows them, not pinged.
    expect(okText).toMatch(/Draft #1 by analyst: `inc-2022-03-04-suicide-bombing-of-an-imambargah-in-peshawar-julaybib`/);
    expect(okText).not.toContain('<@');
    expect(ok.message['allowed_mentions']).toEqual({ parse: [] });
    expect(okText).toContain('Looks like an existing record: `inc-2022-03-04-peshawar-imambargah-bombing`');
    const [approve, reject, more] = buttonsOf(ok.message);
    expect(approve?.customId).toBe('draft:approve:1');
    expect(reject?.customId).toBe('draft:reject:1');
    expect(more?.customId).toBe('draft:more:1');
    const id = 'inc-2022-03-04-suicide-bombing-of-an-imambargah-in-peshawar-julaybib';
    // Selects with the schema's allowed values: claim status and category; attack types from the vocabulary.
    const menus = selectsOf(ok.message);
    expect(menus.map((m) => m.customId)).toEqual(['draft:pick:1:attackTypes', 'draft:pick:1:claimStatus', 'draft:pick:1:category']);
    expect(menus[1]!.options).toEqual(['claimed', 'unclaimed', 'disputed', 'attributed']);
    expect(menus[2]!.options).toEqual(['attack', 'operation', 'event']);
    expect(menus[2]!.defaults).toEqual(['attack']);
    expect(menus[0]!.defaults).toEqual(['suicide bombing']);
    expect(menus[0]!.options).toContain('armed assault');

    // 4b. The other fields: a second form, prefilled; a bad claim comes back naming the field.
    const moreOpened = await ask(bot, { type: 3, customId: 'draft:more:1' });
    expect(moreOpened.callbackType).toBe(9);
    const secondForm = payloadData(moreOpened);
    expect(String(secondForm['custom_id'])).toBe('draft:extra:1');
    const secondValues = modalValues(secondForm);
    expect(Object.keys(secondValues)).toEqual(['attackTypes', 'target', 'perpetrator', 'claim', 'claimNote']);
    expect(secondValues['attackTypes']).toBe('suicide bombing');
    const badClaim = await ask(bot, { type: 5, customId: 'draft:extra:1', fields: { ...secondValues, claim: 'claimd by ISKP' } });
    expect(badClaim.message['flags']).toBe(EPHEMERAL);
    const badText = textsOf(badClaim.message).join('\n');
    expect(badText).toMatch(/\*\*Claim\*\*: "claimd by ISKP" does not read as a claim/);
    expect(badText).toContain('Claim: claimd by ISKP');
    // Someone else (not the drafter, not a reviewer) may not edit it.
    const stranger = await ask(bot, { type: 5, customId: 'draft:extra:1', memberPermissions: MEMBER, userId: '500000000000000009', fields: { ...secondValues, perpetrator: 'Someone' } });
    expect(textsOf(stranger.message).join('\n')).toContain('only the member who drafted #1, or a reviewer, may edit it');
    const edited = await ask(bot, {
      type: 5,
      customId: 'draft:extra:1',
      fields: { ...secondValues, attackTypes: 'suicide bombing, armed assault', target: 'Shia worshippers at Friday prayers', perpetrator: 'ISKP', claim: 'claimed by ISKP via Amaq', claimNote: 'martyrdom operation' },
    });
    const editedText = textsOf(edited.message).join('\n');
    expect(edited.message['flags'] ?? 0).toBe(0);
    expect(editedText).toContain('Attack types: suicide bombing, armed assault');
    expect(editedText).toContain('Target: Shia worshippers at Friday prayers');
    expect(editedText).toContain('Claim: claimed by ISKP via Amaq ("martyrdom operation")');
    // A select: the claim status, kept with who and where; the category.
    const picked = await ask(bot, { type: 3, componentType: 3, customId: 'draft:pick:1:claimStatus', values: ['disputed'] });
    expect(picked.callbackType).toBe(7);
    expect(textsOf(picked.message).join('\n')).toContain('Claim: disputed by ISKP via Amaq ("martyrdom operation")');
    expect(selectsOf(picked.message)[1]!.defaults).toEqual(['disputed']);
    const badPick = await ask(bot, { type: 3, componentType: 3, customId: 'draft:pick:1:category', values: ['massacre'] });
    expect(badPick.message['flags']).toBe(EPHEMERAL);
    expect(textsOf(badPick.message).join('\n')).toMatch(/\*\*Category\*\*: category: Invalid option/);
    await ask(bot, { type: 3, componentType: 3, customId: 'draft:pick:1:claimStatus', values: ['claimed'] });

    // 5. /draft list shows it pending.
    const pending = await ask(bot, { name: 'draft', options: [{ name: 'list', type: 1, options: [] }] });
    expect(textsOf(pending.message).join('\n')).toMatch(/1 waiting for review[\s\S]*#1 `inc-2022-03-04-suicide-bombing/);

    // 6. A member without Manage Server or the role is refused; nothing changes.
    const refused = await ask(bot, { type: 3, customId: 'draft:approve:1', memberPermissions: MEMBER, userId: '500000000000000009' });
    expect(refused.message['flags']).toBe(EPHEMERAL);
    expect(textsOf(refused.message).join('\n')).toContain('Only members with Manage Server');
    const before = await ask(bot, { name: 'search', options: [str('query', 'Julaybib')] });
    expect(JSON.stringify(before.message)).not.toContain(id);

    // 7. A reviewer presses Approve: the duplicate is shown first, with the existing record's id; nothing goes live.
    const reviewer = { memberPermissions: MEMBER, roles: [REVIEWER_ROLE], userId: '500000000000000002', username: 'reviewer' };
    const held = await ask(bot, { type: 3, customId: 'draft:approve:1', ...reviewer });
    const heldText = textsOf(held.message).join('\n');
    expect(heldText).toContain('Draft #1 is not approved yet: it looks like an existing record');
    expect(heldText).toContain('`inc-2022-03-04-peshawar-imambargah-bombing`');
    expect(heldText).toContain('/record id:inc-2022-03-04-peshawar-imambargah-bombing');
    expect(buttonsOf(held.message).map((b) => b.customId)).toEqual(['draft:confirm:1', 'draft:reject:1']);
    const stillHidden = await ask(bot, { name: 'search', options: [str('query', 'Julaybib')] });
    expect(JSON.stringify(stillHidden.message)).not.toContain(id);
    // "Approve anyway" is a review too: a member without the role is refused.
    const refusedConfirm = await ask(bot, { type: 3, customId: 'draft:confirm:1', memberPermissions: MEMBER, userId: '500000000000000009' });
    expect(textsOf(refusedConfirm.message).join('\n')).toContain('Only members with Manage Server');
    // Confirmed by the reviewer: live at once.
    const approved = await ask(bot, { type: 3, customId: 'draft:confirm:1', ...reviewer });
    const approvedText = textsOf(approved.message).join('\n');
    expect(approvedText).toContain(`Approved #1 by reviewer: \`${id}\``);
    expect(approvedText).toContain('Drafted by analyst.');
    expect(approved.message['allowed_mentions']).toEqual({ parse: [] });
    const found = await ask(bot, { name: 'search', options: [str('query', 'Julaybib')] });
    expect(JSON.stringify(found.message)).toContain(id);
    const record = await ask(bot, { name: 'record', options: [str('id', id)] });
    const recordText = textsOf(record.message).join('\n');
    // Readable names, the ids kept beside them, no mention.
    expect(recordText).toMatch(/Drafted by\nanalyst \(user 500000000000000001\) on \d{4}-\d{2}-\d{2}/);
    expect(recordText).toMatch(/Approved by\nreviewer \(user 500000000000000002\) on \d{4}-\d{2}-\d{2}/);
    expect(recordText).not.toContain('<@');

    // 8. A restart (new archive, new state connection, new client) keeps it.
    const first = cleanups.splice(cleanups.length - 1, 1)[0]!;
    await first();
    const again = await startCuration(data.path, state.dir);
    const afterRestart = await ask(again.bot, { name: 'search', options: [str('query', 'Julaybib')] });
    expect(JSON.stringify(afterRestart.message)).toContain(id);

    // 9. records:export writes the file as data/ holds hand-written ones, and data:check passes.
    const exported = await run('src/cli/records-export.ts', ['--data', data.path, '--state', state.dir]);
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain(`new ${id} -> ${path.join(data.path, 'incidents', `${id}.json`)}`);
    const file = JSON.parse(await readFile(path.join(data.path, 'incidents', `${id}.json`), 'utf8')) as Json;
    expect(file['kind']).toBe('incident');
    expect(file['date']).toEqual({ start: '2022-03-04', precision: 'day' });
    // The fields set through the second form and the selects.
    expect(file['attackTypes']).toEqual(['suicide bombing', 'armed assault']);
    expect(file['claim']).toEqual({ status: 'claimed', by: 'ISKP', channel: 'Amaq', note: 'martyrdom operation' });
    expect(file['perpetrator']).toBe('ISKP');
    expect((file['sources'] as Json[])[0]).toEqual({ source: SOURCE, quote: values['quote'] });
    const check = await run('src/cli/data-check.ts', ['--data', data.path]);
    expect(check.code).toBe(0);
    // Exported again: unchanged; and the bot's copy steps aside without a difference to report.
    const second = await run('src/cli/records-export.ts', ['--data', data.path, '--state', state.dir]);
    expect(second.stdout).toContain('exported 0, unchanged 1, failed 0');
    await again.holder.reload();
    const list = await ask(again.bot, { name: 'draft', options: [{ name: 'list', type: 1, options: [] }] });
    const listText = textsOf(list.message).join('\n');
    expect(listText).not.toContain('data/ wins');
    expect(listText).toContain(`\`${id}\``);
    expect(listText).toContain('drafted by analyst, approved by reviewer');

    // 10. Someone edits data/'s copy by hand: data/ wins, and /draft list says so on that draft.
    const dataFile = path.join(data.path, 'incidents', `${id}.json`);
    await writeFile(dataFile, `${JSON.stringify({ ...file, title: 'Suicide bombing of the Kucha Risaldar Imambargah, Peshawar' }, null, 2)}\n`);
    await again.holder.reload();
    const differs = await ask(again.bot, { name: 'draft', options: [{ name: 'list', type: 1, options: [] }] });
    expect(textsOf(differs.message).join('\n')).toMatch(new RegExp(`#1 \`${id}\`[^\n]*data/ has a different version of this record; data/ wins`));
    const served = await ask(again.bot, { name: 'record', options: [str('id', id)] });
    expect(textsOf(served.message).join('\n')).toContain('Kucha Risaldar');
  }, 90_000);
});

describe('the message command and rejection', () => {
  it('GIVEN a message quoting a passage THEN "Draft records" suggests from that passage; Reject asks a reason and records it', async () => {
    const state = tempStateDir();
    cleanups.push(() => state.cleanup());
    const { bot } = await startCuration('data', state.dir);
    const quoted = '> During Muharram, ISKP also attacked Shias in Kabul, targeting processions and buses.\nWorth a record?';
    const messageId = '900000000000000001';
    const target: Json = {
      id: messageId,
      channel_id: bot.double.channelId,
      guild_id: bot.double.guildId,
      type: 0,
      content: quoted,
      author: { id: '500000000000000003', username: 'researcher', discriminator: '0', global_name: null, avatar: null },
      embeds: [],
      attachments: [],
      mentions: [],
      mention_roles: [],
      mention_everyone: false,
      pinned: false,
      tts: false,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      flags: 0,
      components: [],
    };
    const listed = await ask(bot, { name: 'Draft records', commandType: 3, data: { target_id: messageId }, resolved: { messages: { [messageId]: target } } });
    const text = textsOf(listed.message).join('\n');
    expect(text).toContain(`Suggested records from ${SOURCE} passage 3`);
    expect(text).toContain('Muharram 1444');

    // Without a source: said so, ephemerally.
    const none = { ...target, id: '900000000000000002', content: 'nothing to see here' };
    const nothing = await ask(bot, { name: 'Draft records', commandType: 3, data: { target_id: none['id'] }, resolved: { messages: { [String(none['id'])]: none } } });
    expect(nothing.message['flags']).toBe(EPHEMERAL);
    expect(textsOf(nothing.message).join('\n')).toContain('names no source');

    // Draft the first suggestion as it is, then reject it with a reason.
    const use = buttonsOf(listed.message)[0]!;
    const opened = await ask(bot, { type: 3, customId: use.customId });
    const modal = payloadData(opened);
    const submitted = await ask(bot, { type: 5, customId: String(modal['custom_id']), fields: modalValues(modal) });
    expect(textsOf(submitted.message).join('\n')).toContain('Draft #1');
    const refused = await ask(bot, { type: 3, customId: 'draft:reject:1', memberPermissions: MEMBER });
    expect(refused.message['flags']).toBe(EPHEMERAL);
    // Manage Server is enough, without the role.
    const asked = await ask(bot, { type: 3, customId: 'draft:reject:1', memberPermissions: ADMIN_PERMISSIONS });
    expect(asked.callbackType).toBe(9);
    expect(String(payloadData(asked)['custom_id'])).toBe('draft:reason:1');
    const done = await ask(bot, { type: 5, customId: 'draft:reason:1', memberPermissions: ADMIN_PERMISSIONS, fields: { reason: 'already recorded as a group of attacks' } });
    expect(textsOf(done.message).join('\n')).toContain('Rejected #1 by analyst: already recorded as a group of attacks');
    const list = await ask(bot, { name: 'draft', options: [{ name: 'list', type: 1, options: [] }] });
    expect(textsOf(list.message).join('\n')).toContain('0 waiting for review');
  }, 60_000);
});

/** The string selects on a message: custom_id, option values, and the ones shown as chosen. */
function selectsOf(message: Json): { customId: string; options: string[]; defaults: string[] }[] {
  const rows = Array.isArray(message['components']) ? (message['components'] as Json[]) : [];
  return rows
    .flatMap((row) => (row['components'] as Json[] | undefined) ?? [])
    .filter((c) => c['type'] === 3)
    .map((c) => {
      const options = (c['options'] as Json[] | undefined) ?? [];
      return { customId: String(c['custom_id']), options: options.map((o) => String(o['value'])), defaults: options.filter((o) => o['default'] === true).map((o) => String(o['value'])) };
    });
}

function payloadData(answer: { callback: { body: unknown } }): Json {
  const body = answer.callback.body as Json;
  const payload = (typeof body['payload_json'] === 'string' ? JSON.parse(body['payload_json']) : body) as Json;
  return (payload['data'] as Json) ?? {};
}
