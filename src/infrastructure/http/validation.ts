import { isUtf8 } from 'node:buffer';
import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { ProblemError } from './problem.filter';

function flatten(errors: readonly ValidationError[], parent = ''): { field: string; reason: string }[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((reason) => ({ field, reason }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/**
 * How deep a JSON body may nest. The deepest command body nests 4 levels; validation and whitelisting
 * recurse over the body, and thousands of levels exhaust the stack (a 500) long before the body limit.
 */
export const MAX_JSON_DEPTH = 32;

/** A NUL or a UTF-16 surrogate without its pair: neither is text, and neither belongs in an event. */
const NOT_TEXT = /[\u0000\p{Cs}]/u;

function whyNotText(value: string): string | undefined {
  const found = NOT_TEXT.exec(value);
  if (!found) return undefined;
  return found[0] === '\u0000' ? 'contains a NUL character (\\u0000)' : 'contains a lone UTF-16 surrogate (an escape such as \\ud800 without its pair)';
}

/** The first string (or object key) of a value that is not text, with its path as validation names fields. */
export function findNonText(value: unknown, path = ''): { field: string; reason: string } | undefined {
  if (typeof value === 'string') {
    const reason = whyNotText(value);
    return reason ? { field: path || '(body)', reason } : undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const field = path ? `${path}.${key}` : key;
    const keyReason = whyNotText(key);
    if (keyReason) return { field, reason: `its name ${keyReason}` };
    const found = findNonText(item, field);
    if (found) return found;
  }
  return undefined;
}

function refuseNonText(found: { field: string; reason: string }, where: string): ProblemError {
  return new ProblemError({
    status: 400,
    code: 'invalid-characters',
    title: 'Bad Request',
    detail: `${found.field}: ${found.reason} (${where})`,
    errors: [found],
  });
}

/** The deepest nesting of arrays and objects in JSON text, without parsing it; stops counting past `limit`. */
export function jsonDepth(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return deepest;
}

/**
 * Replaces Fastify's JSON parser by one that also refuses, with a 400 naming the problem: bytes that are not
 * UTF-8 (Fastify would turn them into U+FFFD silently), nesting deeper than MAX_JSON_DEPTH, and strings or
 * keys holding a NUL or a lone surrogate. Every JSON body passes here, so no command can carry them into an event.
 */
export function installJsonParser(fastify: FastifyInstance): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, raw, done) => {
    const bytes = raw as Buffer;
    if (!isUtf8(bytes)) {
      done(new ProblemError({ status: 400, code: 'invalid-utf8', title: 'Bad Request', detail: 'the request body is not valid UTF-8; JSON must be sent as UTF-8' }), undefined);
      return;
    }
    const text = bytes.toString('utf8');
    if (jsonDepth(text) > MAX_JSON_DEPTH) {
      done(
        new ProblemError({
          status: 400,
          code: 'json-too-deep',
          title: 'Bad Request',
          detail: `the request body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels, the most the service accepts`,
          maxDepth: MAX_JSON_DEPTH,
        }),
        undefined,
      );
      return;
    }
    parseJson(request, text, (error, body) => {
      if (error) return done(error, undefined);
      const found = findNonText(body);
      if (found) return done(refuseNonText(found, 'request body'), undefined);
      done(null, body);
    });
  });
}

/** Bodies are whitelisted: an unknown field is an error, and every error names its field and the reason. */
class ProblemValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // Bodies were checked as they were parsed; query strings and path parameters are checked here.
    if (metadata.type === 'query' || metadata.type === 'param') {
      const found = findNonText(value, metadata.type === 'param' && metadata.data ? metadata.data : '');
      if (found) throw refuseNonText(found, metadata.type === 'query' ? 'query string' : 'path');
    }
    return super.transform(value, metadata);
  }
}

export const validationPipe = new ProblemValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  validationError: { target: false, value: false },
  exceptionFactory: (errors) => {
    const list = flatten(errors);
    return new ProblemError({
      status: 400,
      code: 'validation-failed',
      title: 'Bad Request',
      detail: list.map((e) => `${e.field}: ${e.reason}`).join('; '),
      errors: list,
    });
  },
});
