// npm run -s bench:suggest -- [--data <dir>] [--source <id>] [--verbose]
// Measures the suggester (src/core/suggest) against the records curated by
// hand from a source: runs it on the source and counts the records suggested
// with the right date (same precision and interval) and the right place (or
// outlet, issue and medium), and the suggestions that match no record. The
// archive vocabulary handed to the suggester leaves out the records that cite
// this source, so the figure is not helped by the answers themselves.
// Prints the figures; asserts nothing (npm run -s bench prints, tests assert).
import { parseArgs } from 'node:util';
import { loadData } from '../core/records/load.ts';
import { matchSuggestions, vocabularyOf } from '../core/suggest/match.ts';
import { suggestRecords } from '../core/suggest/suggest.ts';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: { data: { type: 'string', default: 'data' }, source: { type: 'string', default: 'thekhorasandiary-28362' }, verbose: { type: 'boolean', default: false }, suggest: { type: 'boolean', default: true } },
  strict: true,
});
const data = await loadData(values.data);
const source = data.sources.find((s) => s.id === values.source);
if (source === undefined) {
  process.stderr.write(`bench:suggest: no source "${values.source}" in ${values.data}\n`);
  process.exit(2);
}
const records = [...data.incidents, ...data.publications];
const curated = records.filter((r) => r.sources.some((c) => c.source === source.id));
const others = records.filter((r) => !r.sources.some((c) => c.source === source.id));
const started = performance.now();
const suggestions = suggestRecords(source, { vocabulary: vocabularyOf(others) });
const ms = performance.now() - started;
const report = matchSuggestions(suggestions, curated);
const right = report.matched.length;
const wrong = report.unmatched.length;
const pct = curated.length === 0 ? 0 : (100 * right) / curated.length;
const lines = [
  `suggest: source ${source.id}, ${curated.length} curated records (${curated.filter((r) => r.kind === 'incident').length} incidents, ${curated.filter((r) => r.kind === 'publication').length} publications)`,
  `  suggestions            ${suggestions.length} in ${ms.toFixed(0)} ms`,
  `  suggested correctly    ${right}/${curated.length} (${pct.toFixed(1)}%)  [aim >= 70%]`,
  `    incidents            ${report.matched.filter((m) => curated.find((r) => r.id === m.record)?.kind === 'incident').length}/${curated.filter((r) => r.kind === 'incident').length}`,
  `    publications         ${report.matched.filter((m) => curated.find((r) => r.id === m.record)?.kind === 'publication').length}/${curated.filter((r) => r.kind === 'publication').length}`,
  `  matching nothing       ${wrong}  (${right === 0 ? '-' : (wrong / right).toFixed(2)} per right one)  [aim <= 0.33]`,
];
if (values.verbose) {
  lines.push('  missed:', ...report.missed.map((id) => `    ${id}`));
  lines.push('  matching nothing:', ...report.unmatched.map((k) => {
    const s = suggestions.find((x) => x.key === k)!;
    return `    ${k} ${s.kind} ${s.title} ${JSON.stringify(s.date?.value ?? null)}`;
  }));
}
process.stdout.write(`${lines.join('\n')}\n`);
