import { Grant, Standing } from './grants';
import { PersonEvent } from './person.events';

/** A person folded: who they are, their organisation, the grants they hold now, and an expert's profile. */
export type PersonState =
  | { readonly status: 'None' }
  | {
      readonly status: 'Active' | 'Deactivated';
      readonly personId: string;
      readonly name: string;
      readonly organisationId: string;
      readonly email: string | null;
      /** The grants in force; revoked ones leave, their history stays in the stream. */
      readonly grants: readonly Grant[];
      /** Every grant id ever given, revoked or not: an id names one grant for good. */
      readonly grantIds: readonly string[];
      readonly expert: { readonly fields: readonly string[]; readonly affiliations: readonly string[] } | null;
    };

export type RegisteredPerson = Exclude<PersonState, { status: 'None' }>;

export const initialPersonState: PersonState = { status: 'None' };

export function evolvePerson(state: PersonState, event: PersonEvent): PersonState {
  if (event.type === 'PersonRegistered') {
    if (state.status !== 'None') return state;
    const { personId, name, organisationId, email } = event.data;
    return { status: 'Active', personId, name, organisationId, email, grants: [], grantIds: [], expert: null };
  }
  if (state.status === 'None') return state;
  switch (event.type) {
    case 'RoleGranted':
      return { ...state, grants: [...state.grants, event.data.grant], grantIds: [...state.grantIds, event.data.grant.grantId] };
    case 'GrantRevoked':
      return { ...state, grants: state.grants.filter((grant) => grant.grantId !== event.data.grantId) };
    case 'ExpertProfileDeclared':
      return { ...state, expert: { fields: event.data.fields, affiliations: event.data.affiliations } };
    case 'PersonDeactivated':
      return { ...state, status: 'Deactivated', grants: [] };
    default:
      return state;
  }
}

/** What the person's grants let them do now: nothing once deactivated. */
export function standingOf(state: PersonState): Standing | null {
  if (state.status !== 'Active') return null;
  return { personId: state.personId, organisationId: state.organisationId, grants: state.grants };
}
