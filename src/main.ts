// Composition root: config -> logger -> data and index -> transport.
// Without DISCORD_TOKEN the offline console opens on the local data; with one,
// the Discord transport would start (not wired yet: it says so and exits 1).
import { loadConfig } from './config.ts';
import { openLocalArchive } from './console/archive.ts';
import { runRepl } from './console/repl.ts';
import { createLogger } from './logger.ts';

async function main(): Promise<number> {
  const config = loadConfig();
  if (!config.ok) {
    process.stderr.write(`${config.message}\n`);
    return 2;
  }
  const cfg = config.config;
  const log = await createLogger({ level: cfg.logLevel, pretty: process.stderr.isTTY });
  log.info({ dataDir: cfg.dataDir, stateDir: cfg.stateDir, discord: cfg.discordToken !== undefined }, 'starting');

  const holder = await openLocalArchive(cfg, log);

  if (cfg.discordToken !== undefined) {
    process.stderr.write('The Discord transport is not wired yet; unset DISCORD_TOKEN to use the offline console.\n');
    return 1;
  }

  const s = holder.current.stats();
  await runRepl({
    archive: () => holder.current,
    input: process.stdin,
    output: process.stdout,
    log: log.child({ module: 'console' }),
    banner:
      `Archivist offline console: ${s.incidents} incidents, ${s.publications} publications, ${s.sources} sources.\n` +
      'Type /help for the commands, exit or Ctrl-D to leave.',
  });
  return 0;
}

process.exitCode = await main();
