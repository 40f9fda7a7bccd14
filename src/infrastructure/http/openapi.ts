import { applyDecorators, HttpCode } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiHeader, ApiOkResponse, ApiPreconditionFailedResponse, ApiUnauthorizedResponse, OpenAPIObject } from '@nestjs/swagger';

const problem = (status: number, code: string) => ({
  description: `application/problem+json, e.g. code ${code}`,
  schema: { example: { type: 'about:blank', status, code, title: '', detail: '' } },
});

/** RFC 9457, as every error of the service is answered; `code` is the stable, machine-readable part. */
export const PROBLEM_SCHEMA = {
  type: 'object',
  required: ['type', 'status', 'code', 'title', 'detail'],
  properties: {
    type: { type: 'string', example: 'about:blank' },
    status: { type: 'integer', example: 400 },
    code: { type: 'string', description: 'Stable and machine-readable, e.g. validation-failed, unauthenticated, invalid-transition', example: 'validation-failed' },
    title: { type: 'string', example: 'Bad Request' },
    detail: { type: 'string', description: 'For people', example: 'reason: reason must be a string' },
    instance: { type: 'string', description: 'The request target', example: '/projects/3f2b8c1e-0d7a-4f55-9a57-0a4f1e2c9b11/submit' },
    requestId: { type: 'string', description: 'Also in the X-Request-Id header and the logs' },
    errors: {
      type: 'array',
      description: 'With validation-failed and invalid-characters: each field and why it was refused',
      items: { type: 'object', required: ['field', 'reason'], properties: { field: { type: 'string', example: 'subject.majors.0.name' }, reason: { type: 'string' } } },
    },
  },
  additionalProperties: true,
} as const;

const PROBLEM_MEDIA_TYPE = 'application/problem+json';
const PROBLEM_REF = { $ref: '#/components/schemas/Problem' };

const GENERIC_ERRORS: Record<string, { description: string; code: string }> = {
  '400': { description: 'The request is malformed or does not validate', code: 'validation-failed' },
  '401': { description: 'No valid bearer token', code: 'unauthenticated' },
  '404': { description: 'No such resource', code: 'project-not-found' },
  '413': { description: 'The body is larger than the service accepts', code: 'payload-too-large' },
  '415': { description: 'The body is not application/json', code: 'unsupported-media-type' },
};

type Operation = {
  parameters?: { in?: string }[];
  requestBody?: unknown;
  security?: unknown[];
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: { example?: unknown }; example?: unknown }> }>;
};

/**
 * Every error response of the document as it is really answered: application/problem+json with the Problem
 * schema (the decorators can only say application/json), keeping each example. Operations also declare the
 * errors every route of their kind can answer: 400 with parameters or a body, 401 behind a token, 404 with
 * a path parameter, 413 and 415 with a JSON body.
 */
export function withProblemResponses(document: OpenAPIObject): OpenAPIObject {
  document.components = { ...document.components, schemas: { ...document.components?.schemas, Problem: PROBLEM_SCHEMA as never } };
  for (const operations of Object.values(document.paths)) {
    for (const [method, operation] of Object.entries(operations as Record<string, Operation>)) {
      if (!['get', 'put', 'post', 'delete', 'patch', 'head', 'options'].includes(method)) continue;
      const responses = (operation.responses ??= {});
      const add = (status: string) => {
        if (!responses[status]) responses[status] = { description: GENERIC_ERRORS[status].description, content: { 'application/json': { schema: { example: { type: 'about:blank', status: Number(status), code: GENERIC_ERRORS[status].code, title: '', detail: '' } } } } };
      };
      if (operation.parameters?.length || operation.requestBody) add('400');
      if (operation.security?.length) add('401');
      if (operation.parameters?.some((p) => p.in === 'path')) add('404');
      if (operation.requestBody) {
        add('413');
        const json = Object.keys((operation.requestBody as { content?: object }).content ?? {}).includes('application/json');
        if (json) add('415');
      }
      for (const [status, response] of Object.entries(responses)) {
        if (!(Number(status) >= 400 || /^[45]XX$/.test(status) || status === 'default')) continue;
        const examples = Object.values(response.content ?? {}).map((media) => media.example ?? media.schema?.example).filter((e) => e !== undefined);
        response.content = { [PROBLEM_MEDIA_TYPE]: { schema: PROBLEM_REF, ...(examples.length ? { example: examples[0] } : {}) } as never };
      }
    }
  }
  return document;
}

/** The headers every command route reads. */
export const CommandHeaders = () =>
  applyDecorators(
    ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Makes the command exactly-once: a retry answers the first outcome and writes nothing' }),
    ApiHeader({ name: 'If-Match', required: false, description: 'The ETag last read: the command fails with 412 if the resource changed since' }),
  );

const OUTCOME_EXAMPLE = { stream: 'cycle-brand-major-2021', revision: 3, position: '1042', events: ['ProjectShortlisted'], repeated: false };

/** The answers every command route gives. */
export const CommandResponses = (options: { created?: boolean } = {}) =>
  applyDecorators(
    HttpCode(options.created ? 201 : 200),
    options.created
      ? ApiCreatedResponse({ description: 'Created; Location names it; ETag and X-Position are set', schema: { example: { ...OUTCOME_EXAMPLE, revision: 0 } } })
      : ApiOkResponse({ description: 'Decided; ETag and X-Position are set', schema: { example: OUTCOME_EXAMPLE } }),
    ApiBadRequestResponse(problem(400, 'validation-failed')),
    ApiUnauthorizedResponse(problem(401, 'unauthenticated')),
    ApiForbiddenResponse(problem(403, 'role-not-allowed')),
    ApiConflictResponse(problem(409, 'invalid-transition')),
    ApiPreconditionFailedResponse(problem(412, 'revision-mismatch')),
  );
