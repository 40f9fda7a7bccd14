import { isText } from '../../checks';
import { DomainError, forbidden, illegalState, notFound, validation } from '../../errors';
import { Actor, DocumentRef, Role } from '../../messages';
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

export function requireText(field: string, value: unknown, code = 'invalid-field'): void {
  if (!isText(value)) throw validation(code, `${field} must be a non-empty string`, { field });
}

export function requireDocument(document: DocumentRef): void {
  if (!/^[0-9a-f]{64}$/i.test(document.sha256) || !isText(document.name) || !Number.isInteger(document.size) || document.size < 0) {
    throw validation('invalid-document', 'a document reference needs a SHA-256 hex digest, a name and a size');
  }
}

export function instant(field: string, value: string): number {
  const ms = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw validation('invalid-time', `${field} must be an ISO-8601 instant, got ${String(value)}`, { field });
  return ms;
}
