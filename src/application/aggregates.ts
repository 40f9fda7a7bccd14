import { enterpriseDecider } from '../domain/enterprise/enterprise.decider';
import { fundsDecider } from '../domain/funding/funding.decider';
import { registryDecider } from '../domain/organisation/registry.decider';
import { personDecider } from '../domain/person/person.decider';
import { programDecider } from '../domain/program/program.decider';
import { programCycleDecider } from '../domain/program-cycle/program-cycle.decider';
import { projectDecider } from '../domain/project/project.decider';

/** Each stream category and its decider: what history and as-of replays fold with (commands go through commandDoors). */
export const DECIDERS = {
  program: programDecider,
  cycle: programCycleDecider,
  funds: fundsDecider,
  project: projectDecider,
  enterprise: enterpriseDecider,
  registry: registryDecider,
  person: personDecider,
} as const;
