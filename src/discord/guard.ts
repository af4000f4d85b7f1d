// Rules for everything the bot posts or opens on a member's behalf (/discuss
// posts a card and opens a public thread; a mention opens a public thread and
// answers in it). The bot's own permissions are not enough: it would let a
// member without Send Messages or Create Public Threads post and open threads
// through the bot. So, before acting:
//
// - The member's own permissions in the channel must allow what the bot is
//   about to do for them: Send Messages and Create Public Threads in a
//   channel, Send Messages in Threads inside a thread. For an interaction,
//   Discord sends the member's permissions in that channel (overwrites
//   applied); for a message, they are computed from the member's roles (sent
//   with the message) and the channel's overwrites (memberPermissionsIn).
// - Throttles: at most DEFAULT_THROTTLE.perMember posts per member and
//   DEFAULT_THROTTLE.perChannel per channel in a sliding window. Past them the
//   member gets a polite refusal saying when to try again (ephemeral for a
//   command; for mentions, one short reply per window, then silence).
import { PermissionFlagsBits, type Guild, type GuildBasedChannel } from 'discord.js';

export interface ThrottleLimits {
  /** Posts one member may cause per window. */
  perMember: number;
  /** Posts in one channel (or thread) per window, whoever asks. */
  perChannel: number;
  windowMs: number;
}

/** 3 per member and 10 per channel a minute: a conversation, never a flood. */
export const DEFAULT_THROTTLE: ThrottleLimits = { perMember: 3, perChannel: 10, windowMs: 60_000 };

export type ThrottleOutcome = { ok: true } | { ok: false; scope: 'member' | 'channel'; retryAfterMs: number };

/** Sliding-window counters per member and per channel, bounded in memory. */
export class Throttle {
  readonly #limits: ThrottleLimits;
  readonly #clock: () => number;
  readonly #members = new Map<string, number[]>();
  readonly #channels = new Map<string, number[]>();
  readonly #maxKeys: number;

  constructor(limits: Partial<ThrottleLimits> = {}, clock: () => number = Date.now, maxKeys = 10_000) {
    this.#limits = { ...DEFAULT_THROTTLE, ...limits };
    this.#clock = clock;
    this.#maxKeys = maxKeys;
  }

  get limits(): ThrottleLimits {
    return this.#limits;
  }

  /** Counts one post by `userId` in `channelId` when both are under their limits; otherwise says which limit and for how long. */
  take(userId: string, channelId: string): ThrottleOutcome {
    const now = this.#clock();
    const member = this.#recent(this.#members, userId, now);
    const channel = this.#recent(this.#channels, channelId, now);
    if (member.length >= this.#limits.perMember) return { ok: false, scope: 'member', retryAfterMs: member[0]! + this.#limits.windowMs - now };
    if (channel.length >= this.#limits.perChannel) return { ok: false, scope: 'channel', retryAfterMs: channel[0]! + this.#limits.windowMs - now };
    this.#push(this.#members, userId, member, now);
    this.#push(this.#channels, channelId, channel, now);
    return { ok: true };
  }

  #recent(map: Map<string, number[]>, key: string, now: number): number[] {
    return (map.get(key) ?? []).filter((t) => now - t < this.#limits.windowMs);
  }

  #push(map: Map<string, number[]>, key: string, times: number[], now: number): void {
    map.delete(key);
    map.set(key, [...times, now]);
    while (map.size > this.#maxKeys) {
      const oldest = map.keys().next();
      if (oldest.done === true) break;
      map.delete(oldest.value);
    }
  }
}

/** "in 42 s" for a refusal. */
export function retryText(ms: number): string {
  return `${Math.max(1, Math.ceil(ms / 1000))} s`;
}

/** The refusal a throttled member reads. */
export function throttledMessage(outcome: Extract<ThrottleOutcome, { ok: false }>, limits: ThrottleLimits, what: string): string {
  const minutes = Math.round(limits.windowMs / 60_000);
  const window = minutes === 1 ? 'a minute' : `${minutes} minutes`;
  return outcome.scope === 'member'
    ? `Please wait ${retryText(outcome.retryAfterMs)}: the bot ${what} at most ${limits.perMember} times per member in ${window}.`
    : `Please wait ${retryText(outcome.retryAfterMs)}: this channel is busy (at most ${limits.perChannel} in ${window}).`;
}

/** What the member needs to let the bot post for them: in a thread, Send Messages in Threads; elsewhere Send Messages and Create Public Threads. */
export function postingRequirement(inThread: boolean): { bits: bigint; names: string[] } {
  return inThread
    ? { bits: PermissionFlagsBits.SendMessagesInThreads, names: ['Send Messages in Threads'] }
    : { bits: PermissionFlagsBits.SendMessages | PermissionFlagsBits.CreatePublicThreads, names: ['Send Messages', 'Create Public Threads'] };
}

/** The names of the permissions in `requirement` that `permissions` lacks (Administrator has them all). */
export function missingPermissions(permissions: bigint, requirement: { bits: bigint; names: string[] }): string[] {
  if ((permissions & PermissionFlagsBits.Administrator) !== 0n) return [];
  const all: [bigint, string][] = [
    [PermissionFlagsBits.SendMessages, 'Send Messages'],
    [PermissionFlagsBits.CreatePublicThreads, 'Create Public Threads'],
    [PermissionFlagsBits.SendMessagesInThreads, 'Send Messages in Threads'],
  ];
  return all.filter(([bit]) => (requirement.bits & bit) !== 0n && (permissions & bit) === 0n).map(([, name]) => name);
}

const ALL_PERMISSIONS = Object.values(PermissionFlagsBits).reduce((a, b) => a | b, 0n);

/**
 * A member's permissions in a guild channel, from their role ids, as Discord
 * computes them: @everyone and role permissions, Administrator and the owner
 * have all, then the channel's overwrites (@everyone, then roles' deny and
 * allow together, then the member's own). A thread uses its parent's.
 */
export function memberPermissionsIn(guild: Guild, channel: GuildBasedChannel, userId: string, roleIds: readonly string[]): bigint {
  if (guild.ownerId === userId) return ALL_PERMISSIONS;
  let base = guild.roles.everyone.permissions.bitfield;
  for (const id of roleIds) base |= guild.roles.cache.get(id)?.permissions.bitfield ?? 0n;
  if ((base & PermissionFlagsBits.Administrator) !== 0n) return ALL_PERMISSIONS;
  const target = channel.isThread() ? channel.parent : channel;
  if (target === null || !('permissionOverwrites' in target)) return base;
  const overwrites = target.permissionOverwrites.cache;
  const everyone = overwrites.get(guild.id);
  if (everyone !== undefined) base = (base & ~everyone.deny.bitfield) | everyone.allow.bitfield;
  let deny = 0n;
  let allow = 0n;
  for (const id of roleIds) {
    const o = overwrites.get(id);
    if (o !== undefined) {
      deny |= o.deny.bitfield;
      allow |= o.allow.bitfield;
    }
  }
  base = (base & ~deny) | allow;
  const own = overwrites.get(userId);
  if (own !== undefined) base = (base & ~own.deny.bitfield) | own.allow.bitfield;
  return base;
}
