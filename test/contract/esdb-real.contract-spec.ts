import { EsdbEventStore } from '../../src/infrastructure/event-store/esdb.event-store';
import { eventStoreContract } from './event-store.contract';

const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;

if (connectionString) {
  // A real server keeps its data between tests; every test writes streams of its own (random ids).
  eventStoreContract('esdb (real server from EVENTSTORE_CONNECTION_STRING)', async () => {
    const maxEventBytes = 64 * 1024;
    const store = new EsdbEventStore({ connectionString, maxEventBytes });
    return { store, maxEventBytes, dispose: () => store.close() };
  });
} else {
  describe('esdb event store contract against a real server', () => {
    it('needs EVENTSTORE_CONNECTION_STRING to run against a real server', () => {
      console.info('esdb-real: EVENTSTORE_CONNECTION_STRING is not set; the contract ran against no real server');
      expect(connectionString).toBeUndefined();
    });
  });
}
