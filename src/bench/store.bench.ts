import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { NewEvent } from '../application/event-store';
import { SqliteEventStore } from '../infrastructure/event-store/sqlite.event-store';

export interface StoreFigures {
  readonly sequentialAppendsPerSecond: number;
  readonly concurrentAppendsPerSecond: number;
  readonly rawBatchedInsertsPerSecond: number;
  /** concurrent store appends ÷ raw batched inserts, measured in the same run. */
  readonly concurrentToRawRatio: number;
  readonly commitsForConcurrentRun: number;
}

const payload = { title: '品牌专业 application', score: 87.5, majors: ['560301', '560302', '560303'] };
const metadata = { actor: { id: 'u-1', role: 'applicant', org: 'school-1' }, rulesVersion: '2021.1' };

const newEvent = (): NewEvent => ({ id: randomUUID(), type: 'ApplicationEdited', data: payload, metadata });

async function perSecond(count: number, work: () => Promise<void> | void): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return Math.round(count / seconds);
}

/**
 * Durable appends through the store, one caller and 100 concurrent callers, beside a raw
 * better-sqlite3 loop writing the same rows in transactions of 100 with the same durability
 * (WAL, synchronous=FULL): the raw loop is what group commit can at best approach.
 */
export async function measureStore(dir: string, appendsPerCaller = 200): Promise<StoreFigures> {
  const sequentialCount = 2000;
  const store = new SqliteEventStore({ file: join(dir, 'store-bench.db') });
  const sequentialAppendsPerSecond = await perSecond(sequentialCount, async () => {
    for (let i = 0; i < sequentialCount; i += 1) await store.append('bench-sequential', [newEvent()], i === 0 ? 'no_stream' : i - 1);
  });

  const callers = 100;
  const commitsBefore = store.commitCount;
  const concurrentAppendsPerSecond = await perSecond(callers * appendsPerCaller, async () => {
    await Promise.all(
      Array.from({ length: callers }, async (_, caller) => {
        for (let i = 0; i < appendsPerCaller; i += 1) {
          await store.append(`bench-${caller}`, [newEvent()], i === 0 ? 'no_stream' : i - 1);
        }
      }),
    );
  });
  const commitsForConcurrentRun = store.commitCount - commitsBefore;
  await store.close();

  const raw = new Database(join(dir, 'raw-bench.db'));
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = FULL');
  raw.exec(`CREATE TABLE events (position INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, stream TEXT NOT NULL,
    revision INTEGER NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, UNIQUE (stream, revision))`);
  const insert = raw.prepare('INSERT INTO events (id, stream, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)');
  const batch = raw.transaction((rows: [string, string, number][]) => {
    for (const [id, stream, revision] of rows) insert.run(id, stream, revision, 'ApplicationEdited', JSON.stringify(payload), JSON.stringify(metadata));
  });
  const rawBatchedInsertsPerSecond = await perSecond(callers * appendsPerCaller, () => {
    for (let round = 0; round < appendsPerCaller; round += 1) {
      batch(Array.from({ length: callers }, (_, caller) => [randomUUID(), `bench-${caller}`, round] as [string, string, number]));
    }
  });
  raw.close();

  return {
    sequentialAppendsPerSecond,
    concurrentAppendsPerSecond,
    rawBatchedInsertsPerSecond,
    concurrentToRawRatio: Number((concurrentAppendsPerSecond / rawBatchedInsertsPerSecond).toFixed(2)),
    commitsForConcurrentRun,
  };
}
