import type Database from 'better-sqlite3';
import { Clock } from '../../application/clock';
import { CommandDoors, send } from '../../application/command-doors';
import { EventStore, Position } from '../../application/event-store';
import { CausingEvent, CycleOfProject, Reaction, reactionsTo } from '../../application/reactions';
import { idInStream } from '../../application/streams';
import { LogConsumer, repeat, Repeating } from '../projections/log-consumer';
import { isBusy, retryWhileBusy, retryWhileBusySync } from '../projections/sqlite-busy';

export interface ReactorOptions {
  /** The store the reactor follows. */
  readonly store: EventStore;
  /** Where the checkpoint and the failed reactions are kept (not a read model: never rebuilt). */
  readonly db: Database.Database;
  /** The one door of each aggregate a reaction acts on (commandDoors in the service). */
  readonly doors: CommandDoors;
  readonly clock: Clock;
  readonly cycleOf: CycleOfProject;
  /** Wait before retrying a failed reaction, doubled each time up to `maxRetryMs`. */
  readonly retryMs?: number;
  readonly maxRetryMs?: number;
  /** Attempts after which a reaction is dead-lettered for the office instead of retried. */
  readonly maxAttempts?: number;
  /** Told of each failed reaction, and (without one) of a round of retries that could not run. */
  readonly onError?: (error: unknown, reaction?: Reaction) => void;
}

export interface FailedReaction {
  readonly commandId: string;
  readonly stream: string;
  readonly command: string;
  readonly causationId: string;
  readonly error: string;
  readonly attempts: number;
  readonly nextAttemptAt: string | null;
  readonly dead: boolean;
}

/**
 * The process manager: carries decisions from one stream to others (see reactions.ts). It follows
 * the store from its own checkpoint; every effect is idempotent, so after a crash at any point the
 * events since the checkpoint are simply reacted to again. A reaction that fails is recorded and
 * retried with backoff without holding up the others; one that keeps failing is dead-lettered.
 *
 * Several service processes on one data folder each run a reactor over the same store and the same
 * reactor.db: both react to every event, the effects' ids make the second one write nothing, and the
 * shared checkpoint only ever moves forward. A lock held by the other process (on reactor.db or on
 * the store) is waited out and the batch reacted to again, never a reason to stop.
 */
export class Reactor {
  private consumer?: LogConsumer;
  private retries?: Repeating;
  private readonly retryMs: number;
  private readonly maxRetryMs: number;
  private readonly maxAttempts: number;

  constructor(private readonly options: ReactorOptions) {
    this.retryMs = options.retryMs ?? 1000;
    this.maxRetryMs = options.maxRetryMs ?? 10 * 60 * 1000;
    this.maxAttempts = options.maxAttempts ?? 8;
    retryWhileBusySync(
      () =>
        options.db.exec(`
      CREATE TABLE IF NOT EXISTS reactor_checkpoint (id INTEGER PRIMARY KEY CHECK (id = 1), position TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS reactor_failures (
        command_id TEXT PRIMARY KEY, reaction TEXT NOT NULL, error TEXT NOT NULL, attempts INTEGER NOT NULL,
        next_attempt_at TEXT, dead INTEGER NOT NULL DEFAULT 0);`),
      'create the reactor tables',
    );
  }

  get checkpoint(): Position | undefined {
    const row = this.options.db.prepare('SELECT position FROM reactor_checkpoint WHERE id = 1').get() as { position: string } | undefined;
    return row ? BigInt(row.position) : undefined;
  }

  start(retryIntervalMs = this.retryMs): void {
    // A batch that met a lock is reacted to again: what it did already finds itself done.
    this.consumer = new LogConsumer(this.options.store, {
      after: this.checkpoint,
      handle: async (events) => {
        for (const event of events) await this.react(event);
        this.saveCheckpoint(events[events.length - 1].position);
      },
    });
    // A lock held elsewhere, or any other trouble, waits for the next round.
    this.retries = repeat(retryIntervalMs, () => this.retryDue(), { delayFirst: true, onError: (error) => this.options.onError?.(error) });
  }

  /** Another process's reactor may be further along on the same file: the checkpoint never moves back. */
  private saveCheckpoint(position: Position): void {
    this.options.db
      .prepare(
        `INSERT INTO reactor_checkpoint (id, position) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET position =
           CASE WHEN length(excluded.position) > length(position) OR (length(excluded.position) = length(position) AND excluded.position > position)
           THEN excluded.position ELSE position END`,
      )
      .run(position.toString());
  }

  async stop(): Promise<void> {
    const { consumer, retries } = this;
    this.consumer = this.retries = undefined;
    await Promise.all([consumer?.stop(), retries?.stop()]);
  }

  /** Settles when the subscription ends; rejects if reacting itself failed (not a single reaction). */
  get done(): Promise<void> {
    return this.consumer?.done ?? Promise.resolve();
  }

  /** Carries one event's decisions to the streams it names; failures are recorded, never thrown. */
  async react(event: CausingEvent): Promise<void> {
    for (const reaction of await reactionsTo(event, this.options.cycleOf)) await this.attempt(reaction, event.metadata.recordedAt as string);
  }

  /** Retries the recorded failures whose time has come. */
  async retryDue(): Promise<void> {
    const now = this.options.clock.now().toISOString();
    const due = this.options.db
      .prepare('SELECT reaction FROM reactor_failures WHERE dead = 0 AND next_attempt_at <= ? ORDER BY next_attempt_at')
      .all(now) as { reaction: string }[];
    for (const row of due) {
      const { reaction, decidedAt } = JSON.parse(row.reaction) as { reaction: Reaction; decidedAt: string };
      await this.attempt(reaction, decidedAt);
    }
  }

  failures(): FailedReaction[] {
    return (this.options.db.prepare('SELECT * FROM reactor_failures ORDER BY dead DESC, command_id').all() as Record<string, unknown>[]).map((row) => {
      const { reaction } = JSON.parse(String(row.reaction)) as { reaction: Reaction };
      return {
        commandId: String(row.command_id),
        stream: reaction.stream,
        command: reaction.command.type,
        causationId: reaction.causationId,
        error: String(row.error),
        attempts: Number(row.attempts),
        nextAttemptAt: (row.next_attempt_at as string | null) ?? null,
        dead: row.dead === 1,
      };
    });
  }

  private async attempt(reaction: Reaction, decidedAt: string): Promise<void> {
    let failure: unknown;
    try {
      // To the aggregate's one handler, as a client's command goes; decided at the time of the
      // decision it carries, so a retry decides exactly what the first try would have.
      await send(this.options.doors, idInStream(reaction.stream), reaction, {
        commandId: reaction.commandId,
        actor: reaction.actor,
        causationId: reaction.causationId,
        correlationId: reaction.correlationId,
        issuedBy: { issuer: 'reactor', decidedAt },
      });
    } catch (error) {
      this.options.onError?.(error, reaction);
      // The store stayed locked by another process: not a failed attempt; the caller reacts again later.
      if (isBusy(error)) throw error;
      failure = error;
    }
    // The bookkeeping waits for another process's lock on reactor.db; past the budget the caller reacts again later.
    await retryWhileBusy(() => (failure === undefined ? this.forget(reaction) : this.recordFailure(reaction, decidedAt, failure)), {
      operation: 'record a reaction',
    });
  }

  private forget(reaction: Reaction): void {
    this.options.db.prepare('DELETE FROM reactor_failures WHERE command_id = ?').run(reaction.commandId);
  }

  private recordFailure(reaction: Reaction, decidedAt: string, error: unknown): void {
    const { db } = this.options;
    db.transaction(() => {
      const previous = db.prepare('SELECT attempts FROM reactor_failures WHERE command_id = ?').get(reaction.commandId) as { attempts: number } | undefined;
      const attempts = (previous?.attempts ?? 0) + 1;
      const dead = attempts >= this.maxAttempts;
      const wait = Math.min(this.maxRetryMs, this.retryMs * 2 ** (attempts - 1));
      const nextAttemptAt = dead ? null : new Date(this.options.clock.now().getTime() + wait).toISOString();
      const message = error instanceof Error ? `${(error as { code?: string }).code ? `${(error as { code?: string }).code}: ` : ''}${error.message}` : String(error);
      db.prepare(
        `INSERT INTO reactor_failures (command_id, reaction, error, attempts, next_attempt_at, dead) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (command_id) DO UPDATE SET error = excluded.error, attempts = excluded.attempts, next_attempt_at = excluded.next_attempt_at, dead = excluded.dead`,
      ).run(reaction.commandId, JSON.stringify({ reaction, decidedAt }), message, attempts, nextAttemptAt, dead ? 1 : 0);
    }).immediate();
  }
}
