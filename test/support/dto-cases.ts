import { DECORATORS } from '@nestjs/swagger';
import { ProblemError } from '../../src/infrastructure/http/problem.filter';
import { validationPipe } from '../../src/infrastructure/http/validation';

export type DtoClass = new () => object;

/** A DTO with a body it accepts, a body it refuses, and the field the refusal names. */
export type DtoCase = [DtoClass, object, object, string];

/** The body through the service's own validation pipe (whitelist, forbidNonWhitelisted, transform). */
export const validated = (type: DtoClass, body: unknown): Promise<unknown> => validationPipe.transform(structuredClone(body), { type: 'body', metatype: type });

/** The fields a 400 validation-failed names for the body; fails the test when the body is accepted. */
export async function refusedFields(type: DtoClass, body: unknown): Promise<string[]> {
  try {
    await validated(type, body);
  } catch (error) {
    if (error instanceof ProblemError && error.problem.code === 'validation-failed' && error.problem.status === 400) return [...new Set((error.problem.errors ?? []).map((e) => e.field))];
    throw error;
  }
  throw new Error(`${type.name} accepted ${JSON.stringify(body)}`);
}

/** As plain data, keeping properties set to undefined so that a stray class field shows. */
export function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

/** The body as validation hands it on: what a client sent, with `undefined` properties left out (JSON has none). */
export const asSent = (body: object): unknown => JSON.parse(JSON.stringify(body));

/**
 * The tests every DTO module gets from its cases: each case's valid body accepted unchanged and its
 * invalid one refused naming exactly its field, the further bodies accepted or refused likewise, the fields that may be left
 * out (never null) documented as optional, and every DTO class the module exports covered by a case.
 */
export function dtoCaseTests(options: {
  readonly module: Record<string, unknown>;
  readonly cases: readonly DtoCase[];
  readonly moreValid: readonly [DtoClass, object][];
  readonly moreInvalid: readonly [DtoClass, object, string | string[]][];
  /** Classes only ever nested in another DTO, covered through it. */
  readonly nested: readonly unknown[];
  /** Fields that may be left out but never be null, with any further metadata their documentation must show. */
  readonly omissible?: readonly (readonly [DtoClass, string, object?])[];
}): void {
  const { cases, moreValid, moreInvalid } = options;
  it.each(cases.map(([type, valid]) => [type.name, type, valid] as const))('%s accepts its data shape, unchanged', async (_, type, body) => {
    const result = await validated(type, body);
    expect(result).toBeInstanceOf(type);
    expect(plain(result)).toStrictEqual(body);
  });

  it.each(cases.map(([type, , invalid, field]) => [type.name, field, type, invalid] as const))('%s refuses a bad %s', async (_, field, type, body) => {
    expect(await refusedFields(type, body)).toEqual([field]);
  });

  // Every field sent comes back as sent; a DTO may fill in a default (an objection's evidence, []).
  it.each(moreValid.map(([type, body], i) => [type.name, i, type, body] as const))('%s accepts more bodies (#%d)', async (_, __, type, body) => {
    const result = await validated(type, asSent(body));
    expect(result).toBeInstanceOf(type);
    expect(plain(result)).toMatchObject(asSent(body) as object);
  });

  it.each(moreInvalid.map(([type, body, field]) => [type.name, String(field), type, body, field] as const))('%s refuses a bad %s', async (_, __, type, body, field) => {
    expect(await refusedFields(type, body)).toEqual([field].flat());
  });

  if (options.omissible?.length) {
    it('documents a field that may be left out but not be null as optional', () => {
      for (const [type, field, more] of options.omissible!) expect(Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, type.prototype, field)).toMatchObject({ required: false, ...more });
    });
  }

  it('covers every DTO the module exports', () => {
    const covered = new Set<unknown>([...cases, ...moreValid, ...moreInvalid].map(([type]) => type));
    const exported = Object.values(options.module).filter((v) => typeof v === 'function' && !options.nested.includes(v));
    expect(exported.filter((type) => !covered.has(type)).map((type) => (type as DtoClass).name)).toEqual([]);
  });
}
