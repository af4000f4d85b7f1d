// /draft in the offline console: the suggestions for a source (each field
// with its sentence) and the drafts list (names, duplicate and data/ flags),
// from the same state file the bot writes; /record names who drafted and
// approved a record. Submitting and approving stay Discord actions.
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { matchFilters } from '../../src/core/query/filter.ts';
import { openArchive } from '../../src/core/search/holder.ts';
import { openConsoleDigest } from '../../src/console/digest.ts';
import { runRepl } from '../../src/console/repl.ts';
import { curatedRecordsDir } from '../../src/drafts/paths.ts';
import { createLogger } from '../../src/logger.ts';
import { tempStateDir } from '../digest/helpers.ts';

const SOURCE = 'thekhorasandiary-28362';
const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function session(lines: string[], opts: Parameters<typeof runRepl>[0] extends infer O ? Omit<O & object, 'input' | 'output'> : never): Promise<string> {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  const done = runRepl({ ...opts, input, output });
  for (const line of lines) input.write(`${line}\n`);
  input.end();
  await done;
  return text;
}

describe('/draft in the console', () => {
  it('GIVEN the state file THEN /draft from lists suggestions with their sentences, /draft list names people and flags, /record shows names', async () => {
    const state = tempStateDir();
    cleanups.push(() => state.cleanup());
    const holder = await openArchive({ dataDir: 'data', stateDir: state.dir, recordOverlayDirs: [curatedRecordsDir(state.dir)], matchFilters });
    const log = await createLogger({ level: 'silent', destination: { write: () => undefined } });
    const opened = openConsoleDigest({ stateDir: state.dir }, log, holder);
    if (opened === undefined || opened.drafts === undefined) throw new Error('no drafts service');
    cleanups.push(() => opened.close());
    const drafts = opened.drafts;

    // One draft approved (a duplicate, confirmed), one pending, as the bot would have stored them.
    const found = drafts.suggest(SOURCE, 3);
    if (!found.ok) throw new Error(found.message);
    const peshawar = found.suggestions.find((s) => s.kind === 'incident' && s.place?.value.place === 'Peshawar')!;
    const a = drafts.submit({ userId: '11', name: 'Researcher A', guildId: 'g', channelId: 'c' }, SOURCE, 3, peshawar.key, { ...drafts.prepare(found.source, peshawar).fields, title: 'Peshawar Imambargah bombing (drafted)' }, new Date('2026-11-30T09:00:00Z'));
    if (!a.ok) throw new Error('not drafted');
    expect((await drafts.approve(a.draft.id, { userId: '22', name: 'Reviewer B' }, new Date('2026-11-30T10:00:00Z'), { confirmDuplicates: true })).ok).toBe(true);
    const other = found.suggestions.find((s) => s.key !== peshawar.key)!;
    const b = drafts.submit({ userId: '11', name: 'Researcher A', guildId: 'g', channelId: 'c' }, SOURCE, 3, other.key, drafts.prepare(found.source, other).fields, new Date('2026-11-30T11:00:00Z'));
    if (!b.ok) throw new Error('not drafted');

    const text = await session([`/draft from source:${SOURCE} passage:3`, '/draft list', `/record id:${a.draft.recordId}`, '/draft from source:no-such-source'], {
      archive: () => holder.current,
      drafts,
    });
    const [fromText, listText, recordText, missingText] = text.split('archivist> ').filter((s) => s.trim() !== '');
    expect(fromText).toContain(`Suggested records from ${SOURCE} passage 3 (${found.suggestions.length})`);
    expect(fromText).toMatch(/1\. (incident|publication): /);
    expect(fromText).toContain('Place: Imambargah, Peshawar');
    expect(fromText).toContain('Casualties: killed and wounded more than 200');
    expect(fromText).toContain('Drafting and review happen in Discord');
    for (const line of text.split('\n')) expect(Array.from(line.replace(/^(?:archivist> )+/, '')).length).toBeLessThanOrEqual(80);

    // Wrapped at 80 columns: compare with the line breaks as spaces.
    const list = listText!.replace(/\s+/g, ' ');
    expect(list).toContain('Drafts: 1 waiting for review, 1 approved.');
    expect(list).toMatch(new RegExp(`#${b.draft.id} ${b.draft.recordId}: [^#]*drafted by Researcher A on 2026-11-30`));
    expect(list).toMatch(new RegExp(`#${a.draft.id} ${a.draft.recordId}: [^#]*drafted by Researcher A, approved by Reviewer B\\) ! looks like inc-2022-03-04-peshawar-imambargah-bombing`));

    expect(recordText!.replace(/\s+/g, ' ')).toMatch(/Drafted by[\s:]+Researcher A \(user 11\) on 2026-11-30/);
    expect(recordText!.replace(/\s+/g, ' ')).toMatch(/Approved by[\s:]+Reviewer B \(user 22\) on 2026-11-30/);
    expect(missingText).toContain('source: no source has the id "no-such-source"');
  });

  it('GIVEN no state store THEN /draft says it is unavailable, and other commands still answer', async () => {
    const state = tempStateDir();
    cleanups.push(() => state.cleanup());
    const holder = await openArchive({ dataDir: 'data', stateDir: state.dir, matchFilters });
    const text = await session(['/draft list', '/about'], { archive: () => holder.current });
    expect(text).toContain('Drafts are kept in the state store');
    expect(text).toMatch(/incidents/);
  });
});
