// Where the bundled demo recording lives (demo/ ships in the npm package next to dist/).
import { fileURLToPath } from 'node:url';

/** Absolute path of demo/incident.ndjson.gz, from src/record (tsx) and dist/record (built) alike. */
export function demoRecordingPath(): string {
  return fileURLToPath(new URL('../../demo/incident.ndjson.gz', import.meta.url));
}
