import { Organisation } from './organisation';
import { RegistryEvent } from './registry.events';

/** The registry folded: every organisation by its credit code. */
export interface RegistryState {
  readonly organisations: Readonly<Record<string, Organisation>>;
}

export const initialRegistryState: RegistryState = { organisations: {} };

export function evolveRegistry(state: RegistryState, event: RegistryEvent): RegistryState {
  switch (event.type) {
    case 'OrganisationRegistered':
      return { organisations: { ...state.organisations, [event.data.organisation.creditCode]: event.data.organisation } };
    case 'OrganisationsImported': {
      const organisations = { ...state.organisations };
      for (const organisation of event.data.organisations) organisations[organisation.creditCode] = organisation;
      return { organisations };
    }
    case 'OrganisationUpdated':
      return { organisations: { ...state.organisations, [event.data.organisation.creditCode]: event.data.organisation } };
    default:
      return state;
  }
}

/** The organisation with this credit code, if it is registered. */
export function organisationOf(state: RegistryState, creditCode: string): Organisation | undefined {
  return Object.prototype.hasOwnProperty.call(state.organisations, creditCode) ? state.organisations[creditCode] : undefined;
}
