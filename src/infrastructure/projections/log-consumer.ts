import { EventStore, Position, RecordedEvent, Subscription } from '../../application/event-store';
import { isBusy, pauseBefore } from './sqlite-busy';

/**
 * What every consumer of the log shares: the projections, the reactor and the audit checkpointer each
 * follow the store from their own checkpoint (LogConsumer), let callers wait until they have reached
 * a position (PositionWaiters), and do periodic work without overlapping runs (repeat); the deadline
 * scheduler is such periodic work over the deadlines read model the projections keep.
 */

export interface LogConsumerOptions {
  /** The checkpoint: the position the consumer has handled up to, or undefined for the start of the log. */
  readonly after?: Position;
  /**
   * Handles one batch. One that met another process's lock (SQLITE_BUSY) is handled again after a
   * pause, for as long as it takes, until the consumer stops: what it did already must find itself done.
   */
  readonly handle: (events: readonly RecordedEvent[]) => void | Promise<void>;
  readonly onCaughtUp?: () => void;
}

/** Follows the store's subscription from a checkpoint, one batch at a time. */
export class LogConsumer {
  private readonly subscription: Subscription;
  private stopping = false;

  constructor(store: EventStore, options: LogConsumerOptions) {
    this.subscription = store.subscribeToAll({
      after: options.after,
      onCaughtUp: options.onCaughtUp,
      onEvents: async (events) => {
        for (let retry = 1; ; retry += 1) {
          try {
            return await options.handle(events);
          } catch (error) {
            if (!isBusy(error) || this.stopping) throw error;
            await new Promise((resolve) => setTimeout(resolve, pauseBefore(retry)));
          }
        }
      },
    });
  }

  /** Settles when the subscription ends; rejects with the error handling failed with. */
  get done(): Promise<void> {
    return this.subscription.done;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.subscription.stop();
  }
}

/** Callers waiting until a consumer has reached a position. */
export class PositionWaiters {
  private readonly waiting = new Set<{ readonly position: Position; readonly resolve: () => void }>();

  /** Resolves once `reached` is told of `position` or a later one; rejects with `timedOut()` after `timeoutMs`. */
  wait(position: Position, timeoutMs: number, timedOut: () => Error): Promise<void> {
    return new Promise((resolve, reject) => {
      const waiter = {
        position,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiting.delete(waiter);
        reject(timedOut());
      }, timeoutMs);
      this.waiting.add(waiter);
    });
  }

  /** The consumer has reached `position`: wakes everyone waiting for it or an earlier one. */
  reached(position: Position): void {
    for (const waiter of this.waiting) {
      if (waiter.position <= position) {
        this.waiting.delete(waiter);
        waiter.resolve();
      }
    }
  }
}

export interface Repeating {
  /** Stops repeating; resolves once a run in progress has finished. */
  stop(): Promise<void>;
}

/**
 * Runs `work` every `intervalMs`, each run after the previous one has finished (never two at once),
 * the first one at once unless `delayFirst`. A run that fails is told to `onError` and the next goes on.
 * The timer does not keep the process alive.
 */
export function repeat(intervalMs: number, work: () => Promise<unknown>, options: { readonly delayFirst?: boolean; readonly onError?: (error: unknown) => void } = {}): Repeating {
  let running = true;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<unknown> = Promise.resolve();
  const schedule = () => {
    timer = setTimeout(run, intervalMs);
    timer.unref();
  };
  const run = () => {
    current = work()
      .catch((error: unknown) => options.onError?.(error))
      .finally(() => running && schedule());
  };
  if (options.delayFirst) schedule();
  else run();
  return {
    async stop() {
      running = false;
      clearTimeout(timer);
      await current;
    },
  };
}
