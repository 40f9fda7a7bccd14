import { Event } from '../messages';
import { Grant } from './grants';

export type PersonRegistered = Event<
  'PersonRegistered',
  { readonly personId: string; readonly name: string; readonly organisationId: string; readonly email: string | null; readonly registeredAt: string }
>;
export type RoleGranted = Event<'RoleGranted', { readonly grant: Grant; readonly reason: string }>;
export type GrantRevoked = Event<'GrantRevoked', { readonly grantId: string; readonly reason: string; readonly revokedAt: string; readonly revokedBy: string }>;
export type ExpertProfileDeclared = Event<'ExpertProfileDeclared', { readonly fields: readonly string[]; readonly affiliations: readonly string[]; readonly declaredAt: string }>;
export type PersonDeactivated = Event<'PersonDeactivated', { readonly reason: string; readonly deactivatedAt: string; readonly endedGrants: readonly string[] }>;

export type PersonEvent = PersonRegistered | RoleGranted | GrantRevoked | ExpertProfileDeclared | PersonDeactivated;
export type PersonEventType = PersonEvent['type'];
