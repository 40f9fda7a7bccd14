import { createHash } from 'node:crypto';

/**
 * A name-based UUID (version 5 layout, SHA-1) of a command id, the stream it writes to and an
 * event's index in its output: a retried command produces the very same event ids, so the store
 * writes it only once, while one command reaching several streams still writes distinct events.
 */
export function eventIdFor(commandId: string, stream: string, index: number): string {
  return nameBasedUuid(`accreditation-event:${commandId}:${stream}:${index}`);
}

/** A stable UUID for a name, e.g. a new resource's id from the client's Idempotency-Key. */
export function nameBasedUuid(name: string): string {
  const bytes = createHash('sha1').update(name).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
