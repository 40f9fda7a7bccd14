import Database from 'better-sqlite3';
import { StoreBusyError } from '../../application/event-store';

/**
 * Several service processes may share one data folder: its SQLite files then have writers in other
 * processes, and a statement that needs a lock another connection holds fails with SQLITE_BUSY
 * ("database is locked"). Every connection therefore waits a little inside SQLite (busy_timeout,
 * which blocks the event loop, so it is kept short), and a write that still finds the lock taken is
 * tried again after an asynchronous pause that grows up to a bound, until a budget is spent.
 */

/** How long SQLite itself waits for a lock before answering SQLITE_BUSY (synchronously: the event loop waits too). */
export const BUSY_TIMEOUT_MS = 100;

/** How long a write made for a request may wait for the lock before it is answered 503 store-busy. */
export const WRITE_BUDGET_MS = 5_000;

const FIRST_PAUSE_MS = 2;
const LONGEST_PAUSE_MS = 250;

/** SQLITE_BUSY, SQLITE_BUSY_SNAPSHOT, SQLITE_LOCKED, …: another connection holds what this one needs. */
export function isBusy(error: unknown): boolean {
  if (error instanceof StoreBusyError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))) return true;
  return error instanceof Error && /database (table )?is locked/.test(error.message);
}

/**
 * Opens a file shared with other processes: the busy timeout is set before anything else, since even
 * switching to WAL needs a lock another process may hold while it creates the same file.
 */
export function openShared(file: string, synchronous: 'FULL' | 'NORMAL'): Database.Database {
  const db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  retryWhileBusySync(() => db.pragma('journal_mode = WAL'), 'open');
  db.pragma(`synchronous = ${synchronous}`);
  return db;
}

/** The pause before the given retry (1-based): doubling from a few milliseconds to the bound, with jitter. */
export function pauseBefore(retry: number): number {
  const ceiling = Math.min(LONGEST_PAUSE_MS, FIRST_PAUSE_MS * 2 ** (retry - 1));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface BusyRetry {
  /** What is being done, for the error and the log. */
  readonly operation: string;
  /** Give up with StoreBusyError after this long; Infinity for a loop that must never stop (subscribers). */
  readonly budgetMs?: number;
  /** Told of each busy failure before the pause. */
  readonly onBusy?: (error: unknown, retry: number) => void;
}

/** Runs `work` until it does not fail with SQLITE_BUSY, pausing between tries; other errors are thrown at once. */
export async function retryWhileBusy<T>(work: () => T | Promise<T>, options: BusyRetry): Promise<T> {
  const budget = options.budgetMs ?? WRITE_BUDGET_MS;
  const started = Date.now();
  for (let retry = 1; ; retry += 1) {
    try {
      return await work();
    } catch (error) {
      if (!isBusy(error)) throw error;
      const waited = Date.now() - started;
      if (waited >= budget) throw new StoreBusyError(options.operation, waited, { cause: error });
      options.onBusy?.(error, retry);
      await sleep(Math.min(pauseBefore(retry), Math.max(1, budget - waited)));
    }
  }
}

/**
 * The same for start-up work that cannot wait asynchronously (a constructor, a synchronous start):
 * the pauses block, which before the service answers anything is acceptable.
 */
export function retryWhileBusySync<T>(work: () => T, operation: string, budgetMs = WRITE_BUDGET_MS): T {
  const started = Date.now();
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let retry = 1; ; retry += 1) {
    try {
      return work();
    } catch (error) {
      if (!isBusy(error)) throw error;
      const waited = Date.now() - started;
      if (waited >= budgetMs) throw new StoreBusyError(operation, waited, { cause: error });
      Atomics.wait(pause, 0, 0, pauseBefore(retry));
    }
  }
}
