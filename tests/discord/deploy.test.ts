// Registering the slash commands: the neutral definitions converted to
// Discord's JSON (accepted by the double's copy of Discord's checks), and
// `npm run deploy-commands` doing one bulk overwrite against the double.
import { spawn } from 'node:child_process';
import { ApplicationCommandOptionType, ChannelType } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { BOT_COMMANDS, COMMANDS } from '../../commands/index.ts';
import type { CommandDefinition } from '../../commands/shared/definition.ts';
import { Secret } from '../../src/config.ts';
import { applicationCommands, commandJson } from '../../src/discord/definitions.ts';
import { deployCommands } from '../../src/discord/deploy-commands.ts';
import { rawOptions } from '../../src/discord/options.ts';
import { checkCommands } from './double/commands.ts';
import { startDiscordDouble, type DiscordDouble, type Json } from './double/index.ts';
import { BOT_TOKEN, withTimeout } from './harness.ts';

let double: DiscordDouble | undefined;

afterEach(async () => {
  await double?.stop();
  expect(double?.errors ?? []).toEqual([]);
  double = undefined;
});

// Then /draft and its message command (src/discord/drafts.ts).
const everyCommand = [...[...COMMANDS, ...BOT_COMMANDS].map((c) => c.definition.name), 'draft', 'Draft records'];

describe('command JSON', () => {
  it('GIVEN every registered command THEN Discord would accept the bulk overwrite', () => {
    const json = applicationCommands();
    expect(json.map((c) => c.name)).toEqual(everyCommand);
    expect(checkCommands(json)).toBeNull();
  });

  it('GIVEN the definitions THEN options keep their type, required flag, choices, autocomplete and limits', () => {
    for (const { definition } of COMMANDS) {
      const json = commandJson(definition);
      expect(json.description).toBe(definition.description);
      if (definition.subcommands !== undefined) continue;
      expect(json.options?.map((o) => o.name)).toEqual(definition.options.map((o) => o.name));
      for (const [i, o] of definition.options.entries()) {
        const j = json.options?.[i] as unknown as Json;
        expect(j['required']).toBe(o.required === true);
        if (o.choices !== undefined) expect(j['choices']).toEqual(o.choices.map((c) => ({ name: c, value: c })));
        if (o.autocomplete === true) expect(j['autocomplete']).toBe(true);
        if (o.maxLength !== undefined) expect(j['max_length']).toBe(o.maxLength);
        if (o.minValue !== undefined) expect(j['min_value']).toBe(o.minValue);
        if (o.maxValue !== undefined) expect(j['max_value']).toBe(o.maxValue);
      }
    }
    const search = applicationCommands().find((c) => c.name === 'search') as { options?: Array<{ type: number }> } | undefined;
    expect(search?.options?.map((o) => o.type)).toEqual([
      ApplicationCommandOptionType.String,
      ApplicationCommandOptionType.Integer,
      ApplicationCommandOptionType.String,
    ]);
  });

  it('GIVEN a command that requires Manage Server THEN default_member_permissions is that bit and it exists in servers only', () => {
    const reload = applicationCommands().find((c) => c.name === 'reload');
    expect(reload?.default_member_permissions).toBe('32');
    expect(reload?.contexts).toEqual([0]);
    // Commands anyone may use carry no default permissions.
    expect(applicationCommands().find((c) => c.name === 'search')?.default_member_permissions).toBeUndefined();
  });

  it('GIVEN sub-commands and a channel option THEN they become Discord sub-command and channel options', () => {
    const definition: CommandDefinition = {
      name: 'digest',
      description: 'Daily digest',
      options: [],
      subcommands: [{ name: 'subscribe', description: 'Post here daily', options: [{ name: 'channel', type: 'channel', description: 'Where', required: true }] }],
    };
    const json = commandJson(definition, 'manage-server');
    expect(json.options).toEqual([
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'subscribe',
        description: 'Post here daily',
        options: [
          { type: ApplicationCommandOptionType.Channel, name: 'channel', description: 'Where', required: true, channel_types: [ChannelType.GuildText, ChannelType.GuildAnnouncement] },
        ],
      },
    ]);
    expect(checkCommands([json])).toBeNull();
    // And back: the interaction's nested options become `subcommand` plus the sub-command's options.
    const raw = rawOptions([
      { name: 'subscribe', type: ApplicationCommandOptionType.Subcommand, options: [{ name: 'channel', type: ApplicationCommandOptionType.Channel, value: '400000000000000001' }] },
    ]);
    expect(raw).toEqual(new Map([['subcommand', 'subscribe'], ['channel', '400000000000000001']]));
  });
});

describe('deploying', () => {
  it('GIVEN npm run deploy-commands with DISCORD_GUILD_ID THEN one bulk PUT of every command to the guild route', async () => {
    const d = await startDiscordDouble();
    double = d;
    const child = spawn('npm', ['run', '-s', 'deploy-commands'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env['PATH'],
        HOME: process.env['HOME'],
        DISCORD_TOKEN: BOT_TOKEN,
        DISCORD_APPLICATION_ID: d.applicationId,
        DISCORD_API_URL: d.apiBase,
        DISCORD_GUILD_ID: d.guildId,
      },
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
    const code = await withTimeout(new Promise<number | null>((resolve) => child.on('close', resolve)), 35_000, 'deploy-commands');
    expect(code).toBe(0);
    const puts = d.calls.filter((c) => c.method === 'PUT');
    expect(puts.map((c) => c.path)).toEqual([`/applications/${d.applicationId}/guilds/${d.guildId}/commands`]);
    expect(puts[0]?.status).toBe(200);
    expect(puts[0]?.headers['authorization']).toBe('Bot [redacted]');
    expect((puts[0]?.body as Json[]).map((c) => c['name'])).toEqual(everyCommand);
    expect(d.guildCommands.get(d.guildId)?.map((c) => c['name'])).toEqual(everyCommand);
    expect(out).toContain(`Registered ${everyCommand.length} commands to server ${d.guildId}`);
    expect(out).not.toContain('bot-token-secret');
    // npm + tsx start-up: about 2 s normally, longer on a busy machine.
  }, 40_000);

  it('GIVEN no guild THEN one bulk PUT to the global route', async () => {
    const d = await startDiscordDouble();
    double = d;
    const result = await deployCommands({ token: new Secret(BOT_TOKEN), applicationId: d.applicationId, apiUrl: d.apiBase });
    expect(result).toEqual({ scope: 'global', names: everyCommand });
    expect(d.calls.filter((c) => c.method === 'PUT').map((c) => c.path)).toEqual([`/applications/${d.applicationId}/commands`]);
    expect(d.guildCommands.size).toBe(0);
  });

  it('GIVEN Discord refuses THEN the API error rejects the deploy', async () => {
    const d = await startDiscordDouble();
    double = d;
    const deploy = deployCommands({ token: new Secret(BOT_TOKEN), applicationId: '999999999999999999', apiUrl: d.apiBase });
    await expect(deploy).rejects.toMatchObject({ status: 403, message: 'Missing Access' });
  });
});
