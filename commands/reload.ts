// /reload — re-read data/ and swap the index the bot serves. Bot only, and
// only for members who may manage the server: a reload costs a full re-read
// and, when data changed, an index build. When any file is invalid the index
// being served is kept (src/core/search/holder.ts), and the reply names the
// files to fix, so a half-edited record never vanishes from answers.
import { formatProblem } from '../src/core/records/load.ts';
import type { View } from '../src/core/views.ts';
import type { BotCommand, BotDeps } from './shared/bot.ts';
import type { ArgsOf, CommandDefinition } from './shared/definition.ts';

export const definition = {
  name: 'reload',
  description: 'Re-read the data folder and swap the search index (Manage Server only)',
  options: [],
} as const satisfies CommandDefinition;

export type Args = ArgsOf<typeof definition>;

export const requires = 'manage-server' satisfies BotCommand['requires'];

export async function handle(_args: Args, deps: BotDeps): Promise<View> {
  const report = await deps.reload();
  return {
    type: 'reload',
    command: 'reload',
    ok: report.ok,
    index: report.index,
    counts: report.counts,
    changed: report.changed ?? null,
    problems: report.problems.map(formatProblem),
  };
}
