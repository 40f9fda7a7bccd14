import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ConcurrencyError, EventRejectedError } from '../../application/event-store';
import { PreconditionFailedError } from '../../application/handle-command';
import { DomainError, DomainErrorKind } from '../../domain/errors';
import { DocumentRejectedError } from '../documents/document-store';
import { AuthenticationError } from './auth';

/** An RFC 9457 problem: `code` is stable and machine-readable, `detail` is for people. */
export interface Problem {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly errors?: readonly { readonly field: string; readonly reason: string }[];
  readonly [extra: string]: unknown;
}

/** Raised by the HTTP layer itself (validation of bodies, headers and documents). */
export class ProblemError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
    this.name = 'ProblemError';
  }
}

const STATUS_OF_KIND: Record<DomainErrorKind, number> = {
  validation: 400,
  forbidden: 403,
  'not-found': 404,
  'illegal-state': 409,
};

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
};

const problem = (status: number, code: string, detail: string, extra: Record<string, unknown> = {}): Problem => ({
  status,
  code,
  title: TITLES[status] ?? 'Error',
  detail,
  ...extra,
});

/**
 * Fastify's own errors (body parsing and limits). Nest hands them on as a plain HttpException with
 * Fastify's status and message, so they are told apart by status: the service's own 4xx answers are
 * all ProblemErrors or DomainErrors.
 */
function fastifyProblem(error: HttpException): Problem | undefined {
  switch (error.getStatus()) {
    case 400:
      return /JSON/.test(error.message)
        ? problem(400, 'malformed-json', 'the request body is not valid JSON')
        : problem(400, 'malformed-request', error.message);
    case 413:
      return problem(413, 'payload-too-large', 'the request body is larger than the service accepts');
    case 415:
      return problem(415, 'unsupported-media-type', 'send application/json (or multipart/form-data to upload documents)');
  }
  return undefined;
}

export function toProblem(error: unknown): Problem {
  if (error instanceof ProblemError) return error.problem;
  if (error instanceof DomainError) {
    return problem(STATUS_OF_KIND[error.kind], error.code, error.message, error.details ? { details: error.details } : {});
  }
  if (error instanceof AuthenticationError) return problem(401, 'unauthenticated', error.message);
  if (error instanceof PreconditionFailedError) {
    return problem(412, 'revision-mismatch', error.message, { currentRevision: error.actual === 'no_stream' ? -1 : error.actual });
  }
  if (error instanceof ConcurrencyError) {
    return problem(409, 'concurrency-conflict', 'the resource kept changing while the command was decided; send it again');
  }
  if (error instanceof EventRejectedError) {
    return error.code === 'event-too-large' ? problem(413, 'event-too-large', error.message) : problem(400, 'invalid-event', error.message);
  }
  if (error instanceof DocumentRejectedError) {
    const status = { 'unsupported-document-type': 415, 'document-too-large': 413, 'unknown-document': 400, 'document-mismatch': 400 }[error.code];
    return problem(status, error.code, error.message);
  }
  if (error instanceof HttpException) {
    const fromFastify = fastifyProblem(error);
    if (fromFastify) return fromFastify;
    const status = error.getStatus();
    const code = status === 404 ? 'route-not-found' : status === 405 ? 'method-not-allowed' : `http-${status}`;
    return problem(status, code, status === 404 ? 'no such route' : error.message);
  }
  return problem(500, 'internal-error', 'the service failed to handle the request; it has been logged');
}

/** Every error leaves as application/problem+json; a 500 never carries internals. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const body = toProblem(error);
    if (body.status >= 500) {
      this.logger.error({ msg: 'request failed', reqId: request.id, err: (error as Error)?.stack ?? String(error) });
    }
    void reply
      .status(body.status)
      .type('application/problem+json')
      .send({ type: 'about:blank', ...body, instance: request.url, requestId: request.id });
  }
}
