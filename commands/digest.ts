// /digest subscribe|unsubscribe|status|preview — the daily digest of a
// channel: new and changed records, anniversaries and coming observances,
// posted at a local time (see src/digest/runner.ts for how it is posted
// exactly once, src/core/digest/content.ts for what it says).
//
// Managing digests needs Manage Server: Discord hides the command from
// others (default_member_permissions, from `requires`), and the handler
// checks the caller again, because a server can override command permissions.
// The offline console has no server: there, status lists every subscription
// and preview works (from the same state file); subscribe and unsubscribe
// say they need a server.
import type { DigestService } from '../src/core/digest/service.ts';
import { parseQuery } from '../src/core/query/parse.ts';
import { errorView, type ErrorView, type SubscriptionsView, type View } from '../src/core/views.ts';
import { canonicalTimeZone, parseTime, suggestTimeZones } from '../src/digest/schedule.ts';
import type { Requirement } from './shared/bot.ts';
import type { ArgsOf, Caller, CommandDefinition, CommandDeps } from './shared/definition.ts';
import { QUERY_EXAMPLES } from './shared/query.ts';

export const definition = {
  name: 'digest',
  description: 'Daily digest of new and changed records in a channel (Manage Server)',
  options: [],
  subcommands: [
    {
      name: 'subscribe',
      description: 'Post a daily digest in a channel at a local time',
      options: [
        { name: 'channel', type: 'channel', required: true, description: 'Channel to post the digest in' },
        { name: 'time', type: 'string', required: true, description: 'Local time, 24-hour HH:MM, e.g. 08:00', maxLength: 16, placeholder: 'HH:MM' },
        {
          name: 'timezone',
          type: 'string',
          required: true,
          description: 'IANA time zone, e.g. Europe/London or Asia/Kabul',
          autocomplete: true,
          maxLength: 64,
          placeholder: 'Area/City',
        },
        { name: 'query', type: 'string', description: 'Only records matching this query, e.g. place:kabul', autocomplete: true, maxLength: 500 },
      ],
    },
    { name: 'unsubscribe', description: 'Stop the daily digest of a channel', options: [{ name: 'channel', type: 'channel', required: true, description: 'Channel whose digest to stop' }] },
    { name: 'status', description: 'The digest subscriptions of this server', options: [] },
    {
      name: 'preview',
      description: "What a channel's next digest would contain (nothing is posted)",
      options: [{ name: 'channel', type: 'channel', description: 'Subscribed channel (default: this one, else all records)' }],
    },
  ],
} as const satisfies CommandDefinition;

export const requires = 'manage-server' satisfies Requirement;

export type Args = ArgsOf<typeof definition>;

const ZONE_EXAMPLES = 'Use an IANA name such as Europe/London, Asia/Kabul, Asia/Karachi or America/New_York.';

function mention(channelId: string): string {
  return `<#${channelId}>`;
}

type Resolved = { ok: true; channelId: string } | { ok: false; error: ErrorView };

/** A channel option's value as an id: ids pass through; `#name` is looked up among subscribed channels. */
function resolveChannel(value: string, service: DigestService, guildId: string | null): Resolved {
  if (!value.startsWith('#')) return { ok: true, channelId: value };
  const id = service.channelByName(value, guildId);
  if (id !== undefined) return { ok: true, channelId: id };
  return {
    ok: false,
    error: errorView('digest', 'not-found', `No subscribed channel is called ${value}.`, [
      "Give the channel's id (or pick it from the list Discord offers); /digest status lists subscribed channels.",
    ]),
  };
}

function needsServer(sub: string): ErrorView {
  return errorView('digest', 'unavailable', `/digest ${sub} works in a Discord server: digests are posted to one of its channels.`, [
    'In the offline console, /digest status and /digest preview work.',
  ]);
}

function subscribe(args: Extract<Args, { subcommand: 'subscribe' }>, service: DigestService, caller: Caller | undefined, deps: CommandDeps): View {
  if (caller?.guildId === undefined || caller.guildId === null) return needsServer('subscribe');
  const time = parseTime(args.time);
  if (!time.ok) return errorView('digest', 'bad-option', `time: ${time.message}.`, ['e.g. /digest subscribe time:08:00 (24-hour, local to the timezone option)']);
  const zone = canonicalTimeZone(args.timezone);
  if (zone === undefined) {
    const close = suggestTimeZones(args.timezone);
    return errorView('digest', 'bad-option', `timezone: "${args.timezone}" is not a time zone I know.`, [
      ...(close.length > 0 ? [`Did you mean: ${close.join(', ')}?`] : []),
      ZONE_EXAMPLES,
    ]);
  }
  const query = args.query ?? '';
  const parsed = parseQuery(query);
  if (parsed.problems.length > 0) {
    const problems = parsed.problems.map((p) => (p.option === 'text' ? p.message : `${p.option}: ${p.message}`));
    return errorView('digest', 'bad-query', `query: the query could not be used: ${problems.join('; ')}`, [
      ...QUERY_EXAMPLES.slice(0, 2).map((q) => `Try: /digest subscribe … query:"${q}"`),
      'Type /help topic:query for the query language.',
    ]);
  }
  const channel = resolveChannel(args.channel, service, caller.guildId);
  if (!channel.ok) return channel.error;
  const now = deps.now();
  const { subscription, replaced } = service.subscribe(
    {
      guildId: caller.guildId,
      channelId: channel.channelId,
      channelName: caller.channelName?.(channel.channelId) ?? null,
      time: time.time.text,
      timezone: zone,
      query: parsed.input,
      userId: caller.userId,
    },
    deps.archive,
    now,
  );
  const what = subscription.query === '' ? 'all records' : `records matching ${subscription.query}`;
  const before = replaced === null ? '' : ` This replaces ${replaced.time} ${replaced.timezone}${replaced.query !== '' ? ` (${replaced.query})` : ''}.`;
  const view: SubscriptionsView = {
    type: 'subscriptions',
    command: 'digest',
    action: 'subscribe',
    message:
      `${mention(subscription.channelId)} gets a digest of ${what} every day at ${subscription.time} ${subscription.timezone}; ` +
      `the first is due ${subscription.nextLocal ?? 'at the next scheduled time'} and reports what changes from now on.${before}`,
    subscriptions: [subscription],
  };
  return view;
}

function unsubscribe(args: Extract<Args, { subcommand: 'unsubscribe' }>, service: DigestService, caller: Caller | undefined, deps: CommandDeps): View {
  if (caller?.guildId === undefined || caller.guildId === null) return needsServer('unsubscribe');
  const channel = resolveChannel(args.channel, service, caller.guildId);
  if (!channel.ok) return channel.error;
  const removed = service.unsubscribe(channel.channelId, caller.guildId, deps.now());
  if (removed === null) {
    return errorView('digest', 'not-found', `${mention(channel.channelId)} has no digest subscription.`, ['/digest status lists the subscribed channels.']);
  }
  return {
    type: 'subscriptions',
    command: 'digest',
    action: 'unsubscribe',
    message: `${mention(removed.channelId)} no longer gets a daily digest (it was ${removed.time} ${removed.timezone}).`,
    subscriptions: [removed],
  };
}

function status(service: DigestService, caller: Caller | undefined, deps: CommandDeps): View {
  if (caller !== undefined && caller.guildId === null) return needsServer('status');
  const list = service.list(caller?.guildId ?? null, deps.now());
  const where = caller === undefined ? 'in this state file' : 'in this server';
  return {
    type: 'subscriptions',
    command: 'digest',
    action: 'status',
    message:
      list.length === 0
        ? `No channel ${where} gets a daily digest. Start one with /digest subscribe channel:#name time:08:00 timezone:Europe/London.`
        : `${list.length} channel${list.length === 1 ? '' : 's'} ${where} get${list.length === 1 ? 's' : ''} a daily digest.`,
    subscriptions: list,
  };
}

function preview(args: Extract<Args, { subcommand: 'preview' }>, service: DigestService, caller: Caller | undefined, deps: CommandDeps): View {
  const guildId = caller?.guildId ?? null;
  const now = deps.now();
  let channelId: string | null = null;
  if (args.channel !== undefined) {
    const channel = resolveChannel(args.channel, service, guildId);
    if (!channel.ok) return channel.error;
    channelId = channel.channelId;
  } else if (caller !== undefined && service.list(guildId, now).some((s) => s.channelId === caller.channelId)) {
    // Used in a subscribed channel: that channel's digest.
    channelId = caller.channelId;
  }
  const result = service.preview(channelId, guildId, deps.archive, now);
  if (!result.ok) {
    return errorView('digest', 'not-found', `${mention(channelId ?? '')} has no digest subscription.`, [
      '/digest status lists the subscribed channels.',
      'Leave channel out to preview a digest of all records.',
    ]);
  }
  const view = result.view;
  const whose = channelId === null ? 'No subscription: a digest of all records, without new/changed (they are tracked per subscription).' : `Digest of ${mention(channelId)}.`;
  return { ...view, notes: [`Preview, nothing posted or recorded. ${whose}`, ...view.notes] };
}

export function handle(args: Args, deps: CommandDeps): View {
  const service = deps.digest;
  if (service === undefined) {
    return errorView('digest', 'unavailable', 'Digests are not available here: the state store is not open.', [
      'The log says why the state file (STATE_DIR/archivist.db) could not be opened.',
    ]);
  }
  const caller = deps.caller;
  // The runtime half of "Manage Server only" (Discord's default permission can be overridden per server).
  if (caller !== undefined && !caller.canManageGuild) {
    return errorView('digest', 'forbidden', '/digest needs the Manage Server permission.', ['Ask someone who can manage this server to set up digests.']);
  }
  switch (args.subcommand) {
    case 'subscribe':
      return subscribe(args, service, caller, deps);
    case 'unsubscribe':
      return unsubscribe(args, service, caller, deps);
    case 'status':
      return status(service, caller, deps);
    case 'preview':
      return preview(args, service, caller, deps);
  }
}
