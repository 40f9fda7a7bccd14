import { DomainError, forbidden, illegalState, validation } from './errors';
import { Actor, DocumentRef, Role } from './messages';

/**
 * The checks every decider makes in the same way: who may issue a command, whether a command may
 * happen in the aggregate's status, and the few data shapes all of them read. Commands may arrive as
 * DTO class instances: whatever is written into an event is copied into plain data here.
 */

/** Who may issue each command of an aggregate (domain.md §7), one table per aggregate. */
export type RoleTable<Type extends string> = Readonly<Record<Type, readonly Role[]>>;

/** The refusal of a role the table does not list for the command. */
export type RoleRefusal = (actor: Actor, type: string, allowed: readonly Role[]) => DomainError;

const notInTable: RoleRefusal = (actor, type) => forbidden('role-not-allowed', `role ${actor.role} may not ${type}`, { role: actor.role, command: type });

/** The one role check of a decider, made before anything else is read; a type the table lacks is an unknown command. */
export function requireRole<Type extends string>(
  table: RoleTable<Type>,
  command: { readonly type: Type; readonly actor: Actor },
  refuse: RoleRefusal = notInTable,
): void {
  const allowed = own<readonly Role[]>(table, command.type);
  if (allowed === undefined) unknownCommand(command as never);
  if (!allowed.includes(command.actor.role)) throw refuse(command.actor, command.type, allowed);
}

/** A command the aggregate's status does not allow; `expected` says which statuses would. */
export function invalidTransition(aggregate: 'project' | 'enterprise', type: string, status: string, expected: string): DomainError {
  return illegalState('invalid-transition', `${type} is not possible while the ${aggregate} is ${status}`, { command: type, status, expected });
}

/** The end of every decider's exhaustive switch: a command type no table knows. */
export function unknownCommand(command: never): never {
  throw validation('unknown-command', `unknown command ${(command as { type?: unknown }).type as string}`);
}

export function isText(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}

export function text(value: unknown, code: string, what: string): string {
  if (!isText(value)) throw validation(code, `${what} is required`);
  return value;
}

/** A list of at least `min` items, each checked by `each`; absent counts as empty when none is needed. */
export function listOf<T>(
  value: unknown,
  min: number,
  code: string,
  names: { readonly list: string; readonly items: string },
  each: (item: unknown) => T,
): T[] {
  if (value === undefined && min === 0) return [];
  if (!Array.isArray(value)) throw validation(code, `${names.list} must be a list`);
  const list = value.map((item) => each(item));
  if (list.length < min) throw validation(code, `at least ${min} ${names.items} required`);
  return list;
}

export function texts(value: unknown, code: string, what: string, min: number): string[] {
  return listOf(value, min, code, { list: what, items: what }, (item) => text(item, code, what));
}

/** How a list of document references is named in its refusals. */
export const DOCUMENTS = { list: 'documents', items: 'document(s)' } as const;

/** A reference to a stored document: a lower-case SHA-256 hex digest, a name and a size. */
export function isDocumentRef(value: unknown): value is DocumentRef {
  const d = value as Partial<DocumentRef> | null;
  return (
    typeof d === 'object' &&
    d !== null &&
    typeof d.sha256 === 'string' &&
    /^[0-9a-f]{64}$/.test(d.sha256) &&
    typeof d.name === 'string' &&
    d.name.trim() !== '' &&
    typeof d.size === 'number' &&
    Number.isInteger(d.size) &&
    d.size >= 0 &&
    (d.mediaType === undefined || typeof d.mediaType === 'string')
  );
}

export function plainDocumentRef(d: DocumentRef): DocumentRef {
  return { sha256: d.sha256, name: d.name, size: d.size, ...(d.mediaType !== undefined ? { mediaType: d.mediaType } : {}) };
}

/** `record[key]` when the record itself holds the key (never a prototype's property). */
export function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}
