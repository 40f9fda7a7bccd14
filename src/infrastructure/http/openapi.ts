import { applyDecorators, HttpCode } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiHeader, ApiOkResponse, ApiPreconditionFailedResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';

const problem = (status: number, code: string) => ({
  description: `application/problem+json, e.g. code ${code}`,
  schema: { example: { type: 'about:blank', status, code, title: '', detail: '' } },
});

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
