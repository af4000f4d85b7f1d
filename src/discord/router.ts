// Interactions in, replies out. The router maps a command name to a Route
// (every command of commands/index.ts is registered from the registry; later
// features register more), and handles the three kinds of interaction the bot
// gets: slash commands, autocomplete, and its own Prev/Next buttons.
//
// Discord's rules shape the flow:
// - Every interaction is acknowledged within 3 s. Handlers are synchronous, so
//   a timer cannot interrupt one: routes that may take longer than about a
//   second (search, timeline, count, and every async command) await the
//   deferral (callback type 5, or 6 for a button) *before* running, and fill
//   the reply in afterwards. The others answer directly (type 4, or 7 for a
//   button: the message is updated in place, for whoever pressed it).
// - Mistakes of the user's are ephemeral. After a public deferral, the
//   "thinking" message is deleted and the error sent as an ephemeral
//   follow-up, since a deferral's visibility cannot be changed.
// - A handler that throws is a bug: it is logged with the interaction id and
//   answered politely; the router itself never throws or rejects.
// - Charts and export files are made after the deferral (attachments.ts) and
//   go with the reply's first message; export parts that do not fit it follow
//   as further messages. Page buttons never draw or upload again.
// - After close() (shutdown) new interactions are not handled at all, while
//   the ones in flight finish (drain()).
import { InFlight } from './in-flight.ts';
import {
  MessageFlags,
  PermissionFlagsBits,
  type APIActionRowComponent,
  type APIButtonComponent,
  type AutocompleteInteraction, type ButtonInteraction, type ChatInputCommandInteraction, type Interaction } from 'discord.js';
import { BOT_COMMANDS, COMMANDS, runCommand, unknownCommand } from '../../commands/index.ts';
import type { RawOptions } from '../../commands/shared/args.ts';
import { MAX_SUGGESTIONS, suggest } from '../../commands/shared/autocomplete.ts';
import { runBotCommand, type BotDeps, type Requirement } from '../../commands/shared/bot.ts';
import type { Caller, CommandDeps } from '../../commands/shared/definition.ts';
import type { ReloadReport } from '../core/search/holder.ts';
import type { Archive } from '../core/search/types.ts';
import { errorView, type View } from '../core/views.ts';
import type { Logger } from '../logger.ts';
import { attachmentsOf } from '../render/attachments.ts';
import { requirementOf } from './definitions.ts';
import { optionStrings, rawOptions } from './options.ts';
import { Paging } from './paging.ts';
import { missingPermissions, postingRequirement, Throttle, throttledMessage } from './guard.ts';
import { chartNames, limitsFor, prepareAttachments, type DiscordAttachmentLimits } from './attachments.ts';
import { clip, LIMITS, renderDiscord, type DiscordMessage, type RenderOptions } from './render.ts';

/** Where a command was invoked, as plain data, for routes that need it (e.g. a digest subscribing a channel). */
export interface Invocation {
  interactionId: string;
  guildId: string | null;
  channelId: string | null;
  userId: string;
  locale: string;
  /** The member has Manage Server (false outside a server). */
  canManageGuild: boolean;
  /** A channel's name from the client's cache, when known. */
  channelName?: (channelId: string) => string | undefined;
}

export interface Route {
  name: string;
  /**
   * The command only reads (search, record, …): a paging button may run it
   * again. Absent or false: it changes something (reload, subscribe, post),
   * so its buttons page through its kept reply and never run it again.
   */
  readOnly?: boolean;
  /** Who may run it; checked against the member's permissions on every invocation, buttons included. */
  requires?: Requirement;
  /** Acknowledge before running, because the handler may take longer than about a second. */
  defer: boolean;
  run(raw: RawOptions, invocation: Invocation): View | Promise<View>;
}

/** Who is asking, in the neutral shape commands read. */
function callerOf(invocation: Invocation): Caller {
  return {
    userId: invocation.userId,
    guildId: invocation.guildId,
    channelId: invocation.channelId ?? '',
    canManageGuild: invocation.canManageGuild,
    ...(invocation.channelName !== undefined ? { channelName: invocation.channelName } : {}),
  };
}

export interface RouterDeps {
  /** The archive being served right now (read on every request, so a reload takes effect at once). */
  archive: () => Archive;
  reload: () => Promise<ReloadReport>;
  now?: () => Date;
  log: Logger;
  paging?: Paging;
  /** Further services handed to every command (e.g. the digest store), as CommandDeps names them. */
  services?: Omit<Partial<CommandDeps>, 'archive' | 'now' | 'caller'>;
  /** Attachment limits (default 8 MiB per file, 10 parts per export); a server's smaller limit still wins. */
  attachments?: DiscordAttachmentLimits;
  /** Interactions handled whole by a feature of their own (e.g. drafts: modals and their buttons). */
  handlers?: ReadonlyArray<{ owns(i: Interaction): boolean; handle(i: Interaction): Promise<void> }>;
  /** Throttle for commands that post on a member's behalf (POSTING_COMMANDS); shared with the mention handler. */
  throttle?: Throttle;
}

/**
 * Commands that post or open threads on the member's behalf: the member's own
 * permissions in the channel must allow it, and the throttles apply
 * (src/discord/guard.ts).
 */
export const POSTING_COMMANDS: ReadonlySet<string> = new Set(['discuss']);

/**
 * The commands that only read the archive. Only these are ever run again by a
 * button; every other command (today /reload, /digest, /discuss, and any
 * added later unless listed here) pages through the reply it gave.
 */
export const READ_ONLY_COMMANDS: ReadonlySet<string> = new Set(['search', 'timeline', 'count', 'export', 'record', 'cite', 'about', 'help']);

/** The longest text autocomplete looks at when an option declares no maxLength. */
const AUTOCOMPLETE_MAX_CHARS = 200;

/** maxLength of an option of a command (or of one of its sub-commands), when declared. */
function declaredMaxLength(name: string, option: string): number | undefined {
  const definition = [...COMMANDS, ...BOT_COMMANDS].map((c) => c.definition).find((d) => d.name === name);
  if (definition === undefined) return undefined;
  const options = [...definition.options, ...(definition.subcommands ?? []).flatMap((sub) => sub.options)];
  const found = options.find((o) => o.name === option);
  return found !== undefined && 'maxLength' in found && typeof found.maxLength === 'number' ? found.maxLength : undefined;
}

/** Commands whose answer is small and fixed: answered directly. Any other command, and every one that can touch a record (of any size), is deferred first. */
const QUICK = new Set(['about', 'help']);

const PERMISSION_BITS: { readonly [R in Requirement]: bigint } = { 'manage-server': PermissionFlagsBits.ManageGuild };
const PERMISSION_NAMES: { readonly [R in Requirement]: string } = { 'manage-server': 'Manage Server' };

const EXPIRED_NOTE = '_Paging for this long query ends when the bot restarts._';

function internalError(command: string | null): View {
  return errorView(command, 'internal', 'Something went wrong answering that; it has been logged.', ['Try again in a moment, or try a simpler query.']);
}

export class InteractionRouter {
  readonly #routes = new Map<string, Route>();
  readonly #deps: RouterDeps;
  readonly #paging: Paging;
  readonly #inFlight = new InFlight();
  readonly #throttle: Throttle;

  constructor(deps: RouterDeps) {
    this.#deps = deps;
    this.#throttle = deps.throttle ?? new Throttle();
    this.#paging = deps.paging ?? new Paging();
    const now = deps.now ?? (() => new Date());
    const commandDeps = (invocation: Invocation): CommandDeps => ({
      ...deps.services,
      archive: deps.archive(),
      now,
      caller: callerOf(invocation),
    });
    for (const command of COMMANDS) {
      const name = command.definition.name;
      const requires = requirementOf(command);
      this.register({
        name,
        ...(requires !== undefined ? { requires } : {}),
        readOnly: READ_ONLY_COMMANDS.has(name),
        defer: !QUICK.has(name),
        run: (raw, invocation) => runCommand(name, raw, commandDeps(invocation)),
      });
    }
    for (const command of BOT_COMMANDS) {
      const requires = requirementOf(command);
      this.register({
        name: command.definition.name,
        ...(requires !== undefined ? { requires } : {}),
        defer: true,
        run: (raw, invocation) => {
          const botDeps: BotDeps = { ...commandDeps(invocation), reload: deps.reload };
          return runBotCommand(command, raw, botDeps);
        },
      });
    }
  }

  /** Adds or replaces the route for a command name. */
  register(route: Route): void {
    this.#routes.set(route.name, route);
  }

  get routes(): ReadonlyMap<string, Route> {
    return this.#routes;
  }

  /** Handles one interaction; resolves when it is answered. Never rejects. */
  handle(interaction: Interaction): Promise<void> {
    if (this.#inFlight.closed) {
      this.#deps.log.info({ interaction: interaction.id }, 'shutting down: interaction not handled');
      return Promise.resolve();
    }
    const work = this.#dispatch(interaction).catch((err: unknown) => {
      this.#deps.log.error({ err, interaction: interaction.id }, 'interaction failed');
    });
    return this.#inFlight.track(work);
  }

  /** Stops taking interactions; the ones in flight go on. */
  close(): void {
    this.#inFlight.close();
  }

  /** Resolves when the interactions in flight are answered, or after `timeoutMs`; true when all finished. */
  drain(timeoutMs: number): Promise<boolean> {
    return this.#inFlight.drain(timeoutMs);
  }

  async #dispatch(interaction: Interaction): Promise<void> {
    const started = Date.now();
    const base = {
      interaction: interaction.id,
      guild: interaction.guildId,
      channel: interaction.channelId,
      user: interaction.user.id,
    };
    const handler = this.#deps.handlers?.find((h) => h.owns(interaction));
    if (handler !== undefined) {
      await handler.handle(interaction);
      this.#deps.log.info({ ...base, ms: Date.now() - started, kind: 'feature' }, 'interaction answered');
      return;
    }
    if (interaction.isAutocomplete()) {
      const log = this.#deps.log.child({ ...base, command: interaction.commandName, kind: 'autocomplete' });
      await this.#autocomplete(interaction, log);
      log.debug({ ms: Date.now() - started }, 'autocomplete answered');
      return;
    }
    if (interaction.isChatInputCommand()) {
      const log = this.#deps.log.child({ ...base, command: interaction.commandName, kind: 'command' });
      const outcome = await this.#command(interaction, log, started);
      log.info({ ms: Date.now() - started, ...outcome }, 'interaction answered');
      return;
    }
    if (interaction.isButton()) {
      const log = this.#deps.log.child({ ...base, kind: 'button', customId: interaction.customId });
      const outcome = await this.#button(interaction, log, started);
      log.info({ ms: Date.now() - started, ...outcome }, 'interaction answered');
      return;
    }
    this.#deps.log.debug({ ...base, type: interaction.type }, 'interaction of a kind this bot does not handle');
  }

  #invocation(interaction: ChatInputCommandInteraction | ButtonInteraction): Invocation {
    return {
      interactionId: interaction.id,
      guildId: interaction.guildId,
      channelId: interaction.channelId,
      userId: interaction.user.id,
      locale: interaction.locale,
      canManageGuild: interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) === true,
      channelName: (id) => {
        const channel = interaction.client.channels.cache.get(id);
        return channel !== undefined && 'name' in channel && typeof channel.name === 'string' ? channel.name : undefined;
      },
    };
  }

  #permitted(interaction: ChatInputCommandInteraction | ButtonInteraction, route: Route): boolean {
    if (route.requires === undefined) return true;
    // memberPermissions is null outside a server (a DM), where server permissions do not exist.
    // has() lets Administrator through, as Discord does for default_member_permissions.
    return interaction.memberPermissions?.has(PERMISSION_BITS[route.requires]) === true;
  }

  /**
   * For a command that posts on the member's behalf: a refusal when the member
   * may not post (or open threads) in this channel themselves, or has hit a
   * throttle; null when it may go ahead (and then it counts towards the throttles).
   */
  #postingRefusal(interaction: ChatInputCommandInteraction, route: Route): { view: View; outcome: string } | null {
    if (!POSTING_COMMANDS.has(route.name)) return null;
    // Outside a server there is no channel permission to check (the command itself says it needs a server).
    const permissions = interaction.memberPermissions;
    if (permissions !== null && interaction.inGuild()) {
      const inThread = interaction.channel?.isThread() === true;
      const missing = missingPermissions(permissions.bitfield, postingRequirement(inThread));
      if (missing.length > 0) {
        const what = inThread ? 'posts in this thread' : 'posts in this channel and opens a public thread';
        return {
          outcome: 'forbidden',
          view: errorView(route.name, 'forbidden', `/${route.name} ${what} for you, and you do not have ${missing.join(' and ')} here.`, [
            'Use /record to see the record just for you, or ask a moderator for the permission.',
          ]),
        };
      }
    }
    const taken = this.#throttle.take(interaction.user.id, interaction.channelId);
    if (!taken.ok) {
      return {
        outcome: 'throttled',
        view: errorView(route.name, 'unavailable', throttledMessage(taken, this.#throttle.limits, `posts for /${route.name}`), [
          'Use /record meanwhile: it answers only you and has no limit.',
        ]),
      };
    }
    return null;
  }

  #refusal(route: Route): View {
    const requirement = route.requires ?? 'manage-server';
    return errorView(route.name, 'forbidden', `/${route.name} is only for members with the ${PERMISSION_NAMES[requirement]} permission.`, [
      'Ask a server admin to run it, or to give you that permission.',
    ]);
  }

  /** Runs a route; a throw (a bug) becomes a logged internal error View. */
  async #run(route: Route, raw: RawOptions, invocation: Invocation, log: Logger): Promise<View> {
    try {
      return await route.run(raw, invocation);
    } catch (err) {
      log.error({ err }, 'command handler failed');
      return internalError(route.name);
    }
  }

  /**
   * The message for `view`: the given part, with Prev/Next buttons when there
   * is more (pages of a list command, or parts of a long view). `options` are
   * what the buttons re-run the command with.
   */
  #message(
    route: Route,
    options: { [name: string]: string },
    view: View,
    part: number,
    attached: RenderOptions = {},
    keptKey?: string,
  ): { message: DiscordMessage & { components: APIActionRowComponent<APIButtonComponent>[] }; ephemeral: boolean } {
    const command = route.name;
    const reply = renderDiscord(view, attached);
    const index = Math.min(Math.max(1, part), reply.parts.length);
    const message = reply.parts[index - 1]!;
    let row: { row: APIActionRowComponent<APIButtonComponent>; remembered: boolean } | undefined;
    if (route.readOnly !== true) {
      // A command that changed something is never run again: its buttons page through this reply, kept in memory.
      if (reply.parts.length > 1) {
        const key = keptKey ?? this.#paging.keep(command, view);
        row = { row: this.#paging.keptRow(command, key, index, reply.parts.length), remembered: false };
      }
    } else if (view.type === 'list' && view.pageCount > 1) row = this.#paging.row(command, options, 'page', view.page, view.pageCount);
    else if (reply.parts.length > 1) row = this.#paging.row(command, options, 'part', index, reply.parts.length);
    let content = message.content;
    // Kept in the state store, a long query's paging survives restarts: no note then.
    if (row?.remembered === true && !this.#paging.persistent) {
      content = content === '' ? EXPIRED_NOTE : `${clip(content, LIMITS.content - EXPIRED_NOTE.length - 1)}\n${EXPIRED_NOTE}`;
    }
    // components is always set, so an edit also removes buttons a previous page had.
    return {
      message: { ...message, content, components: row !== undefined ? [row.row] : [] },
      ephemeral: reply.ephemeral,
    };
  }

  async #command(interaction: ChatInputCommandInteraction, log: Logger, started: number): Promise<object> {
    const route = this.#routes.get(interaction.commandName);
    if (route === undefined) {
      await this.#replyError(interaction, unknownCommand(interaction.commandName));
      return { outcome: 'unknown-command', ackMs: Date.now() - started };
    }
    if (!this.#permitted(interaction, route)) {
      await this.#replyError(interaction, this.#refusal(route));
      return { outcome: 'forbidden', ackMs: Date.now() - started };
    }
    const posting = this.#postingRefusal(interaction, route);
    if (posting !== null) {
      await this.#replyError(interaction, posting.view);
      return { outcome: posting.outcome, ackMs: Date.now() - started };
    }
    const raw = rawOptions(interaction.options.data);
    let ackMs: number | undefined;
    if (route.defer) {
      await interaction.deferReply();
      ackMs = Date.now() - started;
    }
    try {
      const view = await this.#run(route, raw, this.#invocation(interaction), log);
      const options = optionStrings(raw);
      delete options['page'];
      let deferred = route.defer;
      if (!deferred && attachmentsOf(view).length > 0) {
        // Drawing a chart or writing an export can outlast the 3 s to acknowledge: defer before rendering.
        await interaction.deferReply();
        ackMs = Date.now() - started;
        deferred = true;
      }
      // Files go with the first message only; parts of an export that do not fit it follow as further messages.
      const files = await prepareAttachments(view, limitsFor(this.#deps.attachments ?? {}, interaction.attachmentSizeLimit), log);
      const { message, ephemeral } = this.#message(route, options, view, 1, {
        attached: files.attached,
        following: files.following,
        attachmentNotes: files.notes,
      });
      const withFiles = files.files.length > 0 ? { ...message, files: files.files } : message;
      if (!deferred) {
        await interaction.reply({ ...withFiles, ...(ephemeral ? { flags: MessageFlags.Ephemeral } : {}) });
        ackMs = Date.now() - started;
      } else if (ephemeral) {
        // A deferral's visibility is fixed: replace the public "thinking" message with an ephemeral one.
        await interaction.deleteReply();
        await interaction.followUp({ ...withFiles, flags: MessageFlags.Ephemeral });
      } else {
        await interaction.editReply(withFiles);
      }
      for (const more of files.more) await interaction.followUp({ ...more, ...(ephemeral ? { flags: MessageFlags.Ephemeral } : {}) });
      const sent = files.summary.files > 0 || files.summary.failed > 0 ? { files: files.summary } : {};
      return { outcome: view.type === 'error' ? view.code : 'ok', ackMs, ...sent };
    } catch (err) {
      log.error({ err }, 'could not deliver the reply');
      await this.#apologise(interaction, log);
      return { outcome: 'failed', ackMs };
    }
  }

  async #button(interaction: ButtonInteraction, log: Logger, started: number): Promise<object> {
    const decoded = this.#paging.decode(interaction.customId);
    if (!decoded.ok) {
      const message =
        decoded.reason === 'expired'
          ? 'These buttons stopped working when the bot restarted (the query was too long to keep in them).'
          : 'This button is not one this bot understands (perhaps from an older version).';
      await this.#replyError(interaction, errorView(null, 'bad-page', message, ['Run the command again to get fresh buttons.']));
      return { outcome: decoded.reason, ackMs: Date.now() - started };
    }
    const { command, options, target } = decoded.state;
    const route = this.#routes.get(command);
    if (route === undefined) {
      await this.#replyError(interaction, unknownCommand(command));
      return { outcome: 'unknown-command', ackMs: Date.now() - started };
    }
    if (decoded.state.kept !== undefined) return this.#keptPart(interaction, route, decoded.state.kept, target.n, log, started);
    if (route.readOnly !== true) {
      // A forged (or old) button naming a command that changes something: it is never run from a button.
      await this.#replyError(
        interaction,
        errorView(null, 'bad-page', `This button would run /${command} again; buttons never run a command that changes something.`, [
          `Run /${command} yourself if that is what you meant.`,
        ]),
      );
      return { outcome: 'not-rerun', ackMs: Date.now() - started };
    }
    if (!this.#permitted(interaction, route)) {
      await this.#replyError(interaction, this.#refusal(route));
      return { outcome: 'forbidden', ackMs: Date.now() - started };
    }
    const raw: { [name: string]: string } = { ...options };
    if (target.kind === 'page') raw['page'] = String(target.n);
    let ackMs: number | undefined;
    if (route.defer) {
      await interaction.deferUpdate();
      ackMs = Date.now() - started;
    }
    try {
      const view = await this.#run(route, raw, this.#invocation(interaction), log);
      if (view.type === 'error') {
        // The message stays as it was; only the presser hears what went wrong (e.g. data changed and the page is gone).
        if (route.defer) await interaction.followUp({ ...renderDiscord(view).parts[0]!, flags: MessageFlags.Ephemeral });
        else await interaction.reply({ ...renderDiscord(view).parts[0]!, flags: MessageFlags.Ephemeral });
        return { outcome: view.code, ackMs: ackMs ?? Date.now() - started };
      }
      // Paging never draws or uploads again: an edit without files keeps the message's attachments, so a
      // chart (which covers every page) stays, and part 1 shows it again from the file already there.
      const onMessage = new Set(interaction.message.attachments.map((a) => a.name));
      const attached = chartNames(view).filter((name) => onMessage.has(name));
      const { message } = this.#message(route, options, view, target.kind === 'part' ? target.n : 1, { attached });
      if (route.defer) {
        await interaction.editReply(message);
      } else {
        await interaction.update(message);
        ackMs = Date.now() - started;
      }
      return { outcome: 'ok', ackMs, command, target: `${target.kind} ${target.n}` };
    } catch (err) {
      log.error({ err }, 'could not deliver the reply');
      await this.#apologise(interaction, log);
      return { outcome: 'failed', ackMs };
    }
  }

  /** Shows part `n` of a kept reply: nothing runs again, the message is updated in place. */
  async #keptPart(interaction: ButtonInteraction, route: Route, key: string, n: number, log: Logger, started: number): Promise<object> {
    const view = this.#paging.kept(key) as View | undefined;
    if (view === undefined) {
      await this.#replyError(
        interaction,
        errorView(null, 'bad-page', 'These buttons stopped working: the reply they page through is no longer kept (the bot restarted, or it is too old).', [
          `Run /${route.name} again to see it whole.`,
        ]),
      );
      return { outcome: 'expired', ackMs: Date.now() - started };
    }
    try {
      const { message } = this.#message(route, {}, view, n, {}, key);
      await interaction.update(message);
      return { outcome: 'ok', ackMs: Date.now() - started, command: route.name, target: `kept part ${n}` };
    } catch (err) {
      log.error({ err }, 'could not deliver the reply');
      await this.#apologise(interaction, log);
      return { outcome: 'failed' };
    }
  }

  async #autocomplete(interaction: AutocompleteInteraction, log: Logger): Promise<void> {
    let choices: { name: string; value: string }[] = [];
    try {
      const focused = interaction.options.getFocused(true);
      const typed = String(focused.value);
      // Checked before any work, as a slash option's maxLength is: text longer than the option takes gets no suggestions.
      const max = Math.min(declaredMaxLength(interaction.commandName, focused.name) ?? AUTOCOMPLETE_MAX_CHARS, 500);
      if (typed.length > max) {
        log.debug({ length: typed.length, max }, 'autocomplete text longer than the option takes: no suggestions');
      } else if (this.#routes.has(interaction.commandName)) {
        choices = suggest(focused.name, typed, { ...this.#deps.services, archive: this.#deps.archive(), now: this.#deps.now ?? (() => new Date()) })
          // suggest keeps to Discord's limits already; cut again so a change there cannot become an API error.
          .filter((s) => s.name.length >= 1 && s.name.length <= 100 && s.value.length <= 100)
          .slice(0, MAX_SUGGESTIONS);
      }
    } catch (err) {
      log.error({ err }, 'autocomplete failed');
    }
    try {
      await interaction.respond(choices);
    } catch (err) {
      log.warn({ err }, 'could not send autocomplete choices');
    }
  }

  /** An error View as an ephemeral reply to an interaction not yet acknowledged. */
  async #replyError(interaction: ChatInputCommandInteraction | ButtonInteraction, view: View): Promise<void> {
    const message = renderDiscord(view).parts[0]!;
    await interaction.reply({ ...message, components: [], flags: MessageFlags.Ephemeral });
  }

  /** Last resort after a failed delivery: a polite word, wherever it can still go. */
  async #apologise(interaction: ChatInputCommandInteraction | ButtonInteraction, log: Logger): Promise<void> {
    const message = { ...renderDiscord(internalError(null)).parts[0]!, components: [] };
    try {
      if (!interaction.deferred && !interaction.replied) await interaction.reply({ ...message, flags: MessageFlags.Ephemeral });
      else await interaction.followUp({ ...message, flags: MessageFlags.Ephemeral });
    } catch (err) {
      log.warn({ err }, 'could not send the apology either');
    }
  }
}
