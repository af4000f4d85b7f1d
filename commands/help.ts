// /help [command] — the commands, and the query language with examples.
// Every example here is parsed in tests/commands/help.test.ts, so the help
// cannot drift from what the parser accepts.
import type { HelpView, View } from '../src/core/views.ts';
import * as about from './about.ts';
import * as cite from './cite.ts';
import * as count from './count.ts';
import * as digest from './digest.ts';
import * as export_ from './export.ts';
import * as record from './record.ts';
import * as search from './search.ts';
import * as sources from './sources.ts';
import * as timeline from './timeline.ts';
import { usage, type ArgsOf, type CommandDefinition, type CommandDeps } from './shared/definition.ts';

// help cannot import the registry (the registry imports help), so it lists the definitions itself;
// tests/commands/index.test.ts checks this list matches the registry.
const TOPICS = ['search', 'timeline', 'count', 'export', 'record', 'cite', 'about', 'digest', 'sources', 'help', 'query'] as const;

export const definition = {
  name: 'help',
  description: 'The commands and the query language, with examples',
  options: [{ name: 'topic', type: 'string', description: 'A command, or "query" for the query language', choices: TOPICS }],
} as const satisfies CommandDefinition;

export type Args = ArgsOf<typeof definition>;

const DEFINITIONS: readonly CommandDefinition[] = [
  search.definition,
  timeline.definition,
  count.definition,
  export_.definition,
  record.definition,
  cite.definition,
  about.definition,
  digest.definition,
  sources.definition,
  definition,
];

/** Example queries, each with what it finds. Exported for the test that parses every one. */
export const QUERY_LANGUAGE: readonly { query: string; meaning: string }[] = [
  { query: 'peshawar imambargah', meaning: 'records with all of these words (or, failing that, any of them)' },
  { query: 'place:kabul', meaning: 'incidents in a place, district or province (spelling-tolerant)' },
  { query: 'place:"mazar-e-sharif"', meaning: 'double-quote a value with spaces or punctuation' },
  { query: 'country:pakistan', meaning: 'incidents in a country' },
  { query: 'type:"suicide bombing"', meaning: 'incidents by attack type' },
  { query: 'target:shia', meaning: 'incidents by target or target type' },
  { query: 'outlet:"voice of khurasan"', meaning: 'publications by outlet' },
  { query: 'medium:book', meaning: 'publications by medium (magazine issue, video, statement, …)' },
  { query: 'language:pashto', meaning: 'publications by language' },
  { query: 'claimed:yes', meaning: 'incidents claimed by the group (claimed:no for the others)' },
  { query: 'kind:publication', meaning: 'only one kind: incident, publication or source' },
  { query: 'category:attack', meaning: 'attacks by the group, or category:operation for operations against it' },
  { query: 'from:2022-03 to:2022-06', meaning: 'dates overlapping a period (YYYY, YYYY-MM or YYYY-MM-DD)' },
  { query: 'year:2022', meaning: 'dates overlapping a year' },
  { query: 'during:ramadan', meaning: 'dates overlapping Ramadan in any year' },
  { query: 'during:muharram 2022', meaning: 'Muharram starting in 2022 (or a Hijri year: during:muharram 1444)' },
  { query: 'kabul during:ramadan year:2022 claimed:yes', meaning: 'words and filters combine: all must match' },
  { query: 'kind:incident order:newest', meaning: 'newest first (order:oldest, or order:relevance for best match first)' },
];

const COMMAND_EXAMPLES: { readonly [name: string]: readonly string[] } = {
  search: ['/search query:peshawar', '/search query:"place:kabul school" page:2'],
  timeline: ['/timeline query:"during:muharram 2022"', '/timeline query:country:pakistan from:2022-03 to:2022-06', '/timeline query:year:2022 chart:true'],
  count: ['/count by:month query:year:2022', '/count by:outlet', '/count by:place query:"type:\\"suicide bombing\\""', '/count by:month chart:true'],
  export: ['/export format:csv query:country:pakistan', '/export format:json from:2022-01 to:2022-06'],
  record: ['/record id:<id from a search result>'],
  cite: ['/cite id:<id> style:chicago'],
  about: ['/about'],
  digest: [
    '/digest subscribe channel:#osint time:08:00 timezone:Europe/London query:"country:afghanistan"',
    '/digest preview channel:#osint',
    '/digest status',
  ],
  sources: ['/sources add url:https://www.thekhorasandiary.com channel:#osint every:30', '/sources list', '/sources check watch:1', '/sources remove watch:1'],
  help: ['/help topic:query'],
};

function commandSection(d: CommandDefinition): { title: string; lines: string[] } {
  const optionLines = (list: CommandDefinition['options'], indent: string): string[] =>
    list.map((o) => {
      const req = o.required === true ? ' (required)' : '';
      const choices = o.choices !== undefined ? ` One of: ${o.choices.join(', ')}.` : '';
      return `${indent}${o.name}${req}: ${o.description}.${choices}`;
    });
  const options = optionLines(d.options, '');
  // A command with sub-commands: each with its usage, description and options.
  const subs = (d.subcommands ?? []).flatMap((s) => [`${usage(d, s.name)} — ${s.description}.`, ...optionLines(s.options, '· ')]);
  return {
    title: `/${d.name}`,
    lines: [d.description + '.', ...options, ...subs, ...(COMMAND_EXAMPLES[d.name] ?? []).map((e) => `e.g. ${e}`)],
  };
}

const QUERY_SECTION = {
  title: 'The query language',
  lines: [
    'Words and filters in any order; every filter must match.',
    ...QUERY_LANGUAGE.map((e) => `${e.query}  — ${e.meaning}`),
    'Dates that are known only to the month or year, or as a Hijri month, match every period they overlap and are marked as imprecise.',
  ],
};

const TYPING_SECTION = {
  title: 'Typing commands in the console',
  lines: [
    'Options are name:value. Double-quote a value with spaces or colons; inside quotes, \\" is a quote.',
    'e.g. /timeline query:"during:muharram 2022"',
    'Type help for this text, exit or quit (or Ctrl-D) to leave.',
  ],
};

export function handle(args: Args, _deps: CommandDeps): View {
  const topic = args.topic ?? null;
  const commands = DEFINITIONS.map((d) => ({ name: d.name, usage: usage(d), description: d.description }));
  let sections: HelpView['sections'];
  if (topic === null) sections = [QUERY_SECTION, TYPING_SECTION];
  else if (topic === 'query') sections = [QUERY_SECTION];
  else {
    const d = DEFINITIONS.find((c) => c.name === topic);
    sections = d !== undefined ? [commandSection(d)] : [];
  }
  return { type: 'help', command: 'help', topic, commands: topic === null ? commands : [], sections };
}

export { DEFINITIONS as HELP_DEFINITIONS };
