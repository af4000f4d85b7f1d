// Prev/Next buttons whose state lives in the button itself. A button's
// custom_id (at most 100 characters) carries the command, the page or part to
// show, and the options the command was run with, so paging keeps working
// after a restart and for every member who sees the message: pressing a
// button re-runs the command on the archive as it is now.
//
//   pg|search|p2|query=kabul%26co         page 2 of a list (sets the page option)
//   pg|record|r1|id=thekhorasandiary-1    part 1 of a view too long for one message
//   ph|search|p2|Ab3-x9Qk0LmZ             options too long to fit: a hash into a bounded LRU
//
// Only the rare query that does not fit (a query can be 500 characters) needs
// the LRU. The LRU is in memory by default (the reply then says that its
// paging ends when the bot restarts), or in the state store (PagingMemory,
// src/state/memory.ts), shared by every process of the bot.
//
//   pv|reload|r2|Ab3-x9Qk0LmZ             part 2 of a reply kept in memory
//
// A command that changes something (/reload, /digest, /discuss) is never run
// again by a button: its reply is kept in the same bounded LRU and the
// buttons page through that reply. The router decides which commands only
// read (READ_ONLY_COMMANDS in router.ts).
import { createHash } from 'node:crypto';
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent } from 'discord.js';

export const CUSTOM_ID_MAX = 100;

/** Which of a reply's pages a button shows: a page of a list command, or a part of a long view. */
export interface Target {
  kind: 'page' | 'part';
  /** 1-based. */
  n: number;
}

export interface PagingState {
  command: string;
  /** Set for a kept reply (pv|): the key of the View to page through; no command runs. */
  kept?: string;
  /** The command's options as strings, without `page` (the target says which page). */
  options: { [name: string]: string };
  target: Target;
}

export type Decoded = { ok: true; state: PagingState } | { ok: false; reason: 'expired' | 'invalid' };

// Only the characters that structure the id are escaped, so most queries stay short.
function escapeValue(s: string): string {
  return s.replace(/[%&=|]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

function unescapeValue(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

function encodeOptions(options: { readonly [name: string]: string }): string {
  return Object.keys(options)
    .sort()
    .map((k) => `${escapeValue(k)}=${escapeValue(options[k] ?? '')}`)
    .join('&');
}

function decodeOptions(text: string): { [name: string]: string } | undefined {
  const out: { [name: string]: string } = {};
  if (text === '') return out;
  for (const pair of text.split('&')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) return undefined;
    const key = unescapeValue(pair.slice(0, eq));
    const value = unescapeValue(pair.slice(eq + 1));
    if (key === undefined || value === undefined) return undefined;
    out[key] = value;
  }
  return out;
}

const TARGET = /^([pr])(\d{1,6})$/;

/**
 * Where Paging keeps what does not fit in a button: the options of a long
 * query, and the replies of commands that must not run again. In memory by
 * default (forgotten at restart); in the state store (src/state/memory.ts)
 * when several processes share it, so a button works whichever process
 * receives the press. Both are bounded, least recently used first.
 */
export interface PagingMemory {
  /** True when what is kept outlives the process. */
  readonly persistent: boolean;
  remember(key: string, value: string): void;
  /** The remembered value (counts as a use), or undefined. */
  recall(key: string): string | undefined;
  keep(key: string, view: unknown): void;
  kept(key: string): unknown;
}

/** Two LRU maps in process memory. */
export class InMemoryPagingMemory implements PagingMemory {
  readonly persistent = false;
  readonly #remembered = new Map<string, string>();
  readonly #kept = new Map<string, unknown>();
  readonly #max: number;

  constructor(max = 1000) {
    this.#max = max;
  }

  remember(key: string, value: string): void {
    bump(this.#remembered, key, value, this.#max);
  }

  recall(key: string): string | undefined {
    const value = this.#remembered.get(key);
    if (value !== undefined) bump(this.#remembered, key, value, this.#max); // most recently used
    return value;
  }

  keep(key: string, view: unknown): void {
    bump(this.#kept, key, view, this.#max);
  }

  kept(key: string): unknown {
    return this.#kept.get(key);
  }
}

function bump<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > max) {
    const oldest = map.keys().next();
    if (oldest.done === true) break;
    map.delete(oldest.value);
  }
}

export class Paging {
  readonly #memory: PagingMemory;

  constructor(opts: { maxRemembered?: number; memory?: PagingMemory } = {}) {
    this.#memory = opts.memory ?? new InMemoryPagingMemory(opts.maxRemembered ?? 1000);
  }

  /** True when long queries and kept replies survive a restart (and are shared between processes). */
  get persistent(): boolean {
    return this.#memory.persistent;
  }

  /**
   * The custom id for a button showing `state`. `remembered` is true when the
   * options did not fit and were kept in memory (paging then ends at restart).
   */
  encode(state: PagingState): { customId: string; remembered: boolean } {
    const target = `${state.target.kind === 'page' ? 'p' : 'r'}${state.target.n}`;
    const options = encodeOptions(state.options);
    const inline = `pg|${state.command}|${target}|${options}`;
    if (inline.length <= CUSTOM_ID_MAX) return { customId: inline, remembered: false };
    const key = createHash('sha256').update(`${state.command}\n${options}`).digest('base64url').slice(0, 16);
    this.#memory.remember(key, `${state.command}|${options}`);
    return { customId: `ph|${state.command}|${target}|${key}`, remembered: true };
  }

  decode(customId: string): Decoded {
    const parts = customId.split('|');
    const [scheme, command, target, ...rest] = parts;
    const t = TARGET.exec(target ?? '');
    if ((scheme !== 'pg' && scheme !== 'ph' && scheme !== 'pv') || command === undefined || command === '' || t === null) return { ok: false, reason: 'invalid' };
    const n = Number(t[2]);
    if (n < 1) return { ok: false, reason: 'invalid' };
    const kind = t[1] === 'p' ? 'page' : 'part';
    let optionText = rest.join('|');
    if (scheme === 'pv') {
      if (kind !== 'part' || !/^[\w-]{1,32}$/.test(optionText)) return { ok: false, reason: 'invalid' };
      return { ok: true, state: { command, options: {}, target: { kind, n }, kept: optionText } };
    }
    if (scheme === 'ph') {
      const stored = this.#memory.recall(optionText);
      if (stored === undefined) return { ok: false, reason: 'expired' };
      const bar = stored.indexOf('|');
      if (stored.slice(0, bar) !== command) return { ok: false, reason: 'invalid' };
      optionText = stored.slice(bar + 1);
    }
    const options = decodeOptions(optionText);
    if (options === undefined) return { ok: false, reason: 'invalid' };
    return { ok: true, state: { command, options, target: { kind, n } } };
  }

  /** A row with Prev and Next for a reply showing `current` of `count`; remembered as in encode. */
  row(
    command: string,
    options: { readonly [name: string]: string },
    kind: Target['kind'],
    current: number,
    count: number,
  ): { row: APIActionRowComponent<APIButtonComponent>; remembered: boolean } {
    const prev = this.encode({ command, options: { ...options }, target: { kind, n: Math.max(0, current - 1) } });
    const next = this.encode({ command, options: { ...options }, target: { kind, n: current + 1 } });
    // n = 0 never decodes; the Prev button on the first page is disabled anyway and needs an id distinct from Next.
    const button = (label: string, customId: string, disabled: boolean): APIButtonComponent => ({
      type: ComponentType.Button,
      style: ButtonStyle.Secondary,
      label,
      custom_id: customId,
      disabled,
    });
    return {
      row: {
        type: ComponentType.ActionRow,
        components: [button('◀ Prev', prev.customId, current <= 1), button('Next ▶', next.customId, current >= count)],
      },
      remembered: prev.remembered || next.remembered,
    };
  }

  /** Keeps `view` (a reply of a command that must not run again) and returns its key for keptRow. */
  keep(command: string, view: unknown): string {
    const key = createHash('sha256').update(`${command}\n${Date.now()}\n${Math.random()}`).digest('base64url').slice(0, 16);
    this.#memory.keep(key, view);
    return key;
  }

  /** The kept View for `key`, or undefined when forgotten (restart of an in-memory Paging, or pushed out of the LRU). */
  kept(key: string): unknown {
    return this.#memory.kept(key);
  }

  /** Prev/Next through the parts of a kept reply. */
  keptRow(command: string, key: string, current: number, count: number): APIActionRowComponent<APIButtonComponent> {
    const button = (label: string, n: number, disabled: boolean): APIButtonComponent => ({
      type: ComponentType.Button,
      style: ButtonStyle.Secondary,
      label,
      custom_id: `pv|${command}|r${n}|${key}`,
      disabled,
    });
    return {
      type: ComponentType.ActionRow,
      components: [button('◀ Prev', Math.max(0, current - 1), current <= 1), button('Next ▶', current + 1, current >= count)],
    };
  }
}
