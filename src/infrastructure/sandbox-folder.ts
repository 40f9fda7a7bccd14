import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppConfig, ConfigError } from '../config';

/** The file that marks a data folder as a sandbox's: written by the service's first start with SANDBOX=true. */
export const SANDBOX_MARKER = 'SANDBOX.json';

/**
 * A sandbox's people have passwords printed in a terminal and its data are simulated: its folder must never
 * be served as a production installation's, nor a production folder as a sandbox. The first start with
 * SANDBOX=true on an empty or new folder marks it; from then on a start without SANDBOX=true refuses it,
 * and SANDBOX=true refuses a folder that holds data without the mark. Called before the stores open
 * (they create their files in the folder, which would then no longer look new).
 */
export function claimSandboxFolder(config: Pick<AppConfig, 'dataDir' | 'sandbox'>, now: Date = new Date()): void {
  const marker = join(config.dataDir, SANDBOX_MARKER);
  const marked = existsSync(marker);
  if (!config.sandbox) {
    if (marked) {
      throw new ConfigError(
        'SANDBOX',
        `is not true, but DATA_DIR (${config.dataDir}) is a sandbox's (it holds ${SANDBOX_MARKER}): its data are simulated and its passwords were printed; start it with SANDBOX=true (npm run sandbox), or use another DATA_DIR`,
      );
    }
    return;
  }
  if (marked) return;
  if (existsSync(config.dataDir) && readdirSync(config.dataDir).length > 0) {
    throw new ConfigError('SANDBOX', `is true, but DATA_DIR (${config.dataDir}) holds data and is not a sandbox's (no ${SANDBOX_MARKER}): a sandbox starts on a new or empty folder`);
  }
  mkdirSync(config.dataDir, { recursive: true });
  const mark = { sandbox: true, markedAt: now.toISOString(), note: 'A sandbox of the Accreditation Lifecycle Service: simulated data, not a production installation. The service starts on this folder only with SANDBOX=true.' };
  try {
    // `wx`: of two processes starting on a new folder at once, one writes the mark and the other finds it.
    writeFileSync(marker, `${JSON.stringify(mark, null, 2)}\n`, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}
