// /discuss record:<id> — put one record in front of the team and start a
// conversation about it: the record's card (what /record shows) is posted in
// the channel and a public thread named after the record is opened on it.
// Used inside a thread, the card is posted there and no further thread is
// opened (Discord has no threads in threads).
//
// Bot only: it needs a transport that can post to channels and open threads
// (deps.discussions, src/discord/discuss.ts). Anyone who can use the bot may
// run it: it only posts what /record would show.
import { discussionThreadName } from '../src/core/discussion.ts';
import { errorView, type DiscussionView, type View } from '../src/core/views.ts';
import { handle as recordCard } from './record.ts';
import type { BotDeps } from './shared/bot.ts';
import type { ArgsOf, CommandDefinition } from './shared/definition.ts';

export const definition = {
  name: 'discuss',
  description: "Post a record's card and open a discussion thread on it",
  options: [{ name: 'record', type: 'string', required: true, description: 'Record id, as shown in search results', autocomplete: true, maxLength: 200 }],
} as const satisfies CommandDefinition;

export type Args = ArgsOf<typeof definition>;

export async function handle(args: Args, deps: BotDeps): Promise<View> {
  const service = deps.discussions;
  if (service === undefined) {
    return errorView('discuss', 'unavailable', '/discuss works only in the Discord bot: it posts the card and opens a thread.', [
      'Use /record to see the record here.',
    ]);
  }
  const caller = deps.caller;
  if (caller === undefined || caller.guildId === null || caller.channelId === '') {
    return errorView('discuss', 'unavailable', '/discuss works in a server channel: threads do not exist in direct messages.', [
      'Use /record to see the record here.',
    ]);
  }
  const card = recordCard({ id: args.record }, deps);
  if (card.type === 'error') {
    // The lookup's error (closest ids), said for this command.
    return { ...card, command: 'discuss' };
  }
  if (card.type !== 'record') return card;
  const result = await service.open({
    channelId: caller.channelId,
    userId: caller.userId,
    card,
    threadName: discussionThreadName(card.title, card.id),
  });
  if (!result.ok) {
    const hints =
      result.reason === 'forbidden'
        ? ['Ask a server admin to let the bot send messages, embed links and create public threads in this channel.']
        : ['Try it in a text channel of the server, or use /record to see the record here.'];
    return errorView('discuss', result.reason === 'failed' ? 'internal' : result.reason === 'forbidden' ? 'forbidden' : 'unavailable', result.message, hints);
  }
  const view: DiscussionView = {
    type: 'discussion',
    command: 'discuss',
    id: card.id,
    title: card.title,
    channelId: result.channelId,
    messageId: result.messageId,
    threadId: result.threadId,
    startedThread: result.startedThread,
    notes: result.note !== undefined ? [result.note] : [],
  };
  return view;
}
