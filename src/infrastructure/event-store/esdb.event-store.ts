import { Logger } from '@nestjs/common';
import {
  ANY,
  AccessDeniedError,
  AllStreamSubscription,
  AppendExpectedRevision,
  AppendResult as EsdbAppendResult,
  BACKWARDS,
  CancelledError,
  DeadlineExceededError,
  END,
  EventStoreDBClient,
  FORWARDS,
  MaxAppendSizeExceededError,
  NO_STREAM,
  NotLeaderError,
  Position as EsdbPosition,
  START,
  StreamNotFoundError,
  TimeoutError,
  UnavailableError,
  UnknownError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  jsonEvent,
} from '@eventstore/db-client';
import {
  AppendResult,
  ConcurrencyError,
  EventRejectedError,
  EventStore,
  ExpectedRevision,
  JsonObject,
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

export interface EsdbEventStoreOptions {
  /** e.g. `esdb://host:2113?tls=false`, `esdb://node1:2113,node2:2113,node3:2113?tls=false` or `esdb+discover://…`. */
  readonly connectionString: string;
  /** Largest accepted event (data + metadata as JSON), in bytes; checked before anything is sent. */
  readonly maxEventBytes?: number;
  /** Events handed to a subscription handler at once, at most. */
  readonly subscriptionBatchSize?: number;
  /** First wait before resubscribing after a dropped subscription; doubles up to the maximum. */
  readonly resubscribeInitialDelayMs?: number;
  readonly resubscribeMaxDelayMs?: number;
  /**
   * How long an append may keep trying through an election, a leader change or write timeouts
   * (default 10 s); past it the append fails with StoreUnavailableError (503 store-unavailable).
   */
  readonly appendRetryBudgetMs?: number;
  /** First wait between two attempts of an append; doubles up to the maximum (defaults 50 ms, 1 s). */
  readonly appendRetryInitialDelayMs?: number;
  readonly appendRetryMaxDelayMs?: number;
  /** "Not ready" answers in a row after which the client is replaced, so discovery runs again (default 2). */
  readonly rediscoverAfterNotReady?: number;
  /**
   * A subscription from which nothing at all arrives for this long (no event, checkpoint or caughtUp)
   * is resubscribed from its checkpoint (default 30 s; 0 never): a node shutting down may leave the
   * call open and silent (KurrentDB #5672).
   */
  readonly subscriptionSilenceMs?: number;
  /**
   * gRPC calls this store keeps open at once on its connection (default 64): the server lets a
   * connection carry 100 streams and grpc-js queues the rest unseen, forever (KurrentDB #5682).
   * Subscriptions take at most half; reads and appends share the rest, one kept for BatchAppend.
   */
  readonly maxConcurrentCalls?: number;
  /** The append deadline the client puts in each BatchAppend (its clock + this), before any correction (default 10 s). */
  readonly appendDeadlineMs?: number;
  /** A server answering Timeout within this long cannot have waited for a write: the deadline had passed on its clock (default 500 ms). */
  readonly immediateTimeoutMs?: number;
  /** Clock skew between this machine and the server reported in status() and the log from this size (default 5 s). */
  readonly clockSkewWarnMs?: number;
}

export const DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;

/**
 * The store did not take an operation within the retry budget (an election that did not end, a
 * leader that could not be found, writes that kept timing out). An append at a fixed expected
 * revision may have been written by one of its attempts: sending the same command again is safe,
 * its event ids derive from the command id. Answered 503 `store-unavailable`.
 */
export class StoreUnavailableError extends StoreBusyError {
  constructor(
    operation: string,
    waitedMs: number,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(operation, waitedMs, options);
    this.name = 'StoreUnavailableError';
    this.message = `the event store did not take the ${operation} within ${waitedMs} ms (${reason}); send it again: a repeated command writes once`;
  }
}

/** What the client hands back for one stored event, whatever its content type. */
interface WireEvent {
  readonly streamId: string;
  readonly id: string;
  readonly revision: bigint;
  readonly type: string;
  readonly isJson: boolean;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly created?: Date;
  readonly position?: EsdbPosition;
}

/**
 * An event's place in $all as the server knows it, and its rank among the user events sharing its
 * commit position (-1 when it is self-committed, as every event a gRPC append writes).
 */
interface Exact {
  readonly commit: bigint;
  readonly prepare: bigint;
  readonly rank: number;
}

/** ulong.MaxValue: what servers before 22.10 put where they do not know an event's $all position. */
const NO_POSITION = 2n ** 64n - 1n;
/** $all is read in pages, so a bounded read never streams the whole log. */
const READ_ALL_PAGE = 4096;
/**
 * Events of one transaction numbered inside its commit record (commit + 1 + rank): a commit record
 * of log format V2 takes 66 bytes, so no other event's position can fall there.
 */
const TRANSACTION_SLOTS = 64;
const CAUGHT_UP = Symbol('caught-up');
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The port's position for an event: its commit position when it is self-committed (prepare =
 * commit: every event a gRPC append writes, so a log this service wrote keeps the positions it
 * always had); inside the commit record, commit + 1 + rank, for the events of an old TCP client's
 * transaction, which share one commit position and differ by prepare position. Both orders agree:
 * a transaction's events come after every event committed before its commit record and before
 * every record after it. See docs/eventstoredb.md, "Positions".
 */
export function encodePosition(exact: Exact): Position {
  if (exact.commit === exact.prepare) return exact.commit;
  if (exact.rank < 0 || exact.rank >= TRANSACTION_SLOTS) {
    throw new Error(
      `the transaction committed at ${exact.commit} holds more than ${TRANSACTION_SLOTS} events; their positions cannot be told apart inside its commit record`,
    );
  }
  return exact.commit + 1n + BigInt(exact.rank);
}

/** Numbers the user events sharing a commit position, in $all order, from what came before. */
class Ranker {
  constructor(private last?: Exact) {}
  next(commit: bigint, prepare: bigint): Exact {
    if (commit === prepare) return (this.last = { commit, prepare, rank: -1 });
    const rank = this.last && this.last.commit === commit && this.last.rank >= 0 ? this.last.rank + 1 : 0;
    return (this.last = { commit, prepare, rank });
  }
}

/** A counting semaphore whose waiters can give up. */
class Slots {
  private used = 0;
  private readonly waiters = new Set<() => void>();
  constructor(readonly size: number) {}
  get waiting(): number {
    return this.waiters.size;
  }
  get inUse(): number {
    return this.used;
  }
  /** Resolves with a release function; `cancel` makes a waiting acquire resolve with undefined. */
  acquire(): { slot: Promise<(() => void) | undefined>; cancel: () => void } {
    let cancel = () => undefined as void;
    const slot = new Promise<(() => void) | undefined>((resolve) => {
      const take = () => {
        this.used += 1;
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.used -= 1;
          const [next] = this.waiters;
          if (next) {
            this.waiters.delete(next);
            next();
          }
        });
      };
      if (this.used < this.size) return take();
      this.waiters.add(take);
      cancel = () => {
        if (this.waiters.delete(take)) resolve(undefined);
      };
    });
    return { slot, cancel };
  }
  async run<T>(call: () => Promise<T>): Promise<T> {
    const release = (await this.acquire().slot)!;
    try {
      return await call();
    } finally {
      release();
    }
  }
}

/** One client (one gRPC channel) and what still runs on it, so a replaced one is disposed when idle. */
interface Connection {
  readonly client: EventStoreDBClient;
  calls: number;
  retired: boolean;
}

/**
 * The event store on EventStoreDB / KurrentDB through @eventstore/db-client 6.2.1, made to hold on
 * a cluster (docs/eventstoredb.md):
 *
 * - Appends retry through elections and leader changes: "not ready" (BatchAppend's error the
 *   client surfaces as UnknownError), NotLeader (the client reconnects to the leader it names) and
 *   write timeouts, with backoff, a new client (discovery again) after repeated "not ready", within
 *   a budget; past it StoreUnavailableError. A timeout or a lost connection leaves the outcome
 *   unknown, so it is retried only for an append at a fixed expected revision, which the server
 *   answers with the first write's result when it was written.
 * - An append's position comes from the append's answer (fresh or repeated); it is read back only
 *   when the answer has none.
 * - Subscriptions are resubscribed from their checkpoint when they end or go silent, and calls per
 *   connection are bounded.
 * - Positions keep commit and prepare together (encodePosition).
 * - The server's clock is learnt from the events it stamps; the BatchAppend deadline (absolute, read
 *   against the server's clock) is corrected by it, and a large skew is reported by status() and
 *   logged.
 *
 * System events (types starting with '$', such as the server's own statistics) are left out of
 * readAll, subscriptions and status: this service never writes them and its readers must not wait
 * for them. Needs EventStoreDB 22.10 or later (the $all position of events read from a stream);
 * `onCaughtUp` needs the subscription `caughtUp` message (23.10+).
 */
export class EsdbEventStore implements EventStore {
  private readonly logger = new Logger('EsdbEventStore');
  private readonly connectionString: string;
  private connection: Connection;
  private readonly connections = new Set<Connection>();
  private readonly maxEventBytes: number;
  private readonly batchSize: number;
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly retryBudgetMs: number;
  private readonly retryInitialDelayMs: number;
  private readonly retryMaxDelayMs: number;
  private readonly rediscoverAfter: number;
  private readonly silenceMs: number;
  private readonly appendDeadlineMs: number;
  private readonly immediateTimeoutMs: number;
  private readonly skewWarnMs: number;
  private readonly callSlots: Slots;
  private readonly subscriptionSlots: Slots;
  private readonly subscriptions = new Set<Subscription>();
  /** Told to move to the new client after a rediscovery. */
  private readonly restarts = new Set<() => void>();
  /** Positions of transaction events handed out, to resume from them exactly. */
  private readonly exact = new Map<Position, Exact>();
  /** Newest user-event position this process has seen, so status() scans back no further. */
  private knownLast: Position | undefined;
  /** Server clock minus this machine's, from the events it stamped as they were written. */
  private readonly skewSamples: { readonly value: number; readonly at: number }[] = [];
  /** Added to the append deadline after the server answered Timeout at once (its clock is ahead). */
  private deadlineExtraMs = 0;
  private reportedSkew: number | undefined;
  private lastRediscovery = 0;
  private closed = false;
  /** What happened that a test or an operator may want to count. */
  readonly counters = { appendRetries: 0, rediscoveries: 0, silentResubscriptions: 0, readBacks: 0 };

  constructor(options: EsdbEventStoreOptions) {
    this.connectionString = options.connectionString;
    this.connection = this.connect();
    this.maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
    this.batchSize = options.subscriptionBatchSize ?? 500;
    this.initialDelayMs = options.resubscribeInitialDelayMs ?? 100;
    this.maxDelayMs = options.resubscribeMaxDelayMs ?? 5000;
    this.retryBudgetMs = options.appendRetryBudgetMs ?? 10_000;
    this.retryInitialDelayMs = options.appendRetryInitialDelayMs ?? 50;
    this.retryMaxDelayMs = options.appendRetryMaxDelayMs ?? 1000;
    this.rediscoverAfter = options.rediscoverAfterNotReady ?? 2;
    this.silenceMs = options.subscriptionSilenceMs ?? 30_000;
    this.appendDeadlineMs = options.appendDeadlineMs ?? 10_000;
    this.immediateTimeoutMs = options.immediateTimeoutMs ?? 500;
    this.skewWarnMs = options.clockSkewWarnMs ?? 5000;
    const calls = Math.max(4, options.maxConcurrentCalls ?? 64);
    this.subscriptionSlots = new Slots(Math.floor(calls / 2));
    this.callSlots = new Slots(calls - this.subscriptionSlots.size - 1);
  }

  // ---- appends ------------------------------------------------------------------------------

  async append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (this.closed) throw new Error('event store is closed');
    const data = events.map((event) => this.serialize(stream, event));
    if (events.length === 0) throw new EventRejectedError('invalid-event', 'nothing to append');
    // 'any' is not safe to repeat after an unknown outcome: the server's idempotency check for it
    // only looks for the first id in the stream. A fixed expected revision is.
    const repeatable = expected !== 'any';
    const started = Date.now();
    let delay = this.retryInitialDelayMs;
    let notReadyInRow = 0;
    for (let attempt = 1; ; attempt += 1) {
      const connection = this.connection;
      const sent = Date.now();
      const skewSuspected = this.deadlineExtraMs > 0;
      let answer: EsdbAppendResult;
      try {
        const attemptCall = this.onConnection(connection, this.callSlots, (client) =>
          client.appendToStream(stream, data, { expectedRevision: toExpectedRevision(expected), deadline: this.appendDeadline() }),
        );
        // One attempt may itself outlast the budget (discovery while no node is the leader).
        answer = await withinBudget(attemptCall, this.retryBudgetMs - (Date.now() - started), () =>
          new StoreUnavailableError('append', Date.now() - started, `no answer within the budget, ${attempt} attempts`),
        );
      } catch (error) {
        if (error instanceof WrongExpectedVersionError) {
          const actual = error.actualVersion;
          throw new ConcurrencyError(stream, expected, typeof actual === 'bigint' ? Number(actual) : 'no_stream');
        }
        if (error instanceof MaxAppendSizeExceededError) {
          throw new EventRejectedError('event-too-large', `the append exceeds the server's size limit: ${error.message}`);
        }
        if (this.closed || error instanceof StoreUnavailableError) throw error;
        const elapsed = Date.now() - sent;
        const kind = classifyAppendError(error, elapsed, this.immediateTimeoutMs);
        if (kind === 'fatal') throw error;
        if (kind === 'deadline-passed') this.suspectClockAhead(elapsed);
        notReadyInRow = kind === 'not-ready' ? notReadyInRow + 1 : 0;
        const retryable = kind === 'not-ready' || kind === 'not-leader' || kind === 'deadline-passed' || repeatable;
        const waited = Date.now() - started;
        if (!retryable || waited + delay > this.retryBudgetMs) {
          throw new StoreUnavailableError('append', waited, `${describe(error)}${retryable ? `, ${attempt} attempts` : ', not repeated: the expected revision is any'}`, { cause: error });
        }
        if (notReadyInRow >= this.rediscoverAfter) {
          notReadyInRow = 0;
          this.rediscover(`"not ready" ${this.rediscoverAfter} times in a row`);
        }
        this.counters.appendRetries += 1;
        await sleep(delay);
        delay = Math.min(delay * 2, this.retryMaxDelayMs);
        continue;
      }
      const result = await this.appendResult(stream, events, answer, started);
      if (skewSuspected) await this.measureSkewFromWrite(stream, result.nextRevision, sent, Date.now());
      return result;
    }
  }

  /**
   * The position the answer carries: the last event's, for a fresh write and for a repeated one
   * (the first write's). Read back only when the answer has none, on the leader that wrote it.
   */
  private async appendResult(stream: string, events: readonly NewEvent[], answer: EsdbAppendResult, started: number): Promise<AppendResult> {
    const nextRevision = Number(answer.nextExpectedRevision);
    const commit = answer.position?.commit;
    if (commit !== undefined && commit >= 0n && commit !== NO_POSITION) {
      const position = encodePosition({ commit, prepare: answer.position!.prepare, rank: -1 });
      this.remember(position);
      return { nextRevision, position };
    }
    this.counters.readBacks += 1;
    const [last] = await this.retryRead('append', started, () => this.readOnce(stream, { fromRevision: nextRevision, maxCount: 1 }, true));
    const lastId = events[events.length - 1].id.toLowerCase();
    if (!last || last.id.toLowerCase() !== lastId) {
      throw new Error(`stream ${stream}: the server acknowledged revision ${nextRevision} but does not hold event ${lastId} there`);
    }
    this.remember(last.position);
    return { nextRevision, position: last.position };
  }

  private appendDeadline(): number {
    const skew = this.skewEstimate();
    return this.appendDeadlineMs + this.deadlineExtraMs + (skew !== undefined && skew > 0 ? skew : 0);
  }

  /**
   * The server answered Timeout before any write timeout could run out: the deadline the client
   * sent (its own clock + 10 s) had already passed on the server's clock. The next attempts carry
   * a longer deadline, doubled each time, until one is taken; nothing was written meanwhile, since
   * the server refuses such a write before handling it.
   */
  private suspectClockAhead(elapsed: number): void {
    this.deadlineExtraMs = Math.min(Math.max(this.appendDeadlineMs, this.deadlineExtraMs * 2), 24 * 3600_000);
    this.logger.warn({
      msg: 'the event store answered an append Timeout at once: its clock is ahead of this machine\'s by more than the append deadline; retrying with a longer deadline',
      answeredInMs: elapsed,
      deadlineMs: this.appendDeadline(),
    });
  }

  /** After a suspected skew, the event just written tells the server's time: one read. */
  private async measureSkewFromWrite(stream: string, revision: number, sent: number, answered: number): Promise<void> {
    try {
      const [event] = await this.readWire(stream, revision);
      if (event?.created) this.observeSkew(event.created.getTime() - (sent + answered) / 2, true);
    } catch {
      // A measurement only; the append itself succeeded.
    }
  }

  // ---- reads --------------------------------------------------------------------------------

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    return this.retryRead('read', Date.now(), () => this.readOnce(stream, options, false));
  }

  /**
   * Reads are safe to send again. A call failing because the client's channel is being replaced
   * (any call ending UNAVAILABLE closes it) or because the node is not the leader or not ready is
   * sent again, with backoff and within the append budget.
   */
  private async retryRead<T>(operation: string, started: number, call: () => Promise<T>): Promise<T> {
    let delay = 20;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await call();
      } catch (error) {
        if (this.closed) throw error;
        const transient = error instanceof UnavailableError || error instanceof NotLeaderError || error instanceof CancelledError || isNotReady(error);
        if (!transient) throw error;
        const waited = Date.now() - started;
        if (waited + delay > this.retryBudgetMs) throw new StoreUnavailableError(operation, waited, `${describe(error)}, ${attempt} attempts`, { cause: error });
        if (isNotReady(error) && attempt % this.rediscoverAfter === 0) this.rediscover('reads answered "not ready"');
        await sleep(delay);
        delay = Math.min(delay * 2, this.retryMaxDelayMs);
      }
    }
  }

  private async readOnce(stream: string, options: ReadStreamOptions, requiresLeader: boolean): Promise<RecordedEvent[]> {
    if (this.closed) throw new Error('event store is closed');
    const maxCount = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    if (maxCount <= 0) return [];
    const backwards = options.direction === 'backwards';
    const fromRevision =
      options.fromRevision === undefined ? (backwards ? END : START) : BigInt(Math.max(0, options.fromRevision));
    const wire = await this.readStreamWire(stream, { direction: backwards ? BACKWARDS : FORWARDS, fromRevision, maxCount, requiresLeader });
    const exacts = await this.rankStreamEvents(stream, wire, requiresLeader);
    return wire.map((event, i) => this.recorded(event, exacts[i]));
  }

  private async readStreamWire(
    stream: string,
    options: { direction: typeof FORWARDS | typeof BACKWARDS; fromRevision: bigint | typeof START | typeof END; maxCount: number; requiresLeader: boolean },
  ): Promise<WireEvent[]> {
    return this.onConnection(this.connection, this.callSlots, async (client) => {
      const read: WireEvent[] = [];
      try {
        for await (const resolved of client.readStream(stream, options)) if (resolved.event) read.push(resolved.event as WireEvent);
      } catch (error) {
        if (error instanceof StreamNotFoundError) return [];
        throw error;
      }
      return read;
    });
  }

  private readWire(stream: string, revision: number): Promise<WireEvent[]> {
    return this.readStreamWire(stream, { direction: FORWARDS, fromRevision: BigInt(revision), maxCount: 1, requiresLeader: false });
  }

  /**
   * Stream reads carry each event's (commit, prepare) but not its rank within a transaction: the
   * events of an old TCP transaction are consecutive in their (one) stream, so the rank is counted
   * there, reading back before the page when it starts inside one.
   */
  private async rankStreamEvents(stream: string, events: readonly WireEvent[], requiresLeader: boolean): Promise<Exact[]> {
    const pairs = events.map((event) => exactPair(event));
    const exacts: Exact[] = pairs.map(({ commit, prepare }) => ({ commit, prepare, rank: -1 }));
    if (pairs.every(({ commit, prepare }) => commit === prepare)) return exacts;
    const order = events.map((_, i) => i).sort((a, b) => Number(events[a].revision - events[b].revision));
    const first = order[0];
    let before = 0;
    if (pairs[first].commit !== pairs[first].prepare && events[first].revision > 0n) {
      // How many user events of the same transaction come before the page.
      for (let revision = events[first].revision - 1n; revision >= 0n; revision -= 1n) {
        const [previous] = await this.readStreamWire(stream, { direction: FORWARDS, fromRevision: revision, maxCount: 1, requiresLeader });
        if (!previous || exactPair(previous).commit !== pairs[first].commit) break;
        if (!isSystemEvent(previous)) before += 1;
      }
    }
    let group: bigint | undefined;
    let rank = -1;
    for (const [k, i] of order.entries()) {
      const { commit, prepare } = pairs[i];
      if (commit === prepare) {
        group = undefined;
        continue;
      }
      if (group !== commit) {
        group = commit;
        rank = (k === 0 ? before : 0) - 1;
      }
      if (isSystemEvent(events[i])) continue;
      rank += 1;
      exacts[i] = { commit, prepare, rank };
    }
    return exacts;
  }

  readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    return this.retryRead('read', Date.now(), () => this.readAllOnce(options));
  }

  private async readAllOnce(options: ReadAllOptions): Promise<RecordedEvent[]> {
    if (this.closed) throw new Error('event store is closed');
    const maxCount = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    const read: RecordedEvent[] = [];
    // The server's start position is inclusive and the port's `after` exclusive: the event at
    // exactly `after` is skipped, and each following page starts at the last raw event read.
    const after = options.after;
    // A self-committed event's position is its own (commit, prepare); only a transaction's needs more.
    let from: Exact | undefined = after === undefined ? undefined : (this.exact.get(after) ?? { commit: after, prepare: after, rank: -1 });
    let ranker = new Ranker(from);
    let firstPage = true;
    while (read.length < maxCount) {
      const pageSize = Math.min(maxCount - read.length, READ_ALL_PAGE) + 1;
      let raw = 0;
      const readPage = (start: Exact | undefined) =>
        this.onConnection(this.connection, this.callSlots, async (client) => {
          const events: WireEvent[] = [];
          for await (const resolved of client.readAll({ fromPosition: start === undefined ? START : { commit: start.commit, prepare: start.prepare }, maxCount: pageSize })) {
            raw += 1;
            if (resolved.event) events.push(resolved.event as WireEvent);
          }
          return events;
        });
      let page: WireEvent[];
      try {
        page = await readPage(from);
      } catch (error) {
        if (!firstPage || after === undefined || !isInvalidPosition(error)) throw error;
        // Inside a transaction's commit record: a checkpoint from before a restart.
        from = await this.searchBackwards(after);
        ranker = new Ranker(from);
        raw = 0;
        page = await readPage(from);
      }
      firstPage = false;
      for (const event of page) {
        const pair = exactPair(event);
        if (from !== undefined && comparePairs(pair, from) <= 0) continue;
        if (isSystemEvent(event)) {
          from = { ...pair, rank: from?.rank ?? -1 };
          continue;
        }
        const exact = ranker.next(pair.commit, pair.prepare);
        from = exact;
        read.push(this.recorded(event, exact));
      }
      if (raw < pageSize) break;
    }
    const result = read.slice(0, maxCount);
    if (result.length > 0) this.remember(result[result.length - 1].position);
    return result;
  }

  /**
   * The (commit, prepare) a port position stands for: a self-committed event's own position, or a
   * transaction event this process handed out. Otherwise (a checkpoint stored before a restart that
   * lands inside a transaction's commit record) the server refuses to read from it, and the log is
   * searched backwards from its end for the event with that position.
   */
  private async resolve(position: Position): Promise<Exact> {
    const known = this.exact.get(position);
    if (known) return known;
    const guess: Exact = { commit: position, prepare: position, rank: -1 };
    try {
      await this.onConnection(this.connection, this.callSlots, async (client) => {
        for await (const resolved of client.readAll({ fromPosition: { commit: position, prepare: position }, maxCount: 1 })) void resolved;
      });
      return guess;
    } catch (error) {
      if (!isInvalidPosition(error)) throw error;
    }
    return this.searchBackwards(position);
  }

  private async searchBackwards(position: Position): Promise<Exact> {
    const collected: WireEvent[] = [];
    let before: EsdbPosition | undefined;
    const floor = position - BigInt(TRANSACTION_SLOTS) - 1n;
    for (;;) {
      const page = await this.onConnection(this.connection, this.callSlots, async (client) => {
        const events: WireEvent[] = [];
        for await (const resolved of client.readAll({ direction: BACKWARDS, fromPosition: before ?? END, maxCount: 512 })) {
          if (resolved.event) events.push(resolved.event as WireEvent);
        }
        return events;
      });
      for (const event of page) collected.push(event);
      const last = page.at(-1);
      if (!last || page.length < 512 || exactPair(last).commit < floor) break;
      before = exactPair(last);
    }
    const ranker = new Ranker();
    for (const event of collected.reverse()) {
      if (isSystemEvent(event)) continue;
      const pair = exactPair(event);
      const exact = ranker.next(pair.commit, pair.prepare);
      if (encodePosition(exact) === position) return exact;
    }
    throw new Error(`position ${position} is not the position of an event in this log`);
  }

  // ---- subscriptions ------------------------------------------------------------------------

  subscribeToAll(options: SubscribeOptions): Subscription {
    let stopped = false;
    let wake: (() => void) | undefined;
    let current: AllStreamSubscription | undefined;
    let cancelSlot: (() => void) | undefined;
    let restartRequested = false;
    const notify = () => {
      const resume = wake;
      wake = undefined;
      resume?.();
    };
    const wait = (ms: number | undefined) =>
      new Promise<void>((resolve) => {
        const timer = ms === undefined ? undefined : setTimeout(() => notify(), ms);
        wake = () => {
          if (timer) clearTimeout(timer);
          resolve();
        };
      });
    const restart = () => {
      restartRequested = true;
      notify();
    };
    this.restarts.add(restart);

    const run = async () => {
      // Deliver nothing before the caller holds the subscription it may want to stop.
      await Promise.resolve();
      if (this.closed) throw new Error('event store is closed');
      /** The last event taken from the server: queued or already handled. */
      let received: Exact | undefined = options.after === undefined ? undefined : await this.resolve(options.after);
      let delay = this.initialDelayMs;
      while (!stopped) {
        // One call of the connection's bounded number; waits for a slot rather than queue unseen in grpc-js.
        const acquired = this.subscriptionSlots.acquire();
        cancelSlot = acquired.cancel;
        const release = await acquired.slot;
        cancelSlot = undefined;
        if (!release) break;
        const connection = this.connection;
        connection.calls += 1;
        const queue: (RecordedEvent | typeof CAUGHT_UP)[] = [];
        let rawSeen = 0;
        const caughtUpAt: number[] = [];
        let ended = false;
        let silent = false;
        let live = false;
        let fatal: unknown;
        /** When the server last showed it is there (any message), or the handler last gave way. */
        let lastSign = Date.now();
        const ranker = new Ranker(received);
        const subscription = connection.client.subscribeToAll({
          fromPosition: received === undefined ? START : { commit: received.commit, prepare: received.prepare },
          filter: excludeSystemEvents({ checkpointReached: () => void (lastSign = Date.now()) }),
        });
        current = subscription;
        restartRequested = false;
        const onData = (resolved: { event?: unknown; commitPosition?: bigint }) => {
          rawSeen += 1;
          lastSign = Date.now();
          const event = resolved.event as WireEvent | undefined;
          if (event && !isSystemEvent(event)) {
            try {
              const pair = exactPair(event, resolved.commitPosition);
              // A server must not send the start position again, nor anything twice; never pass it on.
              if (received === undefined || comparePairs(pair, received) > 0) {
                const exact = ranker.next(pair.commit, pair.prepare);
                received = exact;
                if (live && event.created) this.observeSkew(event.created.getTime() - lastSign, true);
                queue.push(this.recorded(event, exact));
              }
            } catch (error) {
              fatal ??= error;
              ended = true;
            }
          }
          while (caughtUpAt.length > 0 && caughtUpAt[0] <= rawSeen) {
            caughtUpAt.shift();
            queue.push(CAUGHT_UP);
          }
          if (queue.length >= this.batchSize * 2) subscription.pause();
          notify();
        };
        const onCaughtUp = () => {
          lastSign = Date.now();
          live = true;
          // Emitted as the message is parsed: events before it may still wait in the stream's buffer.
          const at = rawSeen + subscription.readableLength;
          if (at <= rawSeen) queue.push(CAUGHT_UP);
          else caughtUpAt.push(at);
          notify();
        };
        const onSign = () => {
          lastSign = Date.now();
        };
        const onConfirmation = () => {
          lastSign = Date.now();
          delay = this.initialDelayMs;
        };
        let left = false;
        const onError = (error: unknown) => {
          // Stays attached so that a late error of an abandoned call is never unhandled.
          if (left) return;
          if (error instanceof AccessDeniedError) fatal ??= error;
          ended = true;
          notify();
        };
        const onEnd = () => {
          ended = true;
          notify();
        };
        subscription.on('data', onData);
        subscription.on('caughtUp', onCaughtUp);
        subscription.on('fellBehind', onSign);
        subscription.on('confirmation', onConfirmation);
        subscription.on('error', onError);
        subscription.on('end', onEnd);
        subscription.on('close', onEnd);
        try {
          while (!stopped && fatal === undefined && !restartRequested) {
            if (queue[0] === CAUGHT_UP) {
              queue.shift();
              options.onCaughtUp?.();
              continue;
            }
            if (queue.length > 0) {
              const end = queue.findIndex((item) => item === CAUGHT_UP);
              const batch = queue.splice(0, Math.min(end === -1 ? queue.length : end, this.batchSize)) as RecordedEvent[];
              await options.onEvents(batch);
              this.remember(batch[batch.length - 1].position);
              lastSign = Math.max(lastSign, Date.now());
              if (queue.length < this.batchSize && subscription.isPaused()) subscription.resume();
              continue;
            }
            if (ended) break;
            if (this.silenceMs > 0 && !subscription.isPaused()) {
              const quietFor = Date.now() - lastSign;
              if (quietFor >= this.silenceMs) {
                silent = true;
                break;
              }
              await wait(this.silenceMs - quietFor);
            } else await wait(undefined);
          }
        } catch (error) {
          // The handler failed: the subscription ends with its error, as in every adapter.
          stopped = true;
          throw error;
        } finally {
          // Whatever the old call still buffers must not move `received` under the next one.
          left = true;
          subscription.off('data', onData);
          subscription.off('caughtUp', onCaughtUp);
          subscription.off('fellBehind', onSign);
          subscription.off('confirmation', onConfirmation);
          subscription.off('end', onEnd);
          subscription.off('close', onEnd);
          await subscription.unsubscribe().catch(() => undefined);
          connection.calls -= 1;
          release();
          this.disposeIfIdle(connection);
        }
        if (fatal !== undefined) throw fatal;
        if (stopped) break;
        if (restartRequested) continue;
        if (silent) {
          this.counters.silentResubscriptions += 1;
          this.logger.warn({ msg: 'a subscription stayed silent (no event, checkpoint or caughtUp); resubscribing from its checkpoint', silentForMs: this.silenceMs });
          continue;
        }
        // Dropped by the server or the network: resume after the last event received, with backoff.
        await wait(delay);
        delay = Math.min(delay * 2, this.maxDelayMs);
      }
    };

    const done = run();
    const subscription: Subscription = {
      done,
      stop: async () => {
        stopped = true;
        cancelSlot?.();
        notify();
        await current?.unsubscribe().catch(() => undefined);
        this.subscriptions.delete(subscription);
        await done.catch(() => undefined);
      },
    };
    this.subscriptions.add(subscription);
    done
      .catch(() => undefined)
      .finally(() => {
        this.subscriptions.delete(subscription);
        this.restarts.delete(restart);
      });
    return subscription;
  }

  // ---- status and lifecycle -----------------------------------------------------------------

  async status(): Promise<StoreStatus> {
    if (this.closed) return { adapter: 'esdb', ok: false, detail: 'event store is closed' };
    try {
      const lastPosition = await this.retryRead('read', Date.now(), () => this.lastUserEventPosition());
      const skew = this.significantSkew();
      const notes = [
        ...(skew === undefined
          ? []
          : [`the event store's clock is ${Math.abs(skew)} ms ${skew > 0 ? 'ahead of' : 'behind'} this machine's${skew > 0 ? '; appends carry a deadline corrected by it' : ''}: synchronise the clocks (NTP)`]),
        ...(this.subscriptionSlots.waiting > 0 ? [`${this.subscriptionSlots.waiting} subscription(s) wait for one of the ${this.subscriptionSlots.size} calls a connection gives subscriptions`] : []),
      ];
      return {
        adapter: 'esdb',
        ok: !this.closed,
        lastPosition,
        ...(skew === undefined ? {} : { clockSkewMs: skew }),
        ...(notes.length > 0 ? { detail: notes.join('; ') } : {}),
      };
    } catch (error) {
      return { adapter: 'esdb', ok: false, detail: (error as Error).message };
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    await Promise.all([...this.connections].map((connection) => connection.client.dispose()));
    this.connections.clear();
  }

  private connect(): Connection {
    const connection: Connection = { client: EventStoreDBClient.connectionString(this.connectionString), calls: 0, retired: false };
    this.connections.add(connection);
    return connection;
  }

  /**
   * A new client, so the next calls discover the cluster again (gossip for a cluster's connection
   * string): the 6.2.1 client reconnects by itself on UNAVAILABLE and NotLeader, never on "not
   * ready". Subscriptions move to it; the old one is disposed once nothing runs on it.
   */
  private rediscover(reason: string): void {
    if (this.closed || Date.now() - this.lastRediscovery < 100) return;
    this.lastRediscovery = Date.now();
    this.counters.rediscoveries += 1;
    this.logger.warn({ msg: 'connecting to the event store again to discover its leader', reason });
    const old = this.connection;
    old.retired = true;
    this.connection = this.connect();
    for (const restart of this.restarts) restart();
    this.disposeIfIdle(old);
  }

  private disposeIfIdle(connection: Connection): void {
    if (!connection.retired || connection.calls > 0 || !this.connections.has(connection)) return;
    this.connections.delete(connection);
    void connection.client.dispose().catch(() => undefined);
  }

  /** A call on one connection, counted there and in the bounded slots. */
  private async onConnection<T>(connection: Connection, slots: Slots, call: (client: EventStoreDBClient) => Promise<T>): Promise<T> {
    return slots.run(async () => {
      connection.calls += 1;
      try {
        return await call(connection.client);
      } finally {
        connection.calls -= 1;
        this.disposeIfIdle(connection);
      }
    });
  }

  private serialize(stream: string, event: NewEvent) {
    if (!stream || typeof event.type !== 'string' || !event.type || typeof event.id !== 'string' || !event.id) {
      throw new EventRejectedError('invalid-event', 'an event needs a stream, an id and a type');
    }
    const metadata = event.metadata ?? {};
    const size = Buffer.byteLength(JSON.stringify(event.data)) + Buffer.byteLength(JSON.stringify(metadata));
    if (size > this.maxEventBytes) {
      throw new EventRejectedError(
        'event-too-large',
        `event ${event.type} is ${size} bytes; the limit is ${this.maxEventBytes} bytes`,
      );
    }
    return jsonEvent({ id: event.id, type: event.type, data: event.data, metadata });
  }

  /**
   * The newest user event: $all read backwards past system events (the server writes its own
   * statistics), no further back than the newest position this process already knows.
   */
  private async lastUserEventPosition(): Promise<Position | undefined> {
    const page = 100;
    let before: EsdbPosition | undefined;
    for (;;) {
      // The page is read to its end before it is scanned: returning from inside the iteration would
      // leave the call open, and the client's dispose() then waits for it forever.
      const resolvedPage = await this.onConnection(this.connection, this.callSlots, async (client) => {
        const events: WireEvent[] = [];
        for await (const resolved of client.readAll({ direction: BACKWARDS, fromPosition: before ?? END, maxCount: page })) {
          if (resolved.event) events.push(resolved.event as WireEvent);
        }
        return events;
      });
      for (const [i, event] of resolvedPage.entries()) {
        const pair = exactPair(event);
        if (before !== undefined && comparePairs(pair, before) >= 0) continue;
        before = pair;
        if (isSystemEvent(event)) continue;
        let position: Position;
        if (pair.commit === pair.prepare) position = pair.commit;
        else {
          // The newest event of a transaction: its rank is the number of user events before it there.
          const sameCommit = resolvedPage.slice(i + 1).filter((e) => exactPair(e).commit === pair.commit && !isSystemEvent(e)).length;
          const exact = { ...pair, rank: sameCommit };
          position = encodePosition(exact);
          this.exact.set(position, exact);
        }
        if (this.knownLast !== undefined && position <= this.knownLast) return this.knownLast;
        this.remember(position);
        return position;
      }
      if (resolvedPage.length < page) return this.knownLast;
    }
  }

  private recorded(event: WireEvent, exact: Exact): RecordedEvent {
    const position = encodePosition(exact);
    if (exact.rank >= 0) {
      if (this.exact.size >= 100_000) this.exact.delete(this.exact.keys().next().value!);
      this.exact.set(position, exact);
    }
    return {
      id: event.id,
      stream: event.streamId,
      revision: Number(event.revision),
      position,
      type: event.type,
      data: asJsonObject(event.data, event.isJson),
      metadata: asJsonObject(event.metadata ?? {}, true),
    };
  }

  private remember(position: Position): void {
    if (this.knownLast === undefined || position > this.knownLast) this.knownLast = position;
  }

  // ---- the server's clock -------------------------------------------------------------------

  /**
   * One reading of the server's clock against this machine's: the time the server stamped on an
   * event it had just written, minus when it arrived here. Transit only lowers it, so the highest
   * recent reading is the closest.
   */
  private observeSkew(value: number, fresh: boolean): void {
    if (!fresh || !Number.isFinite(value)) return;
    const now = Date.now();
    this.skewSamples.push({ value, at: now });
    while (this.skewSamples.length > 256 || (this.skewSamples.length > 0 && now - this.skewSamples[0].at > 10 * 60_000)) this.skewSamples.shift();
    const skew = this.significantSkew();
    if (skew !== this.reportedSkew && (skew === undefined || this.reportedSkew === undefined || Math.abs(skew - this.reportedSkew) >= this.skewWarnMs)) {
      this.reportedSkew = skew;
      if (skew === undefined) this.logger.log({ msg: "the event store's clock agrees with this machine's again" });
      else {
        this.logger.warn({
          msg: `the event store's clock is ${Math.abs(skew)} ms ${skew > 0 ? 'ahead of' : 'behind'} this machine's: ${skew > 0 ? 'appends carry a deadline corrected by it (the client sets it from its own clock, the server reads it on its own)' : 'appends are not affected'}; synchronise the clocks`,
          clockSkewMs: skew,
        });
      }
    }
    if (skew !== undefined && skew > 0) this.deadlineExtraMs = 0;
  }

  private skewEstimate(): number | undefined {
    if (this.skewSamples.length === 0) return undefined;
    return Math.round(Math.max(...this.skewSamples.map((sample) => sample.value)));
  }

  private significantSkew(): number | undefined {
    const skew = this.skewEstimate();
    return skew !== undefined && Math.abs(skew) >= this.skewWarnMs ? skew : undefined;
  }
}

/** The call's own result, or `timeout()` thrown when it has not settled within `ms` (the call goes on, its outcome ignored). */
async function withinBudget<T>(call: Promise<T>, ms: number, timeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      call,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(timeout()), Math.max(0, ms));
      }),
    ]);
  } finally {
    clearTimeout(timer);
    call.catch(() => undefined);
  }
}

type AppendErrorKind = 'not-ready' | 'not-leader' | 'deadline-passed' | 'unknown-outcome' | 'fatal';

/**
 * What an append's failure says about its write. "Not ready" / "busy" (BatchAppend's error with an
 * Empty detail, UnknownError in the 6.2.1 client; UNAVAILABLE on Streams.Append) and NotLeader are
 * answered before the write is handled; a Timeout answered at once means the deadline had passed
 * on the server's clock, also before the write. Timeouts otherwise, a lost channel or an unknown
 * result leave the outcome unknown.
 */
function classifyAppendError(error: unknown, elapsedMs: number, immediateMs: number): AppendErrorKind {
  if (isNotReady(error)) return 'not-ready';
  if (error instanceof NotLeaderError) return 'not-leader';
  if (error instanceof DeadlineExceededError) return elapsedMs < immediateMs ? 'deadline-passed' : 'unknown-outcome';
  if (error instanceof TimeoutError || error instanceof UnavailableError || error instanceof UnknownError || error instanceof CancelledError) return 'unknown-outcome';
  return 'fatal';
}

/** Answered before the write was handled: not ready or too busy, or no node to send it to yet (discovery failed). */
function isNotReady(error: unknown): boolean {
  if ((error instanceof UnknownError || error instanceof UnavailableError) && /not ready|too busy|is busy/i.test(error.message ?? '')) return true;
  return error instanceof Error && /^Failed to discover after/.test(error.message);
}

function isInvalidPosition(error: unknown): boolean {
  return /invalid position/i.test((error as Error)?.message ?? '');
}

function describe(error: unknown): string {
  if (isNotReady(error)) return 'the server is not ready (an election)';
  if (error instanceof NotLeaderError) return 'the node is not the leader';
  if (error instanceof DeadlineExceededError || error instanceof TimeoutError) return 'the write timed out';
  if (error instanceof UnavailableError) return 'the server is unavailable';
  return (error as Error)?.message || String(error);
}

function toExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  if (expected === 'no_stream') return NO_STREAM;
  if (expected === 'any') return ANY;
  return BigInt(expected);
}

function isSystemEvent(event: WireEvent): boolean {
  return event.type.startsWith('$');
}

function comparePairs(a: { commit: bigint; prepare: bigint }, b: { commit: bigint; prepare: bigint }): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  return a.prepare === b.prepare ? 0 : a.prepare < b.prepare ? -1 : 1;
}

function exactPair(event: WireEvent, commitPosition?: bigint): { commit: bigint; prepare: bigint } {
  const commit = event.position?.commit ?? commitPosition;
  if (commit === undefined || commit === NO_POSITION) {
    throw new Error(
      `event ${event.id} of ${event.streamId} came without its $all position; the esdb adapter needs EventStoreDB 22.10 or later`,
    );
  }
  return { commit, prepare: event.position?.prepare ?? commit };
}

/** JSON events come back parsed; anything written as bytes is read as JSON when it is JSON. */
function asJsonObject(value: unknown, parsed: boolean): JsonObject {
  if (!parsed || value instanceof Uint8Array) {
    const text = Buffer.from(value as Uint8Array).toString('utf8');
    return JSON.parse(text) as JsonObject;
  }
  return value as JsonObject;
}
