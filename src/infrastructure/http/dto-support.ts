import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDefined, IsIn, IsInt, IsISO8601, IsNumber, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateBy, ValidateIf, ValidateNested } from 'class-validator';

/**
 * The few field shapes every DTO uses, each one decorator for validation and documentation alike,
 * so a field's rule and its OpenAPI description cannot drift apart.
 */
export const Text = (example: string, options: { optional?: boolean; max?: number; description?: string } = {}) =>
  applyDecorators(
    options.optional ? ApiPropertyOptional({ example, description: options.description }) : ApiProperty({ example, description: options.description }),
    ...(options.optional ? [IsOptional()] : []),
    IsString(),
    MinLength(1),
    MaxLength(options.max ?? 2000),
  );

/** An instant from `from` (inclusive) to `until` (exclusive), both ISO-8601. */
const InstantWithin = (from: string, until: string) =>
  ValidateBy({
    name: 'instantWithin',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && Date.parse(value) >= Date.parse(from) && Date.parse(value) < Date.parse(until),
      defaultMessage: (args) => `${args?.property} must be from ${from} and before ${until}`,
    },
  });

export const Instant = (example: string, options: { optional?: boolean; description?: string; within?: { from: string; until: string } } = {}) =>
  applyDecorators(
    options.optional ? ApiPropertyOptional({ example, format: 'date-time', description: options.description }) : ApiProperty({ example, format: 'date-time', description: options.description }),
    ...(options.optional ? [IsOptional()] : []),
    IsISO8601({ strict: true }),
    ...(options.within ? [InstantWithin(options.within.from, options.within.until)] : []),
  );

export const DateOnly = (example: string, options: { optional?: boolean; description?: string } = {}) =>
  applyDecorators(
    options.optional ? ApiPropertyOptional({ example, format: 'date', description: options.description }) : ApiProperty({ example, format: 'date', description: options.description }),
    ...(options.optional ? [IsOptional()] : []),
    Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '$property must be a date YYYY-MM-DD' }),
  );

/**
 * A whole number from `min` (0) to `max`. Without a max of its own a count is still bounded to the safe
 * integers: IsInt alone takes 1e308, which is "whole" as a double.
 */
export const Count = (example: number, options: { optional?: boolean; min?: number; max?: number; description?: string } = {}) => {
  const max = options.max ?? Number.MAX_SAFE_INTEGER;
  const schema = { example, minimum: options.min ?? 0, maximum: max, type: 'integer' as const, description: options.description };
  return applyDecorators(
    options.optional ? ApiPropertyOptional(schema) : ApiProperty(schema),
    ...(options.optional ? [IsOptional()] : []),
    IsInt(),
    Min(options.min ?? 0),
    Max(max),
  );
};

/** A number that need not be whole (a score, a percentage, an amount of yuan), finite, within bounds and to at most `decimals` places. */
export const Decimal = (example: number, options: { optional?: boolean; min: number; max: number; decimals?: number; description?: string }) =>
  applyDecorators(
    options.optional
      ? ApiPropertyOptional({ example, minimum: options.min, maximum: options.max, description: options.description })
      : ApiProperty({ example, minimum: options.min, maximum: options.max, description: options.description }),
    ...(options.optional ? [IsOptional()] : []),
    IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: options.decimals ?? 2 }),
    Min(options.min),
    Max(options.max),
  );

export const Nested = (type: () => new () => object, options: { optional?: boolean; isArray?: boolean; description?: string } = {}) => {
  // Swagger resolves a lazy type only from a function named `type`, as this property's arrow is.
  const schema = { type: () => type(), isArray: options.isArray, description: options.description };
  return applyDecorators(
    options.optional ? ApiPropertyOptional(schema) : ApiProperty(schema),
    // ValidateNested alone lets a missing object through: a required one must be there.
    options.optional ? IsOptional() : IsDefined(),
    ValidateNested({ each: options.isArray }),
    Type(type),
  );
};

/** A document cited by content hash, as the upload endpoint answered it. */
export class DocumentRefDto {
  @ApiProperty({ example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' })
  @Matches(/^[0-9a-f]{64}$/, { message: 'sha256 must be 64 lowercase hex digits' })
  sha256!: string;

  @Text('申报书.pdf', { max: 255 })
  name!: string;

  @Count(48213, { min: 1, max: 1024 * 1024 * 1024, description: 'Bytes, as the upload answered (at most 1 GiB, the largest DOCUMENT_MAX_BYTES)' })
  size!: number;

  @Text('application/pdf', { optional: true, max: 100 })
  mediaType?: string;
}

/** One of a fixed set of codes (an outcome, a kind, a ground). */
export const OneOf = <T extends string>(values: readonly T[], example: T, options: { optional?: boolean; description?: string } = {}) =>
  applyDecorators(
    options.optional
      ? ApiPropertyOptional({ enum: values, example, description: options.description })
      : ApiProperty({ enum: values, example, description: options.description }),
    ...(options.optional ? [IsOptional()] : []),
    IsIn([...values]),
  );

/** A list of texts (reasons, department names), each one as `Text` checks it. */
export const Texts = (example: string[], options: { optional?: boolean; min?: number; description?: string } = {}) =>
  applyDecorators(
    options.optional
      ? ApiPropertyOptional({ example, type: [String], description: options.description })
      : ApiProperty({ example, type: [String], description: options.description }),
    ...(options.optional ? [IsOptional()] : []),
    IsArray(),
    ArrayMinSize(options.min ?? 0),
    ArrayMaxSize(100),
    IsString({ each: true }),
    MinLength(1, { each: true }),
    MaxLength(2000, { each: true }),
  );

/** A list of cited documents, each checked as a DocumentRefDto. */
export const Documents = (options: { optional?: boolean; min?: number; description?: string } = {}) =>
  applyDecorators(
    Nested(() => DocumentRefDto, { optional: options.optional, isArray: true, description: options.description }),
    IsArray(),
    ArrayMinSize(options.min ?? 0),
    ArrayMaxSize(50),
  );

/**
 * A field that may be left out but is never null, given the decorator of its required form. The
 * `optional` fields of dto-support let null through as absent (class-validator's IsOptional); where
 * the command's data has no null, a null is refused here like a missing required field, and the
 * field is still documented as optional.
 */
export const Omissible = (required: PropertyDecorator) =>
  applyDecorators(required, ValidateIf((_, value: unknown) => value !== undefined), ApiPropertyOptional());
