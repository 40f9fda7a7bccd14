import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ConcurrencyError, NewEvent } from '../../application/event-store';
import { SqliteEventStore } from './sqlite.event-store';

const event = (type: string): NewEvent => ({ id: randomUUID(), type, data: {}, metadata: {} });

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
});
