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
