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
  StoreStatus,
  SubscribeOptions,
  Subscription,
} from '../../application/event-store';

export interface SqliteEventStoreOptions {
  /** Path of the database file (':memory:' for throw-away stores). */
  readonly file: string;
  /** Largest accepted event (data + metadata as JSON), in bytes. */
  readonly maxEventBytes?: number;
  /** How often an idle subscription looks for events written by another process on the same file. */
  readonly pollIntervalMs?: number;
  /** Events delivered to a subscription handler at once. */
  readonly subscriptionBatchSize?: number;
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
 */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly maxEventBytes: number;
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private queue: PendingAppend[] = [];
  private flushScheduled = false;
  private readonly waiters = new Set<() => void>();
  private readonly subscriptions = new Set<Subscription>();
  private closed = false;
  private commits = 0;

  private readonly statements: {
    findById: Database.Statement<[string], Pick<EventRow, 'stream' | 'revision' | 'position'>>;
    lastRevision: Database.Statement<[string], { revision: number | null }>;
    insert: Database.Statement<[number, string, string, number, string, string, string]>;
    readForwards: Database.Statement<[string, number, number], EventRow>;
    readBackwards: Database.Statement<[string, number, number], EventRow>;
    readAll: Database.Statement<[number, number], EventRow>;
    lastPosition: Database.Statement<[], { position: number | null }>;
  };

  constructor(options: SqliteEventStoreOptions) {
    this.maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.batchSize = options.subscriptionBatchSize ?? 1000;
    this.db = new Database(options.file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    // Another process (a second instance, a rebuild script) may hold the write lock briefly.
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`
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
    `);
    const columns = 'position, id, stream, revision, type, data, metadata';
    this.statements = {
      findById: this.db.prepare('SELECT stream, revision, position FROM events WHERE id = ?'),
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
      this.queue.push({ stream, events, serialized, expected, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const maxCount = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    const rows =
      options.direction === 'backwards'
        ? this.statements.readBackwards.all(stream, options.fromRevision ?? Number.MAX_SAFE_INTEGER, maxCount)
        : this.statements.readForwards.all(stream, options.fromRevision ?? 0, maxCount);
    return rows.map(toRecordedEvent);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    return this.readAllNow(options.after, options.maxCount ?? Number.MAX_SAFE_INTEGER);
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    let stopped = false;
    let wake: (() => void) | undefined;
    const run = async () => {
      // Deliver nothing before the caller holds the subscription it may want to stop.
      await Promise.resolve();
      let checkpoint = options.after;
      let delivering = true;
      while (!stopped) {
        const batch = this.readAllNow(checkpoint, this.batchSize);
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
      const { position } = this.statements.lastPosition.get() ?? { position: null };
      return { adapter: 'sqlite', ok: !this.closed, lastPosition: position === null ? undefined : BigInt(position) };
    } catch (error) {
      return { adapter: 'sqlite', ok: false, detail: (error as Error).message };
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    // Appends already accepted are committed before the file is closed.
    while (this.queue.length > 0) this.flush();
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
    if (batch.length === 0) return;
    const outcomes: ({ result: AppendResult } | { error: unknown })[] = [];
    try {
      this.db.transaction(() => {
        for (const pending of batch) {
          try {
            // A nested transaction is a savepoint: a failing append leaves no trace, the others commit.
            outcomes.push({ result: this.db.transaction(() => this.write(pending))() });
          } catch (error) {
            outcomes.push({ error });
          }
        }
      })();
    } catch (error) {
      for (const pending of batch) pending.reject(error);
      return;
    }
    this.commits += 1;
    batch.forEach((pending, i) => {
      const outcome = outcomes[i];
      if ('result' in outcome) pending.resolve(outcome.result);
      else pending.reject(outcome.error);
    });
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }

  private write(pending: PendingAppend): AppendResult {
    const { stream, events, serialized, expected } = pending;
    const repeated = this.repeatedAppend(stream, events);
    if (repeated) return repeated;
    const last = this.statements.lastRevision.get(stream)?.revision ?? null;
    const actual = last === null ? 'no_stream' : last;
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

  /** The same event ids appended again: nothing is written and the first append's result is returned. */
  private repeatedAppend(stream: string, events: readonly NewEvent[]): AppendResult | undefined {
    const found = events.map((event) => this.statements.findById.get(event.id));
    if (found.every((row) => row === undefined)) return undefined;
    const sameAppend = found.every(
      (row, i) => row !== undefined && row.stream === stream && row.revision === found[0]!.revision + i,
    );
    if (!sameAppend) {
      throw new EventRejectedError('invalid-event', `stream ${stream}: event ids already used by other events`);
    }
    const last = found[found.length - 1]!;
    return { nextRevision: last.revision, position: BigInt(last.position) };
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
