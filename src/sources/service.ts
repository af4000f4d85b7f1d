// The SourcesService /sources uses (interface in src/core/sources/service.ts),
// over the SQLite watch store. Changes are told to the watcher (onChange), so a
// new watch is polled at once and a removed one stops without a restart; the
// console, which has no watcher, writes the same state file and the running
// bot notices within a minute.
import { endpointOf, type AddRequest, type AddResult, type SourcesService, type WatchInfo } from '../core/sources/service.ts';
import type { Watch, WatchStore } from '../state/watch-store.ts';

export interface SourcesServiceOptions {
  store: WatchStore;
  onChange?: () => void;
}

export function watchInfo(w: Watch): WatchInfo {
  return {
    id: w.id,
    channelId: w.channelId,
    channelName: w.channelName,
    site: w.site,
    endpoint: w.endpoint,
    everyMinutes: w.everyMinutes,
    query: w.query,
    cursor: w.cursor,
    imported: w.imported,
    lastSuccessAt: w.lastSuccessAt,
    lastError: w.lastError,
    failures: w.failures,
    backedOffAt: w.backedOffAt,
    nextPollAt: w.nextPollAt,
  };
}

export class SqliteSourcesService implements SourcesService {
  private readonly store: WatchStore;
  private readonly onChange: () => void;

  constructor(opts: SourcesServiceOptions) {
    this.store = opts.store;
    this.onChange = opts.onChange ?? (() => undefined);
  }

  add(request: AddRequest, now: Date): AddResult {
    const target = endpointOf(request.url);
    if (!target.ok) return { ok: false, option: 'url', message: target.message };
    const { watch, existed } = this.store.add(
      {
        guildId: request.guildId,
        channelId: request.channelId,
        channelName: request.channelName,
        endpoint: target.endpoint,
        site: target.site,
        everyMinutes: request.everyMinutes,
        query: request.query,
        createdBy: request.userId,
      },
      now.toISOString(),
    );
    this.onChange();
    return { ok: true, watch: watchInfo(watch), existed };
  }

  list(guildId: string | null): WatchInfo[] {
    return this.store.active(guildId).map(watchInfo);
  }

  /** Watches of the guild named by `ref`: its number, or a URL naming its endpoint or site. */
  private find(ref: string, guildId: string | null): Watch[] {
    const watches = this.store.active(guildId);
    const text = ref.trim().replace(/^#/, '');
    if (/^\d+$/.test(text)) return watches.filter((w) => w.id === Number(text));
    const target = endpointOf(text);
    if (!target.ok) return [];
    const exact = watches.filter((w) => w.endpoint === target.endpoint);
    return exact.length > 0 ? exact : watches.filter((w) => w.site === target.site);
  }

  remove(ref: string, guildId: string | null): WatchInfo | null {
    const found = this.find(ref, guildId);
    // A URL matching several watches (one site in several channels) is ambiguous: the number says which.
    if (found.length !== 1) return null;
    const removed = this.store.remove(found[0]!.id);
    this.onChange();
    return removed === null ? null : watchInfo(removed);
  }

  check(ref: string | undefined, guildId: string | null, now: Date): WatchInfo[] | null {
    const found = ref === undefined ? this.store.active(guildId) : this.find(ref, guildId);
    if (ref !== undefined && found.length === 0) return null;
    this.store.pollNow(
      found.map((w) => w.id),
      now.toISOString(),
    );
    this.onChange();
    return found.map((w) => watchInfo(this.store.byId(w.id)!));
  }
}
