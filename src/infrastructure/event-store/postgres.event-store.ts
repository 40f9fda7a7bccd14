import { createHash } from 'node:crypto';
import { Client, Pool, PoolConfig } from 'pg';
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

export interface PostgresEventStoreOptions {
  /** e.g. `postgres://user:password@host:5432/database` (libpq's keywords and `?sslmode=` as `pg` reads them). */
  readonly connectionString: string;
  /**
   * The schema that holds the store's table and function, created on first use when missing
   * (`als` unless told otherwise). Several stores can share a database in different schemas.
   */
  readonly schema?: string;
  /** Largest accepted event (data + metadata as JSON), in bytes; checked before anything is sent. */
  readonly maxEventBytes?: number;
  /**
   * How often an idle subscription reads again without being woken. A subscription is woken at once
   * by this process's own commits and by the server's NOTIFY for everyone else's; polling bounds the
   * delay when a notification is lost (the listening connection dropped, a NOTIFY queue overflow).
   */
  readonly pollIntervalMs?: number;
  /** Events delivered to a subscription handler at once, at most. */
  readonly subscriptionBatchSize?: number;
  /** How the store's connections name themselves in pg_stat_activity (`accreditation-lifecycle-service`). */
  readonly applicationName?: string;
  /** Connections this store opens at most for appends and reads (one more listens while subscribed). */
  readonly poolSize?: number;
  /**
   * How long an append may wait for the store's write lock (another writer's commit, in this or
   * another process) before it fails with StoreBusyError, nothing written.
   */
  readonly busyBudgetMs?: number;
  /** Appends committed together at most in one transaction (group commit). */
  readonly maxAppendsPerCommit?: number;
  /** Told of each group commit and how many appends it committed together (the service's metrics). */
  readonly onCommit?: (appends: number) => void;
}

export const DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;
export const DEFAULT_SCHEMA = 'als';
/** Bytes of event JSON sent in one group commit at most (a single larger append still goes alone). */
const MAX_COMMIT_BYTES = 8 * 1024 * 1024;
/** The append function's version: a new body gets a new name, so instances of two releases can run side by side. */
const APPEND_FUNCTION = 'append_events_v1';

interface EventRow {
  position: string;
  id: string;
  stream: string;
  revision: number;
  type: string;
  data: RecordedEvent['data'];
  metadata: RecordedEvent['metadata'];
}

interface OutcomeRow {
  r_outcome: 'ok' | 'conflict' | 'ids-used';
  r_next: number | null;
  r_position: string | null;
  r_actual: number | null;
}

interface PendingAppend {
  readonly stream: string;
  readonly expected: ExpectedRevision;
  /** This append as the JSON object the append function reads. */
  readonly json: string;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * The event store on PostgreSQL (15 or later) through `pg`: one table, `<schema>.events`, and one
 * function, `<schema>.append_events_v1`, created on first use (see docs/postgresql.md).
 *
 * **The global order.** A subscriber reads `position > checkpoint` and must never skip an event that
 * commits after it has read past that event's position. With positions from a sequence that cannot
 * be guaranteed: the sequence hands out 41 to a slow transaction and 42 to a quick one, 42 commits
 * first, a reader delivers 42 and moves its checkpoint past 41 for good. Marten answers this with a
 * high-water mark (the daemon waits at a gap and, after a time, skips it — the heuristic its 9.16.1
 * release had to repair because a slow transaction is indistinguishable from a rolled-back one),
 * Emmett with the transaction id of each row and reads bounded by `pg_snapshot_xmin(pg_current_snapshot())`
 * (exact, but the bound is cluster-wide: any write transaction left open anywhere on the server, by
 * any application, holds every subscriber back, and the order is the transaction ids' order rather
 * than the positions'), Message DB with a transaction-scoped advisory lock per category that orders
 * writers. This adapter takes Message DB's way for the whole store: every append transaction takes
 * one transaction-scoped advisory lock for the store's table before it reads the stream's revision
 * and the last position, assigns positions `max(position) + 1 …` under it, and holds it until its
 * commit is visible (PostgreSQL releases a transaction's locks only after its commit is visible to
 * new snapshots). So positions become visible in their order, always: whatever a reader sees is a
 * prefix of the log, a plain `position > checkpoint` read is exact, and positions have no gaps
 * (a rolled-back append leaves none, its numbers go to the next one). The price is that commits to
 * one store do not overlap; group commit (every append waiting in this process goes in one call,
 * one transaction, one WAL flush) and a lock held only inside one server-side function call (never
 * across a round trip to this process) keep that cheap. A write transaction of another application
 * on the same server delays nothing here.
 *
 * **Idempotency** is SQLite's: the same event ids appended again write nothing and answer the first
 * append's result; ids used by other events are refused; the same ids with a different content at a
 * revision the stream has left are a ConcurrencyError.
 */
export class PostgresEventStore implements EventStore {
  private readonly pool: Pool;
  private readonly schema: string;
  private readonly table: string;
  private readonly channel: string;
  private readonly maxEventBytes: number;
  private readonly applicationName: string;
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private readonly busyBudgetMs: number;
  private readonly maxAppendsPerCommit: number;
  private readyPromise?: Promise<void>;
  private queue: PendingAppend[] = [];
  private committing?: Promise<void>;
  private flushScheduled = false;
  private commits = 0;
  private closed = false;
  private closing?: Promise<void>;
  private readonly subscriptions = new Set<Subscription>();
  /** Bumped by every commit of this process and every notification: a reader that saw it change reads again. */
  private wakeGeneration = 0;
  private readonly waiters = new Set<() => void>();
  private listener?: Client;
  private listenerRetry?: NodeJS.Timeout;
  private listenerFailures = 0;
  private lastReadError?: string;

  constructor(private readonly options: PostgresEventStoreOptions) {
    this.schema = checkedSchema(options.schema ?? DEFAULT_SCHEMA);
    this.table = `"${this.schema}".events`;
    this.channel = channelOf(this.schema);
    this.maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
    this.applicationName = options.applicationName ?? 'accreditation-lifecycle-service';
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.batchSize = options.subscriptionBatchSize ?? 1000;
    this.busyBudgetMs = options.busyBudgetMs ?? 5_000;
    this.maxAppendsPerCommit = options.maxAppendsPerCommit ?? 500;
    const config: PoolConfig = {
      connectionString: options.connectionString,
      max: options.poolSize ?? 10,
      idleTimeoutMillis: 30_000,
      application_name: this.applicationName,
    };
    this.pool = new Pool(config);
    // An idle connection the server drops must not bring the process down; the next query opens another.
    this.pool.on('error', () => undefined);
  }

  /** The DDL of a store in `schema`, for a DBA who creates it ahead of the service (it is idempotent). */
  static schemaSql(schema: string = DEFAULT_SCHEMA): string {
    return storeDdl(checkedSchema(schema));
  }

  /** Creates the schema, table and function when missing; every operation waits for it. */
  ready(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('event store is closed'));
    this.readyPromise ??= this.createSchema().catch((error: unknown) => {
      // The server was unreachable, say: the next operation tries again.
      this.readyPromise = undefined;
      throw error;
    });
    return this.readyPromise;
  }

  append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (this.closed || this.closing) return Promise.reject(new Error('event store is closed'));
    let json: string;
    try {
      json = this.serialize(stream, events, expected);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ stream, expected, json, resolve, reject });
      this.scheduleFlush();
    });
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    await this.ready();
    const maxCount = Math.max(0, Math.min(options.maxCount ?? Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER));
    const columns = 'position, id, stream, revision, type, data, metadata';
    const { rows } =
      options.direction === 'backwards'
        ? await this.pool.query<EventRow>(
            `SELECT ${columns} FROM ${this.table} WHERE stream = $1 AND revision <= $2 ORDER BY revision DESC LIMIT $3`,
            [stream, Math.min(options.fromRevision ?? INT_MAX, INT_MAX), maxCount],
          )
        : await this.pool.query<EventRow>(
            `SELECT ${columns} FROM ${this.table} WHERE stream = $1 AND revision >= $2 ORDER BY revision ASC LIMIT $3`,
            [stream, Math.min(options.fromRevision ?? 0, INT_MAX), maxCount],
          );
    return rows.map(toRecordedEvent);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    await this.ready();
    return this.readAllNow(options.after, options.maxCount ?? Number.MAX_SAFE_INTEGER);
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    let stopped = false;
    let wake: (() => void) | undefined;
    const pause = (ms: number) =>
      new Promise<void>((resolve) => {
        wake = resolve;
        this.waiters.add(resolve);
        setTimeout(resolve, ms).unref();
      }).then(() => {
        if (wake) this.waiters.delete(wake);
        wake = undefined;
      });
    const run = async () => {
      // Deliver nothing before the caller holds the subscription it may want to stop.
      await Promise.resolve();
      this.listen();
      let checkpoint = options.after;
      let delivering = true;
      let failures = 0;
      while (!stopped) {
        const generation = this.wakeGeneration;
        let batch: RecordedEvent[];
        try {
          await this.ready();
          batch = await this.readAllNow(checkpoint, this.batchSize);
          failures = 0;
          this.lastReadError = undefined;
        } catch (error) {
          // The server went away or restarts: read again, with growing pauses, however long it takes.
          if (stopped) break;
          failures += 1;
          this.lastReadError = (error as Error).message;
          await pause(Math.min(5_000, 50 * 2 ** Math.min(failures, 7)));
          continue;
        }
        if (stopped) break;
        if (batch.length > 0) {
          await options.onEvents(batch);
          checkpoint = batch[batch.length - 1].position;
          delivering = true;
          continue;
        }
        if (delivering) {
          options.onCaughtUp?.();
          delivering = false;
        }
        // A commit or a notification while the read was under way: read again at once.
        if (generation !== this.wakeGeneration) continue;
        await pause(this.pollIntervalMs);
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
        this.unlistenWhenIdle();
      },
    };
    this.subscriptions.add(subscription);
    done.catch(() => {
      this.subscriptions.delete(subscription);
      this.unlistenWhenIdle();
    });
    return subscription;
  }

  /** Transactions committed so far: with group commit, fewer than the appends acknowledged. */
  get commitCount(): number {
    return this.commits;
  }

  async status(): Promise<StoreStatus> {
    const adapter = 'postgres';
    if (this.closed) return { adapter, ok: false, detail: 'event store is closed' };
    try {
      await this.ready();
      const { rows } = await this.pool.query<{ position: string | null }>(`SELECT max(position) AS position FROM ${this.table}`);
      const position = rows[0]?.position ?? null;
      return {
        adapter,
        ok: this.lastReadError === undefined,
        lastPosition: position === null ? undefined : BigInt(position),
        ...(this.lastReadError === undefined ? {} : { detail: `a subscription cannot read: ${this.lastReadError}` }),
      };
    } catch (error) {
      return { adapter, ok: false, detail: (error as Error).message };
    }
  }

  async close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([...this.subscriptions].map((s) => s.stop()));
      // Appends already accepted are committed (or refused) before the connections close.
      while (this.queue.length > 0 || this.committing) {
        if (this.committing) await this.committing;
        else this.flush();
      }
      this.closed = true;
      clearTimeout(this.listenerRetry);
      const listener = this.listener;
      this.listener = undefined;
      await listener?.end().catch(() => undefined);
      await this.pool.end();
    })();
    return this.closing;
  }

  // --- appends -------------------------------------------------------------------------------------

  private serialize(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): string {
    if (typeof stream !== 'string' || !stream || !storable(stream)) {
      throw new EventRejectedError('invalid-event', 'an event needs a stream, an id and a type');
    }
    if (Buffer.byteLength(stream) > 1000) throw new EventRejectedError('invalid-event', 'a stream name has 1000 bytes at most');
    if (events.length === 0) throw new EventRejectedError('invalid-event', 'nothing to append');
    if (!(expected === 'any' || expected === 'no_stream' || (Number.isInteger(expected) && expected >= 0 && expected < INT_MAX))) {
      throw new EventRejectedError('invalid-event', `expected revision ${String(expected)} is not one`);
    }
    const ids = new Set<string>();
    const parts = events.map((event) => {
      if (typeof event.type !== 'string' || !event.type || typeof event.id !== 'string' || !event.id) {
        throw new EventRejectedError('invalid-event', 'an event needs a stream, an id and a type');
      }
      if (!storable(event.id) || !storable(event.type)) {
        throw new EventRejectedError('invalid-event', `event ${event.type}: its id and type cannot hold NUL or unpaired surrogates`);
      }
      if (ids.has(event.id)) throw new EventRejectedError('invalid-event', `event id ${event.id} appears twice in one append`);
      ids.add(event.id);
      const data = JSON.stringify(event.data);
      const metadata = JSON.stringify(event.metadata ?? {});
      if (data === undefined) throw new EventRejectedError('invalid-event', `event ${event.type} has no data`);
      const size = Buffer.byteLength(data) + Buffer.byteLength(metadata);
      if (size > this.maxEventBytes) {
        throw new EventRejectedError(
          'event-too-large',
          `event ${event.type} is ${size} bytes; the limit is ${this.maxEventBytes} bytes`,
        );
      }
      // jsonb stores text without NUL and without unpaired surrogates, which JSON.stringify writes as escapes.
      if (UNSTORABLE_ESCAPE.test(data) || UNSTORABLE_ESCAPE.test(metadata)) {
        throw new EventRejectedError('invalid-event', `event ${event.type}: a string holds NUL or an unpaired surrogate, which PostgreSQL cannot store`);
      }
      return `{"id":${JSON.stringify(event.id)},"type":${JSON.stringify(event.type)},"data":${data},"metadata":${metadata}}`;
    });
    return `{"stream":${JSON.stringify(stream)},"expected":${JSON.stringify(expected)},"events":[${parts.join(',')}]}`;
  }

  private scheduleFlush(): void {
    // While a commit is under way, new appends wait for it and go together in the next one.
    if (this.flushScheduled || this.committing) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.committing || this.queue.length === 0) return;
    let bytes = 0;
    let count = 0;
    while (count < this.queue.length && count < this.maxAppendsPerCommit) {
      bytes += this.queue[count].json.length;
      if (count > 0 && bytes > MAX_COMMIT_BYTES) break;
      count += 1;
    }
    const batch = this.queue.splice(0, count);
    this.committing = this.commit(batch)
      .catch((error: unknown) => {
        for (const pending of batch) pending.reject(error);
      })
      .finally(() => {
        this.committing = undefined;
        if (this.queue.length > 0) this.scheduleFlush();
      });
  }

  private async commit(batch: PendingAppend[]): Promise<void> {
    let outcomes: OutcomeRow[];
    try {
      outcomes = await this.callAppend(batch);
    } catch (error) {
      if (batch.length === 1 || isLockTimeout(error)) {
        for (const pending of batch) pending.reject(this.appendError(error));
        return;
      }
      // One bad append must not fail the others: each goes again alone. That is safe whether or not
      // the failed call committed (the connection may have dropped after the commit): a repeated
      // append of the same ids answers the first one's result.
      for (const pending of batch) {
        try {
          this.settle(pending, (await this.callAppend([pending]))[0]);
        } catch (single) {
          pending.reject(this.appendError(single));
        }
      }
      return;
    }
    batch.forEach((pending, i) => this.settle(pending, outcomes[i]));
  }

  private async callAppend(batch: PendingAppend[]): Promise<OutcomeRow[]> {
    await this.ready();
    const { rows } = await this.pool.query<OutcomeRow>(`SELECT * FROM "${this.schema}".${APPEND_FUNCTION}($1::jsonb, $2)`, [
      `[${batch.map((pending) => pending.json).join(',')}]`,
      this.busyBudgetMs,
    ]);
    if (rows.length !== batch.length) throw new Error(`the append function answered ${rows.length} outcomes for ${batch.length} appends`);
    this.commits += 1;
    this.options.onCommit?.(batch.length);
    this.wakeSubscribers();
    return rows;
  }

  private settle(pending: PendingAppend, outcome: OutcomeRow): void {
    switch (outcome.r_outcome) {
      case 'ok':
        pending.resolve({ nextRevision: outcome.r_next!, position: BigInt(outcome.r_position!) });
        return;
      case 'conflict':
        pending.reject(new ConcurrencyError(pending.stream, pending.expected, outcome.r_actual ?? 'no_stream'));
        return;
      default:
        pending.reject(new EventRejectedError('invalid-event', `stream ${pending.stream}: event ids already used by other events`));
    }
  }

  private appendError(error: unknown): unknown {
    if (isLockTimeout(error)) return new StoreBusyError('append', this.busyBudgetMs, { cause: error });
    const code = (error as { code?: unknown }).code;
    // Text PostgreSQL cannot take (a stream name too long for its index, malformed JSON): refused, nothing written.
    if (code === '22P02' || code === '22P05' || code === '54000' || code === '22021') {
      return new EventRejectedError('invalid-event', (error as Error).message);
    }
    return error;
  }

  // --- reads and subscriptions ---------------------------------------------------------------------

  private async readAllNow(after: Position | undefined, maxCount: number): Promise<RecordedEvent[]> {
    const { rows } = await this.pool.query<EventRow>(
      `SELECT position, id, stream, revision, type, data, metadata FROM ${this.table} WHERE position > $1 ORDER BY position ASC LIMIT $2`,
      [(after ?? 0n).toString(), Math.max(0, Math.min(maxCount, Number.MAX_SAFE_INTEGER))],
    );
    return rows.map(toRecordedEvent);
  }

  private wakeSubscribers(): void {
    this.wakeGeneration += 1;
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }

  /** One connection LISTENs while there are subscriptions; when it drops, another is opened (polling covers the while). */
  private listen(): void {
    if (this.listener || this.listenerRetry || this.closed || this.subscriptions.size === 0) return;
    const client = new Client({ connectionString: this.options.connectionString, application_name: this.applicationName });
    this.listener = client;
    const lost = () => {
      if (this.listener !== client) return;
      this.listener = undefined;
      void client.end().catch(() => undefined);
      if (this.closed || this.subscriptions.size === 0) return;
      this.listenerFailures += 1;
      this.listenerRetry = setTimeout(() => {
        this.listenerRetry = undefined;
        this.listen();
      }, Math.min(10_000, 100 * 2 ** Math.min(this.listenerFailures, 7)));
      this.listenerRetry.unref();
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (message) => {
      if (message.channel === this.channel) this.wakeSubscribers();
    });
    client
      .connect()
      .then(() => client.query(`LISTEN "${this.channel}"`))
      .then(() => {
        this.listenerFailures = 0;
        // Whatever was committed while no one listened is read now.
        this.wakeSubscribers();
      })
      .catch(lost);
  }

  private unlistenWhenIdle(): void {
    if (this.subscriptions.size > 0) return;
    clearTimeout(this.listenerRetry);
    this.listenerRetry = undefined;
    const listener = this.listener;
    this.listener = undefined;
    void listener?.end().catch(() => undefined);
  }

  // --- schema --------------------------------------------------------------------------------------

  private async createSchema(): Promise<void> {
    const client = await this.pool.connect();
    try {
      // Made already (by an earlier start, or by a DBA with schemaSql()): nothing to do, and no DDL
      // privilege needed — a service account may hold only USAGE, SELECT and INSERT and EXECUTE.
      const exists = () =>
        client.query<{ ready: boolean }>('SELECT to_regclass($1) IS NOT NULL AND to_regprocedure($2) IS NOT NULL AS ready', [
          this.table,
          `"${this.schema}".${APPEND_FUNCTION}(jsonb, integer)`,
        ]);
      if ((await exists()).rows[0].ready) return;
      // Several instances may start on an empty database at once: the DDL runs one at a time.
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [(lockKeyOf(this.schema) ^ 1n).toString()]);
      if (!(await exists()).rows[0].ready) await client.query(storeDdl(this.schema));
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}

/** The store's DDL: idempotent, so it runs on every start (and a DBA may run it ahead). */
function storeDdl(schema: string): string {
  const s = `"${schema}"`;
  const events = `${s}.events`;
  const lockKey = lockKeyOf(schema).toString();
  const channel = channelOf(schema);
  return `
CREATE SCHEMA IF NOT EXISTS ${s};

CREATE TABLE IF NOT EXISTS ${events} (
  position    bigint      NOT NULL PRIMARY KEY,
  id          text        NOT NULL UNIQUE,
  stream      text        NOT NULL,
  revision    integer     NOT NULL,
  type        text        NOT NULL,
  data        jsonb       NOT NULL,
  metadata    jsonb       NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (stream, revision)
);

-- One call appends a batch of appends in one transaction. Each element of appends is
-- {"stream": text, "expected": "any" | "no_stream" | revision, "events": [{"id", "type", "data", "metadata"}]};
-- one row answers each, in order: ok (next revision, last position), conflict (the actual revision)
-- or ids-used. It must run as a statement of its own (autocommit): it takes the store's write lock,
-- which is held until the transaction ends.
CREATE OR REPLACE FUNCTION ${s}.${APPEND_FUNCTION}(appends jsonb, lock_timeout_ms integer)
RETURNS TABLE (r_outcome text, r_next integer, r_position bigint, r_actual integer)
LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
  a          jsonb;
  expected   jsonb;
  last_rev   integer;
  next_pos   bigint;
  offered    integer;
  n_found    integer;
  same       boolean;
  differs    boolean;
  found_rev  integer;
  found_pos  bigint;
  written    boolean := false;
  check_ids  boolean;
BEGIN
  IF current_setting('synchronous_commit') = 'off' THEN
    -- An acknowledged append is on disk, whatever the server's default.
    PERFORM set_config('synchronous_commit', 'on', true);
  END IF;
  PERFORM set_config('lock_timeout', lock_timeout_ms || 'ms', true);
  -- The store's write lock, until commit: positions become visible in their order (docs/postgresql.md).
  PERFORM pg_advisory_xact_lock(${lockKey});
  SELECT coalesce(max(e.position), 0) INTO next_pos FROM ${events} e;
  -- Repeated ids are rare: looked for append by append only when one of the batch's ids is stored or
  -- offered twice in the batch.
  WITH offered_ids AS (
    SELECT x->>'id' AS id FROM jsonb_array_elements(appends) AS b(a), jsonb_array_elements(b.a->'events') AS o(x)
  )
  SELECT EXISTS (SELECT 1 FROM ${events} e WHERE e.id IN (SELECT id FROM offered_ids))
      OR (SELECT count(*) <> count(DISTINCT id) FROM offered_ids)
    INTO check_ids;

  FOR a IN SELECT value FROM jsonb_array_elements(appends) LOOP
    expected := a->'expected';
    SELECT max(e.revision) INTO last_rev FROM ${events} e WHERE e.stream = a->>'stream';
    offered := jsonb_array_length(a->'events');

    -- The same ids again: the first append's result, nothing written.
    n_found := 0;
    IF check_ids THEN
      SELECT count(e.id),
             coalesce(bool_and(e.stream = a->>'stream'
                               AND e.revision = (SELECT f.revision FROM ${events} f WHERE f.id = a->'events'->0->>'id') + o.n - 1), false),
             coalesce(bool_or(e.type <> o.x->>'type' OR e.data <> o.x->'data' OR e.metadata <> o.x->'metadata'), false)
        INTO n_found, same, differs
        FROM jsonb_array_elements(a->'events') WITH ORDINALITY AS o(x, n)
        LEFT JOIN ${events} e ON e.id = o.x->>'id';
    END IF;
    IF n_found > 0 THEN
      IF n_found < offered OR NOT same THEN
        RETURN QUERY SELECT 'ids-used'::text, NULL::integer, NULL::bigint, NULL::integer;
      ELSIF expected <> '"any"' AND expected IS DISTINCT FROM coalesce(to_jsonb(last_rev), '"no_stream"') AND differs THEN
        RETURN QUERY SELECT 'conflict'::text, NULL::integer, NULL::bigint, last_rev;
      ELSE
        SELECT e.revision, e.position INTO found_rev, found_pos FROM ${events} e WHERE e.id = a->'events'->(offered - 1)->>'id';
        RETURN QUERY SELECT 'ok'::text, found_rev, found_pos, NULL::integer;
      END IF;
      CONTINUE;
    END IF;

    IF expected <> '"any"' AND expected IS DISTINCT FROM coalesce(to_jsonb(last_rev), '"no_stream"') THEN
      RETURN QUERY SELECT 'conflict'::text, NULL::integer, NULL::bigint, last_rev;
      CONTINUE;
    END IF;

    INSERT INTO ${events} (position, id, stream, revision, type, data, metadata)
    SELECT next_pos + o.n, o.x->>'id', a->>'stream', coalesce(last_rev, -1) + o.n::integer, o.x->>'type', o.x->'data', o.x->'metadata'
      FROM jsonb_array_elements(a->'events') WITH ORDINALITY AS o(x, n);
    next_pos := next_pos + offered;
    written := true;
    RETURN QUERY SELECT 'ok'::text, coalesce(last_rev, -1) + offered, next_pos, NULL::integer;
  END LOOP;

  IF written THEN
    -- Delivered at commit, to every LISTENer of the channel: subscriptions read at once.
    PERFORM pg_notify('${channel}', next_pos::text);
  END IF;
END
$fn$;
`;
}

/** The name is put into SQL (quoted) and into a NOTIFY channel name (63 bytes at most). */
function checkedSchema(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,55}$/.test(schema)) {
    throw new Error(`PostgreSQL schema name ${JSON.stringify(schema)}: lower-case letters, digits and _, at most 56`);
  }
  return schema;
}

function channelOf(schema: string): string {
  return `${schema}.events`;
}

/** The store's advisory lock key: a signed 64-bit number derived from its schema's name. */
function lockKeyOf(schema: string): bigint {
  return createHash('sha256').update(`accreditation-event-store:${schema}`).digest().readBigInt64BE(0);
}

const INT_MAX = 2_147_483_647;

/** A NUL or an unpaired surrogate, as JSON.stringify escapes them (an even run of backslashes before the escape). */
const UNSTORABLE_ESCAPE = /(?:^|[^\\])(?:\\\\)*\\u(?:0000|d[89a-f][0-9a-f]{2})/i;

/** Text PostgreSQL keeps as given: no NUL, no unpaired surrogate. */
function storable(text: string): boolean {
  return !/\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);
}

function isLockTimeout(error: unknown): boolean {
  return (error as { code?: unknown }).code === '55P03';
}

function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row.id,
    stream: row.stream,
    revision: row.revision,
    position: BigInt(row.position),
    type: row.type,
    data: row.data,
    metadata: row.metadata,
  };
}
