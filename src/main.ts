// Composition root: config -> logger -> data and index -> transport.
// Without DISCORD_TOKEN the offline console opens on the local data; with one,
// the Discord bot starts (src/discord/client.ts) and runs until SIGINT/SIGTERM.
import { discordSettings, loadConfig, type DiscordSettings } from './config.ts';
import { openLocalArchive } from './console/archive.ts';
import { openConsoleDigest } from './console/digest.ts';
import { runRepl } from './console/repl.ts';
import type { ArchiveHolder } from './core/search/holder.ts';
import { createLogger, type Logger } from './logger.ts';

/** Runs the bot until a signal stops it; resolves with the exit code. */
async function runBot(settings: DiscordSettings, holder: ArchiveHolder, log: Logger): Promise<number> {
  // Loaded only for the bot: the offline console starts faster without discord.js.
  const { createDiscordTransport } = await import('./discord/client.ts');
  const { onShutdownSignal } = await import('./discord/shutdown.ts');
  // A stray rejection is a bug to log, not a reason to drop every conversation in flight.
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled promise rejection'));
  const transport = createDiscordTransport({ settings, holder, log });
  let finish: (code: number) => void = () => undefined;
  const exited = new Promise<number>((resolve) => {
    finish = resolve;
  });
  onShutdownSignal(() => transport.stop(), { log, exit: finish });
  transport.start().catch(async (err: unknown) => {
    log.error({ err }, 'could not connect to Discord');
    await transport.stop();
    finish(1);
  });
  return exited;
}

async function main(): Promise<number> {
  const config = loadConfig();
  if (!config.ok) {
    process.stderr.write(`${config.message}\n`);
    return 2;
  }
  const cfg = config.config;
  // Checked before anything starts: a bot missing its application id should say so in one line.
  const discord = cfg.discordToken !== undefined ? discordSettings(cfg) : undefined;
  if (discord !== undefined && !discord.ok) {
    process.stderr.write(`${discord.message}\n`);
    return 2;
  }
  const log = await createLogger({
    level: cfg.logLevel,
    pretty: process.stderr.isTTY,
    ...(cfg.discordToken !== undefined ? { secrets: [cfg.discordToken] } : {}),
  });
  log.info({ dataDir: cfg.dataDir, stateDir: cfg.stateDir, discord: cfg.discordToken !== undefined }, 'starting');

  const holder = await openLocalArchive(cfg, log);

  if (discord !== undefined) {
    const code = await runBot(discord.settings, holder, log);
    // Explicit: idle keep-alive sockets of the REST client would otherwise hold the process open a while.
    process.exit(code);
  }

  const s = holder.current.stats();
  const digest = openConsoleDigest(cfg, log);
  await runRepl({
    ...(digest !== undefined ? { digest: digest.service } : {}),
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
