import { randomUUID } from 'node:crypto';
import { NewEvent, RecordedEvent } from '../../src/application/event-store';
import { EsdbEventStore } from '../../src/infrastructure/event-store/esdb.event-store';
import { EsdbTestServer } from '../support/esdb-test-server';

const event = (type: string): NewEvent => ({ id: randomUUID(), type, data: { type }, metadata: {} });

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** EventStoreDB does not resubscribe a dropped subscription; the adapter does, from its last checkpoint. */
describe('esdb subscription after the server drops it', () => {
  let server: EsdbTestServer;
  let store: EsdbEventStore;

  beforeEach(async () => {
    server = await EsdbTestServer.start();
    store = new EsdbEventStore({ connectionString: server.connectionString, subscriptionBatchSize: 7 });
  });
  afterEach(async () => {
    await store.close();
    await server.stop();
  });

  it('resumes from the last event received, mid catch-up and live, with no gap and no duplicate', async () => {
    const s = `resubscribe-${randomUUID()}`;
    let revision = -1;
    const write = async (count: number) => {
      for (let i = 0; i < count; i += 10) {
        const events = Array.from({ length: Math.min(10, count - i) }, (_, j) => event(`E${revision + 1 + j}`));
        await store.append(s, events, revision < 0 ? 'no_stream' : revision);
        revision += events.length;
        server.appendSystemEvent(); // the server's own events interleave with ours and stay invisible
      }
    };
    await write(200);

    const seen: RecordedEvent[] = [];
    let caughtUp = 0;
    let drops = 0;
    const subscription = store.subscribeToAll({
      onEvents: async (events) => {
        seen.push(...events);
        // Slow enough that the server has more in flight when the call breaks.
        await new Promise((resolve) => setTimeout(resolve, 1));
        if (drops === 0 && seen.length >= 50) drops += server.dropSubscriptions();
      },
      onCaughtUp: () => {
        caughtUp += 1;
      },
    });

    await until(() => seen.length >= 200 && caughtUp >= 1, 'the catch-up after the first drop');
    expect(drops).toBe(1);
    await write(50);
    await until(() => seen.length >= 250, 'live events');
    expect(server.dropSubscriptions()).toBe(1); // dropped while live and idle
    await write(50); // written while no subscription is open
    await until(() => seen.length >= 300 && caughtUp >= 2, 'the events written during the second drop');
    await subscription.stop();
    await subscription.done;

    expect(seen.map((e) => e.revision)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(seen.every((e) => e.stream === s)).toBe(true);
    expect(new Set(seen.map((e) => e.id)).size).toBe(300);
    const positions = seen.map((e) => e.position);
    expect(positions.every((p, i) => i === 0 || p > positions[i - 1])).toBe(true);
    // The first resubscription started after an event in the middle of the catch-up: the events the
    // server had sent but the adapter had not taken yet were read again, not lost.
    const [first, afterDrop] = server.subscriptionStarts;
    expect(first).toBe('start');
    const resumedAfter = seen.findIndex((e) => e.position === afterDrop);
    expect(resumedAfter).toBeGreaterThanOrEqual(49);
    expect(resumedAfter).toBeLessThan(199);
    expect(server.subscriptionStarts).toHaveLength(3);
    expect(caughtUp).toBeGreaterThanOrEqual(2);
  });

  it('resumes after the checkpoint it was given when dropped before receiving anything', async () => {
    const s = `resubscribe-${randomUUID()}`;
    await store.append(s, [event('E0'), event('E1'), event('E2')], 'no_stream');
    const [, , last] = await store.readStream(s);
    const seen: RecordedEvent[] = [];
    let caughtUp = 0;
    const subscription = store.subscribeToAll({
      after: last.position,
      onEvents: (events) => void seen.push(...events),
      onCaughtUp: () => void (caughtUp += 1),
    });
    await until(() => caughtUp === 1, 'the subscription to catch up with nothing to deliver');
    expect(server.dropSubscriptions()).toBe(1);
    await store.append(s, [event('E3')], 2);
    await until(() => seen.length >= 1 && caughtUp >= 2, 'E3');
    await subscription.stop();
    expect(seen.map((e) => e.type)).toEqual(['E3']);
  });

  it('stops promptly while waiting to resubscribe', async () => {
    await store.append(`resubscribe-${randomUUID()}`, [event('E0')], 'no_stream');
    let delivered = 0;
    const subscription = store.subscribeToAll({ onEvents: (events) => void (delivered += events.length) });
    await until(() => delivered === 1 && server.liveSubscriptions === 1, 'the first event');
    server.dropSubscriptions();
    const started = Date.now();
    await subscription.stop();
    await subscription.done;
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
