// `npm run shards`: the bot as several processes on one machine, one per
// shard, through discord.js' ShardingManager. Each child is src/main.ts as
// `npm start` runs it, with SHARD_IDS set to its one shard and SHARD_COUNT to
// the total, so a child is configured exactly like a process started by hand
// on another machine (SHARD_IDS=2 SHARD_COUNT=4 npm start). The children must
// share one state store (DATABASE_URL): job leases there make each digest and
// each source poll run once across them.
//
// SHARD_COUNT unset: Discord's recommendation (GET /gateway/bot, through
// DISCORD_API_URL like every other call). SHARD_IDS set: this manager spawns
// only those shards (the rest run on other machines).
//
// A child that exits with a configuration, refused-token or state-store exit
// code would fail the same way again: the manager stops the others and exits
// with that code instead of respawning it forever. Any other death (a crash,
// SIGKILL) is respawned by the ShardingManager. SIGINT/SIGTERM is passed on to
// every child, which shuts down cleanly (src/discord/shutdown.ts).
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { REST, Routes, ShardingManager, type Shard } from 'discord.js';
import { discordSettings, loadConfig } from '../config.ts';
import { EXIT } from '../exit-codes.ts';
import { createLogger } from '../logger.ts';

/** Exit codes of a child that respawning cannot fix. */
const FINAL_EXITS = new Set<number>([EXIT.config, EXIT.discordRefused, EXIT.stateStore]);
/** Discord allows one IDENTIFY per 5 s per rate-limit bucket; max_concurrency buckets run in parallel. */
const IDENTIFY_INTERVAL_MS = 5_500;

interface GatewayBot {
  shards: number;
  session_start_limit?: { max_concurrency?: number };
}

async function main(): Promise<number> {
  const loaded = loadConfig();
  if (!loaded.ok) {
    process.stderr.write(`${loaded.message}\n`);
    return EXIT.config;
  }
  const cfg = loaded.config;
  const discord = discordSettings(cfg);
  if (!discord.ok) {
    process.stderr.write(`${discord.message}\n`);
    return EXIT.config;
  }
  const settings = discord.settings;
  const log = (await createLogger({ level: cfg.logLevel, pretty: process.stderr.isTTY, secrets: [settings.token] })).child({ module: 'shards' });

  // Discord's recommendation and identify concurrency, from the same API the children use.
  let gateway: GatewayBot;
  try {
    const rest = new REST({ api: settings.apiUrl }).setToken(settings.token.reveal());
    gateway = (await rest.get(Routes.gatewayBot())) as GatewayBot;
  } catch (err) {
    const status = (err as { status?: unknown }).status;
    if (status === 401) {
      log.error({ exitCode: EXIT.discordRefused }, 'Discord rejected the bot token: copy the current token from the Developer Portal into DISCORD_TOKEN');
      return EXIT.discordRefused;
    }
    log.error({ err, exitCode: EXIT.failure }, 'could not ask Discord how many shards to run');
    return EXIT.failure;
  }
  const count = cfg.shards?.count ?? Math.max(1, gateway.shards);
  const ids = cfg.shards?.ids ?? Array.from({ length: count }, (_, i) => i);
  const concurrency = Math.max(1, gateway.session_start_limit?.max_concurrency ?? 1);

  const manager = new ShardingManager(fileURLToPath(new URL('../main.ts', import.meta.url)), {
    totalShards: count,
    shardList: ids,
    mode: 'process',
    respawn: true,
    token: settings.token.reveal(),
    // The children run TypeScript as `npm start` does.
    execArgv: ['--import', 'tsx'],
  });

  let finalCode: number | undefined;
  let stopping = false;
  let finish: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => {
    finish = resolve;
  });
  const alive = new Set<Shard>();

  /** SIGTERM to every child, then resolve once all have exited. */
  const stopAll = async (): Promise<void> => {
    stopping = true;
    manager.respawn = false;
    await Promise.all(
      [...alive].map(
        (shard) =>
          new Promise<void>((resolve) => {
            const child = shard.process;
            if (child === null || child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
  };

  manager.on('shardCreate', (shard) => {
    // Each child configured like a process started by hand: its one shard of the total.
    const env = shard.env as NodeJS.ProcessEnv;
    env['SHARD_IDS'] = String(shard.id);
    env['SHARD_COUNT'] = String(count);
    alive.add(shard);
    // mode 'process': the child is a ChildProcess.
    shard.on('spawn', (child) => {
      // Spawned while everything stops (the spawn loop was between two shards): stop it too.
      if (stopping || finalCode !== undefined) {
        (child as ChildProcess).kill('SIGTERM');
        return;
      }
      log.info({ shard: shard.id, pid: (child as ChildProcess).pid }, 'shard process started');
    });
    shard.on('death', (dead) => {
      const child = dead as ChildProcess;
      const code = child.exitCode ?? null;
      if (code !== null && FINAL_EXITS.has(code) && finalCode === undefined && !stopping) {
        finalCode = code;
        log.error({ shard: shard.id, exitCode: code }, 'shard process exited with a fatal code (see its error line): stopping every shard');
        void stopAll().then(() => finish(code));
        return;
      }
      if (manager.respawn) log.warn({ shard: shard.id, pid: child.pid, exitCode: code }, 'shard process died; respawning it');
    });
  });

  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping every shard');
    void stopAll().then(() => finish(finalCode ?? EXIT.ok));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  log.info({ shards: ids, shardCount: count, maxConcurrency: concurrency }, 'spawning shard processes');
  // timeout -1: a child first loads the archive, which can take longer than discord.js' 30 s default.
  manager
    .spawn({ amount: count, delay: Math.ceil(IDENTIFY_INTERVAL_MS / concurrency), timeout: -1 })
    .then(() => log.info({ shards: ids.length }, 'every shard process started'))
    .catch((err: unknown) => {
      if (stopping || finalCode !== undefined) return;
      log.error({ err, exitCode: EXIT.failure }, 'could not spawn the shard processes');
      stopping = true;
      void stopAll().then(() => finish(EXIT.failure));
    });
  return finished;
}

process.exit(await main());
