// Builders for the digest tests: small archives of dated records (real engine,
// real filters), a fake Discord that honours nonces the way Discord does, a
// log that keeps its lines, and hand-driven timers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { matchFilters } from '../../src/core/query/filter.ts';
import type { DateSpec, Incident, Publication } from '../../src/core/records/schema.ts';
import { createArchive, type SearchArchive } from '../../src/core/search/engine.ts';
import type { DigestLogger, DigestMessage, DigestPoster, Timers } from '../../src/digest/runner.ts';
import { openStateDb } from '../../src/state/db.ts';
import { DigestStore } from '../../src/state/store.ts';
import { incident, publication, source } from '../search/records.ts';

export const SOURCE = source('src-a', ['a verbatim quote about an attack in Kabul', 'another passage about a statement']);

/** A day-precision date. */
export function day(iso: string): DateSpec {
  return { start: iso, precision: 'day' };
}

export function attack(id: string, date: DateSpec | undefined, extra: Partial<Incident> = {}): Incident {
  return incident(id, {
    title: `Attack ${id}`,
    place: { place: 'Kabul', country: 'Afghanistan', precision: 'city' },
    ...(date !== undefined ? { date } : {}),
    ...extra,
  });
}

export function statement(id: string, date: DateSpec | undefined, extra: Partial<Publication> = {}): Publication {
  return publication(id, { title: `Statement ${id}`, outlet: 'Amaq', ...(date !== undefined ? { date } : {}), ...extra });
}

export function archiveOf(records: Array<Incident | Publication>, sources = [SOURCE]): SearchArchive {
  return createArchive(
    {
      sources,
      incidents: records.filter((r): r is Incident => r.kind === 'incident'),
      publications: records.filter((r): r is Publication => r.kind === 'publication'),
    },
    { dataHash: 'test', matchFilters, builtAt: '2026-01-01T00:00:00.000Z' },
  );
}

/** A temporary state folder, removed by `cleanup`. */
export function tempStateDir(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'archivist-digest-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Opens (and migrates) the store in `dir`; a second call is a second connection, as after a restart. */
export function openStore(dir: string): DigestStore {
  const opened = openStateDb(dir);
  if (!opened.ok) throw new Error(opened.message);
  return new DigestStore(opened.db);
}

export interface PostedMessage {
  id: string;
  channelId: string;
  content: string;
  nonce: string;
}

/** What the fake does at one call: act normally; hang before or after acting (the process died there); throw after acting (the response was lost). */
export type Fault = 'ok' | 'hang-before' | 'hang-after' | 'throw-after';

/**
 * Discord as far as digests care: a message sent with a nonce already used in
 * the channel returns the existing message (enforce_nonce); a message's
 * thread has the message's id, and opening it again returns it. Faults make
 * one call hang forever (the process died there) or throw after acting (the
 * response was lost).
 */
export class FakeDiscord implements DigestPoster {
  readonly messages: PostedMessage[] = [];
  readonly threads = new Map<string, string>();
  readonly postCalls: string[] = [];
  readonly threadCalls: string[] = [];
  private readonly byNonce = new Map<string, string>();
  private seq = 1000;
  postFaults: Fault[] = [];
  threadFaults: Fault[] = [];
  /** Thrown by every post while set (e.g. a permanent DigestPostError). */
  postError: Error | undefined;

  private fault(list: Fault[]): Fault | undefined {
    return list.shift();
  }

  async post(channelId: string, message: DigestMessage, nonce: string): Promise<{ messageId: string }> {
    this.postCalls.push(nonce);
    if (nonce.length > 25) throw new Error(`nonce too long: ${nonce}`);
    if (message.content.length > 2000) throw new Error(`message too long: ${message.content.length}`);
    if (this.postError !== undefined) throw this.postError;
    const fault = this.fault(this.postFaults);
    if (fault === 'hang-before') return new Promise(() => undefined);
    const key = `${channelId}:${nonce}`;
    let id = this.byNonce.get(key);
    if (id === undefined) {
      id = String(++this.seq);
      this.byNonce.set(key, id);
      this.messages.push({ id, channelId, content: message.content, nonce });
    }
    if (fault === 'hang-after') return new Promise(() => undefined);
    if (fault === 'throw-after') throw new Error('connection reset');
    return { messageId: id };
  }

  async openThread(_channelId: string, messageId: string, name: string): Promise<{ threadId: string }> {
    this.threadCalls.push(messageId);
    if (name.length < 1 || name.length > 100) throw new Error(`bad thread name: ${name}`);
    const fault = this.fault(this.threadFaults);
    if (fault === 'hang-before') return new Promise(() => undefined);
    if (!this.threads.has(messageId)) this.threads.set(messageId, name);
    if (fault === 'hang-after') return new Promise(() => undefined);
    if (fault === 'throw-after') throw new Error('connection reset');
    return { threadId: messageId };
  }

  inChannel(channelId: string): PostedMessage[] {
    return this.messages.filter((m) => m.channelId === channelId);
  }
}

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  msg: string;
  obj: { [k: string]: unknown };
}

export class MemoryLog implements DigestLogger {
  readonly lines: LogLine[] = [];
  info(obj: object, msg: string): void {
    this.lines.push({ level: 'info', msg, obj: obj as LogLine['obj'] });
  }
  warn(obj: object, msg: string): void {
    this.lines.push({ level: 'warn', msg, obj: obj as LogLine['obj'] });
  }
  error(obj: object, msg: string): void {
    this.lines.push({ level: 'error', msg, obj: obj as LogLine['obj'] });
  }
}

/** A clock the test sets. */
export class TestClock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current.getTime());
  }
  set(iso: string | Date): void {
    this.current = new Date(iso);
  }
}

/** Timers that only fire when the test says so. */
export class ManualTimers implements Timers {
  pending: { fn: () => void; ms: number; id: number } | undefined;
  private seq = 0;
  setTimeout(fn: () => void, ms: number): unknown {
    this.pending = { fn, ms, id: ++this.seq };
    return this.seq;
  }
  clearTimeout(handle: unknown): void {
    if (this.pending?.id === handle) this.pending = undefined;
  }
  /** Runs the armed callback (the test has moved the clock to its time). */
  fire(): void {
    const p = this.pending;
    if (p === undefined) throw new Error('no timer armed');
    this.pending = undefined;
    p.fn();
  }
}
