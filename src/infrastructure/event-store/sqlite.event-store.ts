import Database from 'better-sqlite3';
import {
  AppendResult,
  ConcurrencyError,
  EventRejectedError,
  EventStore,
  ExpectedRevision,
  NewEvent,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StoreBusyError,
  StoreStatus,
  SubscribeOptions,
  Subscription,
} from '../../application/event-store';
import { isBusy, openShared, pauseBefore, retryWhileBusy, retryWhileBusySync, WRITE_BUDGET_MS } from '../projections/sqlite-busy';

export interface SqliteEventStoreOptions {
  /** Path of the database file (':memory:' for throw-away stores). */
  readonly file: string;
  /** Largest accepted event (data + metadata as JSON), in bytes. */
  readonly maxEventBytes?: number;
  /** How often an idle subscription looks for events written by another process on the same file. */
  readonly pollIntervalMs?: number;
  /** Events delivered to a subscription handler at once. */
  readonly subscriptionBatchSize?: number;
  /**
   * How long an append or a read may wait for a lock held by another process on the same file before
   * it fails with StoreBusyError (nothing written).
   */
  readonly busyBudgetMs?: number;
  /** Told of each group commit and how many appends it committed together (the service's metrics). */
  readonly onCommit?: (appends: number) => void;
}

interface EventRow {
  position: number;
  id: string;
  stream: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
}

interface PendingAppend {
  /** When the append was queued: a busy store refuses it once it has waited the budget. */
  readonly queuedAt: number;
  readonly stream: string;
  readonly events: readonly NewEvent[];
  readonly serialized: readonly { data: string; metadata: string }[];
  readonly expected: ExpectedRevision;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

export const DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;

/**
 * The embedded event store: one SQLite file in WAL mode with synchronous=FULL, so an acknowledged
 * append is on disk. Appends that arrive in the same turn of the event loop are committed together
 * (group commit): one transaction and one fsync for all of them, while each caller still gets its
 * own result or its own ConcurrencyError, decided in arrival order.
 *
 * Other processes may write the same file (several instances on one data folder). Their writes are
 * found by the subscriptions' polling; their locks are waited for: a commit takes the write lock when
 * it begins (BEGIN IMMEDIATE — a read-then-write transaction could not wait, SQLite answers it BUSY at
 * once when another writer committed since its read), and a group commit that finds the lock taken is
 * queued again and retried with growing pauses, in arrival order, until the busy budget is spent.
 */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly maxEventBytes: number;
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private readonly busyBudgetMs: number;
  private queue: PendingAppend[] = [];
  private flushScheduled = false;
  /** Consecutive group commits that found the write lock taken. */
  private busyRetries = 0;
  private retryTimer?: NodeJS.Timeout;
  private readonly waiters = new Set<() => void>();
  private readonly subscriptions = new Set<Subscription>();
  private closed = false;
  private commits = 0;

  private readonly statements: {
    findById: Database.Statement<[string], Pick<EventRow, 'stream' | 'revision' | 'position'>>;
    contentOf: Database.Statement<[string], Pick<EventRow, 'type' | 'data' | 'metadata'>>;
    lastRevision: Database.Statement<[string], { revision: number | null }>;
    insert: Database.Statement<[number, string, string, number, string, string, string]>;
    readForwards: Database.Statement<[string, number, number], EventRow>;
    readBackwards: Database.Statement<[string, number, number], EventRow>;
    readAll: Database.Statement<[number, number], EventRow>;
    lastPosition: Database.Statement<[], { position: number | null }>;
  };

  constructor(private readonly options: SqliteEventStoreOptions) {
    this.maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.batchSize = options.subscriptionBatchSize ?? 1000;
    this.busyBudgetMs = options.busyBudgetMs ?? WRITE_BUDGET_MS;
    this.db = openShared(options.file, 'FULL');
    // A second instance may be creating the same file at this moment.
    retryWhileBusySync(() => this.db.exec(`
      CREATE TABLE IF NOT EXISTS events (
        position INTEGER PRIMARY KEY,
        id       TEXT    NOT NULL UNIQUE,
        stream   TEXT    NOT NULL,
        revision INTEGER NOT NULL,
        type     TEXT    NOT NULL,
        data     TEXT    NOT NULL,
        metadata TEXT    NOT NULL,
        UNIQUE (stream, revision)
      );
    `), 'create the events table');
    const columns = 'position, id, stream, revision, type, data, metadata';
    this.statements = {
      findById: this.db.prepare('SELECT stream, revision, position FROM events WHERE id = ?'),
      contentOf: this.db.prepare('SELECT type, data, metadata FROM events WHERE id = ?'),
      lastRevision: this.db.prepare('SELECT max(revision) AS revision FROM events WHERE stream = ?'),
      insert: this.db.prepare(
        'INSERT INTO events (position, id, stream, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      readForwards: this.db.prepare(
        `SELECT ${columns} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision ASC LIMIT ?`,
      ),
      readBackwards: this.db.prepare(
        `SELECT ${columns} FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`,
      ),
      readAll: this.db.prepare(`SELECT ${columns} FROM events WHERE position > ? ORDER BY position ASC LIMIT ?`),
      lastPosition: this.db.prepare('SELECT max(position) AS position FROM events'),
    };
  }

  append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new Error('event store is closed'));
    let serialized: { data: string; metadata: string }[];
    try {
      serialized = events.map((event) => this.serialize(stream, event));
    } catch (error) {
      return Promise.reject(error);
    }
    if (events.length === 0) return Promise.reject(new EventRejectedError('invalid-event', 'nothing to append'));
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ queuedAt: Date.now(), stream, events, serialized, expected, resolve, reject });
      // While a busy commit waits for its retry, new appends join it.
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const maxCount = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    const rows = await this.whileBusy('read a stream', () =>
      options.direction === 'backwards'
        ? this.statements.readBackwards.all(stream, options.fromRevision ?? Number.MAX_SAFE_INTEGER, maxCount)
        : this.statements.readForwards.all(stream, options.fromRevision ?? 0, maxCount),
    );
    return rows.map(toRecordedEvent);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    return this.whileBusy('read all events', () => this.readAllNow(options.after, options.maxCount ?? Number.MAX_SAFE_INTEGER));
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    let stopped = false;
    let wake: (() => void) | undefined;
    const run = async () => {
      // Deliver nothing before the caller holds the subscription it may want to stop.
      await Promise.resolve();
      let checkpoint = options.after;
      let delivering = true;
      let busy = 0;
      while (!stopped) {
        let batch: RecordedEvent[];
        try {
          batch = this.readAllNow(checkpoint, this.batchSize);
          busy = 0;
        } catch (error) {
          // Another process holds a lock a read needs (rare in WAL): read again, however long it takes.
          if (!isBusy(error)) throw error;
          busy += 1;
          await new Promise((resolve) => setTimeout(resolve, pauseBefore(busy)));
          continue;
        }
        if (batch.length > 0) {
          await options.onEvents(batch);
          checkpoint = batch[batch.length - 1].position;
          delivering = true;
          // Let requests in between full batches: a long catch-up must not hold the whole service.
          if (batch.length === this.batchSize) await new Promise((resolve) => setImmediate(resolve));
          continue;
        }
        if (delivering) {
          options.onCaughtUp?.();
          delivering = false;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
          this.waiters.add(resolve);
          setTimeout(resolve, this.pollIntervalMs).unref();
        });
        if (wake) this.waiters.delete(wake);
      }
    };
    const done = run();
    const subscription: Subscription = {
      done,
      stop: async () => {
        stopped = true;
        wake?.();
        this.subscriptions.delete(subscription);
        await done.catch(() => undefined);
      },
    };
    this.subscriptions.add(subscription);
    done.catch(() => this.subscriptions.delete(subscription));
    return subscription;
  }

  /** Transactions committed so far: with group commit, fewer than the appends acknowledged. */
  get commitCount(): number {
    return this.commits;
  }

  async status(): Promise<StoreStatus> {
    try {
      // Not awaited when the read succeeds at once: a caller racing its subscription's first batch
      // (the projection runner, learning where the catch-up ends) gets the answer as soon as before.
      const read = this.whileBusy('status', () => this.statements.lastPosition.get(), 1000);
      const { position } = (read instanceof Promise ? await read : read) ?? { position: null };
      return { adapter: 'sqlite', ok: !this.closed, lastPosition: position === null ? undefined : BigInt(position) };
    } catch (error) {
      return { adapter: 'sqlite', ok: false, detail: (error as Error).message };
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    // Appends already accepted are committed (or refused as busy) before the file is closed.
    clearTimeout(this.retryTimer);
    while (this.queue.length > 0) {
      this.flush();
      if (this.queue.length > 0) await new Promise((resolve) => setTimeout(resolve, pauseBefore(this.busyRetries)));
    }
    clearTimeout(this.retryTimer);
    this.closed = true;
    this.db.close();
  }

  private serialize(stream: string, event: NewEvent) {
    if (!stream || typeof event.type !== 'string' || !event.type || typeof event.id !== 'string' || !event.id) {
      throw new EventRejectedError('invalid-event', 'an event needs a stream, an id and a type');
    }
    const data = JSON.stringify(event.data);
    const metadata = JSON.stringify(event.metadata ?? {});
    const size = Buffer.byteLength(data) + Buffer.byteLength(metadata);
    if (size > this.maxEventBytes) {
      throw new EventRejectedError(
        'event-too-large',
        `event ${event.type} is ${size} bytes; the limit is ${this.maxEventBytes} bytes`,
      );
    }
    return { data, metadata };
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    this.flushScheduled = false;
    this.retryTimer = undefined;
    if (batch.length === 0) return;
    let outcomes: ({ result: AppendResult } | { error: unknown })[] = [];
    try {
      this.db
        .transaction(() => {
          outcomes = [];
          for (const pending of batch) {
            try {
              // A nested transaction is a savepoint: a failing append leaves no trace, the others commit.
              outcomes.push({ result: this.db.transaction(() => this.write(pending))() });
            } catch (error) {
              // A lock lost to another process fails the whole commit, to be tried again.
              if (isBusy(error)) throw error;
              outcomes.push({ error });
            }
          }
        })
        .immediate();
    } catch (error) {
      if (isBusy(error)) return this.retryLater(batch, error);
      for (const pending of batch) pending.reject(error);
      return;
    }
    this.busyRetries = 0;
    this.commits += 1;
    this.options.onCommit?.(batch.length);
    batch.forEach((pending, i) => {
      const outcome = outcomes[i];
      if ('result' in outcome) pending.resolve(outcome.result);
      else pending.reject(outcome.error);
    });
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }

  /**
   * Another process holds the write lock: nothing of the batch was written. It goes back to the head
   * of the queue (arrival order kept, later appends behind it) and is tried again after a pause;
   * appends that have waited the whole budget are refused with StoreBusyError instead.
   */
  private retryLater(batch: PendingAppend[], cause: unknown): void {
    const now = Date.now();
    const waiting: PendingAppend[] = [];
    for (const pending of batch) {
      const waited = now - pending.queuedAt;
      if (waited >= this.busyBudgetMs) pending.reject(new StoreBusyError('append', waited, { cause }));
      else waiting.push(pending);
    }
    this.queue = [...waiting, ...this.queue];
    if (this.queue.length === 0) return;
    this.busyRetries += 1;
    this.flushScheduled = true;
    this.retryTimer = setTimeout(() => this.flush(), pauseBefore(this.busyRetries));
  }

  private write(pending: PendingAppend): AppendResult {
    const { stream, events, serialized, expected } = pending;
    const last = this.statements.lastRevision.get(stream)?.revision ?? null;
    const actual = last === null ? 'no_stream' : last;
    const repeated = this.repeatedAppend(pending, actual);
    if (repeated) return repeated;
    if (expected !== 'any' && expected !== actual) throw new ConcurrencyError(stream, expected, actual);
    let revision = last ?? -1;
    let position = Number(this.statements.lastPosition.get()?.position ?? 0);
    events.forEach((event, i) => {
      revision += 1;
      position += 1;
      this.statements.insert.run(position, event.id, stream, revision, event.type, serialized[i].data, serialized[i].metadata);
    });
    return { nextRevision: revision, position: BigInt(position) };
  }

  /**
   * The same event ids appended again: nothing is written and the first append's result is returned.
   * Events under those ids that differ from the ones offered were decided elsewhere (another process
   * ran the same command on a newer state): offered at a revision the stream has left, that is a
   * conflict, so the caller reads the stream and finds the command done there, instead of taking
   * events for written that never were.
   */
  private repeatedAppend(pending: PendingAppend, actual: number | 'no_stream'): AppendResult | undefined {
    const { stream, events, serialized, expected } = pending;
    const found = events.map((event) => this.statements.findById.get(event.id));
    if (found.every((row) => row === undefined)) return undefined;
    const sameAppend = found.every(
      (row, i) => row !== undefined && row.stream === stream && row.revision === found[0]!.revision + i,
    );
    if (!sameAppend) {
      throw new EventRejectedError('invalid-event', `stream ${stream}: event ids already used by other events`);
    }
    if (expected !== 'any' && expected !== actual) {
      const differs = events.some((event, i) => {
        const stored = this.statements.contentOf.get(event.id);
        return stored?.type !== event.type || stored.data !== serialized[i].data || stored.metadata !== serialized[i].metadata;
      });
      if (differs) throw new ConcurrencyError(stream, expected, actual);
    }
    const last = found[found.length - 1]!;
    return { nextRevision: last.revision, position: BigInt(last.position) };
  }

  /** A read that waits out another process's lock, within the busy budget; at once when there is none. */
  private whileBusy<T>(operation: string, read: () => T, budgetMs = this.busyBudgetMs): T | Promise<T> {
    try {
      return read();
    } catch (error) {
      if (!isBusy(error)) throw error;
      return retryWhileBusy(read, { operation, budgetMs });
    }
  }

  private readAllNow(after: Position | undefined, maxCount: number): RecordedEvent[] {
    return this.statements.readAll.all(after === undefined ? 0 : Number(after), maxCount).map(toRecordedEvent);
  }
}

function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row.id,
    stream: row.stream,
    revision: row.revision,
    position: BigInt(row.position),
    type: row.type,
    data: JSON.parse(row.data),
    metadata: JSON.parse(row.metadata),
  };
}
