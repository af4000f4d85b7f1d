// /sources add|list|remove|check — WordPress sites the bot watches for the
// team: every new post becomes a source document (searchable at once, with
// citations), is announced in the watch's channel with a thread, and is listed
// in the next digest (see src/sources/watcher.ts for how, and README.md).
//
// Managing watches needs Manage Server: Discord hides the command from others
// (default_member_permissions, from `requires`), and the handler checks the
// caller again, because a server can override command permissions. The
// offline console has no server: there, list and check work on every watch in
// the state file, and add and remove need a server (a watch posts to one of its
// channels). check only marks the watches due: the bot's watcher polls them
// within moments (within a minute when marked from the console).
import { DEFAULT_EVERY, MAX_EVERY, MIN_EVERY, type SourcesService, type WatchInfo } from '../src/core/sources/service.ts';
import { errorView, type ErrorView, type View, type WatchesView } from '../src/core/views.ts';
import type { Requirement } from './shared/bot.ts';
import type { ArgsOf, Caller, CommandDefinition, CommandDeps } from './shared/definition.ts';

export const definition = {
  name: 'sources',
  description: 'WordPress sites the bot watches: new posts are archived and announced (Manage Server)',
  options: [],
  subcommands: [
    {
      name: 'add',
      description: 'Watch a WordPress site: its new posts are archived and announced in a channel',
      options: [
        { name: 'url', type: 'string', required: true, description: 'The site, e.g. https://example.org, or its /wp-json/wp/v2/posts URL', maxLength: 500, placeholder: 'https://site' },
        { name: 'channel', type: 'channel', required: true, description: 'Channel to announce new posts in' },
        { name: 'every', type: 'integer', description: `Minutes between polls (default ${DEFAULT_EVERY}, at least ${MIN_EVERY})`, minValue: MIN_EVERY, maxValue: MAX_EVERY },
        { name: 'query', type: 'string', description: 'Only posts containing all these words', maxLength: 200 },
      ],
    },
    { name: 'list', description: 'The watched sites of this server and how their polling goes', options: [] },
    {
      name: 'remove',
      description: 'Stop watching a site (its posts stay in the archive)',
      options: [{ name: 'watch', type: 'string', required: true, description: 'The number /sources list shows, or the site URL', maxLength: 500, placeholder: 'number|url' }],
    },
    {
      name: 'check',
      description: 'Poll now instead of at the next interval',
      options: [{ name: 'watch', type: 'string', description: 'The number /sources list shows, or the site URL (default: all)', maxLength: 500, placeholder: 'number|url' }],
    },
  ],
} as const satisfies CommandDefinition;

export const requires = 'manage-server' satisfies Requirement;

export type Args = ArgsOf<typeof definition>;

function mention(channelId: string): string {
  return `<#${channelId}>`;
}

function needsServer(sub: string): ErrorView {
  return errorView('sources', 'unavailable', `/sources ${sub} works in a Discord server: a watch announces posts in one of its channels.`, [
    'In the offline console, /sources list and /sources check work.',
  ]);
}

function notFound(ref: string, what: string): ErrorView {
  return errorView('sources', 'not-found', `watch: "${ref}" names no single watched site ${what}.`, [
    '/sources list shows each watch with its number; give the number when one site is watched in several channels.',
  ]);
}

function add(args: Extract<Args, { subcommand: 'add' }>, service: SourcesService, caller: Caller | undefined, deps: CommandDeps): View {
  if (caller?.guildId === undefined || caller.guildId === null) return needsServer('add');
  if (args.channel.startsWith('#')) {
    return errorView('sources', 'bad-option', `channel: give the channel itself (pick it from the list, or <#id>), not the name ${args.channel}.`);
  }
  const now = deps.now();
  const result = service.add(
    {
      guildId: caller.guildId,
      channelId: args.channel,
      channelName: caller.channelName?.(args.channel) ?? null,
      url: args.url,
      everyMinutes: args.every ?? DEFAULT_EVERY,
      query: (args.query ?? '').trim(),
      userId: caller.userId,
    },
    now,
  );
  if (!result.ok) return errorView('sources', 'bad-option', `${result.option}: ${result.message}.`, ['e.g. /sources add url:https://example.org channel:#news']);
  const w = result.watch;
  const scope = w.query === '' ? 'every new post' : `new posts containing ${w.query}`;
  const message = result.existed
    ? `${w.site} was already watched for ${mention(w.channelId)}; it now polls every ${w.everyMinutes} min for ${scope}, starting now.`
    : `Watching ${w.site} for ${mention(w.channelId)}: ${scope} is archived and announced there, polled every ${w.everyMinutes} min. ` +
      'The first poll takes in the posts already published without announcing each (one summary message).';
  return { type: 'watches', command: 'sources', action: 'add', message, watches: [w] };
}

function list(service: SourcesService, caller: Caller | undefined, deps: CommandDeps): View {
  const watches = service.list(caller?.guildId ?? null, deps.now());
  const where = caller === undefined ? 'in this state file' : 'in this server';
  return {
    type: 'watches',
    command: 'sources',
    action: 'list',
    message:
      watches.length === 0
        ? `No site is watched ${where}. Start with /sources add url:https://example.org channel:#news.`
        : `${watches.length} site${watches.length === 1 ? ' is' : 's are'} watched ${where}.`,
    watches,
  };
}

function remove(args: Extract<Args, { subcommand: 'remove' }>, service: SourcesService, caller: Caller | undefined, deps: CommandDeps): View {
  if (caller?.guildId === undefined || caller.guildId === null) return needsServer('remove');
  const removed = service.remove(args.watch, caller.guildId, deps.now());
  if (removed === null) return notFound(args.watch, 'in this server');
  return {
    type: 'watches',
    command: 'sources',
    action: 'remove',
    message: `Stopped watching ${removed.site} for ${mention(removed.channelId)}. Its ${removed.imported} imported post${removed.imported === 1 ? '' : 's'} stay in the archive.`,
    watches: [removed],
  };
}

function check(args: Extract<Args, { subcommand: 'check' }>, service: SourcesService, caller: Caller | undefined, deps: CommandDeps): View {
  if (caller !== undefined && caller.guildId === null) return needsServer('check');
  const found: WatchInfo[] | null = service.check(args.watch, caller?.guildId ?? null, deps.now());
  if (found === null) return notFound(args.watch ?? '', caller === undefined ? 'in this state file' : 'in this server');
  const view: WatchesView = {
    type: 'watches',
    command: 'sources',
    action: 'check',
    message:
      found.length === 0
        ? 'No site is watched here, so there is nothing to poll.'
        : `Polling ${found.map((w) => w.site).join(', ')} now${caller === undefined ? ' (the running bot picks this up within a minute)' : ''}; ` +
          'new posts are announced in their channels, and /sources list shows how the poll went.',
    watches: found,
  };
  return view;
}

export function handle(args: Args, deps: CommandDeps): View {
  const service = deps.sources;
  if (service === undefined) {
    return errorView('sources', 'unavailable', 'Watched sources are not available here: the state store is not open.', [
      'The log says why the state file (STATE_DIR/archivist.db) could not be opened.',
    ]);
  }
  const caller = deps.caller;
  // The runtime half of "Manage Server only" (Discord's default permission can be overridden per server).
  if (caller !== undefined && !caller.canManageGuild) {
    return errorView('sources', 'forbidden', '/sources needs the Manage Server permission.', ['Ask someone who can manage this server to set up watched sites.']);
  }
  switch (args.subcommand) {
    case 'add':
      return add(args, service, caller, deps);
    case 'list':
      return list(service, caller, deps);
    case 'remove':
      return remove(args, service, caller, deps);
    case 'check':
      return check(args, service, caller, deps);
  }
}
