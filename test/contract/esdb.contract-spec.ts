import { randomUUID } from 'node:crypto';
import { EventRejectedError } from '../../src/application/event-store';
import { EsdbEventStore } from '../../src/infrastructure/event-store/esdb.event-store';
import { EsdbTestServer, EsdbTestServerOptions } from '../support/esdb-test-server';
import { ContractFixture, eventStoreContract } from './event-store.contract';

async function open(server: EsdbTestServerOptions & { batchAppend: boolean }): Promise<ContractFixture> {
  const esdb = await EsdbTestServer.start(server);
  const maxEventBytes = 64 * 1024;
  const store = new EsdbEventStore({ connectionString: esdb.connectionString, maxEventBytes });
  const dispose = async () => {
    await store.close();
    await esdb.stop();
    // Every test appends: the client took the path the server advertised, and only that one.
    expect(esdb.calls).toMatchObject(server.batchAppend ? { append: 0 } : { batchAppend: 0 });
    expect(esdb.calls[server.batchAppend ? 'batchAppend' : 'append']).toBeGreaterThan(0);
  };
  return { store, maxEventBytes, dispose };
}

// Servers from 21.10 advertise BatchAppend and the client appends through it; older ones take Append.
eventStoreContract('esdb (in-process server, batch append)', () => open({ batchAppend: true }));
eventStoreContract('esdb (in-process server, append)', () => open({ batchAppend: false }));

describe('esdb status', () => {
  it('reports the newest event of the service past the server’s own events, and not ok without a server', async () => {
    const esdb = await EsdbTestServer.start();
    const writer = new EsdbEventStore({ connectionString: esdb.connectionString });
    const reader = new EsdbEventStore({ connectionString: esdb.connectionString });
    try {
      expect(await reader.status()).toEqual({ adapter: 'esdb', ok: true, lastPosition: undefined });
      const event = { id: randomUUID(), type: 'Written', data: {}, metadata: {} };
      const { position } = await writer.append(`status-${randomUUID()}`, [event], 'no_stream');
      for (let i = 0; i < 250; i += 1) esdb.appendSystemEvent();
      expect(await reader.status()).toEqual({ adapter: 'esdb', ok: true, lastPosition: position });
      await esdb.stop();
      expect(await reader.status()).toMatchObject({ adapter: 'esdb', ok: false });
    } finally {
      await writer.close();
      await reader.close();
      await esdb.stop();
    }
  });
});

describe.each([true, false])('esdb append above the server’s size limit (batch append %s)', (batchAppend) => {
  it('is refused as event-too-large and writes nothing', async () => {
    const esdb = await EsdbTestServer.start({ batchAppend, maxAppendSize: 100 * 1024 });
    const store = new EsdbEventStore({ connectionString: esdb.connectionString, maxEventBytes: 64 * 1024 });
    try {
      const s = `size-${randomUUID()}`;
      const half = () => ({ id: randomUUID(), type: 'Half', data: { blob: 'x'.repeat(60 * 1024) }, metadata: {} });
      const error = await store.append(s, [half(), half()], 'no_stream').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EventRejectedError);
      expect(error).toMatchObject({ code: 'event-too-large' });
      expect(await store.readStream(s)).toEqual([]);
      expect(esdb.calls[batchAppend ? 'batchAppend' : 'append']).toBeGreaterThan(0);
    } finally {
      await store.close();
      await esdb.stop();
    }
  });
});
