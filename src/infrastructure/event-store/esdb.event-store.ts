import {
  ANY,
  AccessDeniedError,
  AllStreamSubscription,
  AppendExpectedRevision,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  MaxAppendSizeExceededError,
  NO_STREAM,
  Position as EsdbPosition,
  START,
  StreamNotFoundError,
  UnavailableError,
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
  StoreStatus,
  SubscribeOptions,
  Subscription,
} from '../../application/event-store';

export interface EsdbEventStoreOptions {
  /** e.g. `esdb://host:2113?tls=false`, or `esdb+discover://…` for a cluster. */
  readonly connectionString: string;
  /** Largest accepted event (data + metadata as JSON), in bytes; checked before anything is sent. */
  readonly maxEventBytes?: number;
  /** Events handed to a subscription handler at once, at most. */
  readonly subscriptionBatchSize?: number;
  /** First wait before resubscribing after a dropped subscription; doubles up to the maximum. */
  readonly resubscribeInitialDelayMs?: number;
  readonly resubscribeMaxDelayMs?: number;
}

export const DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;

/** What the client hands back for one stored event, whatever its content type. */
interface WireEvent {
  readonly streamId: string;
  readonly id: string;
  readonly revision: bigint;
  readonly type: string;
  readonly isJson: boolean;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly position?: EsdbPosition;
}

/** ulong.MaxValue: what servers before 22.10 put where they do not know an event's $all position. */
const NO_POSITION = 2n ** 64n - 1n;
/** $all is read in pages, so a bounded read never streams the whole log. */
const READ_ALL_PAGE = 4096;
const CAUGHT_UP = Symbol('caught-up');

/**
 * The event store on EventStoreDB / KurrentDB through @eventstore/db-client.
 *
 * Positions: the port's position is the event's commit position. Every event a gRPC append writes
 * commits itself, so its commit and prepare positions are both its log position; where the client
 * needs a full position (reading or subscribing from a checkpoint) it is built as
 * `{ commit: p, prepare: p }`. This needs EventStoreDB 22.10 or later, which reports the $all
 * position of events read from a stream as well; an older server makes readStream throw rather
 * than hand out a wrong position. `onCaughtUp` needs the subscription `caughtUp` message (23.10+).
 *
 * System events (types starting with '$', such as the server's own statistics) are left out of
 * readAll, subscriptions and status: this service never writes them and its readers must not wait
 * for them.
 */
export class EsdbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly maxEventBytes: number;
  private readonly batchSize: number;
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly subscriptions = new Set<Subscription>();
  /** Newest user-event position this process has seen, so status() scans back no further. */
  private knownLast: Position | undefined;
  private closed = false;

  constructor(options: EsdbEventStoreOptions) {
    this.client = EventStoreDBClient.connectionString(options.connectionString);
    this.maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
    this.batchSize = options.subscriptionBatchSize ?? 500;
    this.initialDelayMs = options.resubscribeInitialDelayMs ?? 100;
    this.maxDelayMs = options.resubscribeMaxDelayMs ?? 5000;
  }

  async append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (this.closed) throw new Error('event store is closed');
    const data = events.map((event) => this.serialize(stream, event));
    if (events.length === 0) throw new EventRejectedError('invalid-event', 'nothing to append');
    let answer;
    try {
      answer = await this.retryingOnce(() => this.client.appendToStream(stream, data, { expectedRevision: toExpectedRevision(expected) }));
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        const actual = error.actualVersion;
        throw new ConcurrencyError(stream, expected, typeof actual === 'bigint' ? Number(actual) : 'no_stream');
      }
      if (error instanceof MaxAppendSizeExceededError) {
        throw new EventRejectedError('event-too-large', `the append exceeds the server's size limit: ${error.message}`);
      }
      throw error;
    }
    // The server answers a repeated append (same ids at the same place) with success and the first
    // write's revision, but its position differs between versions: none, the log position of the
    // idempotent check, or that of the write. Reading the last event back gives every caller, first
    // or repeated, the same position: the one readStream and readAll report for that event.
    const nextRevision = Number(answer.nextExpectedRevision);
    // On the leader, which has just written it, whatever node preference the connection has.
    const [last] = await this.read(stream, { fromRevision: nextRevision, maxCount: 1 }, true);
    const lastId = events[events.length - 1].id.toLowerCase();
    if (!last || last.id.toLowerCase() !== lastId) {
      throw new Error(`stream ${stream}: the server acknowledged revision ${nextRevision} but does not hold event ${lastId} there`);
    }
    this.remember(last.position);
    return { nextRevision, position: last.position };
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    return this.read(stream, options, false);
  }

  private read(stream: string, options: ReadStreamOptions, requiresLeader: boolean): Promise<RecordedEvent[]> {
    return this.retryingOnce(() => this.readOnce(stream, options, requiresLeader));
  }

  /**
   * The client closes its one channel whenever any call ends unavailable — a dropped subscription
   * included — and calls started in the next moments fail with "channel closed" before reaching the
   * server. Such a call is sent once more on the new channel: safe for reads, and for appends, which
   * are idempotent by event id.
   */
  private async retryingOnce<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof UnavailableError) || this.closed) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return call();
    }
  }

  private async readOnce(stream: string, options: ReadStreamOptions, requiresLeader: boolean): Promise<RecordedEvent[]> {
    if (this.closed) throw new Error('event store is closed');
    const maxCount = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    if (maxCount <= 0) return [];
    const backwards = options.direction === 'backwards';
    const fromRevision =
      options.fromRevision === undefined ? (backwards ? END : START) : BigInt(Math.max(0, options.fromRevision));
    const read: RecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(stream, {
        direction: backwards ? BACKWARDS : FORWARDS,
        fromRevision,
        maxCount,
        requiresLeader,
      })) {
        if (resolved.event) read.push(toRecordedEvent(resolved.event as WireEvent));
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return read;
  }

  readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    return this.retryingOnce(() => this.readAllOnce(options));
  }

  private async readAllOnce(options: ReadAllOptions): Promise<RecordedEvent[]> {
    if (this.closed) throw new Error('event store is closed');
    const maxCount = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    const read: RecordedEvent[] = [];
    // The server's start position is inclusive and the port's `after` exclusive: the event at
    // exactly `after` is skipped, and each following page starts at the last raw event read.
    let after = options.after;
    while (read.length < maxCount) {
      const pageSize = Math.min(maxCount - read.length, READ_ALL_PAGE) + 1;
      let raw = 0;
      for await (const resolved of this.client.readAll({
        fromPosition: after === undefined ? START : toEsdbPosition(after),
        maxCount: pageSize,
      })) {
        raw += 1;
        const event = resolved.event as WireEvent | undefined;
        if (!event) continue;
        const position = positionOf(event, resolved.commitPosition);
        if (after !== undefined && position <= after) continue;
        after = position;
        if (!isSystemEvent(event)) read.push(toRecordedEvent(event, position));
      }
      if (raw < pageSize) break;
    }
    const page = read.slice(0, maxCount);
    if (page.length > 0) this.remember(page[page.length - 1].position);
    return page;
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    let stopped = false;
    let wake: (() => void) | undefined;
    let current: AllStreamSubscription | undefined;
    const notify = () => {
      const resume = wake;
      wake = undefined;
      resume?.();
    };
    const sleep = (ms: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => notify(), ms);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });

    const run = async () => {
      // Deliver nothing before the caller holds the subscription it may want to stop.
      await Promise.resolve();
      if (this.closed) throw new Error('event store is closed');
      /** Position of the last event taken from the server: queued or already handled. */
      let received = options.after;
      let delay = this.initialDelayMs;
      while (!stopped) {
        const queue: (RecordedEvent | typeof CAUGHT_UP)[] = [];
        let rawSeen = 0;
        const caughtUpAt: number[] = [];
        let ended = false;
        let fatal: unknown;
        const subscription = this.client.subscribeToAll({
          fromPosition: received === undefined ? START : toEsdbPosition(received),
          filter: excludeSystemEvents(),
        });
        current = subscription;
        const onData = (resolved: { event?: unknown; commitPosition?: bigint }) => {
          rawSeen += 1;
          const event = resolved.event as WireEvent | undefined;
          if (event && !isSystemEvent(event)) {
            try {
              const position = positionOf(event, resolved.commitPosition);
              // A server must not send the start position again, nor anything twice; never pass it on.
              if (received === undefined || position > received) {
                received = position;
                queue.push(toRecordedEvent(event, position));
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
          // Emitted as the message is parsed: events before it may still wait in the stream's buffer.
          const at = rawSeen + subscription.readableLength;
          if (at <= rawSeen) queue.push(CAUGHT_UP);
          else caughtUpAt.push(at);
          notify();
        };
        const onConfirmation = () => {
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
        subscription.on('confirmation', onConfirmation);
        subscription.on('error', onError);
        subscription.on('end', onEnd);
        subscription.on('close', onEnd);
        try {
          while (!stopped && fatal === undefined) {
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
              if (queue.length < this.batchSize && subscription.isPaused()) subscription.resume();
              continue;
            }
            if (ended) break;
            await new Promise<void>((resolve) => {
              wake = resolve;
            });
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
          subscription.off('confirmation', onConfirmation);
          subscription.off('end', onEnd);
          subscription.off('close', onEnd);
          await subscription.unsubscribe().catch(() => undefined);
        }
        if (fatal !== undefined) throw fatal;
        if (stopped) break;
        // Dropped by the server or the network: resume after the last event received, with backoff.
        await sleep(delay);
        delay = Math.min(delay * 2, this.maxDelayMs);
      }
    };

    const done = run();
    const subscription: Subscription = {
      done,
      stop: async () => {
        stopped = true;
        notify();
        await current?.unsubscribe().catch(() => undefined);
        this.subscriptions.delete(subscription);
        await done.catch(() => undefined);
      },
    };
    this.subscriptions.add(subscription);
    done.catch(() => undefined).finally(() => this.subscriptions.delete(subscription));
    return subscription;
  }

  async status(): Promise<StoreStatus> {
    if (this.closed) return { adapter: 'esdb', ok: false, detail: 'event store is closed' };
    try {
      const lastPosition = await this.retryingOnce(() => this.lastUserEventPosition());
      return { adapter: 'esdb', ok: !this.closed, lastPosition };
    } catch (error) {
      return { adapter: 'esdb', ok: false, detail: (error as Error).message };
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    await this.client.dispose();
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
    let before: Position | undefined;
    for (;;) {
      // The page is read to its end before it is scanned: returning from inside the iteration would
      // leave the call open, and the client's dispose() then waits for it forever.
      const resolvedPage = [];
      for await (const resolved of this.client.readAll({
        direction: BACKWARDS,
        fromPosition: before === undefined ? END : toEsdbPosition(before),
        maxCount: page,
      })) {
        resolvedPage.push(resolved);
      }
      const raw = resolvedPage.length;
      for (const resolved of resolvedPage) {
        const event = resolved.event as WireEvent | undefined;
        if (!event) continue;
        const position = positionOf(event, resolved.commitPosition);
        if (before !== undefined && position >= before) continue;
        if (this.knownLast !== undefined && position <= this.knownLast) return this.knownLast;
        before = position;
        if (!isSystemEvent(event)) {
          this.remember(position);
          return position;
        }
      }
      if (raw < page) return this.knownLast;
    }
  }

  private remember(position: Position): void {
    if (this.knownLast === undefined || position > this.knownLast) this.knownLast = position;
  }
}

function toExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  if (expected === 'no_stream') return NO_STREAM;
  if (expected === 'any') return ANY;
  return BigInt(expected);
}

function toEsdbPosition(position: Position): EsdbPosition {
  // Self-committed events: prepare = commit (see the class comment).
  return { commit: position, prepare: position };
}

function isSystemEvent(event: WireEvent): boolean {
  return event.type.startsWith('$');
}

function positionOf(event: WireEvent, commitPosition?: bigint): Position {
  const position = event.position?.commit ?? commitPosition;
  if (position === undefined || position === NO_POSITION) {
    throw new Error(
      `event ${event.id} of ${event.streamId} came without its $all position; the esdb adapter needs EventStoreDB 22.10 or later`,
    );
  }
  return position;
}

function toRecordedEvent(event: WireEvent, position = positionOf(event)): RecordedEvent {
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

/** JSON events come back parsed; anything written as bytes is read as JSON when it is JSON. */
function asJsonObject(value: unknown, parsed: boolean): JsonObject {
  if (!parsed || value instanceof Uint8Array) {
    const text = Buffer.from(value as Uint8Array).toString('utf8');
    return JSON.parse(text) as JsonObject;
  }
  return value as JsonObject;
}
