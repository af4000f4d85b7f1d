// Paging over the state store (what the bot uses with DATABASE_URL): the
// buttons of a query too long for a custom id, and of a kept reply, work in
// another Paging over the same store, as in another process or after a
// restart; over process memory they do not. SQLite stands in for the shared
// store here (the contract suite runs the memory on both databases).
import { afterEach, describe, expect, it } from 'vitest';
import { Paging } from '../../src/discord/paging.ts';
import { StoredPagingMemory } from '../../src/state/memory.ts';
import { openStateStore } from '../../src/state/open.ts';
import type { SqlPort } from '../../src/db/sql.ts';
import { tempStateDir } from '../digest/helpers.ts';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

function connect(dir: string): SqlPort {
  const opened = openStateStore({ stateDir: dir });
  if (!opened.ok) throw new Error(opened.message);
  cleanups.push(() => opened.sql.close());
  return opened.sql;
}

describe('paging state in the store', () => {
  it('GIVEN a query too long for a button THEN another process decodes its buttons; a process-memory Paging cannot', () => {
    const state = tempStateDir();
    cleanups.push(() => state.cleanup());
    const a = new Paging({ memory: new StoredPagingMemory(connect(state.dir)) });
    const b = new Paging({ memory: new StoredPagingMemory(connect(state.dir)) });
    expect(a.persistent).toBe(true);
    const query = `kabul ${'attack '.repeat(40)}year:2022`;
    const { customId, remembered } = a.encode({ command: 'search', options: { query }, target: { kind: 'page', n: 2 } });
    expect(remembered).toBe(true);
    expect(customId.length).toBeLessThanOrEqual(100);
    expect(b.decode(customId)).toEqual({ ok: true, state: { command: 'search', options: { query }, target: { kind: 'page', n: 2 } } });
    const alone = new Paging();
    expect(alone.persistent).toBe(false);
    expect(alone.decode(customId)).toEqual({ ok: false, reason: 'expired' });
  });

  it('GIVEN a kept reply THEN another process pages through the same View', () => {
    const state = tempStateDir();
    cleanups.push(() => state.cleanup());
    const a = new Paging({ memory: new StoredPagingMemory(connect(state.dir)) });
    const b = new Paging({ memory: new StoredPagingMemory(connect(state.dir)) });
    const view = { type: 'reload', added: ['r1', 'r2'], removed: [], changed: ['r3'], took: 1234 };
    const key = a.keep('reload', view);
    const row = a.keptRow('reload', key, 1, 3);
    const next = (row.components[1] as { custom_id: string }).custom_id;
    const decoded = b.decode(next);
    expect(decoded.ok && decoded.state.kept).toBe(key);
    expect(b.kept(key)).toEqual(view);
  });
});
