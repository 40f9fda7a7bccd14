import { Decider } from '../domain/decider';
import { AppendResult, EventStore, NewEvent, Position, RecordedEvent } from './event-store';
import type { CommandObserver } from './handle-command';
import { GENESIS_HASH } from './integrity';

type DomainEvent = { readonly type: string; readonly data: unknown };
type Evolving<State, Event> = Pick<Decider<State, unknown, Event>, 'initialState' | 'evolve'>;

/** What one command wrote to a stream, as its repeat answers it. */
export interface WrittenByCommand {
  readonly revision: number;
  readonly position: Position;
  readonly events: readonly string[];
  /** The digest of the request that carried the command's Idempotency-Key, when one did. */
  readonly requestDigest?: string;
}

/** A stream folded up to a revision: everything the command path needs without reading it again. */
export interface FoldedStream<State> {
  readonly state: State;
  /** -1 while the stream has no event. */
  readonly revision: number;
  readonly position: Position | null;
  /** The hash of the last event, which the next event chains to. */
  readonly lastHash: string;
  /**
   * What each command id recorded in the stream's metadata wrote, so a repeat is answered without
   * deciding again. Shared by the states of one stream and only ever added to: whatever it holds is in
   * the stream, even when a state was folded before it.
   */
  readonly commands: ReadonlyMap<string, WrittenByCommand>;
}

interface Entry {
  readonly decider: object;
  readonly folded: FoldedStream<unknown>;
}

/**
 * Folded states of recently used streams of one store. Streams only grow, so a remembered state stays
 * true: a read fetches just the events after it (usually none) and folds them in, which also picks up
 * what another process appended to the same store. Commands on one stream are queued here too, so
 * the callers that share this cache do not race each other into optimistic-concurrency retries.
 *
 * The service has one, a provider Nest injects (app.module) into the command handlers, the reactor and
 * the controllers' reads; it is handed to `handleCommand` and `readState` explicitly. Two caches on one
 * store behave as two processes would: each folds what the other wrote when it next reads.
 */
export class FoldedStreams {
  private readonly entries = new Map<string, Entry>();
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    /** The store the streams are read from, and the command path appends to. */
    readonly store: EventStore,
    /** Streams kept; the least recently used is forgotten first (and read in full when next used). */
    private readonly capacity = 2000,
    /** Told of every command handled on these streams (the service's metrics). */
    readonly observer?: CommandObserver,
  ) {}

  /** The state this process last knew, without asking the store (which may have more, from another process). */
  remembered<State, Event extends DomainEvent>(decider: Evolving<State, Event>, stream: string): FoldedStream<State> | undefined {
    const known = this.entries.get(stream);
    if (known?.decider !== decider) return undefined;
    this.entries.delete(stream);
    this.entries.set(stream, known);
    return known.folded as FoldedStream<State>;
  }

  /** The stream's current state, read from where this process last left it. */
  async read<State, Event extends DomainEvent>(decider: Evolving<State, Event>, stream: string): Promise<FoldedStream<State>> {
    const known = this.entries.get(stream);
    const start: FoldedStream<State> =
      known?.decider === decider
        ? (known.folded as FoldedStream<State>)
        : { state: decider.initialState, revision: -1, position: null, lastHash: GENESIS_HASH, commands: new Map() };
    const newer = await this.store.readStream(stream, { fromRevision: start.revision + 1 });
    const folded = newer.length === 0 ? start : foldInto(decider, start, newer);
    this.remember(stream, decider, folded);
    return folded;
  }

  /**
   * Folds in what the command path itself just appended, so the stream's next command reads nothing.
   * Anything else (the append found these events written already, further along) is left to the next read.
   */
  appended<State, Event extends DomainEvent>(decider: Evolving<State, Event>, stream: string, before: FoldedStream<State>, events: readonly NewEvent[], result: AppendResult): void {
    if (result.nextRevision !== before.revision + events.length) return;
    // Each event is given the append's position: only the last event's is kept.
    const recorded = events.map((event, index) => ({ ...event, stream, revision: before.revision + 1 + index, position: result.position }));
    this.remember(stream, decider, foldInto(decider, before, recorded));
  }

  /** Runs `work` after every earlier call for the same stream has settled. */
  async serially<T>(stream: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(stream) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    this.queues.set(stream, mine);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.queues.get(stream) === mine) this.queues.delete(stream);
    }
  }

  private remember(stream: string, decider: object, folded: FoldedStream<unknown>): void {
    const known = this.entries.get(stream);
    // A concurrent reader may have folded further already; never step back.
    if (known?.decider === decider && known.folded.revision > folded.revision) return;
    this.entries.delete(stream);
    this.entries.set(stream, { decider, folded });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }
}

function foldInto<State, Event extends DomainEvent>(decider: Evolving<State, Event>, start: FoldedStream<State>, events: readonly RecordedEvent[]): FoldedStream<State> {
  let state = start.state;
  const commands = start.commands as Map<string, WrittenByCommand>;
  for (const event of events) {
    state = decider.evolve(state, { type: event.type, data: event.data } as unknown as Event);
    const commandId = event.metadata.commandId;
    if (typeof commandId !== 'string') continue;
    const earlier = commands.get(commandId);
    // Folded already by a concurrent read from the same state.
    if (earlier && earlier.revision >= event.revision) continue;
    // A command's events are contiguous: extend its entry when this event follows it directly.
    const events = earlier && earlier.revision === event.revision - 1 ? [...earlier.events, event.type] : [event.type];
    const requestDigest = event.metadata.requestDigest;
    commands.set(commandId, { revision: event.revision, position: event.position, events, ...(typeof requestDigest === 'string' ? { requestDigest } : {}) });
  }
  const last = events[events.length - 1];
  return { state, revision: last.revision, position: last.position, lastHash: (last.metadata.hash as string | undefined) ?? GENESIS_HASH, commands };
}
