import { enterpriseDecider } from '../domain/enterprise/enterprise.decider';
import { programCycleDecider } from '../domain/program-cycle/program-cycle.decider';
import { projectDecider } from '../domain/project/project.decider';

/** Each stream category and its decider: what history, as-of replays and the deadline scheduler decide and fold with. */
export const DECIDERS = {
  cycle: programCycleDecider,
  project: projectDecider,
  enterprise: enterpriseDecider,
} as const;
