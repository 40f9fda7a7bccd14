import { AccessPolicy, OBJECTORS_NAMED_TO_OFFICE } from '../access';
import { PROGRAM_CYCLE_COMMANDS, ProgramCycleCommandType } from './program-cycle.commands';
import { ProgramCycleState } from './program-cycle.state';

/**
 * Who acts on a program cycle and who reads it.
 *
 * - Acting: the role table alone says who issues each command on the cycle: the office runs it, an
 *   applicant registers its applications and a recommender its recommendations. A registration is the
 *   organisation's that made it (and a recommendation is for a project of the recommender's city): the
 *   commands check that on the registration they touch (decide/applications.ts), not on the cycle.
 * - Reading (GET /cycles/{id}, its dashboard, GET /cycles and the notices and approvals it cites): a
 *   cycle is a public call, read by everyone signed in.
 * - A cycle takes no objections (they are filed on the projects in its notice).
 */
export const PROGRAM_CYCLE_ACCESS: AccessPolicy<ProgramCycleState, ProgramCycleCommandType> = {
  roles: PROGRAM_CYCLE_COMMANDS,
  open: [],
  act: {
    relations: { applicant: 'any', recommender: 'any', reviewer: 'any', office: 'any', auditor: 'any', public: 'none' },
    refusals: {},
  },
  see: {
    relations: { applicant: 'any', recommender: 'any', reviewer: 'any', office: 'any', auditor: 'any', public: 'none' },
    refusals: {},
  },
  subject: () => ({}),
  objections: { filedByObjector: [], objectorNamedTo: OBJECTORS_NAMED_TO_OFFICE },
};
