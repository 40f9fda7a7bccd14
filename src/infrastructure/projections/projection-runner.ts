import Database from 'better-sqlite3';
import { EventStore, Position, RecordedEvent, Subscription } from '../../application/event-store';
import { Projection } from './projection';

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

/**
 * Feeds every projection from the store's subscription. Each delivered batch is applied to all
 * projections and their checkpoints in one SQLite transaction: after a crash the runner resumes
 * from the checkpoint with nothing skipped and nothing applied twice.
 */
export class ProjectionRunner {
  private subscription?: Subscription;
  private checkpoint: Position | null = null;
  private caughtUp = false;
  private failure?: string;
  private readonly waiters = new Set<{ position: Position; resolve: () => void }>();
  private readonly saveCheckpoint: Database.Statement;

  constructor(
    private readonly store: EventStore,
    readonly db: Database.Database,
    private readonly projections: readonly Projection[],
  ) {
    db.exec(`CREATE TABLE IF NOT EXISTS projection_checkpoints (
      name TEXT PRIMARY KEY, version INTEGER NOT NULL, position TEXT)`);
    this.saveCheckpoint = db.prepare(
      'INSERT INTO projection_checkpoints (name, version, position) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET version = excluded.version, position = excluded.position',
    );
  }

  /** Opens the read-model database beside the event store: it can always be rebuilt, so it syncs less often. */
  static openDatabase(file: string): Database.Database {
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    return db;
  }

  /** Brings every projection to its current version and subscribes from the oldest checkpoint. */
  start(): void {
    const stored = new Map(
      (this.db.prepare('SELECT name, version, position FROM projection_checkpoints').all() as CheckpointRow[]).map((row) => [row.name, row]),
    );
    const stale = this.projections.filter((p) => stored.get(p.name)?.version !== p.version);
    this.reset(stale);
    const positions = this.projections.map((p) => (stale.includes(p) ? null : (stored.get(p.name)?.position ?? null)));
    // Projections move together, so they share one checkpoint; a projection behind the others (new or
    // rebuilt) makes all of them resume from there, and the others skip what they already have.
    const oldest = positions.some((p) => p === null) ? null : positions.map((p) => BigInt(p!)).reduce((a, b) => (a < b ? a : b));
    this.checkpoint = oldest;
    const perProjection = new Map(this.projections.map((p, i) => [p.name, positions[i] === null ? null : BigInt(positions[i]!)]));
    this.subscribe(perProjection);
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = undefined;
  }

  /** Drops every table and checkpoint and replays the whole log; resolves when caught up again. */
  async rebuild(): Promise<void> {
    await this.stop();
    this.reset(this.projections);
    this.checkpoint = null;
    this.subscribe(new Map(this.projections.map((p) => [p.name, null])));
    const { lastPosition } = await this.store.status();
    if (lastPosition !== undefined) await this.waitFor(lastPosition, 24 * 60 * 60 * 1000);
  }

  /** Resolves once every projection has applied the event at `position` (read-your-writes). */
  waitFor(position: Position, timeoutMs: number): Promise<void> {
    if (this.checkpoint !== null && this.checkpoint >= position) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = {
        position,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new ProjectionTimeoutError(position, this.checkpoint, timeoutMs));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Settles when the subscription ends: rejects with the error of a projection that failed. */
  get done(): Promise<void> {
    return this.subscription?.done ?? Promise.resolve();
  }

  get position(): Position | null {
    return this.checkpoint;
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

  private subscribe(applied: Map<string, Position | null>): void {
    const apply = this.db.transaction((events: readonly RecordedEvent[]) => {
      for (const projection of this.projections) {
        const done = applied.get(projection.name) ?? null;
        const fresh = done === null ? events : events.filter((event) => event.position > done);
        if (fresh.length > 0) projection.apply(this.db, fresh);
      }
      const last = events[events.length - 1].position;
      for (const projection of this.projections) {
        this.saveCheckpoint.run(projection.name, projection.version, last.toString());
        applied.set(projection.name, last);
      }
    });
    this.caughtUp = false;
    this.failure = undefined;
    // What was stored when the subscription started is caught up with in units of up to
    // CATCH_UP_EVENTS: a row touched many times in a unit is loaded and written once, in one commit.
    // Until the store has said where its log ends, and from there on, every batch is applied as it comes.
    let catchUpTo: Position | undefined;
    void this.store.status().then(({ lastPosition }) => (catchUpTo = lastPosition), () => undefined);
    let gathered: (readonly RecordedEvent[])[] = [];
    let gatheredCount = 0;
    const applyGathered = () => {
      if (gatheredCount === 0) return;
      const events = gathered.length === 1 ? gathered[0] : gathered.flat();
      gathered = [];
      gatheredCount = 0;
      apply(events);
      this.checkpoint = events[events.length - 1].position;
      for (const waiter of this.waiters) {
        if (waiter.position <= this.checkpoint) {
          this.waiters.delete(waiter);
          waiter.resolve();
        }
      }
    };
    const subscription = this.store.subscribeToAll({
      after: this.checkpoint ?? undefined,
      onEvents: (events) => {
        gathered.push(events);
        gatheredCount += events.length;
        const last = events[events.length - 1].position;
        if (catchUpTo !== undefined && last < catchUpTo && gatheredCount < CATCH_UP_EVENTS) return;
        applyGathered();
      },
      onCaughtUp: () => {
        applyGathered();
        this.caughtUp = true;
      },
    });
    subscription.done.catch((error: unknown) => {
      this.failure = (error as Error).message;
    });
    this.subscription = subscription;
  }

  private reset(projections: readonly Projection[]): void {
    this.db.transaction(() => {
      for (const projection of projections) {
        for (const table of projection.tables) this.db.exec(`DROP TABLE IF EXISTS "${table}"`);
        this.db.prepare('DELETE FROM projection_checkpoints WHERE name = ?').run(projection.name);
      }
    })();
    for (const projection of this.projections) this.db.exec(projection.schema);
  }
}
