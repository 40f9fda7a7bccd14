import { namesObjector, ObjectionRedaction, OBJECTORS_NAMED_TO_OFFICE, REDACTED } from '../domain/access';
import { ENTERPRISE_ACCESS } from '../domain/enterprise/enterprise.access';
import type { Role } from '../domain/messages';
import { PROGRAM_CYCLE_ACCESS } from '../domain/program-cycle/program-cycle.access';
import { PROJECT_ACCESS } from '../domain/project/project.access';
import { EventStore, JsonObject, Position, RecordedEvent } from './event-store';
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

/** Who is shown an objector, by stream category: each aggregate’s access policy in the domain. */
const OBJECTIONS: Readonly<Record<string, ObjectionRedaction>> = {
  project: PROJECT_ACCESS.objections,
  enterprise: ENTERPRISE_ACCESS.objections,
  cycle: PROGRAM_CYCLE_ACCESS.objections,
};

/** An objector recorded on a stream no policy covers is named to the office alone, like any other. */
const ELSEWHERE: ObjectionRedaction = { filedByObjector: [], objectorNamedTo: OBJECTORS_NAMED_TO_OFFICE };

const objectionsOf = (stream: string): ObjectionRedaction => OBJECTIONS[categoryOf(stream)] ?? ELSEWHERE;

export { REDACTED };

/**
 * The envelope fields an auditor sees of an objector's event: when, under which rules, and the links of
 * the chain. The others go, whatever is added later: the actor, and the command, correlation and
 * causation ids and request digests, which can carry the user id (an Idempotency-Key is `<user>:<key>`).
 */
const METADATA_SHOWN_OF_OBJECTORS = new Set(['reason', 'rulesVersion', 'recordedAt', 'schemaVersion', 'prevHash', 'hash']);

/** An event the objector's own command wrote (its envelope names them), or one whose data names an objector. */
export const isFiledByObjector = (event: Pick<RecordedEvent, 'stream' | 'type' | 'data'>): boolean =>
  objectionsOf(event.stream).filedByObjector.includes(event.type) || (!!event.data && typeof event.data === 'object' && 'objector' in event.data);

/** `data` with the objector's identity hidden from every role its aggregate's policy does not name it to. */
export function redactedData(role: Role, event: Pick<RecordedEvent, 'stream' | 'data'>): JsonObject {
  const named = namesObjector(objectionsOf(event.stream), role);
  return !named && event.data && typeof event.data === 'object' && 'objector' in event.data ? { ...event.data, objector: { ...REDACTED } } : event.data;
}

/** An event as one role may read it in an audit view, with the paths that were hidden. */
export interface AuditedEvent extends RecordedEvent {
  /** E.g. `data.objector`, `metadata.actor`: absent when nothing was hidden. */
  readonly redacted?: readonly string[];
}

export type AuditView = (event: RecordedEvent) => AuditedEvent;

/** The office sees every event as stored. */
export const asStored: AuditView = (event) => event;

/**
 * Everyone the policy does not name objectors to (everyone but the office) sees an objection filed,
 * when, under which rules and with what grounds and evidence, and its resolution, but not who filed it:
 * neither `data.objector` nor the envelope's actor and ids. The chain links (`prevHash`, `hash`) stay,
 * so the order of the stream can still be followed; `GET /audit/verify` checks the stored events, never these.
 */
export function auditViewFor(role: Role): AuditView {
  if ([...Object.values(OBJECTIONS), ELSEWHERE].every((objections) => namesObjector(objections, role))) return asStored;
  return (event) => {
    if (namesObjector(objectionsOf(event.stream), role) || !isFiledByObjector(event)) return event;
    const redacted: string[] = [];
    const data = redactedData(role, event);
    if (data !== event.data) redacted.push('data.objector');
    const metadata: JsonObject = {};
    for (const [key, value] of Object.entries(event.metadata)) {
      if (METADATA_SHOWN_OF_OBJECTORS.has(key)) metadata[key] = value;
      else redacted.push(`metadata.${key}`);
    }
    metadata.actor = { ...REDACTED };
    return { ...event, data, metadata, redacted };
  };
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

/**
 * A stream's events as an auditor reads them, each with who, why, when, under which rules, and the
 * state after it; `view` hides what the reader may not see, from the events and from the states
 * folded from them alike.
 */
export async function history(store: EventStore, deciders: DeciderRegistry, stream: string, view: AuditView = asStored) {
  const decider = deciders[categoryOf(stream)];
  const events = (await store.readStream(stream)).map(view);
  let state: unknown = decider?.initialState;
  return events.map((event): HistoryEntry => {
    state = decider ? replay(decider, [event], state) : undefined;
    const { actor, reason, recordedAt, rulesVersion } = event.metadata;
    return {
      revision: event.revision,
      position: event.position.toString(),
      type: event.type,
      data: event.data,
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
  view: AuditView = asStored,
): Promise<{ revision: number; state: unknown } | undefined> {
  const decider = deciders[categoryOf(stream)];
  if (!decider) return undefined;
  const events = (await store.readStream(stream)).map(view);
  const upTo =
    'revision' in asOf
      ? events.filter((e) => e.revision <= asOf.revision)
      : events.filter((e) => Date.parse(String(e.metadata.recordedAt)) <= Date.parse(asOf.time));
  return {
    revision: upTo.length - 1,
    state: replay(decider, upTo),
  };
}
