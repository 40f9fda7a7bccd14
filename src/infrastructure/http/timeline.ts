import { DECIDERS } from '../../application/aggregates';
import { auditViewFor, history } from '../../application/audit';
import { EventStore } from '../../application/event-store';
import { Actor } from '../../domain/messages';
import { deadlinesOf } from '../read-models/deadlines/deadlines.query';
import { PeopleQueries } from '../read-models/people/people.query';
import { ReadModels } from '../read-models/read-models';

/**
 * A record's history as a person reads it (GET /projects/{id}/timeline, GET /enterprises/{id}/timeline):
 * each event with who (role, organisation by name), when, why and the rules version, objectors named
 * to the office alone, and the record's deadlines not yet met. The caller has checked the actor may read it.
 */
export async function timelineOf(store: EventStore, stream: string, actor: Actor, people: PeopleQueries, readModels: ReadModels) {
  const events = (await history(store, DECIDERS, stream, auditViewFor(actor.role))).map(({ stateAfter: _state, position: _position, ...entry }) => entry);
  const orgOf = (entry: (typeof events)[number]) => (entry.actor as { org?: unknown } | undefined)?.org;
  const names = people.organisationNames(events.map(orgOf).filter((org): org is string => typeof org === 'string'));
  // A redacted objector stays redacted: only an actor with an organisation the registry knows is named.
  const named = events.map((entry) => {
    const org = orgOf(entry);
    return typeof org === 'string' && names.has(org) ? { ...entry, actor: { ...(entry.actor as object), orgName: names.get(org) } } : entry;
  });
  return { events: named, due: deadlinesOf(readModels.db, stream) };
}
