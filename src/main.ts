// Composition root: config -> logger -> data and index -> transport.
// Without DISCORD_TOKEN the offline console opens on the local data; with one,
// the Discord bot starts (src/discord/client.ts) and runs until SIGINT/SIGTERM,
// with the daily digests (src/digest/runner.ts) over the state store. Exit
// codes: src/exit-codes.ts (and the README).
import { discordSettings, loadConfig, type Config, type DiscordSettings } from './config.ts';
import { openLocalArchive } from './console/archive.ts';
import { openConsoleDigest } from './console/digest.ts';
import { runRepl } from './console/repl.ts';
import type { ArchiveHolder } from './core/search/holder.ts';
import { DigestRunner } from './digest/runner.ts';
import { SqliteDigestService } from './digest/service.ts';
import { EXIT, FATAL_CLOSE_CODES } from './exit-codes.ts';
import { createLogger, type Logger } from './logger.ts';
import { openStateStore } from './state/open.ts';
import { JobLeases, SqlLeaseStore } from './jobs/lease.ts';
import { StoredConversations, StoredOpenedThreads, StoredPagingMemory } from './state/memory.ts';
import { DigestStore } from './state/store.ts';
import { watchedSourcesDir } from './sources/paths.ts';
import { SqliteSourcesService } from './sources/service.ts';
import { SourceWatcher } from './sources/watcher.ts';
import { WatchStore } from './state/watch-store.ts';
import { DraftStore } from './state/draft-store.ts';
import { DraftService } from './drafts/service.ts';

/** How long one PostgreSQL state call may take in the bot (ms). */
const STATE_CALL_TIMEOUT_MS = 10_000;

/**
 * The state store for the bot (PostgreSQL with DATABASE_URL, else the SQLite
 * file under STATE_DIR), or undefined (logged as one error line) when it
 * cannot be used: a fatal condition at start (EXIT.stateStore), since a bot
 * that silently drops its subscriptions is worse than one that says why.
 */
function openBotStore(cfg: Config, log: Logger): { store: DigestStore; shared: boolean } | undefined {
  const opened = openStateStore({
    stateDir: cfg.stateDir,
    // A PostgreSQL call blocks the event loop while it waits (src/db/pg-sync.ts): one that takes 10 s has failed,
    // and waiting longer would starve the gateway's heartbeat.
    ...(cfg.databaseUrl !== undefined ? { databaseUrl: cfg.databaseUrl.reveal(), timeoutMs: STATE_CALL_TIMEOUT_MS } : {}),
  });
  if (!opened.ok) {
    log.error({ path: opened.where, reason: opened.reason, detail: opened.message, exitCode: EXIT.stateStore }, `state store cannot be used: ${opened.fix}`);
    return undefined;
  }
  if (opened.migratedFrom !== opened.version) log.info({ path: opened.where, from: opened.migratedFrom, to: opened.version }, 'state store migrated');
  log.info({ path: opened.where, database: opened.sql.dialect }, 'state store opened');
  return { store: new DigestStore(opened.sql), shared: opened.sql.dialect === 'postgres' };
}

/** Runs the bot until a signal stops it; resolves with the exit code. */
async function runBot(settings: DiscordSettings, cfg: Config, holder: ArchiveHolder, log: Logger): Promise<number> {
  // Loaded only for the bot: the offline console starts faster without discord.js.
  const { createDiscordTransport } = await import('./discord/client.ts');
  const { onShutdownSignal } = await import('./discord/shutdown.ts');
  const { DiscordDigestPoster } = await import('./discord/digest-poster.ts');
  const { DiscordDiscussions } = await import('./discord/discuss.ts');
  // A stray rejection is a bug to log, not a reason to drop every conversation in flight.
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled promise rejection'));

  const opened = openBotStore(cfg, log);
  if (opened === undefined) return EXIT.stateStore;
  const store = opened.store;
  // Several processes share a PostgreSQL store: what a follow-up or a Prev/Next button needs lives there, not in one process.
  const memory = opened.shared
    ? { conversations: new StoredConversations(store.db), openedThreads: new StoredOpenedThreads(store.db), paging: new StoredPagingMemory(store.db) }
    : undefined;
  // Every digest run, source poll and announcement is worked on under a lease in the state store,
  // so with several bot processes (shards) on one PostgreSQL each runs once (src/jobs/lease.ts).
  const leases = new JobLeases({ store: new SqlLeaseStore(store.db), ttlMs: cfg.leaseSeconds * 1000, logger: log.child({ module: 'leases' }) });
  // Shared state: another process may add a subscription or a watch; look at least once per lease length.
  const sharedSleepMs = opened.shared ? { maxSleepMs: cfg.leaseSeconds * 1000 } : {};
  log.info({ holder: leases.holder, leaseSeconds: cfg.leaseSeconds, shards: settings.shards ?? null }, 'job leases ready');
  let runner: DigestRunner | undefined;
  let watcher: SourceWatcher | undefined;
  // A subscription change re-arms the scheduler, so a new time takes effect without a restart.
  const digest = store !== undefined ? new SqliteDigestService({ store, onChange: () => runner?.rearm() }) : undefined;
  // Watched sites share the state file; a change re-arms the watcher, so a new watch is polled at once.
  const watches = store !== undefined ? new WatchStore(store.db) : undefined;
  const sources = watches !== undefined ? new SqliteSourcesService({ store: watches, onChange: () => watcher?.rearm() }) : undefined;
  // The transport creates the client after taking its services: /discuss reaches the client when it runs.
  const discussions = new DiscordDiscussions(() => transport.client, log);
  // Drafts share the state file; approving writes STATE_DIR/curated and reloads the archive.
  const drafts = store !== undefined ? new DraftService({ store: new DraftStore(store.db), holder, stateDir: cfg.stateDir }) : undefined;
  const { DraftInteractions } = await import('./discord/drafts.ts');
  let fatal = false;
  const transport = createDiscordTransport({
    settings,
    holder,
    log,
    ...(memory !== undefined ? { memory } : {}),
    services: { ...(digest !== undefined ? { digest } : {}), ...(sources !== undefined ? { sources } : {}), ...(drafts !== undefined ? { drafts } : {}), discussions },
    ...(drafts !== undefined
      ? { handlers: [new DraftInteractions({ service: drafts, log: log.child({ module: 'drafts' }), ...(cfg.draftReviewerRole !== undefined ? { reviewerRole: cfg.draftReviewerRole } : {}) })] }
      : {}),
    // Discord ended the session for good: one error line with the cause and the fix, a clean stop, EXIT.discordRefused.
    onFatal: ({ code, cause, fix }) => {
      if (fatal) return;
      fatal = true;
      log.error({ code, exitCode: EXIT.discordRefused }, `${cause}: ${fix}`);
      void stop().then(() => finish(EXIT.discordRefused));
    },
  });
  if (store !== undefined) {
    const digestLog = log.child({ module: 'digest' });
    runner = new DigestRunner({
      store,
      archive: () => holder.current,
      poster: new DiscordDigestPoster(transport.client, { log: digestLog }),
      clock: { now: () => new Date() },
      logger: digestLog,
      leases,
      ...sharedSleepMs,
    });
  }
  if (watches !== undefined) {
    const watchLog = log.child({ module: 'sources' });
    watcher = new SourceWatcher({
      store: watches,
      sourcesDir: watchedSourcesDir(cfg.stateDir),
      holder,
      poster: new DiscordDigestPoster(transport.client, { log: watchLog }),
      clock: { now: () => new Date() },
      logger: watchLog,
      leases,
      ...sharedSleepMs,
    });
  }

  let finish: (code: number) => void = () => undefined;
  const exited = new Promise<number>((resolve) => {
    finish = resolve;
  });
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      // The scheduler first: a digest being posted needs the client, which transport.stop() destroys.
      runner?.stop();
      watcher?.stop();
      await runner?.idle();
      await watcher?.idle();
      await transport.stop();
      // Last: interactions in flight may still write subscriptions.
      store?.close();
    })());
  onShutdownSignal(stop, { log, exit: finish });
  transport.start().then(
    async () => {
      // A signal during the connection: shutting down already, so no digests.
      if (stopping !== undefined) return;
      if (watcher !== undefined) {
        // Finishes announcements a previous run left pending, polls what is due, then arms its timer.
        const w = watcher;
        w.start().then(
          (outcomes) => log.info({ polled: outcomes.length, nextWake: w.nextWake()?.toISOString() ?? null }, 'source watcher started'),
          (err: unknown) => {
            log.error({ err }, 'source watcher start failed; it retries at its next wake-up');
            w.rearm();
          },
        );
      }
      if (runner === undefined) return;
      try {
        // Catches up on a digest missed while the bot was down (within the lateness limit), then arms the timer.
        const outcomes = await runner.start();
        log.info({ caughtUp: outcomes.length, nextWake: runner.nextWake()?.toISOString() ?? null }, 'digest scheduler started');
      } catch (err) {
        log.error({ err }, 'digest catch-up failed; the scheduler retries at its next wake-up');
        runner.rearm();
      }
    },
    async (err: unknown) => {
      // A fatal gateway close during login has been reported already (onFatal).
      if (fatal) return;
      const refused = loginRefusal(err);
      if (refused !== null) {
        fatal = true;
        log.error({ detail: err instanceof Error ? err.message : String(err), exitCode: EXIT.discordRefused }, refused);
        await stop();
        finish(EXIT.discordRefused);
        return;
      }
      log.error({ err, exitCode: EXIT.failure }, 'could not connect to Discord');
      await stop();
      finish(EXIT.failure);
    },
  );
  return exited;
}

/** The one line for a login Discord refused (bad token, refused intent), or null for other failures (network). */
function loginRefusal(err: unknown): string | null {
  const message = err instanceof Error ? err.message : String(err);
  const code = err instanceof Error ? (err as { code?: unknown }).code : undefined;
  const status = err instanceof Error ? (err as { status?: unknown }).status : undefined;
  if (code === 'TokenInvalid' || code === 'TokenMissing' || status === 401 || /invalid token/i.test(message)) {
    const known = FATAL_CLOSE_CODES.get(4004)!;
    return `${known.cause.replace(/ \(gateway close 4004[^)]*\)/, '')} at login: ${known.fix}`;
  }
  if (/disallowed intents|Message Content intent/i.test(message)) {
    const known = FATAL_CLOSE_CODES.get(4014)!;
    return `${known.cause}: ${known.fix}`;
  }
  return null;
}

async function main(): Promise<number> {
  const config = loadConfig();
  if (!config.ok) {
    process.stderr.write(`${config.message}\n`);
    return EXIT.config;
  }
  const cfg = config.config;
  // Checked before anything starts: a bot missing its application id should say so in one line.
  const discord = cfg.discordToken !== undefined ? discordSettings(cfg) : undefined;
  if (discord !== undefined && !discord.ok) {
    process.stderr.write(`${discord.message}\n`);
    return EXIT.config;
  }
  const log = await createLogger({
    level: cfg.logLevel,
    pretty: process.stderr.isTTY,
    // DATABASE_URL may carry a password: never in a log line.
    secrets: [...(cfg.discordToken !== undefined ? [cfg.discordToken] : []), ...(cfg.databaseUrl !== undefined ? [cfg.databaseUrl] : [])],
  });
  log.info({ dataDir: cfg.dataDir, stateDir: cfg.stateDir, discord: cfg.discordToken !== undefined }, 'starting');

  let holder: Awaited<ReturnType<typeof openLocalArchive>>;
  try {
    holder = await openLocalArchive(cfg, log);
  } catch (err) {
    // SEARCH_BACKEND=postgres and the database cannot be used: fatal at start, as an unusable state store.
    if (cfg.searchBackend !== 'postgres') throw err;
    const detail = err instanceof Error ? err.message : String(err);
    log.error({ detail, exitCode: EXIT.stateStore }, 'the archive database cannot be used (SEARCH_BACKEND=postgres): check DATABASE_URL and that the server is up');
    return EXIT.stateStore;
  }

  if (discord !== undefined) {
    const code = await runBot(discord.settings, cfg, holder, log);
    // Explicit: idle keep-alive sockets of the REST client would otherwise hold the process open a while.
    process.exit(code);
  }

  const s = holder.current.stats();
  const digest = openConsoleDigest(cfg, log, holder);
  await runRepl({
    ...(digest !== undefined ? { digest: digest.service, sources: digest.sources, ...(digest.drafts !== undefined ? { drafts: digest.drafts } : {}) } : {}),
    archive: () => holder.current,
    input: process.stdin,
    output: process.stdout,
    log: log.child({ module: 'console' }),
    banner:
      `Archivist offline console: ${s.incidents} incidents, ${s.publications} publications, ${s.sources} sources.\n` +
      'Type /help for the commands, exit or Ctrl-D to leave.',
  });
  digest?.close();
  return 0;
}

process.exitCode = await main();
