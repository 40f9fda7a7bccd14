import { createHash, randomUUID } from 'node:crypto';
import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { JsonValue } from '../../application/event-store';
import { CommandOutcome, CommandRequest, IfMatch } from '../../application/handle-command';
import { canonicalJson } from '../../application/integrity';
import { Actor } from '../../domain/messages';
import { ProblemError } from './problem.filter';

const KEY = /^[\x21-\x7e]{1,200}$/;

/**
 * Reads `"3"` as revision 3 and `"-1"` as a stream that must not exist yet. If-Match compares strongly
 * (RFC 9110 §13.1.1): a weak tag such as `W/"3"` never matches, so it fails the precondition (412).
 */
export function parseETag(header: string): IfMatch {
  const value = header.trim();
  if (/^W\/"[^"]*"$/.test(value)) return 'weak';
  const match = /^"(-1|\d{1,15})"$/.exec(value);
  if (!match) {
    throw new ProblemError({ status: 400, code: 'invalid-if-match', title: 'Bad Request', detail: 'If-Match must be an ETag this service gave, e.g. "3"' });
  }
  return match[1] === '-1' ? 'no_stream' : Number(match[1]);
}

export const etagOf = (revision: number) => `"${revision}"`;

export const CurrentCommand = createParamDecorator((_: unknown, context: ExecutionContext): CommandRequest => {
  const request = context.switchToHttp().getRequest<FastifyRequest & { actor?: Actor }>();
  return commandRequestOf(request, request.actor!);
});

/**
 * A request's command as `actor` issues it: its headers' Idempotency-Key (400 when malformed) and
 * If-Match, and its correlation id. The signed-in routes take it through @CurrentCommand; the public
 * pages name their actor themselves.
 */
export function commandRequestOf(request: FastifyRequest, actor: Actor): CommandRequest {
  const key = request.headers['idempotency-key'];
  if (key !== undefined && (typeof key !== 'string' || !KEY.test(key))) {
    throw new ProblemError({ status: 400, code: 'invalid-idempotency-key', title: 'Bad Request', detail: 'Idempotency-Key must be 1–200 visible ASCII characters' });
  }
  const ifMatch = request.headers['if-match'];
  return {
    actor,
    // Keys are per actor, so two people choosing the same key never collide.
    commandId: key ? `${actor.id}:${key}` : randomUUID(),
    ...(key ? { requestDigest: requestDigest(request) } : {}),
    ...(typeof ifMatch === 'string' ? { ifMatch: parseETag(ifMatch) } : {}),
    correlationId: String(request.id),
  };
}

/** What identifies a request beside its key: method, path and the body's canonical JSON. */
function requestDigest(request: FastifyRequest): string {
  const path = request.url.split('?', 1)[0];
  const body = request.body === undefined ? '' : canonicalJson(request.body as JsonValue);
  return createHash('sha256').update(`${request.method} ${path}\n`).update(body).digest('base64url');
}

/** The answer to every command: where it wrote, at which revision and global position. */
export function answer(reply: FastifyReply, outcome: CommandOutcome, location?: string) {
  if (outcome.revision >= 0) reply.header('etag', etagOf(outcome.revision));
  if (outcome.position !== null) reply.header('x-position', outcome.position.toString());
  if (location) reply.status(201).header('location', location);
  return {
    stream: outcome.stream,
    revision: outcome.revision,
    position: outcome.position?.toString() ?? null,
    events: outcome.events,
    repeated: outcome.repeated,
  };
}
