// Curation in Discord (issue 14): /draft from, /draft list, the message
// command "Draft records", and the buttons and modals they lead to. The work
// is done by DraftService (src/drafts/service.ts) and the pure core
// (src/core/suggest); this file only speaks Discord:
//
//   /draft from source:<id> [passage:<n>]  -> the suggestions, one "Use n" button each
//   "Use n"                                -> a modal prefilled with title, date, place
//                                             (outlet #issue), casualties (medium), quote
//   modal submit                           -> validated like data:check; a problem comes
//                                             back naming the field, nothing is lost (the
//                                             reply repeats what was typed)
//   the draft's card                       -> "More fields" (a second modal: attack types,
//                                             target, perpetrator, claim and its wording;
//                                             language, author, producer, volume, topics)
//                                             and selects with the schema's allowed values
//                                             (claim status, category, medium; attack types),
//                                             for the drafter or a reviewer while pending
//   Approve / Reject (reason in a modal)   -> Manage Server or the reviewer role
//                                             (DRAFT_REVIEWER_ROLE), checked on every press;
//                                             a draft that looks like a live record is only
//                                             approved with "Approve anyway", shown beside
//                                             that record's id
//
// Custom ids: draft:use:<source>:<passage or 0>:<key>, draft:submit:<same>,
// draft:approve:<id>, draft:confirm:<id>, draft:reject:<id>, draft:reason:<id>,
// draft:more:<id>, draft:extra:<id>, draft:pick:<id>:<field>.
//
// People are named as Discord showed them when they acted (kept with their id
// in the state store); replies never ping (allowed_mentions: none).
import {
  ActionRowBuilder,
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ButtonBuilder,
  ButtonStyle,
  InteractionContextType,
  MessageFlags,
  ModalBuilder,
  PermissionFlagsBits,
  StringSelectMenuBuilder,
  TextInputBuilder,
  TextInputStyle,
  type ButtonInteraction,
  type StringSelectMenuInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type MessageContextMenuCommandInteraction,
  type ModalSubmitInteraction,
  type RESTPostAPIApplicationCommandsJSONBody,
} from 'discord.js';
import type { DraftFields, FieldProblem } from '../core/suggest/draft.ts';
import { formatCasualties, formatPlaceField, shortDate } from '../core/suggest/draft.ts';
import { extraFieldsFor, extraSummary, extraValuesOf, type ExtraKey, type ExtraProblem, type PickKey } from '../core/suggest/extra.ts';
import { placeName } from '../core/suggest/match.ts';
import type { Suggestion } from '../core/suggest/suggest.ts';
import type { Record as ArchiveRecord, SourceDocument } from '../core/records/schema.ts';
import type { DraftActor, DraftService, ListedDraft } from '../drafts/service.ts';
import type { Draft } from '../state/draft-store.ts';
import type { Logger } from '../logger.ts';
import { clip, safe } from './render.ts';

export const DRAFT_COMMAND = 'draft';
export const DRAFT_MESSAGE_COMMAND = 'Draft records';
const MAX_BUTTONS = 20;

/** /draft and the message command, as Discord API JSON (deployed with the others). */
export function draftCommandsJson(): RESTPostAPIApplicationCommandsJSONBody[] {
  return [
    {
      type: ApplicationCommandType.ChatInput,
      name: DRAFT_COMMAND,
      description: 'Draft records from a source, and review drafts',
      contexts: [InteractionContextType.Guild],
      options: [
        {
          type: ApplicationCommandOptionType.Subcommand,
          name: 'from',
          description: 'Suggested records from a source (or one passage of it)',
          options: [
            { type: ApplicationCommandOptionType.String, name: 'source', description: 'Source id', required: true, max_length: 200 },
            { type: ApplicationCommandOptionType.Integer, name: 'passage', description: 'Passage number', required: false, min_value: 1 },
          ],
        },
        { type: ApplicationCommandOptionType.Subcommand, name: 'list', description: 'Drafts waiting for review, and approved ones' },
      ],
    },
    { type: ApplicationCommandType.Message, name: DRAFT_MESSAGE_COMMAND, contexts: [InteractionContextType.Guild] },
  ];
}

const FIELD_LABELS: Record<FieldProblem['field'], [string, string]> = {
  title: ['Title', 'Title'],
  date: ['Date', 'Date'],
  where: ['Place', 'Outlet #issue'],
  detail: ['Casualties', 'Medium'],
  quote: ['Quote', 'Quote'],
  record: ['Record', 'Record'],
};

function label(field: FieldProblem['field'], kind: 'incident' | 'publication'): string {
  return FIELD_LABELS[field][kind === 'incident' ? 0 : 1];
}

/** A person as kept with a draft: the name Discord showed, else the id (never a mention). */
export function personOf(id: string, name: string | null | undefined): string {
  return name !== null && name !== undefined && name !== '' ? name : `user ${id}`;
}

/** The name Discord shows for the member (server nickname, else display name, else username). */
function nameOf(i: Interaction): string {
  const m = i.member;
  if (m !== null && m !== undefined) {
    if ('displayName' in m && typeof m.displayName === 'string' && m.displayName !== '') return m.displayName;
    if ('nick' in m && typeof m.nick === 'string' && m.nick !== '') return m.nick;
  }
  return i.user.globalName ?? i.user.username;
}

/** "`inc-…` Title (4 Mar 2022, Peshawar; /record id:inc-…)": an existing record a draft looks like. */
function duplicateLine(r: ArchiveRecord): string {
  const where = r.kind === 'incident' ? (placeName(r.place) ?? 'place not given') : [r.outlet, r.issue !== undefined ? `#${r.issue}` : undefined, r.medium].filter((x) => x !== undefined).join(' ');
  return `\`${r.id}\` ${safe(clip(r.title, 80))} (${shortDate(r.date)}, ${safe(where)}; /record id:${r.id})`;
}

function describe(s: Suggestion): string {
  const where = s.kind === 'incident' ? (placeName(s.place?.value) ?? 'place not given') : [s.outlet?.value, s.issue !== undefined ? `#${s.issue.value}` : undefined, s.medium.value].filter((x) => x !== undefined).join(' ');
  return `${s.kind} · ${s.title} · ${shortDate(s.date?.value)} · ${where}`;
}

export interface DraftInteractionsDeps {
  service: DraftService;
  log: Logger;
  /** The role whose members may approve and reject, besides Manage Server. */
  reviewerRole?: string;
  now?: () => Date;
}

export class DraftInteractions {
  readonly #deps: DraftInteractionsDeps;

  constructor(deps: DraftInteractionsDeps) {
    this.#deps = deps;
  }

  owns(i: Interaction): boolean {
    if (i.isChatInputCommand()) return i.commandName === DRAFT_COMMAND;
    if (i.isMessageContextMenuCommand()) return i.commandName === DRAFT_MESSAGE_COMMAND;
    if (i.isButton() || i.isModalSubmit() || i.isStringSelectMenu()) return i.customId.startsWith('draft:');
    return false;
  }

  async handle(i: Interaction): Promise<void> {
    try {
      if (i.isChatInputCommand()) await this.#command(i);
      else if (i.isMessageContextMenuCommand()) await this.#messageCommand(i);
      else if (i.isButton()) await this.#button(i);
      else if (i.isModalSubmit()) await this.#modal(i);
      else if (i.isStringSelectMenu()) await this.#pick(i);
    } catch (err) {
      this.#deps.log.error({ err, interaction: i.id }, 'draft interaction failed');
      if (i.isRepliable() && !i.replied && !i.deferred) {
        await i.reply({ content: 'Something went wrong with that draft; it has been logged.', flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } }).catch(() => undefined);
      }
    }
  }

  #now(): Date {
    return (this.#deps.now ?? (() => new Date()))();
  }

  #actor(i: ButtonInteraction | ModalSubmitInteraction | StringSelectMenuInteraction): DraftActor {
    return { userId: i.user.id, name: nameOf(i), guildId: i.guildId, channelId: i.channelId };
  }

  #isReviewer(i: ButtonInteraction | ModalSubmitInteraction | StringSelectMenuInteraction): boolean {
    if (i.memberPermissions?.has(PermissionFlagsBits.ManageGuild) === true) return true;
    const role = this.#deps.reviewerRole;
    if (role === undefined || i.member === null) return false;
    const roles = i.member.roles;
    return Array.isArray(roles) ? roles.includes(role) : roles.cache.has(role);
  }

  async #ephemeral(i: ChatInputCommandInteraction | MessageContextMenuCommandInteraction | ButtonInteraction | ModalSubmitInteraction | StringSelectMenuInteraction, content: string): Promise<void> {
    await i.reply({ content: clip(content, 2000), flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
  }

  async #command(i: ChatInputCommandInteraction): Promise<void> {
    const sub = i.options.getSubcommand(false);
    if (sub === 'list') return this.#list(i);
    const source = i.options.getString('source', true);
    const passage = i.options.getInteger('passage') ?? undefined;
    await this.#suggestions(i, source, passage);
  }

  async #messageCommand(i: MessageContextMenuCommandInteraction): Promise<void> {
    const m = i.targetMessage;
    const text = [m.content, ...m.embeds.flatMap((e) => [e.title ?? '', e.description ?? '', e.url ?? '', e.footer?.text ?? '', ...e.fields.map((f) => f.value)])].join('\n');
    const found = this.#deps.service.findSourceIn(text);
    if (found === undefined) {
      await this.#ephemeral(i, 'This message names no source of the archive (by id or link) and quotes none of their passages. Use /draft from source:<id>.');
      return;
    }
    await this.#suggestions(i, found.source.id, found.passage);
  }

  async #suggestions(i: ChatInputCommandInteraction | MessageContextMenuCommandInteraction, sourceId: string, passage?: number): Promise<void> {
    const found = this.#deps.service.suggest(sourceId, passage);
    if (!found.ok) {
      await this.#ephemeral(i, `${found.field}: ${found.message}.`);
      return;
    }
    const shown = found.suggestions.slice(0, MAX_BUTTONS);
    const where = found.passage !== null ? ` passage ${found.passage}` : '';
    const lines = [`**Suggested records from ${safe(found.source.id)}${where}** (${found.suggestions.length}); press a number to draft it:`];
    if (found.suggestions.length === 0) lines.push('_Nothing in this text reads as an incident or a publication. Try another passage._');
    shown.forEach((s, n) => lines.push(`${n + 1}. ${safe(clip(describe(s), 160))}`));
    if (found.suggestions.length > shown.length) lines.push(`… and ${found.suggestions.length - shown.length} more: draft from one passage at a time to see them.`);
    const rows: ActionRowBuilder<ButtonBuilder>[] = [];
    shown.forEach((s, n) => {
      if (n % 5 === 0) rows.push(new ActionRowBuilder<ButtonBuilder>());
      rows[rows.length - 1]!.addComponents(new ButtonBuilder().setCustomId(`draft:use:${found.source.id}:${found.passage ?? 0}:${s.key}`).setLabel(`Use ${n + 1}`).setStyle(ButtonStyle.Secondary));
    });
    await i.reply({ content: clip(lines.join('\n'), 2000), components: rows.map((r) => r.toJSON()), allowedMentions: { parse: [] } });
  }

  async #list(i: ChatInputCommandInteraction): Promise<void> {
    const listed = this.#deps.service.list(i.guildId);
    const pending = listed.filter((l) => l.draft.status === 'pending');
    const approved = listed.filter((l) => l.draft.status === 'approved');
    const lines = [`**Drafts**: ${pending.length} waiting for review, ${approved.length} approved.`];
    const line = (l: ListedDraft): string => {
      const d = l.draft;
      const dup = l.duplicates.length > 0 ? ` — ⚠ looks like ${l.duplicates.map((id) => `\`${id}\``).join(', ')} (see /record)` : '';
      const differs = l.differsInData ? ' — data/ has a different version of this record; data/ wins' : '';
      const who = d.status === 'approved' ? `drafted by ${safe(personOf(d.draftedBy, d.draftedByName))}, approved by ${safe(personOf(d.reviewedBy ?? '', d.reviewedByName))}` : `drafted by ${safe(personOf(d.draftedBy, d.draftedByName))}`;
      return `#${d.id} \`${d.recordId}\` ${safe(clip(d.record.title, 100))} (${d.kind}, ${shortDate(d.record.date)}; ${who})${dup}${differs}`;
    };
    if (pending.length > 0) lines.push('', '__Waiting for review__', ...pending.map(line));
    if (approved.length > 0) lines.push('', '__Approved__', ...approved.slice(-10).map(line));
    const rows = pending.slice(0, 5).map((l) => this.#reviewRow(l.draft.id).toJSON());
    await i.reply({ content: clip(lines.join('\n'), 2000), components: rows, allowedMentions: { parse: [] } });
  }

  #reviewRow(id: number, more = false): ActionRowBuilder<ButtonBuilder> {
    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder().setCustomId(`draft:approve:${id}`).setLabel(`Approve #${id}`).setStyle(ButtonStyle.Success),
      new ButtonBuilder().setCustomId(`draft:reject:${id}`).setLabel(`Reject #${id}`).setStyle(ButtonStyle.Danger),
    );
    if (more) row.addComponents(new ButtonBuilder().setCustomId(`draft:more:${id}`).setLabel(`More fields #${id}`).setStyle(ButtonStyle.Secondary));
    return row;
  }

  /** A pending draft as the team sees it: every field it has, the duplicate warning, and the controls to finish and review it. */
  #card(d: Draft, duplicates: readonly ArchiveRecord[], head: string): { content: string; components: ReturnType<ActionRowBuilder['toJSON']>[] } {
    const r = d.record;
    const first = r.kind === 'incident'
      ? [`Place: ${formatPlaceField(r.place) || 'not given'}`, `Casualties: ${formatCasualties(r.casualties) || 'not given'}`]
      : [];
    const lines = [
      head,
      `Date: ${shortDate(r.date)}`,
      ...first,
      ...extraSummary(r),
      `Quote: "${clip(r.sources[0]?.quote ?? '', 300)}"`,
    ].map((l, n) => (n === 0 ? l : `> ${safe(l)}`));
    if (duplicates.length > 0) lines.push(`⚠ Looks like an existing record: ${duplicates.map(duplicateLine).join(', ')}. Check before approving.`);
    if (d.status === 'pending') lines.push('_More fields #n opens a form for the other fields; the menus below set the ones with fixed values._');
    const components: ReturnType<ActionRowBuilder['toJSON']>[] = [this.#reviewRow(d.id, d.status === 'pending').toJSON()];
    if (d.status === 'pending') {
      for (const menu of this.#deps.service.pickMenus(d)) {
        if (menu.options.length === 0) continue;
        const select = new StringSelectMenuBuilder()
          .setCustomId(`draft:pick:${d.id}:${menu.key}`)
          .setPlaceholder(`${menu.label} of #${d.id}`)
          .setMinValues(menu.min)
          .setMaxValues(Math.max(1, Math.min(menu.max, menu.options.length)))
          .addOptions(menu.options.map((o) => ({ label: clip(o.value, 100), value: o.value.slice(0, 100), default: o.selected, description: menu.label })));
        components.push(new ActionRowBuilder<StringSelectMenuBuilder>().addComponents(select).toJSON());
      }
    }
    return { content: clip(lines.join('\n'), 2000), components: components.slice(0, 5) };
  }

  #extraModal(d: Draft): ModalBuilder {
    const values = extraValuesOf(d.record);
    return new ModalBuilder()
      .setCustomId(`draft:extra:${d.id}`)
      .setTitle(clip(`More fields of draft #${d.id}`, 45))
      .addComponents(
        ...extraFieldsFor(d.kind).map((f) => {
          const t = new TextInputBuilder().setCustomId(f.key).setLabel(f.label).setStyle(f.max > 300 ? TextInputStyle.Paragraph : TextInputStyle.Short).setRequired(false).setMaxLength(f.max).setPlaceholder(clip(f.placeholder, 100));
          const v = clip(values[f.key] ?? '', f.max);
          if (v !== '') t.setValue(v);
          return new ActionRowBuilder<TextInputBuilder>().addComponents(t);
        }),
      );
  }

  #problemsText(problems: readonly ExtraProblem[], typed?: { [K in ExtraKey]?: string }): string {
    const lines = ['Not changed; fix these and try again:', ...problems.map((p) => `• **${p.label}**: ${safe(p.message)}`)];
    if (typed !== undefined) lines.push('', 'What you typed:', ...Object.entries(typed).map(([k, v]) => `${extraFieldsFor('incident').concat(extraFieldsFor('publication')).find((f) => f.key === k)?.label ?? k}: ${safe(clip(v ?? '', 300))}`));
    return lines.join('\n');
  }

  async #pick(i: StringSelectMenuInteraction): Promise<void> {
    const [, action, idText, key] = i.customId.split(':');
    if (action !== 'pick') {
      await this.#ephemeral(i, 'This menu is not one this bot understands (perhaps from an older version).');
      return;
    }
    const id = Number(idText);
    const done = this.#deps.service.pick(id, this.#actor(i), this.#isReviewer(i), key as PickKey, i.values);
    if (!done.ok) {
      await this.#ephemeral(i, this.#problemsText(done.problems));
      return;
    }
    const d = done.draft;
    this.#deps.log.info({ draft: d.id, field: key, by: i.user.id }, 'draft edited');
    await i.update({ ...this.#card(d, done.duplicates, this.#head(d, `${labelOfPick(key)} set by ${safe(nameOf(i))}`)), allowedMentions: { parse: [] } });
  }

  #head(d: Draft, what: string): string {
    return `Draft #${d.id} by ${safe(personOf(d.draftedBy, d.draftedByName))}: \`${d.recordId}\` ${safe(clip(d.record.title, 150))} (${d.kind}, ${shortDate(d.record.date)}), ${d.status === 'pending' ? 'waiting for review' : d.status}. ${what}`.trim();
  }

  #modalFor(customId: string, kind: 'incident' | 'publication', fields: DraftFields): ModalBuilder {
    const input = (id: keyof DraftFields, style: TextInputStyle, required: boolean, max: number): ActionRowBuilder<TextInputBuilder> => {
      const t = new TextInputBuilder().setCustomId(id).setLabel(label(id, kind)).setStyle(style).setRequired(required).setMaxLength(max);
      const value = clip(fields[id], max);
      if (value !== '') t.setValue(value);
      if (id === 'date') t.setPlaceholder('YYYY, YYYY-MM, YYYY-MM-DD or START..END');
      if (id === 'detail' && kind === 'incident') t.setPlaceholder('killed 6; wounded about 10; killed and wounded more than 200');
      return new ActionRowBuilder<TextInputBuilder>().addComponents(t);
    };
    return new ModalBuilder()
      .setCustomId(customId)
      .setTitle(kind === 'incident' ? 'Draft an incident' : 'Draft a publication')
      .addComponents(
        input('title', TextInputStyle.Short, true, 200),
        input('date', TextInputStyle.Short, false, 40),
        input('where', TextInputStyle.Short, false, 200),
        input('detail', TextInputStyle.Short, kind === 'publication', 200),
        input('quote', TextInputStyle.Paragraph, true, 4000),
      );
  }

  async #button(i: ButtonInteraction): Promise<void> {
    const [, action, ...rest] = i.customId.split(':');
    if (action === 'use') {
      const [sourceId, passageText, key] = rest;
      const passage = Number(passageText) > 0 ? Number(passageText) : undefined;
      const found = this.#deps.service.suggest(sourceId ?? '', passage);
      const suggestion = found.ok ? found.suggestions.find((s) => s.key === key) : undefined;
      if (!found.ok || suggestion === undefined) {
        await this.#ephemeral(i, 'That suggestion is no longer offered (the source changed or the bot was updated); run /draft from again.');
        return;
      }
      const { fields } = this.#deps.service.prepare(found.source, suggestion);
      await i.showModal(this.#modalFor(`draft:submit:${sourceId}:${passageText}:${key}`, suggestion.kind, fields));
      return;
    }
    const id = Number(rest[0]);
    if (action === 'more') {
      const d = this.#deps.service.get(id);
      if (d === undefined || d.status !== 'pending') {
        await this.#ephemeral(i, `Draft #${id} ${d === undefined ? 'does not exist' : `is already ${d.status}`}; only drafts waiting for review can be edited.`);
        return;
      }
      if (d.draftedBy !== i.user.id && !this.#isReviewer(i)) {
        await this.#ephemeral(i, `Only the member who drafted #${id}, or a reviewer, may edit it.`);
        return;
      }
      await i.showModal(this.#extraModal(d));
      return;
    }
    if (!this.#isReviewer(i)) {
      await this.#ephemeral(i, `Only members with Manage Server${this.#deps.reviewerRole !== undefined ? ` or the <@&${this.#deps.reviewerRole}> role` : ''} may review drafts.`);
      return;
    }
    if (action === 'approve' || action === 'confirm') {
      await i.deferReply();
      const reviewer = { userId: i.user.id, name: nameOf(i) };
      const done = await this.#deps.service.approve(id, reviewer, this.#now(), { confirmDuplicates: action === 'confirm' });
      if (!done.ok) {
        if (done.duplicates !== undefined && done.duplicates.length > 0) {
          // The reviewer sees the record it looks like before it can go live, and confirms or rejects.
          await i.editReply({
            content: clip(
              [
                `Draft #${id} is not approved yet: it looks like ${done.duplicates.length === 1 ? 'an existing record' : 'existing records'}:`,
                ...done.duplicates.map((r) => `• ${duplicateLine(r)}`),
                'If it is a different event or publication, press **Approve anyway**; if it is the same, reject it.',
              ].join('\n'),
              2000,
            ),
            components: [
              new ActionRowBuilder<ButtonBuilder>()
                .addComponents(
                  new ButtonBuilder().setCustomId(`draft:confirm:${id}`).setLabel(`Approve anyway #${id}`).setStyle(ButtonStyle.Danger),
                  new ButtonBuilder().setCustomId(`draft:reject:${id}`).setLabel(`Reject #${id}`).setStyle(ButtonStyle.Secondary),
                )
                .toJSON(),
            ],
            allowedMentions: { parse: [] },
          });
          return;
        }
        await i.editReply({ content: `Draft #${id} not approved: ${done.message}.`, allowedMentions: { parse: [] } });
        return;
      }
      const d = done.draft;
      this.#deps.log.info({ draft: d.id, record: d.recordId, by: i.user.id, confirmedDuplicates: action === 'confirm' }, 'draft approved');
      await i.editReply({
        content: `Approved #${d.id} by ${safe(reviewer.name)}: \`${d.recordId}\` (${safe(clip(d.record.title, 150))}) is live now. Drafted by ${safe(personOf(d.draftedBy, d.draftedByName))}. \`npm run -s records:export\` puts it into data/.`,
        allowedMentions: { parse: [] },
      });
      return;
    }
    if (action === 'reject') {
      const modal = new ModalBuilder()
        .setCustomId(`draft:reason:${id}`)
        .setTitle(`Reject draft #${id}`)
        .addComponents(new ActionRowBuilder<TextInputBuilder>().addComponents(new TextInputBuilder().setCustomId('reason').setLabel('Reason').setStyle(TextInputStyle.Paragraph).setRequired(true).setMaxLength(500)));
      await i.showModal(modal);
      return;
    }
    await this.#ephemeral(i, 'This button is not one this bot understands (perhaps from an older version).');
  }

  async #modal(i: ModalSubmitInteraction): Promise<void> {
    const [, action, ...rest] = i.customId.split(':');
    if (action === 'reason') {
      if (!this.#isReviewer(i)) {
        await this.#ephemeral(i, 'Only members with Manage Server or the reviewer role may review drafts.');
        return;
      }
      const id = Number(rest[0]);
      const done = this.#deps.service.reject(id, { userId: i.user.id, name: nameOf(i) }, i.fields.getTextInputValue('reason'), this.#now());
      if (!done.ok) await this.#ephemeral(i, `Draft #${id} not rejected: ${done.message}.`);
      else await i.reply({ content: `Rejected #${id} by ${safe(nameOf(i))}: ${safe(clip(done.draft.reason ?? '', 500))}`, allowedMentions: { parse: [] } });
      return;
    }
    if (action === 'extra') {
      const id = Number(rest[0]);
      const d = this.#deps.service.get(id);
      const typed: { [K in ExtraKey]?: string } = {};
      for (const f of extraFieldsFor(d?.kind ?? 'incident')) {
        const v = i.fields.fields.has(f.key) ? i.fields.getTextInputValue(f.key) : undefined;
        if (v !== undefined) typed[f.key] = v;
      }
      const done = this.#deps.service.editFields(id, this.#actor(i), this.#isReviewer(i), typed);
      if (!done.ok) {
        await this.#ephemeral(i, this.#problemsText(done.problems, typed));
        return;
      }
      this.#deps.log.info({ draft: id, by: i.user.id }, 'draft edited');
      await i.reply({ ...this.#card(done.draft, done.duplicates, this.#head(done.draft, `Fields edited by ${safe(nameOf(i))}.`)), allowedMentions: { parse: [] } });
      return;
    }
    if (action !== 'submit') {
      await this.#ephemeral(i, 'This form is not one this bot understands.');
      return;
    }
    const [sourceId, passageText, key] = rest;
    const passage = Number(passageText) > 0 ? Number(passageText) : null;
    const fields: DraftFields = {
      title: i.fields.getTextInputValue('title'),
      date: i.fields.getTextInputValue('date'),
      where: i.fields.getTextInputValue('where'),
      detail: i.fields.getTextInputValue('detail'),
      quote: i.fields.getTextInputValue('quote'),
    };
    const result = this.#deps.service.submit(this.#actor(i), sourceId ?? '', passage, key ?? '', fields, this.#now());
    if (!result.ok) {
      const kind = this.#deps.service.suggest(sourceId ?? '', passage ?? undefined);
      const k = kind.ok ? (kind.suggestions.find((s) => s.key === key)?.kind ?? 'incident') : 'incident';
      const lines = ['Not drafted; fix these and press the button again:', ...result.problems.map((p) => `• **${label(p.field, k)}**: ${safe(p.message)}`), '', 'What you typed:', ...(Object.keys(fields) as Array<keyof DraftFields>).map((f) => `${label(f, k)}: ${safe(clip(fields[f], 300))}`)];
      await this.#ephemeral(i, lines.join('\n'));
      return;
    }
    const d = result.draft;
    await i.reply({ ...this.#card(d, result.duplicates, this.#head(d, '')), allowedMentions: { parse: [] } });
  }
}

function labelOfPick(key: string | undefined): string {
  return key === 'attackTypes' ? 'Attack types' : key === 'claimStatus' ? 'Claim status' : key === 'category' ? 'Category' : key === 'medium' ? 'Medium' : 'Field';
}

export type { SourceDocument };
