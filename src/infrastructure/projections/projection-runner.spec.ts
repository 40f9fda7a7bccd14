import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { RecordedEvent } from '../../application/event-store';
import { SqliteEventStore } from '../event-store/sqlite.event-store';
import { Projection } from './projection';
import { ProjectionRunner, ProjectionTimeoutError } from './projection-runner';
import { BUSY_TIMEOUT_MS } from './sqlite-busy';

/** Counts events per stream; it fails on demand, to stand for a crash in the middle of a batch. */
function counting(failOn?: (event: RecordedEvent) => boolean): Projection {
  return {
    name: 'counts',
    version: 1,
    tables: ['counts'],
    schema: 'CREATE TABLE IF NOT EXISTS counts (stream TEXT PRIMARY KEY, n INTEGER NOT NULL, last_revision INTEGER NOT NULL)',
    apply(db: Database.Database, events: readonly RecordedEvent[]) {
      for (const event of events) {
        if (failOn?.(event)) throw new Error(`crash at ${event.stream}@${event.revision}`);
        db.prepare(
          'INSERT INTO counts (stream, n, last_revision) VALUES (?, 1, ?) ON CONFLICT (stream) DO UPDATE SET n = n + 1, last_revision = excluded.last_revision',
        ).run(event.stream, event.revision);
      }
    },
  };
}

const event = (type = 'Happened') => ({ id: randomUUID(), type, data: {}, metadata: { recordedAt: '2026-01-01T00:00:00.000Z' } });

describe('ProjectionRunner', () => {
  let dir: string;
  let store: SqliteEventStore;
  const readModels = () => ProjectionRunner.openDatabase(join(dir, 'read-models.db'));
  const rows = (db: Database.Database) => db.prepare('SELECT stream, n, last_revision FROM counts ORDER BY stream').all();

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'als-projection-'));
    store = new SqliteEventStore({ file: join(dir, 'events.db'), pollIntervalMs: 10, subscriptionBatchSize: 7 });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function appendMany(streams: number, perStream: number) {
    for (let r = 0; r < perStream; r += 1) {
      await Promise.all(Array.from({ length: streams }, (_, s) => store.append(`item-${s}`, [event()], r === 0 ? 'no_stream' : r - 1)));
    }
    return (await store.status()).lastPosition!;
  }

  it('applies every event once, then resumes after a restart from its checkpoint', async () => {
    const db = readModels();
    const last = await appendMany(3, 4);
    const runner = new ProjectionRunner(store, db, [counting()]);
    runner.start();
    await runner.waitFor(last, 5000);
    expect(rows(db)).toEqual([0, 1, 2].map((s) => ({ stream: `item-${s}`, n: 4, last_revision: 3 })));
    await runner.stop();

    const more = await store.append('item-0', [event()], 3);
    const restarted = new ProjectionRunner(store, db, [counting()]);
    restarted.start();
    await restarted.waitFor(more.position, 5000);
    expect(rows(db)[0]).toEqual({ stream: 'item-0', n: 5, last_revision: 4 });
    expect(rows(db).slice(1).every((row: any) => row.n === 4)).toBe(true);
    await restarted.stop();
    db.close();
  });

  it('catches up with what was stored in one transaction per large unit, then applies live batches as they come', async () => {
    const db = readModels();
    const last = await appendMany(30, 4);
    const batches: number[] = [];
    const inner = counting();
    const runner = new ProjectionRunner(store, db, [{ ...inner, apply: (d, events) => (batches.push(events.length), inner.apply(d, events)) }]);
    runner.start();
    await runner.waitFor(last, 5000);
    // The store delivers 7 events at a time; the 120 stored ones were applied together.
    expect(batches).toEqual([120]);
    const live = await store.append('item-0', [event()], 3);
    await runner.waitFor(live.position, 5000);
    expect(batches).toEqual([120, 1]);
    expect(rows(db)[0]).toEqual({ stream: 'item-0', n: 5, last_revision: 4 });
    await runner.stop();
    db.close();
  });

  it('after a crash in the middle of a batch, resumes with nothing skipped and nothing applied twice', async () => {
    const db = readModels();
    const last = await appendMany(5, 6);
    let crashed = false;
    const crashing = new ProjectionRunner(store, db, [
      counting((e) => {
        if (!crashed && e.stream === 'item-3' && e.revision === 4) {
          crashed = true;
          return true;
        }
        return false;
      }),
    ]);
    crashing.start();
    await expect(crashing.done).rejects.toThrow('crash at item-3@4');
    const partial = rows(db) as { n: number }[];
    const appliedBeforeCrash = partial.reduce((sum, row) => sum + row.n, 0);
    expect(appliedBeforeCrash % 7).toBe(0);
    expect(appliedBeforeCrash).toBeLessThan(30);

    const resumed = new ProjectionRunner(store, db, [counting()]);
    resumed.start();
    await resumed.waitFor(last, 5000);
    expect(rows(db)).toEqual([0, 1, 2, 3, 4].map((s) => ({ stream: `item-${s}`, n: 6, last_revision: 5 })));
    await resumed.stop();
    db.close();
  });

  it('rebuilds tables identical to the live ones', async () => {
    const db = readModels();
    const runner = new ProjectionRunner(store, db, [counting()]);
    runner.start();
    const last = await appendMany(4, 5);
    await runner.waitFor(last, 5000);
    const live = rows(db);
    await runner.rebuild();
    expect(rows(db)).toEqual(live);
    expect(runner.position).toBe(last);
    await runner.stop();
    db.close();
  });

  it('rebuilds a projection whose version changed', async () => {
    const db = readModels();
    const last = await appendMany(2, 3);
    const v1 = new ProjectionRunner(store, db, [counting()]);
    v1.start();
    await v1.waitFor(last, 5000);
    await v1.stop();
    db.prepare("UPDATE counts SET n = 99 WHERE stream = 'item-0'").run();
    const v2 = new ProjectionRunner(store, db, [{ ...counting(), version: 2 }]);
    v2.start();
    await v2.waitFor(last, 5000);
    expect(rows(db)).toEqual([0, 1].map((s) => ({ stream: `item-${s}`, n: 3, last_revision: 2 })));
    await v2.stop();
    db.close();
  });

  it('bounds the wait for a position it does not reach, and reports its lag', async () => {
    const db = readModels();
    const last = await appendMany(1, 3);
    const stuck = new ProjectionRunner(store, db, [counting(() => true)]);
    stuck.start();
    await stuck.done.catch(() => undefined);
    const error = await stuck.waitFor(last, 50).catch((e) => e);
    expect(error).toBeInstanceOf(ProjectionTimeoutError);
    expect(error.message).toMatch(/have not reached position 3 after 50 ms/);
    const lag = await stuck.lag(new Date('2026-01-01T00:00:10.000Z'));
    expect(lag).toMatchObject({ checkpoint: null, storePosition: '3', behindEvents: 3, behindSeconds: 10, caughtUp: false, failure: 'crash at item-0@0' });
    db.close();
  });

  describe('with a second process on the same files', () => {
    /** What another service process on the same data folder has: its own connections, its own runner. */
    const secondProcess = (options: { pollIntervalMs?: number } = {}) => {
      const otherStore = new SqliteEventStore({ file: join(dir, 'events.db'), pollIntervalMs: options.pollIntervalMs ?? 10, subscriptionBatchSize: 5 });
      const otherDb = readModels();
      return { store: otherStore, db: otherDb, runner: new ProjectionRunner(otherStore, otherDb, [counting()]) };
    };

    it('applies each event once to the shared tables, whichever runner gets there first, and neither stops', async () => {
      const db = readModels();
      const one = new ProjectionRunner(store, db, [counting()]);
      const two = secondProcess();
      one.start();
      two.runner.start();
      // Written through both processes' stores, interleaved.
      for (let r = 0; r < 6; r += 1) {
        await Promise.all(
          Array.from({ length: 6 }, (_, s) => (s % 2 === 0 ? store : two.store).append(`item-${s}`, [event()], r === 0 ? 'no_stream' : r - 1)),
        );
      }
      const { lastPosition } = await store.status();
      await Promise.all([one.waitFor(lastPosition!, 5000), two.runner.waitFor(lastPosition!, 5000)]);
      expect(rows(db)).toEqual([0, 1, 2, 3, 4, 5].map((s) => ({ stream: `item-${s}`, n: 6, last_revision: 5 })));
      for (const runner of [one, two.runner]) {
        expect(await runner.lag(new Date())).toMatchObject({ checkpoint: String(lastPosition), behindEvents: 0 });
        expect((await runner.lag(new Date())).failure).toBeUndefined();
      }
      await Promise.all([one.stop(), two.runner.stop()]);
      await two.store.close();
      two.db.close();
      db.close();
    });

    it('waits out a lock on the read-model file held longer than the busy timeout, then applies', async () => {
      const db = readModels();
      const runner = new ProjectionRunner(store, db, [counting()]);
      runner.start();
      await appendMany(2, 1);
      const other = new Database(join(dir, 'read-models.db'));
      other.exec('BEGIN IMMEDIATE');
      await store.append('item-1', [event()], 0);
      const last = (await store.append('item-0', [event()], 0)).position;
      await new Promise((resolve) => setTimeout(resolve, BUSY_TIMEOUT_MS * 5));
      expect(runner.position).toBeLessThan(last);
      other.exec('COMMIT');
      other.close();
      await runner.waitFor(last, 5000);
      expect(rows(db)).toEqual([
        { stream: 'item-0', n: 2, last_revision: 1 },
        { stream: 'item-1', n: 2, last_revision: 1 },
      ]);
      expect((await runner.lag(new Date())).failure).toBeUndefined();
      await runner.stop();
      db.close();
    });

    it('answers read-your-writes from the checkpoint the other process stored, before its own subscription polls', async () => {
      const db = readModels();
      const one = new ProjectionRunner(store, db, [counting()]);
      // This process looks for others' writes only every 10 s.
      const two = secondProcess({ pollIntervalMs: 10_000 });
      two.runner.start();
      one.start();
      const last = await appendMany(3, 2);
      await one.waitFor(last, 5000);
      const started = Date.now();
      await two.runner.waitFor(last, 2000);
      expect(Date.now() - started).toBeLessThan(1000);
      expect(two.runner.position).toBe(last);
      await Promise.all([one.stop(), two.runner.stop()]);
      await two.store.close();
      two.db.close();
      db.close();
    });

    it('refills what the other process dropped with a rebuild, and both go on with the rebuilt tables', async () => {
      const db = readModels();
      const one = new ProjectionRunner(store, db, [counting()]);
      const two = secondProcess();
      one.start();
      two.runner.start();
      const first = await appendMany(3, 3);
      await Promise.all([one.waitFor(first, 5000), two.runner.waitFor(first, 5000)]);
      db.prepare("UPDATE counts SET n = 99 WHERE stream = 'item-0'").run();
      await two.runner.rebuild();
      const more = await store.append('item-1', [event()], 2);
      await Promise.all([one.waitFor(more.position, 5000), two.runner.waitFor(more.position, 5000)]);
      expect(rows(db)).toEqual([
        { stream: 'item-0', n: 3, last_revision: 2 },
        { stream: 'item-1', n: 4, last_revision: 3 },
        { stream: 'item-2', n: 3, last_revision: 2 },
      ]);
      // Caught in the middle of a rebuild elsewhere: tables emptied, checkpoints back at the start.
      db.exec('BEGIN IMMEDIATE; DELETE FROM counts; UPDATE projection_checkpoints SET position = NULL; COMMIT');
      const after = await store.append('item-2', [event()], 2);
      await Promise.all([one.waitFor(after.position, 5000), two.runner.waitFor(after.position, 5000)]);
      expect(rows(db)).toEqual([
        { stream: 'item-0', n: 3, last_revision: 2 },
        { stream: 'item-1', n: 4, last_revision: 3 },
        { stream: 'item-2', n: 4, last_revision: 3 },
      ]);
      expect([(await one.lag(new Date())).failure, (await two.runner.lag(new Date())).failure]).toEqual([undefined, undefined]);
      await Promise.all([one.stop(), two.runner.stop()]);
      await two.store.close();
      two.db.close();
      db.close();
    });
  });
});
