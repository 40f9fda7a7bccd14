import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordedEvent } from '../../application/event-store';
import { SqliteEventStore } from '../event-store/sqlite.event-store';
import { LogConsumer, PositionWaiters, repeat } from './log-consumer';

const busy = () => Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });

describe('log consumer', () => {
  let dir: string;
  let store: SqliteEventStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'als-consumer-'));
    store = new SqliteEventStore({ file: join(dir, 'events.db'), pollIntervalMs: 5 });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const append = (stream: string, n: number) =>
    store.append(stream, Array.from({ length: n }, (_, i) => ({ id: randomUUID(), type: 'Noted', data: { i }, metadata: {} })), 'any');

  it('hands over every event after its checkpoint, and a batch that met a lock again until it goes through', async () => {
    await append('note-a', 3);
    const [, second] = await store.readAll({});
    const seen: string[] = [];
    let locks = 2;
    const consumer = new LogConsumer(store, {
      after: second.position,
      handle: (events: readonly RecordedEvent[]) => {
        if (locks-- > 0) throw busy();
        seen.push(...events.map((e) => `${e.stream}@${e.revision}`));
      },
    });
    await append('note-b', 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await consumer.stop();
    expect(seen).toEqual(['note-a@2', 'note-b@0']);
    expect(locks).toBeLessThan(0);
  });

  it('ends with the error of a batch that failed otherwise', async () => {
    await append('note-a', 1);
    const consumer = new LogConsumer(store, { handle: () => Promise.reject(new Error('broken projection')) });
    await expect(consumer.done).rejects.toThrow('broken projection');
  });
});

describe('position waiters', () => {
  it('wake the callers waiting for a position reached, and time out the others with their own error', async () => {
    const waiters = new PositionWaiters();
    const early = waiters.wait(3n, 1000, () => new Error('not reached'));
    const late = waiters.wait(9n, 30, () => new Error('position 9 not reached'));
    waiters.reached(5n);
    await expect(early).resolves.toBeUndefined();
    await expect(late).rejects.toThrow('position 9 not reached');
  });
});

describe('repeat', () => {
  it('never runs twice at once, goes on after a failure, and stop waits for the run in progress', async () => {
    let running = 0;
    let most = 0;
    let runs = 0;
    const errors: unknown[] = [];
    const repeating = repeat(
      1,
      async () => {
        running += 1;
        most = Math.max(most, running);
        runs += 1;
        await new Promise((resolve) => setTimeout(resolve, 15));
        running -= 1;
        if (runs === 2) throw new Error('second run failed');
      },
      { onError: (error) => errors.push(error) },
    );
    await new Promise((resolve) => setTimeout(resolve, 120));
    await repeating.stop();
    const stoppedAt = runs;
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect({ most, running, moreThanTwo: stoppedAt > 2, afterStop: runs - stoppedAt }).toEqual({ most: 1, running: 0, moreThanTwo: true, afterStop: 0 });
    expect(errors).toEqual([new Error('second run failed')]);
  });
});
