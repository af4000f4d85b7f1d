// The DigestService the /digest command uses (interface in
// src/core/digest/service.ts), over the SQLite store. Subscribing records a
// baseline (the fingerprints of everything in scope), so the first digest
// reports what changes after subscribing rather than the whole archive, and
// re-arms the scheduler so the new time takes effect without a restart.
import { buildDigest, scopeFingerprints } from '../core/digest/content.ts';
import type { DigestService, PreviewResult, SubscribeRequest, SubscriptionInfo } from '../core/digest/service.ts';
import { addDays } from '../core/calendar/hijri.ts';
import { parseQuery } from '../core/query/parse.ts';
import type { Archive } from '../core/search/types.ts';
import type { DigestStore, Subscription } from '../state/store.ts';
import { localDateOf, localLabel, nextFire } from './schedule.ts';

export interface ServiceOptions {
  store: DigestStore;
  /** Told after a subscription changed, so the next wake-up is recomputed (the runner, in the bot). */
  onChange?: () => void;
}

export class SqliteDigestService implements DigestService {
  private readonly store: DigestStore;
  private readonly onChange: () => void;

  constructor(opts: ServiceOptions) {
    this.store = opts.store;
    this.onChange = opts.onChange ?? (() => undefined);
  }

  private info(sub: Subscription, now: Date): SubscriptionInfo {
    const next = sub.active ? nextFire(sub.time, sub.timezone, now) : null;
    const last = this.store.latestRun(sub.id, ['completed', 'skipped', 'failed', 'posted', 'intent']);
    return {
      channelId: sub.channelId,
      channelName: sub.channelName,
      time: sub.time,
      timezone: sub.timezone,
      query: sub.query,
      nextRun: next?.toISOString() ?? null,
      nextLocal: next === null ? null : localLabel(next, sub.timezone),
      lastRun: last === undefined ? null : { localDate: last.localDate, status: last.status, error: last.status === 'completed' ? null : last.lastError },
    };
  }

  subscribe(request: SubscribeRequest, archive: Archive, now: Date): { subscription: SubscriptionInfo; replaced: SubscriptionInfo | null } {
    const { subscription, replaced } = this.store.subscribe(
      {
        guildId: request.guildId,
        channelId: request.channelId,
        channelName: request.channelName ?? null,
        time: request.time,
        timezone: request.timezone,
        query: request.query,
        createdBy: request.userId,
      },
      now.toISOString(),
      () => scopeFingerprints(archive, parseQuery(request.query)),
    );
    this.onChange();
    return { subscription: this.info(subscription, now), replaced: replaced === null ? null : this.info(replaced, now) };
  }

  unsubscribe(channelId: string, guildId: string | null, now: Date): SubscriptionInfo | null {
    const sub = this.store.byChannel(channelId);
    if (sub === undefined || !sub.active || (guildId !== null && sub.guildId !== guildId)) return null;
    const removed = this.store.unsubscribe(channelId);
    this.onChange();
    return removed === null ? null : { ...this.info(removed, now), nextRun: null, nextLocal: null };
  }

  list(guildId: string | null, now: Date): SubscriptionInfo[] {
    return this.store.active(guildId).map((s) => this.info(s, now));
  }

  channelByName(name: string, guildId: string | null): string | undefined {
    const wanted = name.replace(/^#/, '').toLowerCase();
    return this.store.active(guildId).find((s) => s.channelName?.toLowerCase() === wanted)?.channelId;
  }

  preview(channelId: string | null, guildId: string | null, archive: Archive, now: Date): PreviewResult {
    if (channelId === null) {
      // No subscription: all records, tomorrow (UTC), and no history to compare against.
      const localDate = addDays(now.toISOString().slice(0, 10), 1);
      return { ok: true, view: buildDigest({ archive, query: parseQuery(''), previousFingerprints: null, localDate, timezone: 'UTC', now }).view };
    }
    const sub = this.store.byChannel(channelId);
    if (sub === undefined || !sub.active || (guildId !== null && sub.guildId !== guildId)) return { ok: false, reason: 'not-subscribed' };
    const localDate = localDateOf(nextFire(sub.time, sub.timezone, now), sub.timezone);
    const view = buildDigest({
      archive,
      query: parseQuery(sub.query),
      previousFingerprints: this.store.fingerprints(sub.id),
      localDate,
      timezone: sub.timezone,
      now,
      since: this.store.latestRun(sub.id)?.localDate ?? null,
    }).view;
    return { ok: true, view };
  }
}
