import { EventStore, Position, RecordedEvent } from './event-store';
import { chainHash, GENESIS_HASH } from './integrity';

/** Any aggregate's fold, whatever its own state and event types. */
export interface Fold {
  readonly initialState: unknown;
  evolve(state: never, event: never): unknown;
}

/** The fold of each stream category (`project-…` → 'project'). */
export type DeciderRegistry = Readonly<Record<string, Fold>>;

/** Folds recorded events with an aggregate's `evolve`; the registry guarantees the category matches. */
function replay(fold: Fold, events: readonly RecordedEvent[], from: unknown = fold.initialState): unknown {
  const evolve = fold.evolve as (state: unknown, event: { type: string; data: unknown }) => unknown;
  return events.reduce((state, e) => evolve(state, { type: e.type, data: e.data }), from);
}

export const categoryOf = (stream: string): string => stream.slice(0, Math.max(0, stream.indexOf('-')));

export interface BrokenLink {
  readonly stream: string;
  readonly revision: number;
  readonly position: string;
  readonly reason: string;
}

export interface Verification {
  readonly ok: boolean;
  readonly checkedEvents: number;
  readonly checkedStreams: number;
  readonly lastPosition: string | null;
  readonly firstBroken?: BrokenLink;
}

const PAGE = 5000;

/**
 * Checks the hash chain event by event: each event's hash covers its stream, revision, type, data
 * and metadata and chains from the previous event of its stream. An altered event breaks its own
 * hash; a removed one breaks its successor's link (or leaves a hole in the positions where they
 * are consecutive, as in the embedded store); a reordered one breaks the revision sequence.
 */
export class ChainVerifier {
  private readonly heads = new Map<string, { revision: number; hash: string }>();
  private lastPosition: Position | null = null;
  private checked = 0;
  private broken?: BrokenLink;

  constructor(private readonly consecutivePositions: boolean) {}

  /** Returns false once a broken link is found; the first one is kept. */
  check(event: RecordedEvent): boolean {
    if (this.broken) return false;
    const problem = this.problemWith(event);
    this.lastPosition = event.position;
    if (problem) {
      this.broken = { stream: event.stream, revision: event.revision, position: event.position.toString(), reason: problem };
      return false;
    }
    this.heads.set(event.stream, { revision: event.revision, hash: String(event.metadata.hash) });
    this.checked += 1;
    return true;
  }

  result(): Verification {
    return {
      ok: !this.broken,
      checkedEvents: this.checked,
      checkedStreams: this.heads.size,
      lastPosition: this.lastPosition?.toString() ?? null,
      ...(this.broken ? { firstBroken: this.broken } : {}),
    };
  }

  private problemWith(event: RecordedEvent): string | undefined {
    if (this.consecutivePositions && this.lastPosition !== null && event.position !== this.lastPosition + 1n) {
      return `positions jump from ${this.lastPosition} to ${event.position}: an event is missing`;
    }
    const head = this.heads.get(event.stream);
    const expectedRevision = head ? head.revision + 1 : 0;
    if (event.revision !== expectedRevision) return `revision ${event.revision} where ${expectedRevision} was expected`;
    const prevHash = head?.hash ?? GENESIS_HASH;
    if (event.metadata.prevHash !== prevHash) return 'prevHash does not match the previous event of the stream';
    if (event.metadata.hash !== chainHash(prevHash, event)) return 'hash does not match the event content';
    return undefined;
  }
}

export async function* readEverything(store: EventStore, stream?: string): AsyncGenerator<RecordedEvent> {
  if (stream) {
    for (let from = 0; ; from += PAGE) {
      const page = await store.readStream(stream, { fromRevision: from, maxCount: PAGE });
      yield* page;
      if (page.length < PAGE) return;
    }
  }
  let after: Position | undefined;
  for (;;) {
    const page = await store.readAll({ after, maxCount: PAGE });
    yield* page;
    if (page.length < PAGE) return;
    after = page[page.length - 1].position;
  }
}

export async function verifyIntegrity(store: EventStore, options: { stream?: string; consecutivePositions: boolean }): Promise<Verification> {
  // Within one stream positions are never consecutive, so only the whole log is checked for holes.
  const verifier = new ChainVerifier(options.consecutivePositions && !options.stream);
  for await (const event of readEverything(store, options.stream)) if (!verifier.check(event)) break;
  return verifier.result();
}

export interface HistoryEntry {
  readonly revision: number;
  readonly position: string;
  readonly type: string;
  readonly data: unknown;
  readonly actor: unknown;
  readonly reason: unknown;
  readonly recordedAt: unknown;
  readonly rulesVersion: unknown;
  readonly stateAfter: unknown;
}

/** A stream's events as an auditor reads them, each with who, why, when, under which rules, and the state after it. */
export async function history(store: EventStore, deciders: DeciderRegistry, stream: string, redact: (e: RecordedEvent) => unknown = (e) => e.data) {
  const decider = deciders[categoryOf(stream)];
  const events = await store.readStream(stream);
  let state: unknown = decider?.initialState;
  return events.map((event): HistoryEntry => {
    state = decider ? replay(decider, [event], state) : undefined;
    const { actor, reason, recordedAt, rulesVersion } = event.metadata;
    return {
      revision: event.revision,
      position: event.position.toString(),
      type: event.type,
      data: redact(event),
      actor,
      reason: reason ?? null,
      recordedAt,
      rulesVersion: rulesVersion ?? null,
      stateAfter: state,
    };
  });
}

/** The state of a stream as it stood after a revision, or at an instant (by the events' recorded time). */
export async function stateAsOf(
  store: EventStore,
  deciders: DeciderRegistry,
  stream: string,
  asOf: { revision: number } | { time: string },
): Promise<{ revision: number; state: unknown } | undefined> {
  const decider = deciders[categoryOf(stream)];
  if (!decider) return undefined;
  const events = await store.readStream(stream);
  const upTo =
    'revision' in asOf
      ? events.filter((e) => e.revision <= asOf.revision)
      : events.filter((e) => Date.parse(String(e.metadata.recordedAt)) <= Date.parse(asOf.time));
  return {
    revision: upTo.length - 1,
    state: replay(decider, upTo),
  };
}
