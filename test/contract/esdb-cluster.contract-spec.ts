import { randomUUID } from 'node:crypto';
import { EventStoreDBClient, excludeSystemEvents } from '@eventstore/db-client';
import { ConcurrencyError, NewEvent, RecordedEvent } from '../../src/application/event-store';
import { EsdbEventStore, EsdbEventStoreOptions, StoreUnavailableError } from '../../src/infrastructure/event-store/esdb.event-store';
import { toProblem } from '../../src/infrastructure/http/problem.filter';
import { EsdbTestServer } from '../support/esdb-test-server';

/**
 * What a real three-node cluster does and one healthy node never shows, against the stand-in that
 * learnt it from the server's source (test/support/esdb-test-server.ts), in both append modes:
 * elections, NotLeader, write timeouts, the append's own position, silent subscriptions, the
 * stream limit per connection, TCP transactions' positions, the server's clock, caughtUp and the
 * server's own events. Bounds are small so the suite stays fast.
 */
const event = (type: string): NewEvent => ({ id: randomUUID(), type, data: { type }, metadata: {} });
const stream = (category = 'cluster') => `${category}-${randomUUID()}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

const FAST: Partial<EsdbEventStoreOptions> = {
  appendRetryBudgetMs: 3000,
  appendRetryInitialDelayMs: 10,
  appendRetryMaxDelayMs: 100,
  resubscribeInitialDelayMs: 10,
  immediateTimeoutMs: 100,
};

describe.each([true, false])('esdb on a cluster (batch append %s)', (batchAppend) => {
  let server: EsdbTestServer;
  const stores: EsdbEventStore[] = [];
  const open = (options: Partial<EsdbEventStoreOptions> = {}, connectionString = server.clusterConnectionString) => {
    const store = new EsdbEventStore({ connectionString, ...FAST, ...options });
    stores.push(store);
    return store;
  };
  beforeEach(async () => {
    server = await EsdbTestServer.start({ batchAppend, writeTimeoutMs: 300 });
    await server.addNode();
    await server.addNode();
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
    await server.stop();
  });

  describe('appends through an election', () => {
    it('wait out "not ready", follow NotLeader to the new leader, write once, and need no read back', async () => {
      const store = open();
      const s = stream();
      const first = await store.append(s, [event('E0')], 'no_stream');
      server.startElection();
      const during = store.append(s, [event('E1'), event('E2')], 0);
      await until(() => server.calls.notReady >= 1, 'a not-ready answer');
      await sleep(100); // retried meanwhile: BatchAppend on the same node, Append after rediscovering

      server.electLeader(1); // node 0, where the client was, is a follower now: NotLeader, then node 1
      const written = await during;
      expect(written.nextRevision).toBe(2);
      expect(written.position > first.position).toBe(true);
      const after = await store.append(s, [event('E3')], 2);
      expect(after.nextRevision).toBe(3);
      expect((await store.readStream(s)).map((e) => e.type)).toEqual(['E0', 'E1', 'E2', 'E3']);
      const [, , third] = await store.readStream(s);
      expect(written.position).toBe(third.position); // the answer's position is the one reads report
      expect(store.counters.appendRetries).toBeGreaterThan(0);
      // Not ready twice in a row on BatchAppend, which the client never reconnects for: discovery again.
      // (Streams.Append's UNAVAILABLE makes the client rediscover by itself.)
      if (batchAppend) expect(store.counters.rediscoveries).toBeGreaterThan(0);
      expect(store.counters.readBacks).toBe(0);
    });

    it('answers StoreUnavailableError (503 store-unavailable) when the election outlasts the budget, nothing written', async () => {
      const store = open({ appendRetryBudgetMs: 400 });
      const s = stream();
      await store.append(s, [event('E0')], 'no_stream');
      server.startElection();
      const started = Date.now();
      const error = await store.append(s, [event('E1')], 0).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(toProblem(error)).toMatchObject({ status: 503, code: 'store-unavailable' });
      server.electLeader(2);
      expect((await store.readStream(s)).map((e) => e.type)).toEqual(['E0']);
    });

    it('retries write timeouts at a fixed revision (written or not: one write, the first result), never for any', async () => {
      const store = open();
      const s = stream();
      server.failNextAppends('timeout-after-write');
      const first = await store.append(s, [event('E0'), event('E1')], 'no_stream');
      server.failNextAppends('timeout-before-write');
      const second = await store.append(s, [event('E2')], 1);
      expect(second.nextRevision).toBe(2);
      const read = await store.readStream(s);
      expect(read.map((e) => e.type)).toEqual(['E0', 'E1', 'E2']);
      expect(first.position).toBe(read[1].position);
      server.failNextAppends('timeout-after-write');
      const error = await store.append(s, [event('E3')], 'any').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect((await store.readStream(s)).map((e) => e.type)).toEqual(['E0', 'E1', 'E2', 'E3']); // written once, not twice
      expect(server.calls.timeouts).toBe(3);
    });

    it('still reports a conflict as a ConcurrencyError, at once', async () => {
      const store = open();
      const s = stream();
      await store.append(s, [event('E0')], 'no_stream');
      await expect(store.append(s, [event('X')], 'no_stream')).rejects.toBeInstanceOf(ConcurrencyError);
      expect(store.counters.appendRetries).toBe(0);
    });
  });

  describe("the append's position", () => {
    it('comes from the answer for a fresh and a repeated write; read back only when the answer has none', async () => {
      const store = open();
      const s = stream();
      const events = [event('A'), event('B')];
      const fresh = await store.append(s, events, 'no_stream');
      await store.append(s, [event('C')], 1);
      const repeated = await store.append(s, events, 'no_stream');
      expect(repeated).toEqual(fresh);
      expect(store.counters.readBacks).toBe(0);
      server.positionInAppendAnswer = false;
      const readBack = await store.append(s, [event('D')], 2);
      expect(store.counters.readBacks).toBe(1);
      expect(readBack.position).toBe((await store.readStream(s)).at(-1)!.position);
    });
  });
});

describe('esdb subscriptions on a cluster', () => {
  let server: EsdbTestServer;
  const stores: EsdbEventStore[] = [];
  const open = (options: Partial<EsdbEventStoreOptions> = {}) => {
    const store = new EsdbEventStore({ connectionString: server.connectionString, ...FAST, ...options });
    stores.push(store);
    return store;
  };
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
    await server.stop();
  });

  it('resubscribe from the checkpoint when the server leaves the call open and silent (KurrentDB #5672)', async () => {
    server = await EsdbTestServer.start();
    const store = open({ subscriptionSilenceMs: 300 });
    const s = stream();
    await store.append(s, [event('E0')], 'no_stream');
    const seen: RecordedEvent[] = [];
    const subscription = store.subscribeToAll({ onEvents: (events) => void seen.push(...events.filter((e) => e.stream === s)) });
    await until(() => seen.length === 1 && server.liveSubscriptions === 1, 'E0');
    expect(server.silenceSubscriptions()).toBe(1); // shutting down: nothing more, no error, no end
    await store.append(s, [event('E1')], 0);
    await until(() => seen.length === 2, 'E1 through a new subscription', 5000);
    expect(store.counters.silentResubscriptions).toBeGreaterThanOrEqual(1);
    expect(seen.map((e) => e.type)).toEqual(['E0', 'E1']);
    expect(server.subscriptionStarts.at(-1)).toBe(seen[0].position);
    await subscription.stop();
  });

  it('keep their calls within the connection’s stream limit, so reads never queue unseen (KurrentDB #5682)', async () => {
    server = await EsdbTestServer.start({ maxConcurrentStreams: 8 });
    // The control: the bare client opens calls past the limit, and the next one waits forever.
    const raw = EventStoreDBClient.connectionString(server.connectionString);
    const rawSubscriptions = Array.from({ length: 8 }, () => raw.subscribeToAll({ filter: excludeSystemEvents() }));
    await until(() => server.liveSubscriptions === 8, 'eight raw subscriptions');
    let rawRead = false;
    const stuck = (async () => {
      for await (const resolved of raw.readAll({ maxCount: 1 })) void resolved;
      rawRead = true;
    })();
    await sleep(300);
    expect(rawRead).toBe(false);
    await Promise.all(rawSubscriptions.map((sub) => sub.unsubscribe()));
    await stuck;
    await raw.dispose();

    const store = open({ maxConcurrentCalls: 8 }); // 4 subscriptions at most, 3 further calls, 1 for BatchAppend
    const s = stream();
    await store.append(s, [event('E0')], 'no_stream');
    const delivered = Array.from({ length: 6 }, () => 0);
    const subscriptions = delivered.map((_, i) => store.subscribeToAll({ onEvents: (events) => void (delivered[i] += events.filter((e) => e.stream === s).length) }));
    await until(() => delivered.filter((n) => n === 1).length === 4, 'four subscriptions served');
    expect((await store.status()).detail).toMatch(/2 subscription\(s\) wait/);
    const reads = await Promise.all(Array.from({ length: 20 }, () => store.readStream(s)));
    expect(reads.every((r) => r.length === 1)).toBe(true);
    expect(await store.append(s, [event('E1')], 0)).toMatchObject({ nextRevision: 1 });
    await subscriptions[0].stop();
    await subscriptions[1].stop();
    await until(() => delivered.slice(2).every((n) => n === 2), 'the waiting subscriptions started and caught up');
    await Promise.all(subscriptions.map((sub) => sub.stop()));
  });

  it('send caughtUp once, when the catch-up reaches the end of a pre-filled log, and skip the server’s own events', async () => {
    server = await EsdbTestServer.start();
    const store = open();
    const s = stream();
    for (let i = 0; i < 30; i += 1) {
      await store.append(s, Array.from({ length: 10 }, (_, j) => event(`E${i * 10 + j}`)), i === 0 ? 'no_stream' : i * 10 - 1);
      for (let k = 0; k < 5; k += 1) server.appendSystemEvent();
    }
    const seen: RecordedEvent[] = [];
    const seenAtCaughtUp: number[] = [];
    const subscription = store.subscribeToAll({
      onEvents: (events) => void seen.push(...events),
      onCaughtUp: () => void seenAtCaughtUp.push(seen.length),
    });
    await until(() => seenAtCaughtUp.length === 1, 'caughtUp');
    expect(seenAtCaughtUp).toEqual([300]);
    await store.append(s, [event('live')], 299);
    await until(() => seen.length === 301, 'the live event');
    await sleep(50);
    expect(seenAtCaughtUp).toEqual([300]);
    expect(seen.every((e) => !e.type.startsWith('$'))).toBe(true);
    expect((await store.readAll()).every((e) => !e.type.startsWith('$'))).toBe(true);
    for (let k = 0; k < 50; k += 1) server.appendSystemEvent();
    expect((await store.status()).lastPosition).toBe(seen.at(-1)!.position);
    await subscription.stop();
  });
});

describe('esdb positions of a log with TCP transactions (several events, one commit position)', () => {
  let server: EsdbTestServer;
  const stores: EsdbEventStore[] = [];
  const open = () => {
    const store = new EsdbEventStore({ connectionString: server.connectionString, ...FAST });
    stores.push(store);
    return store;
  };
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
    await server.stop();
  });

  it('keeps commit and prepare together: every event once, in order, resumable from any of them, after a restart too', async () => {
    server = await EsdbTestServer.start();
    const writer = open();
    const before = await writer.append(stream('before'), [event('B0')], 'no_stream');
    const legacy = stream('legacy');
    const interleaved = stream('interleaved');
    // A transaction open while another writer appends: the interleaved event comes first in $all.
    server.writeTransaction(legacy, Array.from({ length: 5 }, (_, i) => ({ type: `T${i}` })), () => {
      server.writeEvent(interleaved, 'I0');
      server.appendSystemEvent();
    });
    server.writeTransaction(legacy, [{ type: 'T5' }, { type: 'T6' }]);
    await writer.append(stream('after'), [event('A0')], 'no_stream');

    const all = (await writer.readAll({ after: before.position })).map((e) => [e.type, e.position] as const);
    expect(all.map(([type]) => type)).toEqual(['I0', 'T0', 'T1', 'T2', 'T3', 'T4', 'T5', 'T6', 'A0']);
    const positions = all.map(([, position]) => position);
    expect(positions.every((p, i) => i === 0 || p > positions[i - 1])).toBe(true);
    expect(new Set(positions).size).toBe(positions.length);
    // The same positions through the stream and through a subscription.
    expect((await writer.readStream(legacy)).map((e) => e.position)).toEqual(positions.slice(1, 8));
    expect((await writer.readStream(legacy, { fromRevision: 2, maxCount: 2 })).map((e) => e.position)).toEqual(positions.slice(3, 5));
    expect((await writer.readStream(legacy, { direction: 'backwards', fromRevision: 3 })).map((e) => e.position)).toEqual(positions.slice(1, 5).reverse());
    const seen: RecordedEvent[] = [];
    const subscription = writer.subscribeToAll({ after: before.position, onEvents: (events) => void seen.push(...events) });
    await until(() => seen.length === 9, 'the subscription');
    await subscription.stop();
    expect(seen.map((e) => e.position)).toEqual(positions);
    expect((await writer.status()).lastPosition).toBe(positions[8]);

    // A new process resumes from a checkpoint inside the first transaction (after T2) and sees T3 on.
    const restarted = open();
    expect((await restarted.readAll({ after: positions[3] })).map((e) => e.type)).toEqual(['T3', 'T4', 'T5', 'T6', 'A0']);
    const resumed: RecordedEvent[] = [];
    const again = restarted.subscribeToAll({ after: positions[6], onEvents: (events) => void resumed.push(...events) });
    await until(() => resumed.length === 2, 'the resumed subscription');
    await again.stop();
    expect(resumed.map((e) => e.type)).toEqual(['T6', 'A0']);
    expect(resumed.map((e) => e.position)).toEqual(positions.slice(7));
  });

  it('reads a checkpoint stored before (a self-committed event’s commit position) as it always was', async () => {
    server = await EsdbTestServer.start();
    const store = open();
    const s = stream();
    const { position } = await store.append(s, [event('E0'), event('E1')], 'no_stream');
    await store.append(s, [event('E2')], 1);
    const [, e1] = await store.readStream(s);
    expect(position).toBe(e1.position);
    const restarted = open();
    expect((await restarted.readAll({ after: position })).filter((e) => e.stream === s).map((e) => e.type)).toEqual(['E2']);
  });
});

describe("esdb and the server's clock", () => {
  let server: EsdbTestServer;
  let store: EsdbEventStore;
  afterEach(async () => {
    await store.close();
    await server.stop();
  });

  it('detects a client clock far behind the server (every BatchAppend deadline already past there), corrects the deadline and reports it', async () => {
    server = await EsdbTestServer.start();
    server.clockOffsetMs = 15_000; // the server's clock 15 s ahead: the client's "now + 10 s" has passed there
    store = new EsdbEventStore({ connectionString: server.connectionString, ...FAST });
    const s = stream();
    const written = await store.append(s, [event('E0')], 'no_stream');
    expect(written.nextRevision).toBe(0);
    expect(server.calls.timeouts).toBeGreaterThanOrEqual(1); // the first attempt was answered Timeout at once
    const status = await store.status();
    expect(status.clockSkewMs).toBeGreaterThan(14_000);
    expect(status.clockSkewMs).toBeLessThan(16_000);
    expect(status.detail).toMatch(/clock is \d+ ms ahead of this machine's/);
    const timeouts = server.calls.timeouts;
    await store.append(s, [event('E1')], 0);
    expect(server.calls.timeouts).toBe(timeouts); // taken at once from then on
    expect(server.appendTimeoutsMs.at(-1)).toBeGreaterThan(0);
  });

  it('reports nothing when the clocks agree', async () => {
    server = await EsdbTestServer.start();
    store = new EsdbEventStore({ connectionString: server.connectionString, ...FAST });
    await store.append(stream(), [event('E0')], 'no_stream');
    const status = await store.status();
    expect(status.clockSkewMs).toBeUndefined();
    expect(status.detail).toBeUndefined();
  });
});
