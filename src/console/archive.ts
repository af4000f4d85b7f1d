// Opening the archive for the console transports (REPL and ask): the data
// folder and saved index from the config, the real filters, problems in data/
// logged (the good records are served; see src/core/search/holder.ts).
import type { Config } from '../config.ts';
import { matchFilters } from '../core/query/filter.ts';
import { formatProblem } from '../core/records/load.ts';
import { openArchive, type ArchiveHolder } from '../core/search/holder.ts';
import { openPgArchive } from '../archive-pg/holder.ts';
import type { Logger } from '../logger.ts';
import { curatedRecordsDir } from '../drafts/paths.ts';
import { watchedSourcesDir } from '../sources/paths.ts';

export async function openLocalArchive(config: Config, log: Logger): Promise<ArchiveHolder> {
  const archiveLog = log.child({ module: 'archive' });
  if (config.searchBackend === 'postgres' && config.databaseUrl !== undefined) {
    // SEARCH_BACKEND=postgres: data/ (with the same folders) loaded into PostgreSQL by db:sync, searched there.
    const holder = await openPgArchive({
      databaseUrl: config.databaseUrl.reveal(),
      dataDir: config.dataDir,
      overlayDirs: [watchedSourcesDir(config.stateDir)],
      recordOverlayDirs: [curatedRecordsDir(config.stateDir)],
      logger: archiveLog,
    });
    for (const problem of holder.startup.problems) archiveLog.warn({ problem: formatProblem(problem) }, 'record left out of the index');
    return holder;
  }
  // The sources the bot imported from watched sites are served with data/ (see src/sources/paths.ts).
  const holder = await openArchive({
    dataDir: config.dataDir,
    stateDir: config.stateDir,
    overlayDirs: [watchedSourcesDir(config.stateDir)],
    // Records approved from drafts in Discord (src/drafts/paths.ts).
    recordOverlayDirs: [curatedRecordsDir(config.stateDir)],
    matchFilters,
    logger: archiveLog,
  });
  for (const problem of holder.startup.problems) archiveLog.warn({ problem: formatProblem(problem) }, 'record left out of the index');
  return holder;
}
