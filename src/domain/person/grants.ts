import { Role } from '../messages';
import { OrganisationKind } from '../organisation/organisation';

/**
 * What a grant lets a person do, and who may give it. A person belongs to one organisation; each grant
 * gives one duty there, and the duty says the role the person acts in (domain.md §7).
 */
export const GRANT_KINDS = [
  'office-admin',
  'office-staff',
  'bureau-clerk',
  'school-admin',
  /** 项目负责人: drafts and runs the school's applications and reports, or one project's. */
  'project-lead',
  /** 联络员: keeps the school's (or one project's) file and talks to the office. */
  'liaison',
  /** 校长/法人: the sign-off a submission needs. */
  'school-head',
  'enterprise-admin',
  /** A city government's officer for its applications (a city pilot): drafts, signs off and submits for the government. */
  'government-admin',
  /** In the reviewer pool, with the fields and affiliations the conflict-of-interest check reads. */
  'expert',
  'auditor',
] as const;
export type GrantKind = (typeof GRANT_KINDS)[number];

export interface GrantRule {
  /** The role a person with this grant acts in. */
  readonly role: Role;
  /** The kinds of organisation whose people may hold it. */
  readonly heldIn: readonly OrganisationKind[];
  /** The grants whose holders may give it (an admin of the same organisation, unless the office's). */
  readonly givenBy: readonly GrantKind[];
  /** Whether it may be limited to one project of the organisation. */
  readonly perProject: boolean;
}

export const GRANT_RULES: Readonly<Record<GrantKind, GrantRule>> = {
  'office-admin': { role: 'office', heldIn: ['office'], givenBy: ['office-admin'], perProject: false },
  'office-staff': { role: 'office', heldIn: ['office'], givenBy: ['office-admin'], perProject: false },
  'bureau-clerk': { role: 'recommender', heldIn: ['bureau'], givenBy: ['office-admin'], perProject: false },
  'school-admin': { role: 'applicant', heldIn: ['school'], givenBy: ['office-admin'], perProject: false },
  'project-lead': { role: 'applicant', heldIn: ['school'], givenBy: ['school-admin'], perProject: true },
  liaison: { role: 'applicant', heldIn: ['school'], givenBy: ['school-admin'], perProject: true },
  'school-head': { role: 'applicant', heldIn: ['school'], givenBy: ['school-admin', 'office-admin'], perProject: false },
  'enterprise-admin': { role: 'applicant', heldIn: ['enterprise'], givenBy: ['office-admin'], perProject: false },
  'government-admin': { role: 'applicant', heldIn: ['government'], givenBy: ['office-admin'], perProject: false },
  expert: { role: 'reviewer', heldIn: ['school', 'enterprise', 'department', 'office', 'bureau'], givenBy: ['office-admin'], perProject: false },
  auditor: { role: 'auditor', heldIn: ['office', 'department'], givenBy: ['office-admin'], perProject: false },
};

/** The grants an organisation's admin holds there: who registers its people and grants them their duties. */
export const ADMIN_GRANTS: readonly GrantKind[] = ['office-admin', 'school-admin', 'enterprise-admin', 'government-admin'];

/**
 * The grants that sign an application off for the applicant (校长/法人): a school's head; the admin of
 * an enterprise or a city government, which answer for themselves. Each is held in its own kind of
 * organisation only, so one of them at the applicant is the sign-off of its kind.
 */
export const SIGN_OFF_GRANTS: readonly GrantKind[] = ['school-head', 'enterprise-admin', 'government-admin'];

/** A grant as the person's stream holds it. */
export interface Grant {
  readonly grantId: string;
  readonly kind: GrantKind;
  readonly organisationId: string;
  /** The one project it is limited to, for a lead or a liaison of one project. */
  readonly projectId: string | null;
  readonly grantedAt: string;
  readonly grantedBy: string;
}

/** What a person acting holds, as the handler reads it from their own stream: their organisation and current grants. */
export interface Standing {
  readonly personId: string;
  readonly organisationId: string;
  readonly grants: readonly Grant[];
}

/** Whether the standing's holder may give a grant of `kind` to a person of `organisationId`. */
export function mayGive(standing: Standing, kind: GrantKind, organisationId: string): boolean {
  return standing.grants.some(
    (grant) => GRANT_RULES[kind].givenBy.includes(grant.kind) && (grant.kind === 'office-admin' || grant.organisationId === organisationId),
  );
}

/** Whether the standing's holder administers the organisation's people: the office's admins every organisation's, an admin its own. */
export function administers(standing: { readonly grants: readonly Pick<Grant, 'kind' | 'organisationId'>[] }, organisationId: string): boolean {
  return standing.grants.some((grant) => grant.kind === 'office-admin' || (ADMIN_GRANTS.includes(grant.kind) && grant.organisationId === organisationId));
}
