/** The Node peer's settings (paused downloads, rate limits) in `<data-dir>/settings.json`. */
import path from 'node:path';
import { JsonMapFile } from './json-file';

export class SettingsFile extends JsonMapFile {
  constructor(dataDir: string) {
    super(path.join(dataDir, 'settings.json'));
  }
}
