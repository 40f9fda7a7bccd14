import { EsdbEventStore } from '../../src/infrastructure/event-store/esdb.event-store';
import { eventStoreContract } from './event-store.contract';

const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;

/**
 * The contract against a real EventStoreDB/KurrentDB server, run when EVENTSTORE_CONNECTION_STRING
 * names one (`npm run test:esdb`). Without a server it checks nothing, so it must not count as
 * passed: the whole contract is registered skipped, with the reason in its name, and jest reports each
 * of its tests as skipped. The reason also goes straight to stderr, since jest shows neither the names
 * nor the console output of a skipped file when it runs several.
 */
const SKIPPED = 'skipped: EVENTSTORE_CONNECTION_STRING is not set, so no real EventStoreDB/KurrentDB server was tested';

if (!connectionString) {
  process.stderr.write(`\ntest/contract/esdb-real.contract-spec.ts: ${SKIPPED} (npm run test:esdb runs it against one, see docs/eventstoredb.md)\n`);
}

(connectionString ? describe : describe.skip)(
  connectionString ? 'against a real server' : `against a real server — ${SKIPPED}`,
  () => {
    // A real server keeps its data between tests; every test writes streams of its own (random ids).
    eventStoreContract('esdb (real server from EVENTSTORE_CONNECTION_STRING)', async () => {
      const maxEventBytes = 64 * 1024;
      const store = new EsdbEventStore({ connectionString: connectionString!, maxEventBytes });
      return { store, maxEventBytes, dispose: () => store.close() };
    });
  },
);
