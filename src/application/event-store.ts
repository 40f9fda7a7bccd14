/**
 * The event store port. Every adapter (embedded SQLite, EventStoreDB/KurrentDB) passes the same
 * contract suite in test/contract, so the rest of the service never knows which one it runs on.
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** 'no_stream': the stream must not exist; 'any': no check; a number: the stream's last revision (0-based). */
export type ExpectedRevision = 'no_stream' | 'any' | number;

/** Position in the global order of all events; opaque to callers, resumable, a decimal string in JSON. */
export type Position = bigint;

export interface NewEvent {
  /** A UUID derived from the command id, so a retried command cannot write twice. */
  readonly id: string;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
}

export interface RecordedEvent extends NewEvent {
  readonly stream: string;
  /** 0-based revision within the stream. */
  readonly revision: number;
  readonly position: Position;
}

export interface AppendResult {
  /** Revision of the last event in the stream after the append. */
  readonly nextRevision: number;
  /** Global position of the last event written (or found, for a repeated append). */
  readonly position: Position;
}

export interface ReadStreamOptions {
  readonly direction?: 'forwards' | 'backwards';
  /** Inclusive; defaults to the start (forwards) or the end (backwards). */
  readonly fromRevision?: number;
  readonly maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position. Omitted: from the very first event. */
  readonly after?: Position;
  readonly maxCount?: number;
}

export interface SubscribeOptions {
  /** Exclusive checkpoint: the position of the last event already handled. */
  readonly after?: Position;
  /**
   * Called with events in global order; the next batch waits for the returned promise, so a handler
   * that stores its checkpoint with its effects resumes exactly where it stopped.
   */
  readonly onEvents: (events: readonly RecordedEvent[]) => Promise<void> | void;
  /** Called each time the subscription has delivered everything stored so far. */
  readonly onCaughtUp?: () => void;
}

export interface Subscription {
  stop(): Promise<void>;
  /** Settles when the subscription ends: resolves after stop(), rejects with the handler's error. */
  readonly done: Promise<void>;
}

export interface StoreStatus {
  readonly adapter: 'sqlite' | 'postgres' | 'esdb';
  readonly ok: boolean;
  /** Position of the newest stored event, if any. */
  readonly lastPosition?: Position;
  readonly detail?: string;
  /** How far the store's clock runs ahead of this process's (negative: behind), when it is far enough to matter. */
  readonly clockSkewMs?: number;
}

export interface EventStore {
  append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult>;
  /** A stream that does not exist reads as an empty list, in every adapter. */
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Catch-up then live, with no gap and no duplicate. */
  subscribeToAll(options: SubscribeOptions): Subscription;
  status(): Promise<StoreStatus>;
  close(): Promise<void>;
}

/** The injection token for the store. */
export const EVENT_STORE = Symbol('EventStore');

export class ConcurrencyError extends Error {
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    /** The stream's last revision, or 'no_stream' when it does not exist. */
    readonly actual: number | 'no_stream',
  ) {
    super(`stream ${stream}: expected revision ${String(expected)}, actual ${String(actual)}`);
    this.name = 'ConcurrencyError';
  }
}

/** An event refused before anything is written (too large, malformed). */
export class EventRejectedError extends Error {
  constructor(
    readonly code: 'event-too-large' | 'invalid-event',
    message: string,
  ) {
    super(message);
    this.name = 'EventRejectedError';
  }
}

/**
 * The store stayed locked by another writer (another process on the same files) for longer than a
 * caller may wait. Nothing was written: the same command may be sent again.
 */
export class StoreBusyError extends Error {
  constructor(
    /** What could not get the lock, e.g. 'append' or 'read'. */
    readonly operation: string,
    readonly waitedMs: number,
    options?: { cause?: unknown },
  ) {
    super(`the store stayed locked by another writer for ${waitedMs} ms (${operation}); nothing was written, send it again`, options);
    this.name = 'StoreBusyError';
  }
}
