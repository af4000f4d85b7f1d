// Where the bot keeps the records approved from drafts: a data folder of its
// own, `<STATE_DIR>/curated/{incidents,publications}/<id>.json`, in exactly
// the format of hand-written records, served with DATA_DIR (data/ wins on an
// id both have) and copied into data/ by `npm run -s records:export`.
import { join } from 'node:path';

export function curatedRecordsDir(stateDir: string): string {
  return join(stateDir, 'curated');
}
