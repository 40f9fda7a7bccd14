import { randomUUID } from 'node:crypto';
import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CommandOutcome, CommandRequest } from '../../application/handle-command';
import { Actor } from '../../domain/messages';
import { ProblemError } from './problem.filter';

const KEY = /^[\x21-\x7e]{1,200}$/;

/** Reads `"3"` (or `W/"3"`) as revision 3 and `"-1"` as a stream that must not exist yet. */
export function parseETag(header: string): number | 'no_stream' {
  const match = /^(?:W\/)?"(-1|\d{1,15})"$/.exec(header.trim());
  if (!match) {
    throw new ProblemError({ status: 400, code: 'invalid-if-match', title: 'Bad Request', detail: 'If-Match must be an ETag this service gave, e.g. "3"' });
  }
  return match[1] === '-1' ? 'no_stream' : Number(match[1]);
}

export const etagOf = (revision: number) => `"${revision}"`;

export const CurrentCommand = createParamDecorator((_: unknown, context: ExecutionContext): CommandRequest => {
  const request = context.switchToHttp().getRequest<FastifyRequest & { actor?: Actor }>();
  const key = request.headers['idempotency-key'];
  if (key !== undefined && (typeof key !== 'string' || !KEY.test(key))) {
    throw new ProblemError({ status: 400, code: 'invalid-idempotency-key', title: 'Bad Request', detail: 'Idempotency-Key must be 1–200 visible ASCII characters' });
  }
  const ifMatch = request.headers['if-match'];
  return {
    actor: request.actor!,
    // Keys are per user, so two users choosing the same key never collide.
    commandId: key ? `${request.actor!.id}:${key}` : randomUUID(),
    ...(typeof ifMatch === 'string' ? { ifMatch: parseETag(ifMatch) } : {}),
    correlationId: String(request.id),
  };
});

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
