import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../src/app';
import { Clock } from '../../src/application/clock';
import { AppConfig, loadConfig } from '../../src/config';
import { TEST_CALENDAR_FILE } from './test-calendar';

export interface RunningApp {
  readonly app: NestFastifyApplication;
  readonly url: string;
  readonly config: AppConfig;
  readonly stop: () => Promise<void>;
}

/**
 * Tests open many batches of one program in one service, each with the catalog's default quota: they
 * run on a catalog whose targets (test/fixtures/catalog-test-targets.json) no test's batches reach. A
 * test of the targets names its own PROGRAM_CATALOG_FILE ('' for the built-in catalog alone).
 */
export const TEST_CATALOG_FILE = join(__dirname, '../fixtures/catalog-test-targets.json');

/**
 * The real service on a real port, over a temporary data folder that is removed on stop, on the test
 * calendar (test-calendar.ts) and catalog unless `env` names another CALENDAR_FILE or PROGRAM_CATALOG_FILE.
 */
export async function startTestApp(env: Record<string, string> = {}, clock?: Clock): Promise<RunningApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'als-e2e-'));
  const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent', SCHEDULER_INTERVAL_MS: '0', CALENDAR_FILE: TEST_CALENDAR_FILE, PROGRAM_CATALOG_FILE: TEST_CATALOG_FILE, ...env });
  const app = await createApp(config, clock);
  // PORT is honoured when a test names one (a provider must know the service's callback before it starts).
  await app.listen(Number(env.PORT ?? 0), '127.0.0.1');
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    app,
    config,
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
