import { join } from 'node:path';
import Database from 'better-sqlite3';
import { memoryOf, startService, waitReady } from './children';

export interface StartupFigures {
  /** First start on the data folder whose read models the bench rebuilt: to the first /health 200 with the projections caught up. */
  readonly firstStartMs: number;
  readonly firstStartRssMb: number;
  /**
   * The reactor keeps its own checkpoint, which a read-model rebuild does not set: on that first start
   * it reads the whole log again in the background. Time until it reached the end (null: not within the limit).
   */
  readonly reactorCatchUpMs: number | null;
  /** How far the reactor got (all of the log when it caught up), and its pace. */
  readonly reactorPosition: number;
  readonly reactorEventsPerSecond: number;
  /** RSS once the reactor caught up (or at the limit): the P5 memory figure, with every project of the log in the read models. */
  readonly rssAfterReactorMb: number;
  readonly peakRssMb: number;
  /** A restart once everything has caught up: the steady state of a service that has run on this log. */
  readonly restartMs: number;
  readonly restartRssMb: number;
}

function reactorPosition(file: string): number {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare("SELECT position FROM reactor_checkpoint WHERE id = 1").get() as { position: string } | undefined;
    return row ? Number(row.position) : 0;
  } catch {
    return 0;
  } finally {
    db.close();
  }
}

/** P5: start-up of the real service on a data folder holding the big log with its read models built. */
export async function measureStartup(dataDir: string, jwtSecret: string, lastPosition: number, reactorLimitMs: number, log: (line: string) => void): Promise<StartupFigures> {
  let spawnedAt = process.hrtime.bigint();
  let service = await startService({ dataDir, jwtSecret });
  let firstStartMs: number;
  let firstStartRssMb: number;
  let reactorCatchUpMs: number | null = null;
  let rssAfterReactorMb: number;
  let peakRssMb: number;
  let reached = 0;
  let elapsedMs = 0;
  try {
    firstStartMs = await waitReady(service, { path: '/health', needCaughtUp: true, since: spawnedAt, timeoutMs: 120_000, everyMs: 10 });
    firstStartRssMb = memoryOf(service.pid).rssMb;
    log(`P5: first start ${Math.round(firstStartMs)} ms; waiting for the reactor to reach position ${lastPosition}`);
    const deadline = Date.now() + reactorLimitMs;
    for (;;) {
      reached = reactorPosition(join(dataDir, 'read-models.db'));
      elapsedMs = Number(process.hrtime.bigint() - spawnedAt) / 1e6;
      if (reached >= lastPosition) {
        reactorCatchUpMs = elapsedMs;
        break;
      }
      if (Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    ({ rssMb: rssAfterReactorMb, peakRssMb } = memoryOf(service.pid));
    log(`P5: reactor at position ${reached} of ${lastPosition}${reactorCatchUpMs === null ? ` after the ${reactorLimitMs / 1000} s limit` : ''}; RSS ${rssAfterReactorMb} MB; restarting`);
  } finally {
    await service.stop();
  }
  spawnedAt = process.hrtime.bigint();
  service = await startService({ dataDir, jwtSecret });
  try {
    const restartMs = await waitReady(service, { path: '/health', needCaughtUp: true, since: spawnedAt, timeoutMs: 120_000, everyMs: 10 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    return {
      firstStartMs: Math.round(firstStartMs),
      firstStartRssMb,
      reactorCatchUpMs: reactorCatchUpMs === null ? null : Math.round(reactorCatchUpMs),
      reactorPosition: reached,
      reactorEventsPerSecond: Math.round(reached / (elapsedMs / 1000)),
      rssAfterReactorMb,
      peakRssMb,
      restartMs: Math.round(restartMs),
      restartRssMb: memoryOf(service.pid).rssMb,
    };
  } finally {
    await service.stop();
  }
}
