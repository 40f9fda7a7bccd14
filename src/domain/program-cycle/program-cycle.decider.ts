import { requireRole, unknownCommand } from '../checks';
import { Decider } from '../decider';
import { PROGRAM_CYCLE_ACCESS } from './program-cycle.access';
import { ProgramCycleCommand } from './program-cycle.commands';
import { ProgramCycleEvent } from './program-cycle.events';
import { evolveProgramCycle, initialProgramCycleState, ProgramCycleState } from './program-cycle.state';
import { closeApplicationWindow, openCycle, registerApplication, registerRecommendation, releaseRegistration } from './decide/applications';
import { roleNotAllowed } from './decide/checks';
import { formPanel } from './decide/panels';
import { approveList, closeCycle, endPublicNotice, openPublicNotice, removeFromList, shortlist } from './decide/selection';

export { PROGRAM_CYCLE_COMMANDS } from './program-cycle.commands';
export { evolveProgramCycle, initialProgramCycleState, placesTaken } from './program-cycle.state';
export type { ActiveCycle, Notice, Panel, ProgramCycleState, Selection, SelectionStatus } from './program-cycle.state';

export const programCycleDecider: Decider<ProgramCycleState, ProgramCycleCommand, ProgramCycleEvent> = {
  initialState: initialProgramCycleState,
  evolve: evolveProgramCycle,
  decide: (command, state) => decideProgramCycle(command, state),
};

/**
 * A program cycle (call or batch): its window, registrations within the limits, selection within the
 * quota, public notice and approval. `decide` checks the role table (program-cycle.access.ts), then hands
 * each command to its function in decide/: applications.ts (the window) and selection.ts.
 */
export function decideProgramCycle(command: ProgramCycleCommand, state: ProgramCycleState): ProgramCycleEvent[] {
  requireRole(PROGRAM_CYCLE_ACCESS.roles, command, (actor, _type, [role]) => roleNotAllowed(actor, role));
  switch (command.type) {
    case 'OpenCycle': return openCycle(command, state);
    case 'CloseApplicationWindow': return closeApplicationWindow(command, state);
    case 'RegisterApplication': return registerApplication(command, state);
    case 'RegisterRecommendation': return registerRecommendation(command, state);
    case 'ReleaseRegistration': return releaseRegistration(command, state);
    case 'Shortlist': return shortlist(command, state);
    case 'OpenPublicNotice': return openPublicNotice(command, state);
    case 'RemoveFromList': return removeFromList(command, state);
    case 'EndPublicNotice': return endPublicNotice(command, state);
    case 'ApproveList': return approveList(command, state);
    case 'CloseCycle': return closeCycle(command, state);
    case 'FormPanel': return formPanel(command, state);
    default: return unknownCommand(command);
  }
}
