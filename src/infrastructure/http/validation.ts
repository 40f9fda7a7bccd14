import { ValidationError, ValidationPipe } from '@nestjs/common';
import { ProblemError } from './problem.filter';

function flatten(errors: readonly ValidationError[], parent = ''): { field: string; reason: string }[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((reason) => ({ field, reason }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** Bodies are whitelisted: an unknown field is an error, and every error names its field and the reason. */
export const validationPipe = new ValidationPipe({
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
