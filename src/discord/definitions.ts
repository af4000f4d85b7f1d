// The neutral command definitions (commands/) as Discord API JSON, for the
// bulk overwrite in deploy-commands.ts. Nothing is re-declared here: names,
// descriptions, types, choices, limits and autocomplete all come from the
// definitions, so the console and Discord cannot drift apart.
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ChannelType,
  InteractionContextType,
  PermissionFlagsBits,
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandOption,
  type RESTPostAPIApplicationCommandsJSONBody,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { BOT_COMMANDS, COMMANDS } from '../../commands/index.ts';
import type { CommandDefinition, OptionDefinition } from '../../commands/shared/definition.ts';
import type { Requirement } from '../../commands/shared/bot.ts';
import { draftCommandsJson } from './drafts.ts';

export type CommandJson = RESTPostAPIChatInputApplicationCommandsJSONBody | RESTPostAPIApplicationCommandsJSONBody;

/** The permission bits a requirement stands for, as Discord's default_member_permissions string. */
export const REQUIREMENT_PERMISSIONS: { readonly [R in Requirement]: bigint } = {
  'manage-server': PermissionFlagsBits.ManageGuild,
};

function optionJson(o: OptionDefinition): APIApplicationCommandOption {
  const base = { name: o.name, description: o.description, required: o.required === true };
  switch (o.type) {
    case 'integer':
      return {
        ...base,
        type: ApplicationCommandOptionType.Integer,
        ...(o.minValue !== undefined ? { min_value: o.minValue } : {}),
        ...(o.maxValue !== undefined ? { max_value: o.maxValue } : {}),
      };
    case 'boolean':
      return { ...base, type: ApplicationCommandOptionType.Boolean };
    case 'channel':
      // Channels a bot can post to: the only use of a channel option (a digest's destination).
      return { ...base, type: ApplicationCommandOptionType.Channel, channel_types: [ChannelType.GuildText, ChannelType.GuildAnnouncement] };
    case 'string':
      if (o.choices !== undefined) {
        return { ...base, type: ApplicationCommandOptionType.String, choices: o.choices.map((c) => ({ name: c, value: c })) };
      }
      return {
        ...base,
        type: ApplicationCommandOptionType.String,
        ...(o.autocomplete === true ? { autocomplete: true } : {}),
        ...(o.maxLength !== undefined ? { max_length: o.maxLength } : {}),
      };
  }
}

/** One definition as a chat-input command. */
export function commandJson(definition: CommandDefinition, requires?: Requirement): RESTPostAPIChatInputApplicationCommandsJSONBody {
  const json: RESTPostAPIChatInputApplicationCommandsJSONBody = {
    type: ApplicationCommandType.ChatInput,
    name: definition.name,
    description: definition.description,
    options:
      definition.subcommands !== undefined
        ? definition.subcommands.map((sub) => ({
            type: ApplicationCommandOptionType.Subcommand,
            name: sub.name,
            description: sub.description,
            options: sub.options.map(optionJson) as APIApplicationCommandBasicOption[],
          }))
        : definition.options.map(optionJson),
  };
  if (requires !== undefined) {
    json.default_member_permissions = REQUIREMENT_PERMISSIONS[requires].toString();
    // Server permissions mean nothing in a DM, so restricted commands exist in servers only.
    json.contexts = [InteractionContextType.Guild];
  }
  return json;
}

/** A registry entry's requirement, whichever registry it is in. */
export function requirementOf(command: object): Requirement | undefined {
  const requires = (command as { readonly requires?: unknown }).requires;
  return requires === 'manage-server' ? requires : undefined;
}

/** Every command the bot answers, in /help order, then the bot-only ones. */
export function applicationCommands(): CommandJson[] {
  // Then /draft and the "Draft records" message command (src/discord/drafts.ts), which need modals.
  return [...[...COMMANDS, ...BOT_COMMANDS].map((c) => commandJson(c.definition, requirementOf(c))), ...draftCommandsJson()];
}
