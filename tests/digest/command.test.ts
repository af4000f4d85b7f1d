// /digest: sub-commands through the registry and the console, the Manage
// Server check, clear errors for bad times and zones, and subscribe / status /
// preview / unsubscribe over a real store.
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFINITIONS, runCommand } from '../../commands/index.ts';
import { suggest } from '../../commands/shared/autocomplete.ts';
import type { Caller, CommandDeps } from '../../commands/shared/definition.ts';
import { answerLine } from '../../src/console/answer.ts';
import { parseSlashLine } from '../../src/console/slash.ts';
import type { SearchArchive } from '../../src/core/search/engine.ts';
import { ViewSchema, type View } from '../../src/core/views.ts';
import { SqliteDigestService } from '../../src/digest/service.ts';
import { renderText } from '../../src/render/text.ts';
import { openStateDb } from '../../src/state/db.ts';
import { DigestStore } from '../../src/state/store.ts';
import { archiveOf, attack, day } from './helpers.ts';

const NOW = new Date('2026-11-27T12:00:00Z');
const NAME = /^[-_\p{Ll}\p{N}]{1,32}$/u;

let store: DigestStore;
let service: SqliteDigestService;
let changes: number;
let archive: SearchArchive;

beforeEach(() => {
  const r = openStateDb(':memory:');
  if (!r.ok) throw new Error(r.message);
  store = new DigestStore(r.db);
  changes = 0;
  service = new SqliteDigestService({ store, onChange: () => (changes += 1) });
  archive = archiveOf([attack('inc-1', day('2022-11-28'))]);
});
afterEach(() => store.close());

const ADMIN: Caller = { userId: 'u1', guildId: 'g1', channelId: 'c-here', canManageGuild: true, channelName: (id) => (id === '111' ? 'osint' : undefined) };

function deps(caller?: Caller, digest: CommandDeps['digest'] = service): CommandDeps {
  return { archive, now: () => NOW, ...(digest !== undefined ? { digest } : {}), ...(caller !== undefined ? { caller } : {}) };
}

/** A valid View that renders to 80 columns. */
function check(view: View): View {
  ViewSchema.parse(view);
  for (const line of renderText(view).split('\n')) expect(Array.from(line).length).toBeLessThanOrEqual(80);
  return view;
}

function digest(sub: string, options: Record<string, string>, d: CommandDeps = deps(ADMIN)): View {
  return check(runCommand('digest', options, d, sub));
}

function error(view: View): Extract<View, { type: 'error' }> {
  if (view.type !== 'error') throw new Error(`expected an error, got ${JSON.stringify(view)}`);
  return view;
}

const SUBSCRIBE = { channel: '111', time: '08:00', timezone: 'Europe/London' };

describe('definition', () => {
  it('GIVEN /digest THEN registered, sub-commands only, each within Discord limits', () => {
    const d = DEFINITIONS.find((x) => x.name === 'digest');
    expect(d?.options).toEqual([]);
    expect(d?.subcommands?.map((s) => s.name)).toEqual(['subscribe', 'unsubscribe', 'status', 'preview']);
    for (const s of d!.subcommands!) {
      expect(s.name).toMatch(NAME);
      expect(s.description.length).toBeGreaterThan(0);
      expect(s.description.length).toBeLessThanOrEqual(100);
      let optional = false;
      for (const o of s.options) {
        expect(o.name).toMatch(NAME);
        expect(o.description.length).toBeLessThanOrEqual(100);
        if (o.required === true) expect(optional).toBe(false);
        else optional = true;
      }
    }
  });
});

describe('permissions and availability', () => {
  it('GIVEN a member without Manage Server THEN every sub-command is refused, naming the permission', () => {
    for (const sub of ['subscribe', 'unsubscribe', 'status', 'preview']) {
      const e = error(digest(sub, sub === 'subscribe' ? SUBSCRIBE : sub === 'unsubscribe' ? { channel: '111' } : {}, deps({ ...ADMIN, canManageGuild: false })));
      expect(e.code).toBe('forbidden');
      expect(e.message).toContain('Manage Server');
    }
    expect(store.active()).toEqual([]);
  });

  it('GIVEN no store THEN a clear "not available" error', () => {
    expect(error(digest('status', {}, { archive, now: () => NOW, caller: ADMIN })).code).toBe('unavailable');
  });

  it('GIVEN the console (no server) THEN subscribe and unsubscribe say they need a server', () => {
    for (const line of ['/digest subscribe channel:111 time:08:00 timezone:Europe/London', '/digest unsubscribe channel:111']) {
      const e = error(check(answerLine(line, deps())));
      expect(e.code).toBe('unavailable');
      expect(e.message).toMatch(/Discord server/);
    }
  });

  it('GIVEN a DM (no guild) THEN subscribe says it needs a server', () => {
    expect(error(digest('subscribe', SUBSCRIBE, deps({ ...ADMIN, guildId: null }))).code).toBe('unavailable');
  });
});

describe('bad input', () => {
  it.each(['25:00', '8am', '8', '08:60'])('GIVEN time:%s THEN an error naming the time option', (time) => {
    const e = error(digest('subscribe', { ...SUBSCRIBE, time }));
    expect(e.code).toBe('bad-option');
    expect(e.message).toMatch(/^time: /);
    expect(e.hints.join(' ')).toContain('08:00');
  });

  it('GIVEN timezone:Europe/Lndon THEN an error naming the option and suggesting Europe/London', () => {
    const e = error(digest('subscribe', { ...SUBSCRIBE, timezone: 'Europe/Lndon' }));
    expect(e.message).toMatch(/^timezone: "Europe\/Lndon"/);
    expect(e.hints[0]).toMatch(/^Did you mean: Europe\/London/);
  });

  it('GIVEN a query with a problem THEN an error naming the query option and what is wrong', () => {
    const e = error(digest('subscribe', { ...SUBSCRIBE, query: 'plce:kabul' }));
    expect(e.code).toBe('bad-query');
    expect(e.message).toMatch(/^query: /);
    expect(store.active()).toEqual([]);
  });

  it('GIVEN a channel value that is no channel THEN an error saying what to type', () => {
    const e = error(digest('subscribe', { ...SUBSCRIBE, channel: 'general chat' }));
    expect(e.message).toContain('channel must be a channel');
  });

  it('GIVEN no sub-command, or an unknown one THEN the error lists the sub-commands with their usage', () => {
    const none = error(check(runCommand('digest', {}, deps(ADMIN))));
    expect(none.message).toContain('subscribe, unsubscribe, status, preview');
    expect(none.hints.some((h) => h.startsWith('/digest subscribe channel:<#channel> time:<HH:MM>'))).toBe(true);
    expect(error(check(runCommand('digest', {}, deps(ADMIN), 'subscrib'))).message).toContain('no sub-command "subscrib"');
  });

  it('GIVEN an option of another sub-command THEN unknown option, with that sub-command\'s usage', () => {
    const e = error(digest('status', { time: '08:00' }));
    expect(e.code).toBe('unknown-option');
    expect(e.message).toContain('/digest status has no option "time"');
  });

  it('GIVEN the sub-command as a raw option (as the Discord layer passes it) THEN the same as the argument', () => {
    const view = check(runCommand('digest', new Map([['subcommand', 'status']]), deps(ADMIN)));
    expect(view.type).toBe('subscriptions');
  });

  it('GIVEN random text in any option of any sub-command THEN a valid View that renders, never a throw', () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 30 }),
      fc.constantFrom('8am', '25:00', '08:00', '#', '<#1>', '#osint', 'Europe/Lndon', 'UTC', 'place:', '"', '\u202e', '0'),
    );
    const base: Record<string, Record<string, string>> = { subscribe: SUBSCRIBE, unsubscribe: { channel: '111' }, status: {}, preview: {} };
    digest('subscribe', SUBSCRIBE);
    for (const [sub, options] of Object.entries(base)) {
      fc.assert(
        fc.property(fc.constantFrom(...Object.keys(options), 'channel', 'x'), text, (option, value) => {
          check(runCommand('digest', { ...options, [option]: value }, deps(ADMIN), sub));
        }),
        { numRuns: 60 },
      );
    }
  });

  it('GIVEN a sub-command for a command without them THEN an error (a stale registration), not a crash', () => {
    expect(error(check(runCommand('about', {}, deps(ADMIN), 'x'))).code).toBe('unknown-option');
  });
});

describe('subscribe, status, preview, unsubscribe', () => {
  it('GIVEN a subscription THEN it is stored normalised, the scheduler told, and status lists it with its next run', () => {
    const view = digest('subscribe', { ...SUBSCRIBE, channel: '<#111>', time: '8:00', timezone: 'europe/london', query: 'place:kabul' });
    expect(view.type).toBe('subscriptions');
    if (view.type !== 'subscriptions') return;
    expect(view.message).toContain('<#111> gets a digest of records matching place:kabul every day at 08:00 Europe/London');
    expect(view.subscriptions[0]).toMatchObject({ channelId: '111', channelName: 'osint', time: '08:00', timezone: 'Europe/London', nextRun: '2026-11-28T08:00:00.000Z' });
    expect(changes).toBe(1);
    const status = digest('status', {});
    expect(status.type === 'subscriptions' && status.subscriptions.map((s) => s.nextLocal)).toEqual(['2026-11-28 08:00 Europe/London']);
    // Another guild sees none of it.
    const other = digest('status', {}, deps({ ...ADMIN, guildId: 'g2' }));
    expect(other.type === 'subscriptions' && other.subscriptions).toEqual([]);
  });

  it('GIVEN a new subscription THEN its preview reports nothing new until a record is added or changed', () => {
    digest('subscribe', SUBSCRIBE);
    const before = digest('preview', { channel: '#osint' });
    expect(before.type === 'digest' && before.newRecords.total).toBe(0);
    archive = archiveOf([attack('inc-1', day('2022-11-28'), { summary: 'Revised.' }), attack('inc-2', day('2026-11-20'))]);
    const after = digest('preview', { channel: '111' });
    if (after.type !== 'digest') throw new Error('expected a digest');
    expect(after.newRecords.entries.map((e) => e.id)).toEqual(['inc-2']);
    expect(after.changedRecords.entries.map((e) => e.id)).toEqual(['inc-1']);
    // Tomorrow (28 Nov) is the anniversary of inc-1.
    expect(after.localDate).toBe('2026-11-28');
    expect(after.onThisDay.entries.map((e) => e.id)).toEqual(['inc-1']);
    expect(after.notes[0]).toMatch(/^Preview, nothing posted or recorded/);
    // A preview records nothing.
    expect(store.fingerprints(1).has('inc-2')).toBe(false);
  });

  it('GIVEN preview used in a subscribed channel without a channel option THEN that channel\'s digest', () => {
    const here = { ...ADMIN, channelId: '333' };
    expect(digest('subscribe', { ...SUBSCRIBE, channel: '333' }, deps(here)).type).toBe('subscriptions');
    const view = digest('preview', {}, deps(here));
    expect(view.type === 'digest' && view.tracked).toBe(true);
  });

  it('GIVEN preview of a channel without a subscription THEN not found with what to do', () => {
    const e = error(digest('preview', { channel: '999' }));
    expect(e.code).toBe('not-found');
    expect(e.hints.join(' ')).toContain('/digest status');
  });

  it('GIVEN the console WHEN /digest preview THEN a digest of all records without history', () => {
    const view = check(answerLine('/digest preview', deps()));
    if (view.type !== 'digest') throw new Error(`expected a digest: ${JSON.stringify(view)}`);
    expect(view.tracked).toBe(false);
    expect(view.localDate).toBe('2026-11-28');
    expect(view.onThisDay.entries.map((e) => e.id)).toEqual(['inc-1']);
  });

  it('GIVEN the console WHEN /digest status THEN every subscription in the file', () => {
    digest('subscribe', SUBSCRIBE);
    digest('subscribe', { ...SUBSCRIBE, channel: '222' }, deps({ ...ADMIN, guildId: 'g2' }));
    const view = check(answerLine('/digest status', deps()));
    expect(view.type === 'subscriptions' && view.subscriptions.map((s) => s.channelId)).toEqual(['111', '222']);
  });

  it('GIVEN unsubscribe THEN gone from status; again THEN not found', () => {
    digest('subscribe', SUBSCRIBE);
    const view = digest('unsubscribe', { channel: '111' });
    expect(view.type === 'subscriptions' && view.message).toContain('no longer gets a daily digest');
    expect(changes).toBe(2);
    const status = digest('status', {});
    expect(status.type === 'subscriptions' && status.subscriptions).toEqual([]);
    expect(error(digest('unsubscribe', { channel: '111' })).code).toBe('not-found');
  });

  it('GIVEN another server\'s channel THEN unsubscribe does not touch it', () => {
    digest('subscribe', SUBSCRIBE);
    expect(error(digest('unsubscribe', { channel: '111' }, deps({ ...ADMIN, guildId: 'g2' }))).code).toBe('not-found');
    expect(store.active()).toHaveLength(1);
  });
});

describe('console parsing and autocomplete', () => {
  it('GIVEN a /digest line THEN the word after the name is the sub-command and the rest are options', () => {
    const r = parseSlashLine('/digest subscribe channel:#osint time:08:00 timezone:Europe/London query:"place:kabul"', { hasSubcommands: (c) => c === 'digest' });
    expect(r.ok && r.line).toEqual({
      command: 'digest',
      subcommand: 'subscribe',
      options: new Map([
        ['channel', '#osint'],
        ['time', '08:00'],
        ['timezone', 'Europe/London'],
        ['query', 'place:kabul'],
      ]),
    });
  });

  it('GIVEN a bare word after a command without sub-commands THEN still the name:value error', () => {
    const view = check(answerLine('/search peshawar', deps()));
    expect(error(view).message).toContain('"peshawar" is not an option');
  });

  it('GIVEN the timezone option THEN zone names are suggested', () => {
    const list = suggest('timezone', 'kab', deps());
    expect(list[0]).toEqual({ name: 'Asia/Kabul', value: 'Asia/Kabul' });
    expect(list.length).toBeLessThanOrEqual(25);
  });
});
