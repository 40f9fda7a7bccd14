import { join } from 'node:path';
import { ConfigError, loadConfig } from '../config';
import { openEventStore } from '../infrastructure/event-store/event-store.module';
import { ProjectionRunner } from '../infrastructure/projections/projection-runner';
import { projectionsFor } from '../infrastructure/read-models/read-models';

/**
 * `npm run projections:rebuild`: drops every read model and replays the whole log into it. Run it
 * with the service stopped; a running service rebuilds through POST /read-models/rebuild instead.
 */
async function main() {
  const config = loadConfig();
  const store = openEventStore(config);
  const db = ProjectionRunner.openDatabase(join(config.dataDir, 'read-models.db'));
  const projections = projectionsFor(config.catalog);
  const runner = new ProjectionRunner(store, db, projections);
  const started = process.hrtime.bigint();
  await runner.rebuild();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await runner.stop();
  db.close();
  await store.close();
  process.stdout.write(`rebuilt ${projections.length} read models up to position ${runner.position ?? 'none'} in ${seconds.toFixed(2)} s\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : ((error as Error).stack ?? String(error))}\n`);
  process.exit(1);
});
