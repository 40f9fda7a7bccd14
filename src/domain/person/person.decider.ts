import { requireRole, text, texts, unknownCommand } from '../checks';
import { Decider } from '../decider';
import { forbidden, illegalState, notFound, validation } from '../errors';
import { administers, GRANT_RULES, mayGive } from './grants';
import { Acting, DeactivatePerson, DeclareExpertProfile, GrantRole, PERSON_COMMANDS, PersonCommand, RegisterPerson, RevokeGrant } from './person.commands';
import { PersonEvent } from './person.events';
import { evolvePerson, initialPersonState, PersonState, RegisteredPerson } from './person.state';

/**
 * A person and their grants: `decide` checks the role table, then hands each command to its function
 * below, which checks the standing the actor's own grants give (grants.ts). Every grant and revocation
 * is an event with who gave it and why, so an auditor sees who could do what, when.
 */
export function decidePerson(command: PersonCommand, state: PersonState): PersonEvent[] {
  requireRole(PERSON_COMMANDS, command);
  switch (command.type) {
    case 'RegisterPerson': return registerPerson(command, state);
    case 'GrantRole': return grantRole(command, registeredPerson(state));
    case 'RevokeGrant': return revokeGrant(command, registeredPerson(state));
    case 'DeclareExpertProfile': return declareExpertProfile(command, registeredPerson(state));
    case 'DeactivatePerson': return deactivatePerson(command, registeredPerson(state));
    default: return unknownCommand(command);
  }
}

function registerPerson(command: RegisterPerson, state: PersonState): PersonEvent[] {
  const { personId, organisationId, email } = command.data;
  const { by, organisation } = command.context;
  if (state.status !== 'None') throw illegalState('person-already-registered', `${personId} is already registered`);
  if (!organisation || organisation.creditCode !== organisationId) throw notFound('organisation-not-found', `no organisation ${organisationId} in the registry`);
  if (by === 'first-start' ? organisation.kind !== 'office' : !administers(by, organisationId)) {
    throw forbidden('not-organisation-admin', 'people are registered by their organisation’s admin or the office’s');
  }
  const name = text(command.data.name, 'name-required', 'the name');
  return [{ type: 'PersonRegistered', data: { personId, name: name.trim(), organisationId, email: email?.trim() || null, registeredAt: command.now } }];
}

function grantRole(command: GrantRole, person: RegisteredPerson): PersonEvent[] {
  const { grantId, kind, projectId } = command.data;
  const { by, organisation } = command.context;
  const rule = GRANT_RULES[kind];
  requireActive(person);
  if (!organisation) throw notFound('organisation-not-found', `no organisation ${person.organisationId} in the registry`);
  if (organisation.creditCode !== person.organisationId) throw illegalState('organisation-mismatch', 'a grant is for the person’s own organisation');
  if (!rule.heldIn.includes(organisation.kind)) {
    throw illegalState('grant-not-for-organisation', `${kind} is not held in a ${organisation.kind}`, { kind, organisationKind: organisation.kind });
  }
  if (projectId !== undefined && !rule.perProject) throw validation('grant-not-per-project', `${kind} is not limited to one project`, { field: 'projectId' });
  const firstAdmin = by === 'first-start' && kind === 'office-admin' && person.grantIds.length === 0;
  if (by === 'first-start' ? !firstAdmin : !mayGive(by, kind, person.organisationId)) {
    throw forbidden('may-not-grant', `the granter’s grants do not let it give ${kind} here`, { kind, givenBy: rule.givenBy });
  }
  if (person.grantIds.includes(grantId)) throw illegalState('grant-id-used', `grant ${grantId} was already given`);
  if (person.grants.some((grant) => grant.kind === kind && grant.projectId === (projectId ?? null))) {
    throw illegalState('grant-already-held', `${person.name} already holds ${kind}${projectId ? ` for ${projectId}` : ''}`);
  }
  const grantedBy = by === 'first-start' ? 'first-start' : by.personId;
  return [
    {
      type: 'RoleGranted',
      data: {
        grant: { grantId, kind, organisationId: person.organisationId, projectId: projectId ?? null, grantedAt: command.now, grantedBy },
        reason: text(command.data.reason, 'reason-required', 'the reason'),
      },
    },
  ];
}

function revokeGrant(command: RevokeGrant, person: RegisteredPerson): PersonEvent[] {
  const { grantId } = command.data;
  const { by } = command.context;
  const grant = person.grants.find((g) => g.grantId === grantId);
  if (!grant) throw notFound('grant-not-found', `${person.name} holds no grant ${grantId}`);
  if (!mayGive(by, grant.kind, person.organisationId)) throw forbidden('may-not-revoke', `the revoker’s grants do not let it revoke ${grant.kind} here`);
  return [{ type: 'GrantRevoked', data: { grantId, reason: text(command.data.reason, 'reason-required', 'the reason'), revokedAt: command.now, revokedBy: by.personId } }];
}

function declareExpertProfile(command: DeclareExpertProfile, person: RegisteredPerson): PersonEvent[] {
  const { by } = command.context;
  requireActive(person);
  if (!person.grants.some((grant) => grant.kind === 'expert')) throw illegalState('not-an-expert', `${person.name} is not in the reviewer pool`);
  if (by.personId !== person.personId && !by.grants.some((grant) => grant.kind === 'office-admin')) {
    throw forbidden('not-own-profile', 'an expert declares its own profile (or the office’s admin for it)');
  }
  const fields = texts([...command.data.fields], 'fields-required', 'fields', 1);
  const affiliations = texts([...command.data.affiliations], 'invalid-affiliation', 'affiliations', 0);
  return [{ type: 'ExpertProfileDeclared', data: { fields, affiliations, declaredAt: command.now } }];
}

function deactivatePerson(command: DeactivatePerson, person: RegisteredPerson): PersonEvent[] {
  const { by } = command.context;
  requireActive(person);
  if (!administers(by, person.organisationId)) throw forbidden('not-organisation-admin', 'people are deactivated by their organisation’s admin or the office’s');
  if (by.personId === person.personId) throw illegalState('cannot-deactivate-self', 'a person does not deactivate their own account');
  const reason = text(command.data.reason, 'reason-required', 'the reason');
  return [{ type: 'PersonDeactivated', data: { reason, deactivatedAt: command.now, endedGrants: person.grants.map((grant) => grant.grantId) } }];
}

function registeredPerson(state: PersonState): RegisteredPerson {
  if (state.status === 'None') throw notFound('person-not-found', 'no such person');
  return state;
}

function requireActive(person: RegisteredPerson): void {
  if (person.status !== 'Active') throw illegalState('person-deactivated', `${person.name} was deactivated`);
}

export const personDecider: Decider<PersonState, PersonCommand, PersonEvent> = {
  initialState: initialPersonState,
  evolve: evolvePerson,
  decide: decidePerson,
};

export type { Acting };
