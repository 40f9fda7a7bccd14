import { own, requireRole, text, unknownCommand } from '../checks';
import { Decider } from '../decider';
import { illegalState, validation } from '../errors';
import { AllocateQuota, PROGRAM_COMMANDS, ProgramCommand, RaiseTarget, ReleaseQuota } from './program.commands';
import { ProgramEvent } from './program.events';

export interface ProgramState {
  /** Set once the office raised the target; the catalog's otherwise. */
  readonly raisedTarget: number | null;
  /** Each cycle's quota, by cycle id. */
  readonly quotas: Readonly<Record<string, number>>;
}

export const initialProgramState: ProgramState = { raisedTarget: null, quotas: {} };

export function evolveProgram(state: ProgramState, event: ProgramEvent): ProgramState {
  switch (event.type) {
    case 'QuotaAllocated':
      return { ...state, quotas: { ...state.quotas, [event.data.cycleId]: event.data.quota } };
    case 'QuotaReleased': {
      const { [event.data.cycleId]: _released, ...quotas } = state.quotas;
      return { ...state, quotas };
    }
    case 'ProgramTargetRaised':
      return { ...state, raisedTarget: event.data.to };
    default:
      return state;
  }
}

/** The target in force: the office's raise, else the catalog's (null: the program has none). */
export const targetOf = (state: ProgramState, catalogTarget: number | null): number | null => state.raisedTarget ?? catalogTarget;

/** The places the program's cycles give together. */
export const placesGiven = (state: ProgramState): number => Object.values(state.quotas).reduce((sum, quota) => sum + quota, 0);

export function decideProgram(command: ProgramCommand, state: ProgramState): ProgramEvent[] {
  requireRole(PROGRAM_COMMANDS, command);
  switch (command.type) {
    case 'AllocateQuota': return allocateQuota(command, state);
    case 'ReleaseQuota': return releaseQuota(command, state);
    case 'RaiseTarget': return raiseTarget(command, state);
    default: return unknownCommand(command);
  }
}

function allocateQuota(command: AllocateQuota, state: ProgramState): ProgramEvent[] {
  const { cycleId, quota } = command.data;
  const held = own(state.quotas, cycleId);
  if (held !== undefined) {
    if (held === quota) return [];
    throw illegalState('quota-already-allocated', `cycle ${cycleId} already has a quota of ${held}`, { cycleId, quota: held });
  }
  const target = targetOf(state, command.context.catalogTarget);
  const given = placesGiven(state);
  if (target !== null && given + quota > target) {
    throw illegalState('program-target-exceeded', `a quota of ${quota} would give ${given + quota} places, more than the program's target of ${target} (${given} given); the office may raise the target with a reason`, {
      target,
      given,
      quota,
      left: Math.max(0, target - given),
    });
  }
  return [{ type: 'QuotaAllocated', data: { cycleId, quota, target, allocated: given + quota, allocatedAt: command.now } }];
}

function releaseQuota(command: ReleaseQuota, state: ProgramState): ProgramEvent[] {
  const { cycleId } = command.data;
  const reason = text(command.data.reason, 'reason-required', 'the reason');
  const held = own(state.quotas, cycleId);
  if (held === undefined) return [];
  return [{ type: 'QuotaReleased', data: { cycleId, quota: held, reason, releasedAt: command.now } }];
}

function raiseTarget(command: RaiseTarget, state: ProgramState): ProgramEvent[] {
  const reason = text(command.data.reason, 'reason-required', 'the reason');
  const current = targetOf(state, command.context.catalogTarget);
  if (current === null) throw illegalState('program-without-target', 'the program has no target to raise: its cycles give places without a cap');
  const { target } = command.data;
  if (!Number.isInteger(target) || target <= current) throw validation('target-not-raised', `a raised target is a whole number above ${current}`, { current, target });
  return [{ type: 'ProgramTargetRaised', data: { from: current, to: target, reason, raisedAt: command.now } }];
}

export const programDecider: Decider<ProgramState, ProgramCommand, ProgramEvent> = {
  initialState: initialProgramState,
  evolve: evolveProgram,
  decide: decideProgram,
};
