import { Command, DocumentRef, Role } from '../messages';
import { OrganisationInput } from './organisation';

/**
 * Commands on the organisation registry (one stream, `registry-organisations`): a single stream, so a
 * credit code is registered once however many clerks act at once, and an import of the office's
 * school list is one event, all of it or none of it.
 */

/** Registers one organisation; its credit code is its id from then on. */
export type RegisterOrganisation = Command<'RegisterOrganisation', { readonly organisation: OrganisationInput; readonly reason?: string }>;

/**
 * Imports the office's list of schools (from XLSX or CSV, read at the edge into rows). Every row is
 * checked; one bad row refuses the whole import, with every row's problems; rows already registered
 * exactly so are left as they are, so the same list imported twice changes nothing.
 */
export type ImportOrganisations = Command<
  'ImportOrganisations',
  { readonly rows: readonly OrganisationInput[]; readonly source?: DocumentRef; readonly reason?: string }
>;

/** Renames an organisation or moves it to another city (a school that merged, an enterprise that moved), with a reason. */
export type UpdateOrganisation = Command<
  'UpdateOrganisation',
  { readonly creditCode: string; readonly name?: string; readonly city?: string; readonly reason: string }
>;

export type RegistryCommand = RegisterOrganisation | ImportOrganisations | UpdateOrganisation;
export type RegistryCommandType = RegistryCommand['type'];

/** Who may issue each command (domain.md §7): the registry is the office's. */
export const REGISTRY_COMMANDS: Readonly<Record<RegistryCommandType, readonly Role[]>> = {
  RegisterOrganisation: ['office'],
  ImportOrganisations: ['office'],
  UpdateOrganisation: ['office'],
};
