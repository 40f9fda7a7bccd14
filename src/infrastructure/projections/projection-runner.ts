import Database from 'better-sqlite3';
import { EventStore, Position, RecordedEvent } from '../../application/event-store';
import { LogConsumer, PositionWaiters } from './log-consumer';
import { Projection } from './projection';
import { openShared, retryWhileBusy, retryWhileBusySync } from './sqlite-busy';

export interface ProjectionLag {
  readonly checkpoint: string | null;
  readonly storePosition: string | null;
  readonly behindEvents: number;
  readonly behindSeconds: number;
  readonly caughtUp: boolean;
  /** Why the projections stopped, when a projection failed on an event. */
  readonly failure?: string;
}

/** The read-your-writes bound passed without the projections reaching the position. */
export class ProjectionTimeoutError extends Error {
  constructor(
    readonly position: Position,
    readonly checkpoint: Position | null,
    readonly waitedMs: number,
  ) {
    super(`the read models have not reached position ${position} after ${waitedMs} ms (they are at ${checkpoint ?? 'the start'})`);
    this.name = 'ProjectionTimeoutError';
  }
}

interface CheckpointRow {
  name: string;
  version: number;
  position: string | null;
}

/** The most events applied in one transaction while catching up. */
const CATCH_UP_EVENTS = 20_000;

/** A runner told to stop gives up waiting for a lock. */
class Stopped extends Error {}

/** One subscription's life: started by start() or rebuild(), ended by stop(). */
interface Run {
  consumer?: LogConsumer;
  done: Promise<void>;
  /** Settles when the work the subscription does not wait for (the catch-up's last unit) is over. */
  idle: () => Promise<void>;
  stopping: boolean;
}

type BatchOutcome =
  /** Applied (or found applied): the tables now include everything up to `readable`. */
  | { readonly readable: Position }
  /** The stored checkpoints are behind the events offered: the read models were reset (rebuilt) meanwhile. */
  | { readonly behind: Position | null };

/**
 * Feeds every projection from the store's subscription. Each delivered batch is applied to all
 * projections and their checkpoints in one SQLite transaction: after a crash the runner resumes
 * from the checkpoint with nothing skipped and nothing applied twice.
 *
 * The read-model file lives in the data folder, which several service processes may share, each
 * running this runner over the same tables. The stored checkpoints are therefore the truth, read
 * inside each transaction: events a projection's checkpoint already covers (applied by the other
 * process) are skipped, a lock held by the other process is waited for and tried again (never a
 * failure), and tables another process rebuilt meanwhile are refilled from the log before the
 * runner goes on.
 */
export class ProjectionRunner {
  private run?: Run;
  /** What the tables include, as far as this process knows: every projection has applied up to here. */
  private checkpoint: Position | null = null;
  /** The last event this runner's subscription handed over; its next batch follows it. */
  private delivered: Position | null = null;
  private caughtUp = false;
  private failure?: string;
  private readonly waiters = new PositionWaiters();
  private readonly saveCheckpoint: Database.Statement;
  private readonly readCheckpoints: Database.Statement<[], CheckpointRow>;

  constructor(
    private readonly store: EventStore,
    readonly db: Database.Database,
    private readonly projections: readonly Projection[],
  ) {
    retryWhileBusySync(
      () =>
        db.exec(`CREATE TABLE IF NOT EXISTS projection_checkpoints (
      name TEXT PRIMARY KEY, version INTEGER NOT NULL, position TEXT)`),
      'create the projection checkpoints',
    );
    this.saveCheckpoint = db.prepare(
      'INSERT INTO projection_checkpoints (name, version, position) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET version = excluded.version, position = excluded.position',
    );
    this.readCheckpoints = db.prepare('SELECT name, version, position FROM projection_checkpoints');
  }

  /** Opens the read-model database beside the event store: it can always be rebuilt, so it syncs less often. */
  static openDatabase(file: string): Database.Database {
    return openShared(file, 'NORMAL');
  }

  /** Brings every projection to its current version and subscribes from the oldest checkpoint. */
  start(): void {
    // Read and reset in one write transaction: a second process starting at the same moment sees
    // either the tables before or the reset tables with their checkpoints, never a half of each.
    const positions = retryWhileBusySync(
      () =>
        this.db
          .transaction(() => {
            const stored = this.storedCheckpoints();
            const stale = this.projections.filter((p) => stored.get(p.name)?.version !== p.version);
            this.reset(stale);
            return this.projections.map((p) => (stale.includes(p) ? null : (stored.get(p.name)?.position ?? null)));
          })
          .immediate(),
      'start the projections',
    );
    // Projections move together, so they share one checkpoint; a projection behind the others (new or
    // rebuilt) makes all of them resume from there, and the others skip what they already have.
    const oldest = positions.some((p) => p === null) ? null : positions.map((p) => p!).reduce((a, b) => (a < b ? a : b));
    this.checkpoint = oldest;
    this.subscribe(oldest);
  }

  async stop(): Promise<void> {
    const run = this.run;
    if (!run) return;
    run.stopping = true;
    await run.consumer?.stop();
    await run.idle();
    if (this.run === run) this.run = undefined;
  }

  /** Drops every table and checkpoint and replays the whole log; resolves when caught up again. */
  async rebuild(): Promise<void> {
    await this.stop();
    await retryWhileBusy(() => this.db.transaction(() => this.reset(this.projections)).immediate(), {
      operation: 'reset the read models',
      budgetMs: Infinity,
    });
    this.checkpoint = null;
    this.subscribe(null);
    const { lastPosition } = await this.store.status();
    if (lastPosition !== undefined) await this.waitFor(lastPosition, 24 * 60 * 60 * 1000);
  }

  /** Resolves once every projection has applied the event at `position` (read-your-writes). */
  waitFor(position: Position, timeoutMs: number): Promise<void> {
    if (this.checkpoint !== null && this.checkpoint >= position) return Promise.resolve();
    // Another process on the same file may have applied it already.
    const stored = this.storedReadable();
    if (stored !== null && stored >= position) {
      this.reached(stored);
      return Promise.resolve();
    }
    return this.waiters.wait(position, timeoutMs, () => new ProjectionTimeoutError(position, this.checkpoint, timeoutMs));
  }

  /** Settles when the subscription ends: rejects with the error of a projection that failed. */
  get done(): Promise<void> {
    return this.run?.done ?? Promise.resolve();
  }

  get position(): Position | null {
    return this.checkpoint;
  }

  /** How many positions of the log each projection has yet to apply, by its stored checkpoint (a rebuilding one: all). */
  async behindByProjection(): Promise<{ projection: string; behindEvents: number }[]> {
    const { lastPosition } = await this.store.status();
    const stored = this.storedCheckpoints();
    return this.projections.map(({ name }) => {
      const done = stored.get(name)?.position ?? 0n;
      return { projection: name, behindEvents: lastPosition === undefined || lastPosition <= done ? 0 : Number(lastPosition - done) };
    });
  }

  async lag(now: Date): Promise<ProjectionLag> {
    const { lastPosition } = await this.store.status();
    const [next] = await this.store.readAll({ after: this.checkpoint ?? undefined, maxCount: 1 });
    const behindSeconds = next ? Math.max(0, (now.getTime() - Date.parse(String(next.metadata.recordedAt))) / 1000) : 0;
    const behindEvents =
      lastPosition === undefined ? 0 : next ? Number(lastPosition - (this.checkpoint ?? 0n)) : 0;
    return {
      checkpoint: this.checkpoint?.toString() ?? null,
      storePosition: lastPosition?.toString() ?? null,
      behindEvents,
      behindSeconds: Number.isFinite(behindSeconds) ? Math.round(behindSeconds * 1000) / 1000 : 0,
      caughtUp: this.caughtUp && !next,
      ...(this.failure ? { failure: this.failure } : {}),
    };
  }

  private subscribe(after: Position | null): void {
    this.delivered = after;
    this.caughtUp = false;
    this.failure = undefined;
    // What was stored when the subscription started is caught up with in units of up to
    // CATCH_UP_EVENTS: a row touched many times in a unit is loaded and written once, in one commit.
    // Until the store has said where its log ends, and from there on, every batch is applied as it comes.
    const run: Run = { done: Promise.resolve(), idle: () => chain.catch(() => undefined), stopping: false };
    let catchUpTo: Position | undefined;
    void this.store.status().then(({ lastPosition }) => (catchUpTo = lastPosition), () => undefined);
    let gathered: (readonly RecordedEvent[])[] = [];
    let gatheredCount = 0;
    // Applying takes turns: the unit the catch-up ends with is applied while the subscription goes on.
    let chain: Promise<void> = Promise.resolve();
    let failed!: (error: unknown) => void;
    const failure = new Promise<never>((_, reject) => (failed = reject));
    failure.catch(() => undefined);
    const applyGathered = async () => {
      if (gatheredCount === 0) return;
      const events = gathered.length === 1 ? gathered[0] : gathered.flat();
      gathered = [];
      gatheredCount = 0;
      await this.applyInOrder(events, run);
    };
    const consumer = new LogConsumer(this.store, {
      after: after ?? undefined,
      handle: (events) => {
        gathered.push(events);
        gatheredCount += events.length;
        const last = events[events.length - 1].position;
        if (catchUpTo !== undefined && last < catchUpTo && gatheredCount < CATCH_UP_EVENTS) return;
        return (chain = chain.then(applyGathered));
      },
      onCaughtUp: () => {
        chain = chain.then(async () => {
          await applyGathered();
          this.caughtUp = true;
        });
        chain.catch((error: unknown) => {
          if (error instanceof Stopped) return;
          failed(error);
          void consumer.stop();
        });
      },
    });
    const done = Promise.race([consumer.done, failure]).catch((error: unknown) => {
      if (!(error instanceof Stopped)) throw error;
    });
    done.catch((error: unknown) => {
      this.failure = (error as Error).message;
    });
    run.consumer = consumer;
    run.done = done;
    this.run = run;
  }

  /** Applies delivered events (which follow `this.delivered`), first refilling tables another process reset. */
  private async applyInOrder(events: readonly RecordedEvent[], run: Run): Promise<void> {
    for (;;) {
      const outcome = await this.applyBatch(events, this.delivered, run);
      if ('readable' in outcome) {
        this.delivered = events[events.length - 1].position;
        this.reached(outcome.readable, true);
        return;
      }
      this.checkpoint = outcome.behind;
      await this.refill(outcome.behind, this.delivered!, run);
    }
  }

  /** Brings the tables from `from` up to `to` with events read from the log (after another process reset them). */
  private async refill(from: Position | null, to: Position, run: Run): Promise<void> {
    let after = from;
    while (after === null || after < to) {
      const read = () => {
        if (run.stopping) throw new Stopped('the projection runner stopped');
        return this.store.readAll({ after: after ?? undefined, maxCount: CATCH_UP_EVENTS });
      };
      const chunk = (await retryWhileBusy(read, { operation: 'read the log', budgetMs: Infinity })).filter((e) => e.position <= to);
      if (chunk.length === 0) return;
      const outcome = await this.applyBatch(chunk, after, run);
      if ('behind' in outcome) {
        after = outcome.behind;
        continue;
      }
      after = chunk[chunk.length - 1].position;
      this.reached(outcome.readable, true);
    }
  }

  /** One transaction, tried again for as long as another process holds the lock (until the runner stops). */
  private applyBatch(events: readonly RecordedEvent[], after: Position | null, run: Run): Promise<BatchOutcome> {
    const last = events[events.length - 1].position;
    const once = (): BatchOutcome => {
      if (run.stopping) throw new Stopped('the projection runner stopped');
      // Without a lock first: when the other process has applied these events already, nothing is written.
      const seen = this.check(after, last);
      if (seen) return seen;
      return this.db
        .transaction((): BatchOutcome => {
          const stored = this.storedCheckpoints();
          const behind = this.behind(stored, after);
          if (behind) return behind;
          let readable: Position | null = null;
          for (const projection of this.projections) {
            const done = stored.get(projection.name)?.position ?? null;
            const fresh = done === null ? events : events.filter((event) => event.position > done);
            if (fresh.length > 0) projection.apply(this.db, fresh);
            const now = done !== null && done > last ? done : last;
            if (now !== done) this.saveCheckpoint.run(projection.name, projection.version, now.toString());
            readable = readable === null || now < readable ? now : readable;
          }
          return { readable: readable ?? last };
        })
        .immediate();
    };
    return retryWhileBusy(once, { operation: 'apply events to the read models', budgetMs: Infinity });
  }

  /** The outcome of a batch read from the checkpoints alone, when it needs no write. */
  private check(after: Position | null, last: Position): BatchOutcome | undefined {
    const stored = this.storedCheckpoints();
    const behind = this.behind(stored, after);
    if (behind) return behind;
    let readable: Position | null = null;
    for (const projection of this.projections) {
      const done = stored.get(projection.name)?.position ?? null;
      if (done === null || done < last) return undefined;
      readable = readable === null || done < readable ? done : readable;
    }
    return readable === null ? undefined : { readable };
  }

  /**
   * Checkpoints behind the position the events follow: another process reset the tables since this
   * runner last applied. The refill starts from the lowest checkpoint.
   */
  private behind(stored: Map<string, { version: number; position: Position | null }>, after: Position | null): BatchOutcome | undefined {
    const positions = this.projections.map((projection) => {
      const row = stored.get(projection.name);
      if (row && row.version !== projection.version) {
        throw new Error(
          `read-models.db holds version ${row.version} of projection ${projection.name}, this process runs version ${projection.version}: another version of the service shares the data folder`,
        );
      }
      return row?.position ?? null;
    });
    if (after === null || positions.every((done) => done !== null && done >= after)) return undefined;
    return { behind: positions.some((done) => done === null) ? null : positions.map((p) => p!).reduce((a, b) => (a < b ? a : b)) };
  }

  private storedCheckpoints(): Map<string, { version: number; position: Position | null }> {
    return new Map(this.readCheckpoints.all().map((row) => [row.name, { version: row.version, position: row.position === null ? null : BigInt(row.position) }]));
  }

  /** The position every projection's stored checkpoint has reached, or null (also when the file is busy). */
  private storedReadable(): Position | null {
    let stored: Map<string, { version: number; position: Position | null }>;
    try {
      stored = this.storedCheckpoints();
    } catch {
      return null;
    }
    let readable: Position | null = null;
    for (const projection of this.projections) {
      const row = stored.get(projection.name);
      if (!row || row.version !== projection.version || row.position === null) return null;
      readable = readable === null || row.position < readable ? row.position : readable;
    }
    return readable;
  }

  /** The tables include everything up to `position`: wakes the queries waiting for it. */
  private reached(position: Position, exact = false): void {
    if (exact || this.checkpoint === null || position > this.checkpoint) this.checkpoint = position;
    this.waiters.reached(this.checkpoint);
  }

  /** Drops the projections' tables; inside the caller's transaction. Their checkpoints say "from the start". */
  private reset(projections: readonly Projection[]): void {
    for (const projection of projections) {
      for (const table of projection.tables) this.db.exec(`DROP TABLE IF EXISTS "${table}"`);
      this.saveCheckpoint.run(projection.name, projection.version, null);
    }
    for (const projection of this.projections) this.db.exec(projection.schema);
  }
}
