import { isText } from '../../checks';
import { DomainError, forbidden, illegalState, notFound, validation } from '../../errors';
import { Actor, Role } from '../../messages';
import { ApplicationWindowClosed } from '../program-cycle.events';
import { ActiveCycle, ProgramCycleState } from '../program-cycle.state';

/** The checks the cycle's commands share. */

// ---------------------------------------------------------------------------------------------
// Who, and the cycle's status

/** The cycle's refusal of a role names the one role the command needs. */
export function roleNotAllowed(actor: Actor, role: Role): DomainError {
  return forbidden('role-not-allowed', `only the ${role} role may do this`, { role: actor.role });
}

export function requireCycle(state: ProgramCycleState): ActiveCycle {
  if (state.status === 'None') throw notFound('cycle-not-found', 'no such program cycle');
  return state;
}

export function requireOpenCycle(state: ProgramCycleState): ActiveCycle {
  const cycle = requireCycle(state);
  if (cycle.status === 'Closed') throw illegalState('cycle-closed', `cycle ${cycle.cycleId} is closed`);
  return cycle;
}

/** The event recording that the window's deadline passed, when it has and nothing recorded it yet. */
export function deadlinePassed(cycle: ActiveCycle, now: string): ApplicationWindowClosed | null {
  if (cycle.status !== 'Open' || instant('now', now) < instant('closesAt', cycle.closesAt)) return null;
  return { type: 'ApplicationWindowClosed', data: { closedAt: cycle.closesAt, trigger: 'deadline', reason: null, rulesVersion: cycle.rulesVersion } };
}

export function requireWindowClosed(cycle: ActiveCycle, now: string): ApplicationWindowClosed | null {
  const closing = deadlinePassed(cycle, now);
  if (cycle.status === 'Open' && !closing) throw illegalState('window-open', 'the application window is still open');
  return closing;
}

export function nextDecisionId(cycle: ActiveCycle): string {
  return `${cycle.cycleId}/decision-${cycle.decisionCount + 1}`;
}

// ---------------------------------------------------------------------------------------------
// Data

export function requireText(field: string, value: string | null | undefined, code = 'invalid-field'): void {
  if (!isText(value)) throw validation(code, `${field} must be a non-empty string`, { field });
}

/** Milliseconds of an ISO-8601 instant, which the window and the notices are reckoned in: one that is not an instant is refused rather than reckoned as NaN. */
export function instant(field: string, value: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw validation('invalid-time', `${field} must be an ISO-8601 instant, got ${value}`, { field });
  return ms;
}
