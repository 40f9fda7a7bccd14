import { DomainError, forbidden, illegalState, validation } from './errors';
import { Actor, DocumentRef, Role } from './messages';

/**
 * The checks every decider makes in the same way: who may issue a command, whether a command may
 * happen in the aggregate's status, and the few rules on data all of them share (texts are not blank,
 * lists hold at least so many items). Commands arrive typed, their shape checked at the edge (DTOs for
 * HTTP, typed builders for reactions and deadlines); they may arrive as DTO class instances, so
 * whatever is written into an event is copied into plain data here.
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

/** A text the domain records is not blank; absent counts as blank. */
export function isText(value: string | null | undefined): value is string {
  return (value ?? '').trim() !== '';
}

export function text(value: string | null | undefined, code: string, what: string): string {
  if (!isText(value)) throw validation(code, `${what} is required`);
  return value;
}

/** A list of at least `min` items, each checked by `each`; absent counts as empty. */
export function listOf<Item, T>(value: readonly Item[] | undefined, min: number, code: string, items: string, each: (item: Item) => T): T[] {
  const list = (value ?? []).map((item) => each(item));
  if (list.length < min) throw validation(code, `at least ${min} ${items} required`);
  return list;
}

export function texts(value: readonly string[] | undefined, code: string, what: string, min: number): string[] {
  return listOf(value, min, code, what, (item) => text(item, code, what));
}

/** How a list of document references is named in its refusals. */
export const DOCUMENTS = 'document(s)';

/** A cited document, copied into plain data; its name, like every text the domain records, is not blank. */
export function documentRef(d: DocumentRef): DocumentRef {
  const name = text(d.name, 'invalid-document', 'the document’s name');
  return { sha256: d.sha256, name, size: d.size, ...(d.mediaType !== undefined ? { mediaType: d.mediaType } : {}) };
}

/** `record[key]` when the record itself holds the key (never a prototype's property). */
export function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}
