// What a thread remembers: the last question understood in it, so a
// follow-up ("and in Herat?") can refine it. In memory and bounded: the
// least recently used threads are forgotten first once there are too many,
// and a thread quiet for longer than the time to live starts afresh. A
// restart forgets everything, which only means the next follow-up is read
// as a new question.
import type { Understood } from './types.ts';

export interface ConversationOptions {
  /** Threads remembered at most (default 500). */
  maxEntries?: number;
  /** How long a thread is remembered after its last question, in ms (default 24 h). */
  ttlMs?: number;
  /** Clock in ms, for tests. */
  now?: () => number;
}

interface Slot {
  understood: Understood;
  at: number;
}

/**
 * What a follow-up needs: the last question understood in a thread. This
 * class keeps it in memory; src/state/memory.ts keeps it in the state store,
 * shared by every process of the bot.
 */
export interface ConversationMemory {
  get(threadId: string): Understood | undefined;
  set(threadId: string, understood: Understood): void;
  delete(threadId: string): boolean;
}

export const DEFAULT_MAX_THREADS = 500;
export const DEFAULT_TTL_MS = 24 * 60 * 60 * 1000;

export class ConversationStore implements ConversationMemory {
  private readonly slots = new Map<string, Slot>();
  private readonly maxEntries: number;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(options: ConversationOptions = {}) {
    this.maxEntries = options.maxEntries ?? DEFAULT_MAX_THREADS;
    this.ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
    this.now = options.now ?? Date.now;
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 1) throw new RangeError(`maxEntries must be a whole number >= 1, got ${this.maxEntries}`);
    if (!(this.ttlMs > 0)) throw new RangeError(`ttlMs must be > 0, got ${this.ttlMs}`);
  }

  /** The last question understood in the thread, if it is still remembered. Counts as a use. */
  get(threadId: string): Understood | undefined {
    const slot = this.slots.get(threadId);
    if (slot === undefined) return undefined;
    if (this.now() - slot.at > this.ttlMs) {
      this.slots.delete(threadId);
      return undefined;
    }
    // Map order is the recency order: move to the end.
    this.slots.delete(threadId);
    this.slots.set(threadId, slot);
    return slot.understood;
  }

  /** Remembers the question just answered in the thread. */
  set(threadId: string, understood: Understood): void {
    this.slots.delete(threadId);
    this.slots.set(threadId, { understood, at: this.now() });
    this.prune();
  }

  delete(threadId: string): boolean {
    return this.slots.delete(threadId);
  }

  /** Threads remembered now (expired ones are dropped first). */
  get size(): number {
    this.dropExpired();
    return this.slots.size;
  }

  private dropExpired(): void {
    const now = this.now();
    for (const [id, slot] of this.slots) if (now - slot.at > this.ttlMs) this.slots.delete(id);
  }

  private prune(): void {
    this.dropExpired();
    while (this.slots.size > this.maxEntries) {
      const oldest = this.slots.keys().next();
      if (oldest.done === true) break;
      this.slots.delete(oldest.value);
    }
  }
}
