// The digest store for the console transports (REPL and ask): the same
// store the bot writes (STATE_DIR/archivist.db, or PostgreSQL when
// DATABASE_URL is set), so /digest status and
// /digest preview answer offline from the bot's real subscriptions. The
// console never posts; without a server it cannot subscribe either.
import type { Config } from '../config.ts';
import type { DigestService } from '../core/digest/service.ts';
import { SqliteDigestService } from '../digest/service.ts';
import type { Logger } from '../logger.ts';
import { openStateStore } from '../state/open.ts';
import { DigestStore } from '../state/store.ts';
import type { SourcesService } from '../core/sources/service.ts';
import { SqliteSourcesService } from '../sources/service.ts';
import { WatchStore } from '../state/watch-store.ts';
import type { ArchiveHolder } from '../core/search/holder.ts';
import { DraftService } from '../drafts/service.ts';
import { DraftStore } from '../state/draft-store.ts';

/** The digest service over the state file, or undefined (logged) when it cannot be opened: the rest of the console still works. */
export function openConsoleDigest(
  config: Pick<Config, 'stateDir' | 'databaseUrl'>,
  log: Logger,
  /** The archive served: with it, the drafts in the same file (/draft from|list, and who drafted and approved a record in /record). */
  holder?: ArchiveHolder,
): { service: DigestService; sources: SourcesService; drafts?: DraftService; close(): void } | undefined {
  const opened = openStateStore({ stateDir: config.stateDir, ...(config.databaseUrl !== undefined ? { databaseUrl: config.databaseUrl.reveal() } : {}) });
  if (!opened.ok) {
    log.warn({ path: opened.where, reason: opened.reason, detail: opened.message }, `state store not available (${opened.fix}); /digest will say so`);
    return undefined;
  }
  if (opened.migratedFrom !== opened.version) log.info({ path: opened.where, from: opened.migratedFrom, to: opened.version }, 'state store migrated');
  const store = new DigestStore(opened.sql);
  // The watched sites live in the same store: /sources list and check work offline too.
  const drafts = holder !== undefined ? new DraftService({ store: new DraftStore(opened.sql), holder, stateDir: config.stateDir }) : undefined;
  return {
    service: new SqliteDigestService({ store }),
    sources: new SqliteSourcesService({ store: new WatchStore(opened.sql) }),
    ...(drafts !== undefined ? { drafts } : {}),
    close: () => store.close(),
  };
}
