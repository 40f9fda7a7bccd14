import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite.event-store';
import { eventStoreContract } from './event-store.contract';

eventStoreContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'als-contract-'));
  const maxEventBytes = 64 * 1024;
  const store = new SqliteEventStore({ file: join(dir, 'events.db'), maxEventBytes, pollIntervalMs: 20 });
  return { store, maxEventBytes, dispose: async () => { await store.close(); rmSync(dir, { recursive: true, force: true }); } };
});
