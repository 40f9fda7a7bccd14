import { Relation, RoleRelations } from '../../domain/access';
import { Actor } from '../../domain/messages';
import { Condition, everything, nothing, where } from './query';

/**
 * The columns of a read model that the access relations are checked on. A relation the table cannot
 * check (a reviewer's assignment on a table without reviewers) is a programming error, not an empty list.
 */
export interface AccessColumns {
  /** The organisation the row belongs to. */
  readonly org?: string;
  /** The city the row is in. */
  readonly region?: string;
  /** The row's reviewers: its id column, and the table of assignments (with their recusal, 0 or 1) that refers to it. */
  readonly reviewers?: { readonly id: string; readonly table: string; readonly record: string; readonly reviewer: string; readonly recused: string };
  /** The person the row is about, for `self`. */
  readonly person?: string;
  /** The row's project id, for an actor whose grant is limited to one project (a table without one shows such an actor nothing). */
  readonly project?: string;
}

function need<K extends keyof AccessColumns>(columns: AccessColumns, key: K, relation: Relation): NonNullable<AccessColumns[K]> {
  const column = columns[key];
  if (column === undefined) throw new Error(`the relation ${relation} needs the ${key} columns, which this read model lacks`);
  return column as NonNullable<AccessColumns[K]>;
}

/** The ids of the rows the reviewer is assigned to, and has not recused from unless `recusedToo`. */
function assignedTo(columns: AccessColumns, relation: Relation, recusedToo: boolean): string {
  const r = need(columns, 'reviewers', relation);
  return `${r.id} IN (SELECT ${r.record} FROM ${r.table} WHERE ${r.reviewer} = ?${recusedToo ? '' : ` AND ${r.recused} = 0`})`;
}

/** The rows an actor stands in its role's relation to: the list-side reading of an aggregate's policy (domain/access.ts). */
export function visibleTo(relations: RoleRelations, actor: Actor, columns: AccessColumns): Condition {
  const relation = relations[actor.role];
  switch (relation) {
    case 'any':
      return everything;
    case 'none':
      return nothing;
    case 'own-organisation':
      if (actor.project === undefined) return where(`${need(columns, 'org', relation)} = ?`, actor.org);
      return columns.project ? where(`${need(columns, 'org', relation)} = ? AND ${columns.project} = ?`, actor.org, actor.project) : nothing;
    case 'own-region':
      return actor.region ? where(`${need(columns, 'region', relation)} = ?`, actor.region) : nothing;
    case 'assigned-reviewer':
      return where(assignedTo(columns, relation, false), actor.id);
    case 'impartial-reviewer':
      return where(`${assignedTo(columns, relation, true)} AND ${need(columns, 'org', relation)} IS NOT ?`, actor.id, actor.org);
    case 'self':
      return where(`${need(columns, 'person', relation)} = ?`, actor.id);
  }
}
