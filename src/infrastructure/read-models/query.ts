import type Database from 'better-sqlite3';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { StoreBusyError } from '../../application/event-store';
import { BUSY_TIMEOUT_MS, isBusy } from '../projections/sqlite-busy';

/**
 * One kind of work waiting for the actor (GET /todo): on projects or enterprises, how many, the
 * earliest due day (Beijing), and the status the list shows them under (null: the list of the overdue, or of what is due).
 */
export interface TodoItem {
  readonly subject: 'project' | 'enterprise';
  readonly kind: string;
  readonly count: number;
  readonly dueOn: string | null;
  readonly status: string | null;
}

/** Paging and read-your-writes, common to every list query. */
export class PageQuery {
  @ApiPropertyOptional({ example: 50, description: 'At most 500' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ example: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;

  @ApiPropertyOptional({ example: '1042', description: "A command's answered position: the query waits (bounded) until the read models include it" })
  @IsOptional()
  @Matches(/^\d{1,19}$/, { message: 'after must be a position a command answered' })
  after?: string;
}

/** A condition on the rows: SQL with its parameters. Visibility rules and filters are both conditions. */
export interface Condition {
  readonly sql: string;
  readonly params: readonly (string | number)[];
}

export const where = (sql: string, ...params: (string | number)[]): Condition => ({ sql, params });
export const nothing: Condition = where('0');
export const everything: Condition = where('1');

/** Equality filters for the query parameters that were given. */
export function equalities(filters: Readonly<Record<string, string | number | undefined>>): Condition[] {
  return Object.entries(filters)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([column, value]) => where(`${column} = ?`, value));
}

/** The page a list is asked for. */
export interface Paging {
  readonly limit?: number;
  readonly offset?: number;
}

/** A row with the named JSON columns parsed. */
export function withJson(row: Record<string, unknown>, ...columns: string[]): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...row };
  for (const column of columns) copy[column] = JSON.parse(String(row[column] ?? 'null'));
  return copy;
}

export interface Page<T> {
  readonly items: T[];
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
}

/** One page of a read-model table under all the conditions, with the total count. */
export function pageOf<T>(
  db: Database.Database,
  table: string,
  columns: string,
  conditions: readonly Condition[],
  orderBy: string,
  page: Paging,
  map: (row: Record<string, unknown>) => T,
): Page<T> {
  const clause = conditions.length ? `WHERE ${conditions.map((c) => `(${c.sql})`).join(' AND ')}` : '';
  const params = conditions.flatMap((c) => c.params);
  const limit = page.limit ?? 50;
  const offset = page.offset ?? 0;
  return read(table, () => {
    const rows = db.prepare(`SELECT ${columns} FROM ${table} ${clause} ORDER BY ${orderBy} LIMIT ? OFFSET ?`).all(...params, limit, offset) as Record<string, unknown>[];
    const { total } = db.prepare(`SELECT count(*) AS total FROM ${table} ${clause}`).get(...params) as { total: number };
    return { items: rows.map(map), total, limit, offset };
  });
}

/**
 * Reads the read-model file, which is shared with other instances: a read that found it locked past
 * the busy timeout is a 503 (StoreBusyError), not a 500.
 */
export function read<T>(what: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (isBusy(error)) throw new StoreBusyError(`read ${what}`, BUSY_TIMEOUT_MS, { cause: error });
    throw error;
  }
}
