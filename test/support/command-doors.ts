import { Clock } from '../../src/application/clock';
import { commandDoors, HandlerDependencies, handlersOf, sendingTo } from '../../src/application/command-doors';
import { FoldedStreams } from '../../src/application/folded-streams';
import { defaultCatalog } from '../../src/domain/catalog/program-catalog';
import { testCalendar } from './test-calendar';

/** The cache and the clock, and whatever else a test wants other than the defaults. */
export type HandlerOptions = Partial<HandlerDependencies> & { readonly streams: FoldedStreams; readonly clock: Clock };

/**
 * The three aggregates' handlers as the service builds them, without Nest: by default on the default
 * catalog and the test calendar, with no applicant banned, no cross-stream effects carried inline, and every cited document
 * taken as uploaded.
 */
export const handlersOn = (options: HandlerOptions) =>
  handlersOf({
    catalog: defaultCatalog,
    calendar: testCalendar,
    applicants: { bansOf: async () => [], earlierApplications: async () => [] },
    effects: { after: async () => undefined },
    documents: { verifyReferences: async () => undefined },
    ...options,
  });

/** The handlers' messages, delivered to them as the CommandBus does in the service. */
export const senderOn = (options: HandlerOptions) => sendingTo(handlersOn(options));

/** Each aggregate's one door, as the reactor and the scheduler are given them in the service. */
export const doorsOn = (options: HandlerOptions) => commandDoors(senderOn(options));
