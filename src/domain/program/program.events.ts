import { Event } from '../messages';

/** A cycle's quota counted against the program's target. */
export type QuotaAllocated = Event<
  'QuotaAllocated',
  {
    readonly cycleId: string;
    readonly quota: number;
    /** The target in force (null: none), and the places the program's cycles give once this one is counted. */
    readonly target: number | null;
    readonly allocated: number;
    readonly allocatedAt: string;
  }
>;

export type QuotaReleased = Event<'QuotaReleased', { readonly cycleId: string; readonly quota: number; readonly reason: string; readonly releasedAt: string }>;

export type ProgramTargetRaised = Event<'ProgramTargetRaised', { readonly from: number; readonly to: number; readonly reason: string; readonly raisedAt: string }>;

export type ProgramEvent = QuotaAllocated | QuotaReleased | ProgramTargetRaised;
