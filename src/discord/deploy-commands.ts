// `npm run deploy-commands`: registers every slash command with Discord in one
// bulk overwrite (PUT), the discord.js guide's standalone-script pattern. Run
// it after changing a command definition, not on every start: Discord limits
// command creation, and a bulk overwrite also removes commands that are gone.
// With DISCORD_GUILD_ID the commands go to that server only (they appear at
// once; for development), otherwise globally.
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { REST, Routes } from 'discord.js';
import { discordSettings, loadConfig, type DiscordSettings } from '../config.ts';
import { scrubSecrets } from '../logger.ts';
import { applicationCommands, type CommandJson } from './definitions.ts';

export interface DeployResult {
  scope: 'guild' | 'global';
  names: string[];
}

/** One PUT of every command to the guild or global route. Rejects with the API's error. */
export async function deployCommands(settings: DiscordSettings, commands: CommandJson[] = applicationCommands()): Promise<DeployResult> {
  const rest = new REST({ api: settings.apiUrl }).setToken(settings.token.reveal());
  const route =
    settings.guildId !== undefined
      ? Routes.applicationGuildCommands(settings.applicationId, settings.guildId)
      : Routes.applicationCommands(settings.applicationId);
  const saved = (await rest.put(route, { body: commands })) as { name: string }[];
  return { scope: settings.guildId !== undefined ? 'guild' : 'global', names: saved.map((c) => c.name) };
}

async function main(): Promise<number> {
  const config = loadConfig();
  if (!config.ok) {
    process.stderr.write(`${config.message}\n`);
    return 2;
  }
  const settings = discordSettings(config.config);
  if (!settings.ok) {
    process.stderr.write(`${settings.message}\n`);
    return 2;
  }
  try {
    const result = await deployCommands(settings.settings);
    const where = result.scope === 'guild' ? `to server ${settings.settings.guildId ?? ''}` : 'globally (may take up to an hour to appear)';
    process.stdout.write(`Registered ${result.names.length} commands ${where}: ${result.names.map((n) => `/${n}`).join(' ')}\n`);
    return 0;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`deploy-commands failed: ${scrubSecrets(message, [settings.settings.token.reveal()])}\n`);
    return 1;
  }
}

function isScript(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(script)).href;
  } catch {
    return false;
  }
}

// Run as a script (npm run deploy-commands), not when imported.
if (isScript()) process.exitCode = await main();
