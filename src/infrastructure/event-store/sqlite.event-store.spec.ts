import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ConcurrencyError, NewEvent, StoreBusyError } from '../../application/event-store';
import { BUSY_TIMEOUT_MS } from '../projections/sqlite-busy';
import { SqliteEventStore } from './sqlite.event-store';

const event = (type: string): NewEvent => ({ id: randomUUID(), type, data: {}, metadata: {} });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Another process's connection to the same file, holding its write lock for a while. */
function holdWriteLock(file: string, ms: number): Promise<void> {
  const other = new Database(file);
  other.exec('BEGIN IMMEDIATE');
  return sleep(ms).then(() => {
    other.exec('COMMIT');
    other.close();
  });
}

describe('SqliteEventStore', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'als-sqlite-'));
    file = join(dir, 'events.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('commits appends arriving together in one transaction, each caller getting its own outcome', async () => {
    const store = new SqliteEventStore({ file });
    await store.append('cycle-1', [event('Opened')], 'no_stream');
    const before = store.commitCount;
    const distinct = Array.from({ length: 50 }, (_, i) => store.append(`project-${i}`, [event('Drafted')], 'no_stream'));
    const conflicting = Array.from({ length: 10 }, () => store.append('cycle-1', [event('Shortlisted')], 0));
    const outcomes = await Promise.allSettled([...distinct, ...conflicting]);
    expect(store.commitCount - before).toBe(1);
    expect(outcomes.slice(0, 50).every((o) => o.status === 'fulfilled')).toBe(true);
    const cycleOutcomes = outcomes.slice(50);
    expect(cycleOutcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const o of cycleOutcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected')) {
      expect(o.reason).toBeInstanceOf(ConcurrencyError);
      expect(o.reason).toMatchObject({ stream: 'cycle-1', expected: 0, actual: 1 });
    }
    await store.close();
  });

  it('keeps acknowledged events in the file, in WAL mode with full synchronous commits', async () => {
    const store = new SqliteEventStore({ file });
    await store.append('project-a', [event('Drafted'), event('Submitted')], 'no_stream');
    await store.close();
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.prepare('SELECT count(*) AS n FROM events').get()).toEqual({ n: 2 });
    raw.close();
    const reopened = new SqliteEventStore({ file });
    expect((await reopened.readStream('project-a')).map((e) => e.type)).toEqual(['Drafted', 'Submitted']);
    await reopened.close();
  });

  it('sees events another connection wrote to the same file, through its subscription', async () => {
    const reader = new SqliteEventStore({ file, pollIntervalMs: 10 });
    const writer = new SqliteEventStore({ file });
    const seen: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const subscription = reader.subscribeToAll({
        onEvents: (events) => {
          seen.push(...events.map((e) => e.type));
          if (seen.length === 2) void subscription.stop().then(resolve);
        },
        onCaughtUp: () => void writer.append('project-b', [event('Drafted'), event('Edited')], 'any'),
      });
      subscription.done.catch(reject);
    });
    expect(seen).toEqual(['Drafted', 'Edited']);
    await Promise.all([reader.close(), writer.close()]);
  });

  describe('with another process on the same file', () => {
    it('waits for a write lock held longer than the busy timeout, then commits every append in arrival order', async () => {
      const store = new SqliteEventStore({ file });
      await store.append('cycle-1', [event('Opened')], 'no_stream');
      const released = holdWriteLock(file, BUSY_TIMEOUT_MS * 4);
      const started = Date.now();
      const appends = Array.from({ length: 5 }, (_, i) => store.append('cycle-1', [event(`Registered-${i}`)], i));
      const more = store.append('project-1', [event('Drafted')], 'no_stream');
      const outcomes = await Promise.all([...appends, more]);
      await released;
      expect(Date.now() - started).toBeGreaterThanOrEqual(BUSY_TIMEOUT_MS * 4 - 20);
      expect(outcomes.slice(0, 5).map((o) => o.nextRevision)).toEqual([1, 2, 3, 4, 5]);
      expect((await store.readStream('cycle-1')).map((e) => e.type)).toEqual(['Opened', ...[0, 1, 2, 3, 4].map((i) => `Registered-${i}`)]);
      await store.close();
    });

    it('refuses an append that cannot get the lock within the budget with StoreBusyError, writing nothing, and goes on after', async () => {
      const store = new SqliteEventStore({ file, busyBudgetMs: 300 });
      await store.append('cycle-1', [event('Opened')], 'no_stream');
      const released = holdWriteLock(file, 900);
      const refused = await store.append('cycle-1', [event('Lost')], 0).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(StoreBusyError);
      expect((refused as StoreBusyError).waitedMs).toBeGreaterThanOrEqual(300);
      await released;
      await store.append('cycle-1', [event('Kept')], 0);
      expect((await store.readStream('cycle-1')).map((e) => e.type)).toEqual(['Opened', 'Kept']);
      await store.close();
    });

    it('keeps a subscription and reads going while reading the file answers SQLITE_BUSY', async () => {
      const store = new SqliteEventStore({ file, pollIntervalMs: 10 });
      await store.append('project-a', [event('Drafted')], 'no_stream');
      const seen: string[] = [];
      const subscription = store.subscribeToAll({ onEvents: (events) => void seen.push(...events.map((e) => e.type)) });
      await sleep(50);
      // What a reader meets while another process holds the file exclusively (a WAL recovery, a backup
      // in exclusive mode): cannot be staged across processes in a unit test, so the store's reads fail
      // for a while as SQLite makes them fail.
      const internals = store as unknown as { readAllNow: (...args: unknown[]) => unknown };
      const read = internals.readAllNow.bind(store);
      let failures = 0;
      internals.readAllNow = (...args: unknown[]) => {
        if (failures < 8) {
          failures += 1;
          throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
        }
        return read(...args);
      };
      await store.append('project-a', [event('Edited')], 0);
      const all = await store.readAll();
      for (let i = 0; i < 100 && seen.length < 2; i += 1) await sleep(10);
      expect(failures).toBe(8);
      expect(seen).toEqual(['Drafted', 'Edited']);
      expect(all.map((e) => e.type)).toEqual(['Drafted', 'Edited']);
      await store.append('project-a', [event('Submitted')], 1);
      for (let i = 0; i < 100 && seen.length < 3; i += 1) await sleep(10);
      expect(seen).toEqual(['Drafted', 'Edited', 'Submitted']);
      await subscription.stop();
      await store.close();
    });

    it('answers a conflict, not the first result, when the ids were used for other events at a revision the stream has left', async () => {
      const store = new SqliteEventStore({ file });
      const first = { ...event('Registered'), metadata: { recordedAt: '2025-09-05T02:00:00.000Z' } };
      await store.append('cycle-1', [first], 'no_stream');
      await store.append('cycle-1', [event('Recommended')], 0);
      // The same command decided again by another process, on the state before its own write: same id, other content.
      const elsewhere = { ...first, metadata: { recordedAt: '2025-09-05T02:00:00.007Z' } };
      await expect(store.append('cycle-1', [elsewhere], 'no_stream')).rejects.toMatchObject({ name: 'ConcurrencyError', expected: 'no_stream', actual: 1 });
      // The very same events appended again are still answered with the first result.
      expect(await store.append('cycle-1', [first], 'no_stream')).toEqual({ nextRevision: 0, position: 1n });
      expect((await store.readStream('cycle-1')).map((e) => e.type)).toEqual(['Registered', 'Recommended']);
      await store.close();
    });
  });
});
