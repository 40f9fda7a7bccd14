import { randomUUID } from 'node:crypto';
import {
  ConcurrencyError,
  EventRejectedError,
  EventStore,
  NewEvent,
  RecordedEvent,
} from '../../src/application/event-store';

/** What an adapter's contract file provides: a fresh, empty store per test, and how to dispose of it. */
export interface ContractFixture {
  readonly store: EventStore;
  readonly dispose: () => Promise<void>;
  /** Largest event the store was configured to accept, for the size-limit test. */
  readonly maxEventBytes: number;
}

const event = (type: string, data: NewEvent['data'] = {}, metadata: NewEvent['metadata'] = {}): NewEvent => ({
  id: randomUUID(),
  type,
  data,
  metadata,
});

const stream = (category = 'contract') => `${category}-${randomUUID()}`;

async function collect(store: EventStore, after: bigint | undefined, until: (events: RecordedEvent[]) => boolean) {
  const seen: RecordedEvent[] = [];
  let caughtUp = 0;
  await new Promise<void>((resolve, reject) => {
    const subscription = store.subscribeToAll({
      after,
      onEvents: (events) => {
        seen.push(...events);
        if (until(seen)) void subscription.stop().then(resolve);
      },
      onCaughtUp: () => {
        caughtUp += 1;
      },
    });
    subscription.done.catch(reject);
  });
  return { seen, caughtUp };
}

/** The one contract every event store adapter passes. */
export function eventStoreContract(adapter: string, open: () => Promise<ContractFixture>): void {
  describe(`${adapter} event store contract`, () => {
    let fixture: ContractFixture;
    let store: EventStore;

    beforeEach(async () => {
      fixture = await open();
      store = fixture.store;
    });
    afterEach(async () => {
      await fixture.dispose();
    });

    describe('append and expected revision', () => {
      it('creates a stream with no_stream and continues it at its revision', async () => {
        const s = stream();
        const first = await store.append(s, [event('A'), event('B')], 'no_stream');
        expect(first.nextRevision).toBe(1);
        const second = await store.append(s, [event('C')], 1);
        expect(second.nextRevision).toBe(2);
        expect(second.position > first.position).toBe(true);
        const read = await store.readStream(s);
        expect(read.map((e) => [e.type, e.revision])).toEqual([
          ['A', 0],
          ['B', 1],
          ['C', 2],
        ]);
      });

      it('appends with any whether or not the stream exists', async () => {
        const s = stream();
        await store.append(s, [event('A')], 'any');
        const result = await store.append(s, [event('B')], 'any');
        expect(result.nextRevision).toBe(1);
      });

      it.each([
        ['no_stream on an existing stream', 'no_stream' as const, 0],
        ['a stale revision', 5, 0],
      ])('raises one ConcurrencyError with stream, expected and actual for %s', async (_name, expected, actual) => {
        const s = stream();
        await store.append(s, [event('A')], 'no_stream');
        const error = await store.append(s, [event('B')], expected).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ConcurrencyError);
        expect(error).toMatchObject({ stream: s, expected, actual });
        expect(await store.readStream(s)).toHaveLength(1);
      });

      it('reports no_stream as the actual revision of a missing stream', async () => {
        const s = stream();
        const error = await store.append(s, [event('A')], 0).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ConcurrencyError);
        expect(error).toMatchObject({ stream: s, expected: 0, actual: 'no_stream' });
        expect(await store.readStream(s)).toEqual([]);
      });

      it('writes nothing and answers the first result when the same event ids are appended again', async () => {
        const s = stream();
        const events = [event('A'), event('B')];
        const first = await store.append(s, events, 'no_stream');
        await store.append(s, [event('C')], 1);
        const again = await store.append(s, events, 'no_stream');
        expect(again).toEqual(first);
        expect((await store.readStream(s)).map((e) => e.type)).toEqual(['A', 'B', 'C']);
      });

      it('round-trips data and metadata deep-equal, with the id it was given', async () => {
        const s = stream();
        const data = { text: '品牌专业 “quoted” \\ slash', n: 3.25, big: 2 ** 52, flag: false, none: null, list: [1, 'two', { three: [] }] };
        const metadata = { actor: { id: 'u1', role: 'office', org: '省教育厅' }, nested: { deep: { deeper: ['x'] } } };
        const written = event('Typed', data, metadata);
        await store.append(s, [written], 'no_stream');
        const [read] = await store.readStream(s);
        expect(read).toMatchObject({ id: written.id, stream: s, revision: 0, type: 'Typed' });
        expect(read.data).toEqual(data);
        expect(read.metadata).toEqual(metadata);
        const [fromAll] = (await store.readAll()).filter((e) => e.id === written.id);
        expect(fromAll).toEqual(read);
      });

      it('refuses an event above the size limit with a clear error and writes nothing of the append', async () => {
        const s = stream();
        const big = event('Big', { blob: 'x'.repeat(fixture.maxEventBytes + 1) });
        const error = await store.append(s, [event('Small'), big], 'no_stream').catch((e: unknown) => e);
        expect(error).toBeInstanceOf(EventRejectedError);
        expect(error).toMatchObject({ code: 'event-too-large' });
        expect((error as Error).message).toMatch(/limit/);
        expect(await store.readStream(s)).toEqual([]);
        const ok = await store.append(s, [event('Small')], 'no_stream');
        expect(ok.nextRevision).toBe(0);
      });
    });

    describe('reading a stream', () => {
      let s: string;
      beforeEach(async () => {
        s = stream();
        await store.append(s, ['E0', 'E1', 'E2', 'E3', 'E4'].map((t) => event(t)), 'no_stream');
      });

      it('reads forwards from a revision with a maximum count', async () => {
        const read = await store.readStream(s, { fromRevision: 1, maxCount: 2 });
        expect(read.map((e) => e.type)).toEqual(['E1', 'E2']);
      });

      it('reads backwards from the end and from a revision', async () => {
        expect((await store.readStream(s, { direction: 'backwards', maxCount: 2 })).map((e) => e.type)).toEqual([
          'E4',
          'E3',
        ]);
        expect((await store.readStream(s, { direction: 'backwards', fromRevision: 1 })).map((e) => e.type)).toEqual([
          'E1',
          'E0',
        ]);
      });

      it('reads a missing stream as empty, in both directions', async () => {
        const missing = stream();
        expect(await store.readStream(missing)).toEqual([]);
        expect(await store.readStream(missing, { direction: 'backwards', maxCount: 1 })).toEqual([]);
      });
    });

    describe('reading all events', () => {
      it('gives one global order, resumable from any position', async () => {
        const a = stream();
        const b = stream();
        await store.append(a, [event('A0')], 'no_stream');
        await store.append(b, [event('B0'), event('B1')], 'no_stream');
        await store.append(a, [event('A1')], 0);
        const all = (await store.readAll()).filter((e) => e.stream === a || e.stream === b);
        expect(all.map((e) => e.type)).toEqual(['A0', 'B0', 'B1', 'A1']);
        const positions = all.map((e) => e.position);
        expect([...positions].sort((x, y) => (x < y ? -1 : 1))).toEqual(positions);
        const rest = (await store.readAll({ after: all[1].position })).filter((e) => e.stream === a || e.stream === b);
        expect(rest.map((e) => e.type)).toEqual(['B1', 'A1']);
        const page = await store.readAll({ after: all[0].position, maxCount: 1 });
        expect(page.map((e) => e.id)).toEqual([all[1].id]);
      });
    });

    describe('subscribing to all', () => {
      it('delivers stored events then live ones, with no gap and no duplicate', async () => {
        const s = stream();
        await store.append(s, [event('E0'), event('E1')], 'no_stream');
        // A real server's log holds other runs' events before these: the live appends wait until the
        // subscription says it has caught up with all of it, however long that takes, so they are live.
        const seen: RecordedEvent[] = [];
        let caughtUp!: () => void;
        const reachedEnd = new Promise<void>((resolve) => (caughtUp = resolve));
        let mineAtCaughtUp = -1;
        const subscription = store.subscribeToAll({
          onEvents: (events) => void seen.push(...events),
          onCaughtUp: () => {
            if (mineAtCaughtUp < 0) mineAtCaughtUp = seen.filter((e) => e.stream === s).length;
            caughtUp();
          },
        });
        try {
          await reachedEnd;
          for (let revision = 1; revision < 5; revision += 1) await store.append(s, [event(`E${revision + 1}`)], revision);
          for (let waited = 0; seen.filter((e) => e.stream === s).length < 6; waited += 10) {
            if (waited > 10_000) throw new Error(`only ${seen.filter((e) => e.stream === s).length} of the stream's 6 events arrived`);
            await new Promise((resolve) => setTimeout(resolve, 10));
          }
        } finally {
          await subscription.stop();
        }
        const mine = seen.filter((e) => e.stream === s);
        expect(mine.map((e) => e.revision)).toEqual([0, 1, 2, 3, 4, 5]);
        // Caught up after the two stored ones, before the four live ones.
        expect(mineAtCaughtUp).toBe(2);
        expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);
      });

      it('resumes after a checkpoint, exclusive', async () => {
        const s = stream();
        await store.append(s, [event('E0'), event('E1'), event('E2')], 'no_stream');
        const [, second] = await store.readStream(s);
        const { seen } = await collect(store, second.position, (events) => events.some((e) => e.type === 'E2'));
        expect(seen.filter((e) => e.stream === s).map((e) => e.type)).toEqual(['E2']);
      });

      it('serves several subscribers the same sequence', async () => {
        const s = stream();
        const until = (seen: RecordedEvent[]) => seen.filter((e) => e.stream === s).length >= 20;
        const subscribers = [collect(store, undefined, until), collect(store, undefined, until), collect(store, undefined, until)];
        for (let i = 0; i < 20; i += 1) await store.append(s, [event(`E${i}`)], i === 0 ? 'no_stream' : i - 1);
        const results = await Promise.all(subscribers);
        const sequences = results.map((r) => r.seen.filter((e) => e.stream === s).map((e) => e.id));
        expect(sequences[0]).toHaveLength(20);
        expect(sequences[1]).toEqual(sequences[0]);
        expect(sequences[2]).toEqual(sequences[0]);
      });

      it('ends with the handler error', async () => {
        await store.append(stream(), [event('E0')], 'no_stream');
        const subscription = store.subscribeToAll({
          onEvents: () => {
            throw new Error('projection failed');
          },
        });
        await expect(subscription.done).rejects.toThrow('projection failed');
      });
    });

    describe('concurrency', () => {
      it('lets exactly one of 100 concurrent appenders at the same revision win', async () => {
        const s = stream();
        await store.append(s, [event('Created')], 'no_stream');
        const outcomes = await Promise.allSettled(
          Array.from({ length: 100 }, (_, i) => store.append(s, [event(`Attempt${i}`)], 0)),
        );
        const won = outcomes.filter((o) => o.status === 'fulfilled');
        const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(99);
        for (const o of lost) expect(o.reason).toBeInstanceOf(ConcurrencyError);
        expect(await store.readStream(s)).toHaveLength(2);
      });

      it('accepts 1,000 concurrent appenders to distinct streams, each event once in readAll in revision order', async () => {
        const start = await store.readAll({ maxCount: Number.MAX_SAFE_INTEGER }).then((all) => all.at(-1)?.position);
        const streams = Array.from({ length: 1000 }, () => stream('load'));
        const results = await Promise.all(
          streams.map((s) => store.append(s, [event('First'), event('Second')], 'no_stream')),
        );
        expect(results.every((r) => r.nextRevision === 1)).toBe(true);
        const all = (await store.readAll({ after: start })).filter((e) => e.stream.startsWith('load-'));
        expect(all).toHaveLength(2000);
        expect(new Set(all.map((e) => e.id)).size).toBe(2000);
        const lastRevision = new Map<string, number>();
        for (const e of all) {
          expect(e.revision).toBe((lastRevision.get(e.stream) ?? -1) + 1);
          lastRevision.set(e.stream, e.revision);
        }
        expect(lastRevision.size).toBe(1000);
      });
    });
  });
}
