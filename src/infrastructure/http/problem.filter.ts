import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ConcurrencyError, EventRejectedError, StoreBusyError } from '../../application/event-store';
import { IdempotencyKeyReusedError, PreconditionFailedError } from '../../application/handle-command';
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

/** Raised by the HTTP layer itself (validation of bodies, headers and documents); `headers` go with the answer (e.g. Allow). */
export class ProblemError extends Error {
  constructor(
    readonly problem: Problem,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
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
  408: 'Request Timeout',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export const problem = (status: number, code: string, detail: string, extra: Record<string, unknown> = {}): Problem => ({
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
  if (error instanceof IdempotencyKeyReusedError) return problem(422, 'idempotency-key-reused', error.message);
  if (error instanceof ConcurrencyError) {
    return problem(409, 'concurrency-conflict', 'the resource kept changing while the command was decided; send it again');
  }
  // The event store server did not take the write within the retry budget (an election, no leader found).
  if (error instanceof StoreBusyError && error.name === 'StoreUnavailableError') return problem(503, 'store-unavailable', error.message);
  // Another process on the same data folder held the store's lock for the whole wait: nothing was written.
  if (error instanceof StoreBusyError) return problem(503, 'store-busy', error.message);
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
    if (error instanceof ProblemError) reply.headers(error.headers);
    void reply
      .status(body.status)
      .type('application/problem+json')
      .send({ type: 'about:blank', ...body, instance: instanceOf(request.url), requestId: request.id });
  }
}

/** The request target, cut short: a URL refused for its length is not echoed back whole. */
export const instanceOf = (url: string) => (url.length > 1000 ? `${url.slice(0, 1000)}…` : url);

/**
 * A problem answered straight onto the socket, for the errors Node's HTTP parser finds before there is a
 * request for Fastify or Nest to answer (headers too large, a request line that is not HTTP).
 */
export function rawProblemResponse(body: Problem): string {
  const json = JSON.stringify({ type: 'about:blank', ...body });
  return [
    `HTTP/1.1 ${body.status} ${body.title}`,
    'Content-Type: application/problem+json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(json)}`,
    'Connection: close',
    '',
    json,
  ].join('\r\n');
}

/** The request line of what the parser was reading, when it is there (Node hands over the packet it failed on). */
function requestLineOf(packet: Buffer | undefined): Buffer | undefined {
  if (!packet) return undefined;
  const end = packet.indexOf('\r\n');
  return end === -1 ? packet : packet.subarray(0, end);
}

/**
 * Errors of Node's HTTP parser ('clientError'), which come before any request exists. Node cannot take
 * non-ASCII bytes in a request target, even with insecureHTTPParser (llhttp refuses them with
 * HPE_INVALID_URL), so such a URL is answered with how to send it: percent-encoded.
 */
export function clientErrorProblem(error: Error & { code?: string; rawPacket?: Buffer }, maxHeaderBytes: number): Problem {
  const line = requestLineOf(error.rawPacket);
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      // A request line that alone fills the header space is a URI too long; otherwise the headers are.
      if (line && (line.length >= maxHeaderBytes / 2 || line.length === error.rawPacket?.length)) {
        return problem(414, 'uri-too-long', `the request line is longer than the service reads (the request line and headers together may take ${maxHeaderBytes} bytes)`);
      }
      return problem(431, 'headers-too-large', `the request headers are larger than the service reads (${maxHeaderBytes} bytes with the request line)`);
    case 'HPE_INVALID_URL': {
      const nonAscii = line ? line.some((byte) => byte >= 0x80) : false;
      return problem(
        400,
        'unencoded-url',
        nonAscii
          ? 'the URL holds characters outside ASCII as raw bytes (such as 太原市 in a query); percent-encode them as UTF-8, e.g. region=%E5%A4%AA%E5%8E%9F%E5%B8%82 (curl: --data-urlencode with -G)'
          : 'the URL holds characters a URL may not hold (spaces, control characters); percent-encode them',
      );
    }
    case 'HPE_INVALID_METHOD':
      return problem(400, 'unknown-method', 'the request method is not one HTTP defines');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return problem(408, 'request-timeout', 'the request was not received in time');
    default:
      return problem(400, 'malformed-request', `the request is not valid HTTP/1.1 (${error.code ?? 'unreadable'})`);
  }
}

/** Errors Fastify's router raises before a route is chosen (its `frameworkErrors`). */
export function frameworkErrorProblem(error: Error & { code?: string }): Problem {
  switch (error.code) {
    case 'FST_ERR_BAD_URL':
      return problem(400, 'invalid-url', 'the URL path is not valid percent-encoding (e.g. a % not followed by two hex digits)');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return problem(414, 'uri-too-long', 'a path segment of the URL is longer than the service accepts');
    default:
      return problem(400, 'malformed-request', 'the request could not be routed');
  }
}
