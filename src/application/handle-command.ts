import { Decider } from '../domain/decider';
import { DomainError } from '../domain/errors';
import { categoryOf } from './audit';
import { Actor } from '../domain/messages';
import { ConcurrencyError, JsonObject, NewEvent } from './event-store';
import { FoldedStream, FoldedStreams } from './folded-streams';
import { eventIdFor } from './ids';
import { chainHash } from './integrity';

/** A revision, a stream that must not exist yet, or a weak tag, which a strong comparison never matches. */
export type IfMatch = number | 'no_stream' | 'weak';

/** Who asked, when, and under which command id: everything the envelope of the events records. */
export interface CommandContext {
  /** The client's Idempotency-Key, or a fresh id: the events' ids derive from it. */
  readonly commandId: string;
  readonly correlationId?: string;
  readonly causationId?: string;
  readonly actor: Actor;
  /** ISO-8601 instant the command is decided at; recorded as `recordedAt`. */
  readonly now: string;
  readonly rulesVersion?: string;
  /** The revision the client last saw (If-Match): any other current revision fails the command. */
  readonly ifMatch?: IfMatch;
  /**
   * A digest of the request a client's Idempotency-Key was sent with (route and body), recorded with
   * the events: the key repeated with another request is refused instead of answered as a repeat.
   */
  readonly requestDigest?: string;
  /** Why the command was issued, when its data does not say (the deadline the scheduler fired): recorded in the events' metadata. */
  readonly reason?: string;
}

/**
 * A command the service issues itself, carrying a decision already taken rather than a client's
 * request: the reactor carries a cycle's (or a project's) decision to another stream, the scheduler
 * fires a deadline's rule.
 */
export interface IssuedBy {
  /** The reactor, the deadline scheduler, or the first start of a service on an empty data folder (its first admin). */
  readonly issuer: 'reactor' | 'scheduler' | 'first-start';
  /**
   * The instant the command is decided at: the causing decision's (so a retry decides what the first
   * try would have), or the deadline's due time (so a deadline fired late records when it was due).
   * The events' `recordedAt` stays the clock's.
   */
  readonly decidedAt: string;
}

/**
 * What a command message brings to its handler: all of the context but the time, which the service's
 * clock gives, and the rules version, which the handler finds.
 */
export interface CommandRequest extends Omit<CommandContext, 'now' | 'rulesVersion'> {
  /** Set when the service issues the command itself; a client's request is decided at the clock's time. */
  readonly issuedBy?: IssuedBy;
}

/** The command path's context for a request, recorded at `recordedAt` (the clock's time). */
export function contextOf(request: CommandRequest, recordedAt: string, rulesVersion?: string): CommandContext {
  // Who issued the command tells the handler how to decide it; the envelope records the actor and causation.
  const { issuedBy: _issuedBy, ...context } = request;
  return { ...context, now: recordedAt, ...(rulesVersion !== undefined ? { rulesVersion } : {}) };
}

export interface CommandOutcome {
  readonly stream: string;
  /** The stream's revision after the command; -1 for a stream that still has no event. */
  readonly revision: number;
  /** Global position of the last event the command wrote (or of the stream's last event when it wrote none). */
  readonly position: bigint | null;
  readonly events: readonly string[];
  /** The events this command appended, envelope and all; none when it wrote nothing. */
  readonly written: readonly NewEvent[];
  /**
   * True when this command id's events were already in the stream when it was read: nothing new was
   * written. A duplicate racing the first one may answer false; it writes nothing either (same event ids).
   */
  readonly repeated: boolean;
}

/** The stream is not at the revision the client named in If-Match. */
export class PreconditionFailedError extends Error {
  constructor(
    readonly stream: string,
    readonly expected: IfMatch,
    readonly actual: number | 'no_stream',
  ) {
    super(
      expected === 'weak'
        ? `If-Match compares strongly: a weak tag never matches (stream ${stream} is at revision ${String(actual)})`
        : `stream ${stream} is at revision ${String(actual)}, not ${String(expected)}`,
    );
    this.name = 'PreconditionFailedError';
  }
}

/** An Idempotency-Key already used on this record for another request (IETF Idempotency-Key draft: 422). */
export class IdempotencyKeyReusedError extends Error {
  constructor(readonly stream: string) {
    super('this Idempotency-Key was already used for a different request; send a new key for a new request');
    this.name = 'IdempotencyKeyReusedError';
  }
}

type DomainEvent = { readonly type: string; readonly data: unknown };

/** How a command ended, as the service counts it (GET /metrics). */
export type CommandOutcomeKind = 'written' | 'nothing' | 'repeated' | 'refused' | 'conflict' | 'precondition-failed' | 'failed';

export interface HandledCommand {
  /** The stream's category (`project`, `cycle`, …). */
  readonly category: string;
  readonly type: string;
  readonly outcome: CommandOutcomeKind;
  /** From taking the stream's turn to the answer. */
  readonly seconds: number;
  /** The successful append's own time, when the command wrote. */
  readonly appendSeconds?: number;
}

/** Told of every command the one command path handles (the service's metrics). */
export interface CommandObserver {
  handled(command: HandledCommand): void;
}

function outcomeOfError(error: unknown): CommandOutcomeKind {
  if (error instanceof DomainError || error instanceof IdempotencyKeyReusedError) return 'refused';
  if (error instanceof PreconditionFailedError) return 'precondition-failed';
  return error instanceof ConcurrencyError ? 'conflict' : 'failed';
}

/**
 * How long a conflicting write is decided again before the conflict is the client's: a time, not a count,
 * because another process on the same store may win several rounds in a row.
 */
const CONFLICT_BUDGET_MS = 2000;
/** The longest pause between two attempts. */
const MAX_PAUSE_MS = 128;

/**
 * The one command path: fold the stream (from the state the cache remembers of it), decide, and
 * append with the revision folded, so optimistic concurrency is always on. Commands on one stream
 * take turns within the cache; a conflict with another process (or another cache) is, without
 * If-Match, decided again on the newer state (decide re-checks every rule); with If-Match it is the
 * client's to resolve. Its only effects are the append and what the cache remembers.
 */
export async function handleCommand<State, Command extends { readonly data: unknown }, Event extends DomainEvent>(
  streams: FoldedStreams,
  decider: Decider<State, Command, Event>,
  stream: string,
  /** The command, or its type and how to build it from the state read (when its context depends on that state). */
  command: Command | BuiltCommand<State, Command>,
  context: CommandContext,
): Promise<CommandOutcome> {
  const observer = streams.observer;
  if (!observer) return decideAndAppend(streams, decider, stream, command, context);
  const started = process.hrtime.bigint();
  const seconds = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e9;
  const measured = { type: String((command as { type?: unknown }).type), appendSeconds: undefined as number | undefined };
  const told = (outcome: CommandOutcomeKind) =>
    observer.handled({ category: categoryOf(stream), type: measured.type, outcome, seconds: seconds(started), ...(measured.appendSeconds === undefined ? {} : { appendSeconds: measured.appendSeconds }) });
  try {
    const outcome = await decideAndAppend(streams, decider, stream, command, context, measured);
    told(outcome.repeated ? 'repeated' : outcome.written.length > 0 ? 'written' : 'nothing');
    return outcome;
  } catch (error) {
    told(outcomeOfError(error));
    throw error;
  }
}

/** A command whose context depends on the state it is decided on: its type, and how to build it from that state. */
export interface BuiltCommand<State, Command> {
  readonly type: string;
  readonly build: (state: State) => Promise<Command>;
}

const isBuilt = <State, Command>(command: Command | BuiltCommand<State, Command>): command is BuiltCommand<State, Command> =>
  typeof (command as Partial<BuiltCommand<State, Command>>).build === 'function';

/** What the command path learns along the way for its observer: the append's time. */
interface Measured {
  appendSeconds: number | undefined;
}

async function decideAndAppend<State, Command extends { readonly data: unknown }, Event extends DomainEvent>(
  streams: FoldedStreams,
  decider: Decider<State, Command, Event>,
  stream: string,
  command: Command | BuiltCommand<State, Command>,
  context: CommandContext,
  measured?: Measured,
): Promise<CommandOutcome> {
  const store = streams.store;
  return streams.serially(stream, async () => {
    const started = Date.now();
    // The state this process remembers is decided on first: the append's expected revision proves it
    // current. Whatever else it leads to (a refusal, nothing to do, a precondition) is only answered
    // after deciding again on a state read from the store, which another process may have moved on.
    for (let attempt = 1; ; attempt += 1) {
      const remembered: FoldedStream<State> | undefined = attempt === 1 ? streams.remembered(decider, stream) : undefined;
      const folded = remembered ?? (await streams.read(decider, stream));
      const unsure = remembered !== undefined;
      const repeat = folded.commands.get(context.commandId);
      if (repeat) {
        // Events written before digests were recorded carry none: those repeats cannot be told apart.
        if (repeat.requestDigest !== undefined && context.requestDigest !== undefined && repeat.requestDigest !== context.requestDigest) {
          throw new IdempotencyKeyReusedError(stream);
        }
        const { revision, position, events } = repeat;
        return { stream, revision, position, events, written: [], repeated: true };
      }
      const current = folded.revision < 0 ? 'no_stream' : folded.revision;
      if (context.ifMatch !== undefined && context.ifMatch !== current) {
        if (unsure) continue;
        throw new PreconditionFailedError(stream, context.ifMatch, current);
      }
      let built: Command;
      let decided: Event[];
      try {
        built = isBuilt(command) ? await command.build(folded.state) : command;
        decided = decider.decide(built, folded.state);
      } catch (error) {
        if (unsure) continue;
        throw error;
      }
      if (decided.length === 0) {
        if (unsure) continue;
        return { stream, revision: folded.revision, position: folded.position, events: [], written: [], repeated: false };
      }
      const events = envelope(stream, folded, decided, built, context);
      try {
        const appending = process.hrtime.bigint();
        const result = await store.append(stream, events, current);
        if (measured) measured.appendSeconds = Number(process.hrtime.bigint() - appending) / 1e9;
        streams.appended(decider, stream, folded, events, result);
        return { stream, revision: result.nextRevision, position: result.position, events: decided.map((e) => e.type), written: events, repeated: false };
      } catch (error) {
        if (!(error instanceof ConcurrencyError)) throw error;
        if (context.ifMatch !== undefined) throw new PreconditionFailedError(stream, context.ifMatch, error.actual);
        if (Date.now() - started >= CONFLICT_BUDGET_MS) throw error;
        // Another process wrote in between, possibly with others of its own: a random, growing pause
        // spreads the retries over later commits instead of letting one win per round.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(2 ** attempt, MAX_PAUSE_MS)));
      }
    }
  });
}

/** The current state of a stream and its revision (-1 when it has no event), for queries and ETags. */
export async function readState<State, Event extends DomainEvent>(
  streams: FoldedStreams,
  decider: Pick<Decider<State, unknown, Event>, 'initialState' | 'evolve'>,
  stream: string,
): Promise<{ state: State; revision: number }> {
  const { state, revision } = await streams.read(decider, stream);
  return { state, revision };
}

function rulesVersionOf(context: CommandContext, event: DomainEvent): { rulesVersion?: string } {
  const fromEvent = (event.data as { rulesVersion?: unknown } | null)?.rulesVersion;
  const rulesVersion = context.rulesVersion ?? (typeof fromEvent === 'string' ? fromEvent : undefined);
  return rulesVersion ? { rulesVersion } : {};
}

function envelope(
  stream: string,
  folded: FoldedStream<unknown>,
  decided: readonly DomainEvent[],
  command: { readonly data: unknown },
  context: CommandContext,
): NewEvent[] {
  const stated = (command.data as { reason?: unknown } | null)?.reason;
  const reason = typeof stated === 'string' ? stated : context.reason;
  // Decisions record the rules version they were decided under; the envelope repeats it for auditors.
  let prevHash = folded.lastHash;
  return decided.map((event, index) => {
    const id = eventIdFor(context.commandId, stream, index);
    const metadata: JsonObject = {
      commandId: context.commandId,
      correlationId: context.correlationId ?? context.commandId,
      causationId: context.causationId ?? context.commandId,
      actor: { ...context.actor } as unknown as JsonObject,
      ...(typeof reason === 'string' ? { reason } : {}),
      ...rulesVersionOf(context, event),
      ...(context.requestDigest !== undefined ? { requestDigest: context.requestDigest } : {}),
      recordedAt: context.now,
      schemaVersion: 1,
      prevHash,
    };
    const data = event.data as JsonObject;
    const hash = chainHash(prevHash, { id, stream, revision: folded.revision + 1 + index, type: event.type, data, metadata });
    prevHash = hash;
    return { id, type: event.type, data, metadata: { ...metadata, hash } };
  });
}
