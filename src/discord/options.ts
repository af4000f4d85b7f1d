// Option values as they arrive in an interaction, turned into the raw options
// the command registry validates (commands/shared/args.ts). Discord has
// already typed them (string, integer, boolean); validation against the
// definition still runs, so a stale registration (a deploy behind the code)
// gets the same error View as a console typo, never a crash.
import { ApplicationCommandOptionType, type CommandInteractionOption } from 'discord.js';
import type { RawOptions, RawValue } from '../../commands/shared/args.ts';

/**
 * Option values by name. A sub-command (`/digest subscribe channel:…`) arrives
 * as one option holding the others: it becomes `subcommand` plus its options.
 * Channel options carry the channel's id.
 */
export function rawOptions(data: readonly CommandInteractionOption[]): RawOptions {
  const out = new Map<string, RawValue>();
  for (const option of data) {
    if (option.type === ApplicationCommandOptionType.Subcommand) {
      out.set('subcommand', option.name);
      for (const [name, value] of rawOptions(option.options ?? []) as ReadonlyMap<string, RawValue>) out.set(name, value);
      continue;
    }
    if (option.type === ApplicationCommandOptionType.SubcommandGroup) continue; // not used by this bot
    const value = option.value;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out.set(option.name, value);
  }
  return out;
}

/** The same options as a plain object with string values, in a stable order: what a paging button encodes. */
export function optionStrings(raw: RawOptions): { [name: string]: string } {
  const entries: [string, RawValue | undefined][] = raw instanceof Map ? [...raw.entries()] : Object.entries(raw);
  const out: { [name: string]: string } = {};
  for (const [name, value] of entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (value !== undefined) out[name] = String(value);
  }
  return out;
}
