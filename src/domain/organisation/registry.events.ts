import { DocumentRef, Event } from '../messages';
import { Organisation } from './organisation';

export type OrganisationRegistered = Event<'OrganisationRegistered', { readonly organisation: Organisation; readonly registeredAt: string }>;

/** An import's new organisations; `unchanged` counts the rows that were registered exactly so already. */
export type OrganisationsImported = Event<
  'OrganisationsImported',
  { readonly organisations: readonly Organisation[]; readonly unchanged: number; readonly source: DocumentRef | null; readonly importedAt: string }
>;

export type OrganisationUpdated = Event<
  'OrganisationUpdated',
  { readonly organisation: Organisation; readonly reason: string; readonly updatedAt: string }
>;

export type RegistryEvent = OrganisationRegistered | OrganisationsImported | OrganisationUpdated;
export type RegistryEventType = RegistryEvent['type'];
