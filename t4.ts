import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { matchFilters } from './src/core/query/filter.ts';
import { syntheticRecords } from './src/core/search/synthetic.ts';
import { buildUnit, loadUnit } from './src/core/search/unit.ts';
import { handle as countCommand } from './commands/count.ts';
import { handle as exportCommand } from './commands/export.ts';
import { renderExport } from './src/render/export-file.ts';
const dir = await mkdtemp(join(tmpdir(), 'p-'));
const b = await buildUnit(() => syntheticRecords({ records: 10000, seed: 1 }), { stateDir: dir, dataHash: 'x', build: { thread: 'main' } });
if (!b.ok) throw new Error(b.error);
const l = await loadUnit(dir, 'x', matchFilters);
if (!l.ok) throw new Error(l.detail);
const deps = { archive: l.archive, now: () => new Date() };
for (let i = 0; i < 3; i++) {
  let t = performance.now();
  countCommand({ by: 'month' }, deps);
  console.log('count', performance.now() - t);
  t = performance.now();
  const v = exportCommand({ format: 'csv' }, deps);
  if (v.type === 'export') renderExport(v.attachments[0] as never, { maxBytes: 8 << 20, maxParts: 10 });
  console.log('export', performance.now() - t);
}
