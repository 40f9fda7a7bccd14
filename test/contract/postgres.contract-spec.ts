import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres.event-store';
import { dropSchema, freshSchema, TEST_DATABASE_URL } from '../support/postgres-test-db';
import { eventStoreContract } from './event-store.contract';

/** The contract against the real server, each test in a schema of its own, dropped afterwards. */
eventStoreContract('postgres', async () => {
  const schema = freshSchema('contract');
  const maxEventBytes = 64 * 1024;
  const store = new PostgresEventStore({ connectionString: TEST_DATABASE_URL, schema, maxEventBytes, pollIntervalMs: 50 });
  return {
    store,
    maxEventBytes,
    dispose: async () => {
      try {
        await store.close();
      } finally {
        await dropSchema(schema);
      }
    },
  };
});
