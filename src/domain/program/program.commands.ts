import { Command, Role } from '../messages';

/**
 * Commands on a program's own stream (`program-<code>`), which holds what spans its cycles: the places
 * its cycles give, against the target the plan sets (60 schools, 10 colleges, 200 majors …) or the
 * office raised. Each cycle's quota is allocated here before the cycle opens, so cycles opened at once
 * cannot together give more places than the target.
 */

/** The program's target as the catalog in force sets it; null where the plan sets none ("a batch"). */
export interface ProgramContext {
  readonly catalogTarget: number | null;
}

export type ProgramCommandOf<Type extends string, Data> = Command<Type, Data> & { readonly context: ProgramContext };

/** Issued by the cycle's handler, with the office as actor, before the cycle opens. */
export type AllocateQuota = ProgramCommandOf<'AllocateQuota', { readonly cycleId: string; readonly quota: number }>;

/** Issued by the cycle's handler when the cycle it was allocated for did not open after all. */
export type ReleaseQuota = ProgramCommandOf<'ReleaseQuota', { readonly cycleId: string; readonly reason: string }>;

/** The office raises the target beyond the plan's, with the decision that allows it. */
export type RaiseTarget = ProgramCommandOf<'RaiseTarget', { readonly target: number; readonly reason: string }>;

export type ProgramCommand = AllocateQuota | ReleaseQuota | RaiseTarget;
export type ProgramCommandType = ProgramCommand['type'];

/** Who may issue each command: the office alone (the cycle's handler acts as the office opening the cycle). */
export const PROGRAM_COMMANDS: Readonly<Record<ProgramCommandType, readonly Role[]>> = {
  AllocateQuota: ['office'],
  ReleaseQuota: ['office'],
  RaiseTarget: ['office'],
};
