// The thread memory: bounded by count (least recently used forgotten first)
// and by time since the thread's last question.
import { describe, expect, it } from 'vitest';
import { ConversationStore } from '../../src/core/ask/conversation.ts';
import type { Understood } from '../../src/core/ask/types.ts';

function understood(question: string): Understood {
  return {
    ok: true,
    question,
    command: 'timeline',
    args: {},
    filters: {},
    terms: [],
    readAs: 'Timeline',
    reading: { command: 'timeline', byAsked: false, kind: [], category: [], place: [], country: [], type: [], target: [], outlet: [], medium: [], language: [], terms: [] },
  };
}

describe('ConversationStore', () => {
  it('GIVEN a thread THEN its last question is kept, replaced by the next', () => {
    const store = new ConversationStore();
    store.set('t1', understood('a'));
    store.set('t1', understood('b'));
    expect(store.get('t1')?.question).toBe('b');
    expect(store.get('t2')).toBeUndefined();
    expect(store.size).toBe(1);
  });

  it('GIVEN more threads than the limit THEN the least recently used is forgotten', () => {
    const store = new ConversationStore({ maxEntries: 2 });
    store.set('a', understood('a'));
    store.set('b', understood('b'));
    expect(store.get('a')?.question).toBe('a'); // a is now more recent than b
    store.set('c', understood('c'));
    expect(store.get('b')).toBeUndefined();
    expect(store.get('a')?.question).toBe('a');
    expect(store.get('c')?.question).toBe('c');
    expect(store.size).toBe(2);
  });

  it('GIVEN a thread quiet for longer than the time to live THEN it is forgotten', () => {
    let now = 0;
    const store = new ConversationStore({ ttlMs: 1000, now: () => now });
    store.set('a', understood('a'));
    now = 1000;
    expect(store.get('a')?.question).toBe('a');
    store.set('b', understood('b'));
    now = 2001;
    expect(store.get('a')).toBeUndefined();
    expect(store.get('b')).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it('GIVEN delete THEN the thread starts afresh', () => {
    const store = new ConversationStore();
    store.set('a', understood('a'));
    expect(store.delete('a')).toBe(true);
    expect(store.get('a')).toBeUndefined();
  });

  it.each([{ maxEntries: 0 }, { maxEntries: 1.5 }, { ttlMs: 0 }, { ttlMs: Number.NaN }])('GIVEN bad options %j THEN a RangeError', (options) => {
    expect(() => new ConversationStore(options)).toThrow(RangeError);
  });
});
