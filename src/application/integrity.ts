import { createHash } from 'node:crypto';
import { JsonValue } from './event-store';

/** The hash a stream's first event chains from. */
export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every depth, so equal values always hash the same. */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  // Built by concatenation rather than map/join: this runs for every event appended and verified.
  let out: string;
  if (Array.isArray(value)) {
    out = '[';
    for (let i = 0; i < value.length; i += 1) out += (i === 0 ? '' : ',') + canonicalJson(value[i]);
    return `${out}]`;
  }
  out = '{';
  for (const key of Object.keys(value).sort()) {
    const item = value[key];
    if (item === undefined) continue;
    out += `${out.length === 1 ? '' : ','}${JSON.stringify(key)}:${canonicalJson(item)}`;
  }
  return `${out}}`;
}

/** What an event's hash covers: its place in the stream, its content, and its metadata except the hash itself. */
export interface HashedContent {
  readonly id: string;
  readonly stream: string;
  readonly revision: number;
  readonly type: string;
  readonly data: JsonValue;
  readonly metadata: { readonly [key: string]: JsonValue };
}

/** SHA-256 over the previous event's hash and the canonical JSON of this event (without its own `hash`). */
export function chainHash(prevHash: string, event: HashedContent): string {
  const { hash: _own, ...metadata } = event.metadata;
  const { id, stream, revision, type, data } = event;
  const content = canonicalJson({ id, stream, revision, type, data, metadata });
  return createHash('sha256').update(prevHash).update('\n').update(content).digest('hex');
}

/**
 * The per-stream chains say nothing of where an event stands among the other streams' events, nor
 * of how many there are: the global chain links every event, in the global order, to the one before
 * it, by its position, stream, revision and stored hash. It is computed from `readAll` whenever the
 * log is checkpointed or verified, so nothing is added to the stored events.
 */
export function globalLink(prevGlobal: string, event: GlobalEntry): string {
  const content = canonicalJson([event.position.toString(), event.stream, event.revision, storedHash(event)]);
  return createHash('sha256').update(prevGlobal).update('\n').update(content).digest('hex');
}

/** What the global chain covers of an event. */
export interface GlobalEntry {
  readonly position: bigint;
  readonly stream: string;
  readonly revision: number;
  readonly metadata: { readonly [key: string]: JsonValue };
}

const storedHash = (event: GlobalEntry): string => (typeof event.metadata.hash === 'string' ? event.metadata.hash : '');

const DIGEST_MODULUS = 1n << 256n;

/**
 * One event's share of the set digest, a sum that does not depend on the order: equal digests with
 * different global chains mean the same events in another order. Only used to tell a reordering from a
 * rewrite; detection rests on the global chain, whose hash is sequential.
 */
function setShare(event: GlobalEntry): bigint {
  return BigInt(`0x${createHash('sha256').update(canonicalJson([event.stream, event.revision, storedHash(event)])).digest('hex')}`);
}

/** Where the global chain stands after some events: what a checkpoint signs, and what it resumes from. */
export interface GlobalChainState {
  /** Events chained so far. */
  readonly count: number;
  /** The global chain's hash after the last of them (GENESIS_HASH before any). */
  readonly head: string;
  /** The set digest of the events chained so far, 64 hex digits. */
  readonly events: string;
  readonly last: { readonly position: string; readonly stream: string; readonly revision: number; readonly hash: string } | null;
}

/** The rolling global chain over `readAll`. */
export class GlobalChain {
  private countSoFar: number;
  private headSoFar: string;
  private sum: bigint;
  private lastEvent: GlobalChainState['last'];

  constructor(from?: GlobalChainState) {
    this.countSoFar = from?.count ?? 0;
    this.headSoFar = from?.head ?? GENESIS_HASH;
    this.sum = from ? BigInt(`0x${from.events}`) : 0n;
    this.lastEvent = from?.last ?? null;
  }

  add(event: GlobalEntry): void {
    this.headSoFar = globalLink(this.headSoFar, event);
    this.sum = (this.sum + setShare(event)) % DIGEST_MODULUS;
    this.countSoFar += 1;
    this.lastEvent = { position: event.position.toString(), stream: event.stream, revision: event.revision, hash: storedHash(event) };
  }

  get count(): number {
    return this.countSoFar;
  }

  get head(): string {
    return this.headSoFar;
  }

  state(): GlobalChainState {
    return { count: this.countSoFar, head: this.headSoFar, events: this.sum.toString(16).padStart(64, '0'), last: this.lastEvent };
  }
}
