import { RegisteredOrganisation, registeredAs } from '../domain/organisation/organisation';
import { registryDecider } from '../domain/organisation/registry.decider';
import { organisationOf } from '../domain/organisation/registry.state';
import { FoldedStreams } from './folded-streams';
import { readState } from './handle-command';
import { REGISTRY_STREAM } from './streams';

/** What the registry says an organisation is, for a decider's context; null when it is not registered. */
export async function registered(streams: FoldedStreams, creditCode: string): Promise<RegisteredOrganisation | null> {
  const organisation = organisationOf((await readState(streams, registryDecider, REGISTRY_STREAM)).state, creditCode);
  return organisation ? registeredAs(organisation) : null;
}
