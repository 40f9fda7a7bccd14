import type Database from 'better-sqlite3';
import { categoryOf } from '../../application/audit';
import { Clock } from '../../application/clock';
import { CommandDoors, DoorCommands, send } from '../../application/command-doors';
import { Deadline, DeadlineRule, DeadlineRuleOf, SYSTEM_ACTOR } from '../../application/deadlines';
import { CommandOutcome, CommandRequest } from '../../application/handle-command';
import { idInStream } from '../../application/streams';
import { DomainError } from '../../domain/errors';
import { repeat, Repeating } from '../projections/log-consumer';
import { retryWhileBusy } from '../projections/sqlite-busy';
import { deadlinesDue } from '../read-models/deadlines/deadlines.query';

export interface DeadlineSchedulerOptions<Commands = DoorCommands> {
  /** The read-model database the deadlines projection writes. */
  readonly db: Database.Database;
  readonly rules: readonly DeadlineRule<never, Commands>[];
  /** The one door of each aggregate the rules act on, by stream category (commandDoors in the service). */
  readonly doors: CommandDoors<Commands>;
  readonly clock: Clock;
  /** Wait before the first retry of a failed deadline, doubled on each further failure up to `maxRetryMs`. */
  readonly retryMs?: number;
  readonly maxRetryMs?: number;
  /** Told of each failure and of a tick that could not run at all; the scheduler itself never throws them. */
  readonly onError?: (error: unknown, deadline?: Deadline) => void;
}

export type DeadlineOutcome =
  | { readonly status: 'fired'; readonly deadline: Deadline; readonly events: readonly string[] }
  /** Nothing to write: the effect had already happened (another instance, or before a restart). */
  | { readonly status: 'settled'; readonly deadline: Deadline }
  | { readonly status: 'failed'; readonly deadline: Deadline; readonly failure: DeadlineFailure };

export interface DeadlineFailure {
  readonly deadline: Deadline;
  readonly error: string;
  /** The DomainError's code, when the domain refused. */
  readonly code?: string;
  readonly attempts: number;
  readonly nextAttemptAt: string;
}

/**
 * Fires the deadlines the clock has passed. Each deadline becomes one command on its stream, sent to
 * the aggregate's one handler like a client's, with a command id derived from the deadline: however
 * many instances tick, and however often a restart repeats a tick, the store writes its events once.
 * The command is decided at the due time, so a deadline fired late (after downtime) records when it
 * was really due; the envelope's `recordedAt` keeps when it actually fired.
 */
export class DeadlineScheduler<Commands = DoorCommands> {
  private readonly rules = new Map<string, DeadlineRule<never, Commands>>();
  /** Deadlines this instance has settled whose settling event the read model may not show yet. */
  private readonly done = new Set<string>();
  private readonly failures = new Map<string, DeadlineFailure>();
  private queue: Promise<unknown> = Promise.resolve();
  private ticking?: Repeating;

  constructor(private readonly options: DeadlineSchedulerOptions<Commands>) {
    for (const rule of options.rules) {
      const id = `${String(rule.category)}/${rule.kind}`;
      if (this.rules.has(id)) throw new Error(`two deadline rules ${id}`);
      this.rules.set(id, rule);
    }
  }

  /** Fires every deadline due by now; ticks never overlap. */
  tick(): Promise<DeadlineOutcome[]> {
    const run = this.queue.then(() => this.fireDue());
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Ticks now and then every `intervalMs`, each tick after the previous one has finished. */
  start(intervalMs: number): void {
    this.ticking ??= repeat(intervalMs, () => this.tick(), { onError: (error) => this.options.onError?.(error) });
  }

  /** Stops ticking; resolves once a tick in progress has finished. */
  async stop(): Promise<void> {
    const ticking = this.ticking;
    this.ticking = undefined;
    await ticking?.stop();
    await this.queue;
  }

  /** Deadlines whose last attempt failed, with the error and the next attempt's time. */
  get pendingFailures(): readonly DeadlineFailure[] {
    return [...this.failures.values()];
  }

  private async fireDue(): Promise<DeadlineOutcome[]> {
    const now = this.options.clock.now();
    // The read-model file is shared with other instances: a lock one of them holds is waited out.
    const due = await retryWhileBusy(() => deadlinesDue(this.options.db, now), { operation: 'read the deadlines due' });
    const ids = new Set(due.map(commandIdOf));
    // Settled deadlines leave the list once the read model shows their event; forget them then.
    for (const id of this.done) if (!ids.has(id)) this.done.delete(id);
    for (const id of this.failures.keys()) if (!ids.has(id)) this.failures.delete(id);

    const outcomes: DeadlineOutcome[] = [];
    for (const deadline of due) {
      const id = commandIdOf(deadline);
      const failed = this.failures.get(id);
      if (this.done.has(id) || (failed && Date.parse(failed.nextAttemptAt) > now.getTime())) continue;
      const outcome = await this.fire(deadline, id, now, failed?.attempts ?? 0);
      if (outcome.status === 'failed') {
        this.failures.set(id, outcome.failure);
        this.options.onError?.(new Error(outcome.failure.error), deadline);
      } else {
        this.failures.delete(id);
        this.done.add(id);
      }
      outcomes.push(outcome);
    }
    return outcomes;
  }

  private async fire(deadline: Deadline, commandId: string, now: Date, attempts: number): Promise<DeadlineOutcome> {
    const category = categoryOf(deadline.stream);
    const rule = this.rules.get(`${category}/${deadline.kind}`);
    try {
      if (!rule) throw new Error(`no deadline rule ${category}/${deadline.kind}`);
      const outcome = await fire(this.options.doors, rule, deadline, {
        commandId,
        actor: SYSTEM_ACTOR,
        issuedBy: { issuer: 'scheduler', decidedAt: rule.decidedWhenFired ? now.toISOString() : deadline.dueAt },
        // The reason lands in the events' metadata: which rule fired, when it was due, with which calendar.
        reason: reasonOf(deadline),
      });
      return outcome.repeated || outcome.events.length === 0
        ? { status: 'settled', deadline }
        : { status: 'fired', deadline, events: outcome.events };
    } catch (error) {
      if (error instanceof DomainError && rule?.settledBy?.includes(error.code)) return { status: 'settled', deadline };
      const retryMs = Math.min((this.options.retryMs ?? 5_000) * 2 ** attempts, this.options.maxRetryMs ?? 15 * 60_000);
      const failure: DeadlineFailure = {
        deadline,
        error: error instanceof Error ? error.message : String(error),
        ...(error instanceof DomainError ? { code: error.code } : {}),
        attempts: attempts + 1,
        nextAttemptAt: new Date(now.getTime() + retryMs).toISOString(),
      };
      return { status: 'failed', deadline, failure };
    }
  }
}

/** Sends the rule's command for the deadline through the door of the rule's category. */
function fire<Commands, Category extends keyof Commands>(
  doors: CommandDoors<Commands>,
  rule: DeadlineRuleOf<never, Category, Commands[Category]>,
  deadline: Deadline,
  request: CommandRequest,
): Promise<CommandOutcome> {
  return send(doors, idInStream(deadline.stream), { category: rule.category, command: rule.command(deadline) }, request);
}

/**
 * The due time is part of the id: a deadline moved (an extension) and due again is a new command,
 * while the same deadline seen by two instances, or again after a restart, is the same one.
 */
const commandIdOf = (d: Deadline) => `deadline:${d.stream}:${d.kind}:${d.key}@${d.dueAt}`;

function reasonOf(d: Deadline): string {
  const calendar = d.calendarVersion ? `, calendar ${d.calendarVersion}` : '';
  return `deadline ${d.kind} ${d.key} due ${d.dueAt}: ${d.rule}${calendar}`;
}
