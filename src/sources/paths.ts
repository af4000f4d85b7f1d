// Where the bot keeps the sources it imports from watched sites: a data folder
// of its own under STATE_DIR (files in `<STATE_DIR>/watched/sources/<id>.json`,
// exactly as `import:wp` writes them), served together with DATA_DIR and
// copied into data/ for review in git by `npm run -s sources:export`.
import { join } from 'node:path';

export function watchedSourcesDir(stateDir: string): string {
  return join(stateDir, 'watched');
}
