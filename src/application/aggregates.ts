import { enterpriseDecider } from '../domain/enterprise/enterprise.decider';
import { programCycleDecider } from '../domain/program-cycle/program-cycle.decider';
import { DeciderRegistry } from './audit';

/** Each stream category and the decider whose `evolve` gives its state: what history and as-of replays fold with. */
export const DECIDERS: DeciderRegistry = {
  cycle: programCycleDecider,
  enterprise: enterpriseDecider,
};
