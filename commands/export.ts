// /export format:<csv|json> [query] [from] [to] — the matching records as a
// file, one row per record (columns in src/core/attachments.ts). The reply
// says what the file holds; the rows travel as an attachment spec and the
// transport writes the file (src/render/attachments.ts), splitting or refusing
// it when it is over the attachment limit.
import { exportFileName, exportRow } from '../src/core/export.ts';
import type { Searchable } from '../src/core/search/types.ts';
import { LazyRows } from '../src/core/attachments.ts';
import type { View } from '../src/core/views.ts';
import type { ArgsOf, CommandDefinition, CommandDeps } from './shared/definition.ts';
import { mergeDateOptions, modeNotes, readAs, readQuery } from './shared/query.ts';

export const FORMATS = ['csv', 'json'] as const;

export const definition = {
  name: 'export',
  description: 'The matching records as a CSV or JSON file, one row per record',
  options: [
    { name: 'format', type: 'string', required: true, description: 'csv (spreadsheets) or json (scripts)', choices: FORMATS },
    {
      name: 'query',
      type: 'string',
      description: 'Words and filters, e.g. country:pakistan year:2022; empty exports every record',
      autocomplete: true,
      maxLength: 500,
    },
    { name: 'from', type: 'string', description: 'Start date: YYYY, YYYY-MM or YYYY-MM-DD', maxLength: 10 },
    { name: 'to', type: 'string', description: 'End date: YYYY, YYYY-MM or YYYY-MM-DD (inclusive)', maxLength: 10 },
  ],
} as const satisfies CommandDefinition;

export type Args = ArgsOf<typeof definition>;

/** Said in every JSON export, as DISCLAIMER is in every count: the file lists what this index holds, not every event. */
export const EXPORT_DISCLAIMER = 'The records in this index that match the query, not a complete list of events in the world; counts made from them are counts of records.';

export function handle(args: Args, deps: CommandDeps): View {
  const read = readQuery('export', args.query);
  if (!read.ok) return read.error;
  const merged = mergeDateOptions('export', read.parsed, args.from, args.to);
  if (!merged.ok) return merged.error;
  const parsed = merged.parsed;
  const archive = deps.archive;
  const result = archive.select(parsed, { limit: Infinity, order: 'date', defaultKinds: ['incident', 'publication'] });

  // Records, not hits: a source matching through several passages is one row (select gives each once).
  // The rows are read from the record store as the file is written, never all at once.
  const records = result.records;
  const notes = [...parsed.notes, ...merged.notes, ...modeNotes(result), ...result.notes];
  const count = (kind: Searchable['kind']): number => {
    let n = 0;
    for (let i = 0; i < records.length; i++) if (archive.recordKind(records[i]!) === kind) n++;
    return n;
  };
  const now = deps.now();
  return {
    type: 'export',
    command: 'export',
    format: args.format,
    readAs: readAs(parsed),
    notes,
    total: records.length,
    kinds: { incidents: count('incident'), publications: count('publication'), sources: count('source') },
    attachments:
      records.length === 0
        ? []
        : [
            {
              kind: 'export',
              name: exportFileName(now, args.format),
              format: args.format,
              meta: { generatedAt: now.toISOString(), query: parsed.input, readAs: readAs(parsed), disclaimer: EXPORT_DISCLAIMER },
              rows: new LazyRows(records.length, (i) => exportRow(archive.record(records[i]!), archive)),
            },
          ],
  };
}
