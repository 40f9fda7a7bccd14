import { memoryOf, startService, waitReady } from './children';

export interface StartupFigures {
  /** First start on the data folder the bench built (log, read models, reactor checkpoint): to the first /health 200 with the projections caught up. */
  readonly firstStartMs: number;
  readonly firstStartRssMb: number;
  /** RSS a few seconds after that start, with every project of the log in the read models: the P5 memory figure. */
  readonly rssMb: number;
  readonly peakRssMb: number;
  /** A second start on the same folder, with the files in the OS cache. */
  readonly restartMs: number;
  readonly restartRssMb: number;
}

const SETTLE_MS = 3000;

/** P5: start-up of the real service on a data folder holding the big log, already projected. */
export async function measureStartup(dataDir: string, log: (line: string) => void): Promise<StartupFigures> {
  const start = async () => {
    const spawnedAt = process.hrtime.bigint();
    const service = await startService({ dataDir });
    try {
      const ms = await waitReady(service, { path: '/health', needCaughtUp: true, since: spawnedAt, timeoutMs: 120_000, everyMs: 10 });
      const startRssMb = memoryOf(service.pid).rssMb;
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      return { ms: Math.round(ms), startRssMb, ...memoryOf(service.pid) };
    } finally {
      await service.stop();
    }
  };
  const first = await start();
  log(`P5: first start ${first.ms} ms, RSS ${first.rssMb} MB; restarting`);
  const again = await start();
  return {
    firstStartMs: first.ms,
    firstStartRssMb: first.startRssMb,
    rssMb: first.rssMb,
    peakRssMb: first.peakRssMb,
    restartMs: again.ms,
    restartRssMb: again.startRssMb,
  };
}
