import { RoleTable } from './checks';
import { DomainError, forbidden } from './errors';
import { Actor, Role } from './messages';

/**
 * Who may act on a record, who may see it, and who is shown who objected to it: one policy per
 * aggregate (project.access.ts, enterprise.access.ts, program-cycle.access.ts), stated as data.
 *
 * A role sees or acts on a record when it stands in the role's relation to it. The relations are read
 * in two places only: here, in memory, by the deciders' standing checks, the single-record GETs and
 * the documents a record cites; and in infrastructure/read-models/visibility.ts, which turns each one
 * into an SQL condition on a read model's columns for the lists. src/domain/access.spec.ts and
 * test/e2e/access-matrix.e2e-spec.ts hold every role and relation against both.
 */

/** What access is decided on, as an aggregate's policy reads it from its state. */
export interface AccessSubject {
  /** The organisation the record belongs to: the applicant school, the enterprise itself. */
  readonly org?: string | null;
  /** The city the record is in. */
  readonly region?: string | null;
  /** The reviewers assigned to the record, recused or not. */
  readonly reviewers?: readonly { readonly reviewerId: string; readonly recused: boolean }[];
  /** The person a record is about (a reviewer's own queue). */
  readonly person?: string;
  /** The project the record is, for an actor whose grant is limited to one project. */
  readonly project?: string | null;
}

/** The relation a role must stand in to a record. */
export type Relation =
  /** Every record. */
  | 'any'
  /** No record: the role is refused whatever the record. */
  | 'none'
  /** The record is the actor's organisation's (and, for a grant limited to one project, is that project). */
  | 'own-organisation'
  /** The record is in the city the actor serves; an actor with no city has none. */
  | 'own-region'
  /** The actor is assigned to review the record and has not recused from it. */
  | 'assigned-reviewer'
  /** The actor is assigned to review the record and is not of the record's organisation (acting; a recusal is the command's to refuse). */
  | 'impartial-reviewer'
  /** The record is about the actor itself. */
  | 'self';

export type RoleRelations = Readonly<Record<Role, Relation>>;

/** The one requirement of a relation an actor failed, which says how the refusal is worded. */
export type Shortfall = 'role' | 'organisation' | 'project' | 'region' | 'assignment' | 'recusal' | 'impartiality' | 'person';

/** Each relation as the requirements it makes, checked in this order: the first one failed is the refusal. */
const REQUIREMENTS: Readonly<Record<Relation, readonly Shortfall[]>> = {
  any: [],
  none: ['role'],
  'own-organisation': ['organisation', 'project'],
  'own-region': ['region'],
  'assigned-reviewer': ['assignment', 'recusal'],
  'impartial-reviewer': ['assignment', 'impartiality'],
  self: ['person'],
};

const assignment = (actor: Actor, subject: AccessSubject) => subject.reviewers?.find((r) => r.reviewerId === actor.id);

const MET: Readonly<Record<Shortfall, (actor: Actor, subject: AccessSubject) => boolean>> = {
  role: () => false,
  organisation: (actor, subject) => actor.org === subject.org,
  project: (actor, subject) => actor.project === undefined || actor.project === subject.project,
  region: (actor, subject) => !!actor.region && actor.region === subject.region,
  assignment: (actor, subject) => assignment(actor, subject) !== undefined,
  recusal: (actor, subject) => assignment(actor, subject)?.recused !== true,
  impartiality: (actor, subject) => actor.org !== subject.org,
  person: (actor, subject) => actor.id === subject.person,
};

/** What the actor lacks to stand in its role's relation to the subject; null when it stands in it. */
export function shortfall(relations: RoleRelations, actor: Actor, subject: AccessSubject): Shortfall | null {
  return REQUIREMENTS[relations[actor.role]].find((requirement) => !MET[requirement](actor, subject)) ?? null;
}

/** How each shortfall is told: the stable code and message of the refusal (the record may be named in it). */
export type Refusals<R> = Readonly<Partial<Record<Shortfall, (record: R) => DomainError>>>;

/** One question of a policy: the relation each role needs, and how a refusal is told. */
export interface Access<R> {
  readonly relations: RoleRelations;
  readonly refusals: Refusals<R>;
}

/** Refuses the actor, with the access's own wording, unless it stands in its role's relation to the record. */
export function requireAccess<R>(access: Access<R>, actor: Actor, record: R, subject: AccessSubject): void {
  const lacking = shortfall(access.relations, actor, subject);
  if (lacking === null) return;
  const refuse = access.refusals[lacking];
  throw refuse ? refuse(record) : forbidden('role-not-allowed', `role ${actor.role} has no access here`, { role: actor.role });
}

/** What an objection's filer looks like to whom. */
export interface ObjectionRedaction {
  /**
   * The events an objector's own command writes (an objection filed, admissible or not): their
   * envelope (actor, command ids) names the objector as surely as `data.objector` does.
   */
  readonly filedByObjector: readonly string[];
  /** The roles an objector is named to; everyone else sees that an objection was filed, why, and its outcome. */
  readonly objectorNamedTo: readonly Role[];
}

/** Objectors are named to the office alone, in every aggregate that takes objections, and wherever else one is recorded. */
export const OBJECTORS_NAMED_TO_OFFICE: readonly Role[] = ['office'];

/** What stands in for a confidential value. */
export const REDACTED = Object.freeze({ redacted: true as const });
export type Redacted = typeof REDACTED;

export function namesObjector(redaction: ObjectionRedaction, role: Role): boolean {
  return redaction.objectorNamedTo.includes(role);
}

/** An objector as the role may see them: as filed, or redacted. */
export function objectorAsSeenBy<T>(redaction: ObjectionRedaction, role: Role, objector: T): T | Redacted {
  return namesObjector(redaction, role) ? objector : { ...REDACTED };
}

/**
 * An aggregate's whole access policy: who may issue each command (its role table), on which records
 * (`act`, past the commands that are open to anyone the table lets issue them), who may see a record
 * (`see`), and who is shown its objectors.
 */
export interface AccessPolicy<R, Type extends string> {
  readonly roles: RoleTable<Type>;
  /** Commands whose standing is not checked: whoever the role table lets issue them may, on any record. */
  readonly open: readonly Type[];
  readonly act: Access<R>;
  readonly see: Access<R>;
  readonly subject: (record: R) => AccessSubject;
  readonly objections: ObjectionRedaction;
}

/** The actor's standing to issue the command on the record, once the role table has let it (domain.md §7). */
export function requireStanding<R, Type extends string>(
  policy: AccessPolicy<R, Type>,
  command: { readonly type: Type; readonly actor: Actor },
  record: R,
): void {
  if (policy.open.includes(command.type)) return;
  requireAccess(policy.act, command.actor, record, policy.subject(record));
}

/** Refuses the actor, with the policy's wording, unless it may see the record. */
export function requireSeen<R>(policy: AccessPolicy<R, string>, actor: Actor, record: R): void {
  requireAccess(policy.see, actor, record, policy.subject(record));
}

/** Refuses the actor unless it may read a view whose record is its own subject (a portfolio, a queue). */
export function requireView(access: Access<AccessSubject>, actor: Actor, subject: AccessSubject): void {
  requireAccess(access, actor, subject, subject);
}

export function maySee<R>(policy: AccessPolicy<R, string>, actor: Actor, record: R): boolean {
  return shortfall(policy.see.relations, actor, policy.subject(record)) === null;
}

/** Whether the role sees every record of the aggregate, whatever it is. */
export function seesEvery(policy: AccessPolicy<never, string>, role: Role): boolean {
  return policy.see.relations[role] === 'any';
}

// ---------------------------------------------------------------------------------------------
// A view that spans aggregates

/**
 * An organisation's portfolio spans programs and cities: its own staff, the office and auditors read
 * it, and recommenders (of its city or another) read the project lists instead. Its subject is the
 * organisation asked for, as `org`.
 */
export const PORTFOLIO_ACCESS: Access<AccessSubject> = {
  relations: { applicant: 'own-organisation', recommender: 'none', reviewer: 'none', office: 'any', auditor: 'any', public: 'none' },
  refusals: {
    organisation: () => forbidden('not-own-organisation', 'a portfolio is read by its own organisation, the office and auditors'),
    role: () => forbidden('role-not-allowed', 'a portfolio is read by its own organisation, the office and auditors'),
  },
};
