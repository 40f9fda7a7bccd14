import { Command, Role } from '../messages';
import { Organisation } from '../organisation/organisation';
import { GrantKind, Standing } from './grants';

/**
 * Commands on a person's stream (`person-<id>`). Whoever acts does so with the standing their own
 * grants give them, which the person's handler reads from the actor's stream (`by`); the first admin
 * of a fresh service is registered and granted by the service itself at its first start.
 */
export type Acting = Standing | 'first-start';

export type RegisterPerson = Command<
  'RegisterPerson',
  { readonly personId: string; readonly name: string; readonly organisationId: string; readonly email?: string }
> & { readonly context: { readonly by: Acting; readonly organisation: Organisation | null } };

export type GrantRole = Command<'GrantRole', { readonly grantId: string; readonly kind: GrantKind; readonly projectId?: string; readonly reason: string }> & {
  readonly context: { readonly by: Acting; readonly organisation: Organisation | null };
};

export type RevokeGrant = Command<'RevokeGrant', { readonly grantId: string; readonly reason: string }> & { readonly context: { readonly by: Standing } };

/** An expert's fields and declared affiliations (former employers, boards, close relations' organisations), which the conflict-of-interest check reads beside the organisation. */
export type DeclareExpertProfile = Command<'DeclareExpertProfile', { readonly fields: readonly string[]; readonly affiliations: readonly string[] }> & {
  readonly context: { readonly by: Standing };
};

export type DeactivatePerson = Command<'DeactivatePerson', { readonly reason: string }> & { readonly context: { readonly by: Standing } };

export type PersonCommand = RegisterPerson | GrantRole | RevokeGrant | DeclareExpertProfile | DeactivatePerson;
export type PersonCommandType = PersonCommand['type'];

/**
 * The roles that may issue each command; which person, and which grant, each actor may touch is the
 * standing its grants give (grants.ts). An expert declares its own profile.
 */
export const PERSON_COMMANDS: Readonly<Record<PersonCommandType, readonly Role[]>> = {
  RegisterPerson: ['office', 'applicant'],
  GrantRole: ['office', 'applicant'],
  RevokeGrant: ['office', 'applicant'],
  DeclareExpertProfile: ['reviewer', 'office'],
  DeactivatePerson: ['office', 'applicant'],
};
