// /draft from|list in the offline console (issue 14). In Discord, /draft is a
// feature of its own (src/discord/drafts.ts): buttons open forms, reviewers
// approve and reject. The console has no member to name as drafter or
// reviewer and no role to check, so here drafting stops at reading: /draft
// from lists what the bot suggests from a source, each field with the
// sentence it comes from, and /draft list shows the drafts waiting for review
// and the approved ones, with their duplicate and "data/ wins" flags.
// Submitting and approving stay Discord actions.
import { formatCasualties, formatPlaceField, shortDate } from '../src/core/suggest/draft.ts';
import { formatClaim } from '../src/core/suggest/extra.ts';
import type { Suggestion } from '../src/core/suggest/suggest.ts';
import { errorView, type DraftsView, type View } from '../src/core/views.ts';
import type { ArgsOf, CommandDefinition, CommandDeps } from './shared/definition.ts';

export const definition = {
  name: 'draft',
  description: 'Records suggested from a source, and drafts waiting for review',
  options: [],
  subcommands: [
    {
      name: 'from',
      description: 'Suggested records from a source (or one passage of it)',
      options: [
        { name: 'source', type: 'string', required: true, description: 'Source id', maxLength: 200, placeholder: 'source-id' },
        { name: 'passage', type: 'integer', description: 'Passage number', minValue: 1 },
      ],
    },
    { name: 'list', description: 'Drafts waiting for review, and approved ones', options: [] },
  ],
} as const satisfies CommandDefinition;

export type Args = ArgsOf<typeof definition>;

const ONLY_IN_DISCORD = 'Drafting and review happen in Discord: /draft from there offers a form per suggestion, and reviewers approve or reject from /draft list.';

/** A suggestion's fields as a reader checks them, each with its sentence. */
function fieldsOf(s: Suggestion): DraftsView['suggestions'][number]['fields'] {
  const out: DraftsView['suggestions'][number]['fields'] = [];
  const add = (label: string, v: { value: unknown; quote: string } | undefined, text: (x: never) => string): void => {
    if (v !== undefined) out.push({ label, value: text(v.value as never), quote: v.quote });
  };
  add('Date', s.date, shortDate);
  if (s.kind === 'incident') {
    add('Place', s.place, formatPlaceField);
    add('Casualties', s.casualties, formatCasualties);
    add('Attack types', s.attackTypes, (x: string[]) => x.join(', '));
    add('Target', s.target, String);
    add('Perpetrator', s.perpetrator, String);
    add('Claim', s.claim, formatClaim);
  } else {
    add('Medium', s.medium, String);
    add('Outlet', s.outlet, String);
    add('Issue', s.issue, String);
    add('Volume', s.volume, String);
    add('Language', s.language, String);
    add('Author', s.author, String);
    add('Producer', s.producer, String);
  }
  return out;
}

export function handle(args: Args, deps: CommandDeps): View {
  const drafts = deps.drafts;
  if (drafts?.suggest === undefined || drafts.list === undefined) {
    return errorView('draft', 'unavailable', 'Drafts are kept in the state store (STATE_DIR/archivist.db), which could not be opened here.', ['Check STATE_DIR, or use /draft in Discord.']);
  }
  if (args.subcommand === 'list') {
    const listed = drafts.list(null);
    const pending = listed.filter((l) => l.draft.status === 'pending').length;
    return {
      type: 'drafts',
      command: 'draft',
      action: 'list',
      message: `Drafts: ${pending} waiting for review, ${listed.length - pending} approved.`,
      source: null,
      passage: null,
      suggestions: [],
      drafts: listed.map(({ draft: d, differsInData, duplicates }) => ({
        id: d.id,
        recordId: d.recordId,
        kind: d.kind,
        title: d.record.title,
        date: shortDate(d.record.date),
        status: d.status,
        draftedBy: d.draftedByName ?? `user ${d.draftedBy}`,
        draftedAt: d.draftedAt,
        approvedBy: d.reviewedBy === null ? null : (d.reviewedByName ?? `user ${d.reviewedBy}`),
        duplicates,
        differsInData,
      })),
      hints: [ONLY_IN_DISCORD],
    };
  }
  const found = drafts.suggest(args.source, args.passage);
  if (!found.ok) return errorView('draft', 'not-found', `${found.field}: ${found.message}.`, ['/draft from source:<id> [passage:<n>]; /search finds sources by their words.']);
  const where = found.passage !== null ? ` passage ${found.passage}` : '';
  return {
    type: 'drafts',
    command: 'draft',
    action: 'from',
    message:
      found.suggestions.length === 0
        ? `Nothing in ${found.source.id}${where} reads as an incident or a publication.`
        : `Suggested records from ${found.source.id}${where} (${found.suggestions.length}); every field comes from the sentence shown, and what the text does not say is left out.`,
    source: found.source.id,
    passage: found.passage,
    suggestions: found.suggestions.map((s, i) => ({ n: i + 1, kind: s.kind, title: s.title, fields: fieldsOf(s), quote: s.quote })),
    drafts: [],
    hints: [ONLY_IN_DISCORD],
  };
}
