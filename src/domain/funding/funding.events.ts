import { Event } from '../messages';
import type { BudgetedSource, FundSource } from './funding.commands';

/** A source's budget for the cycle, set or changed (never below what is granted from it). */
export type BudgetSet = Event<
  'BudgetSet',
  { readonly cycleId: string; readonly source: BudgetedSource; readonly amount: number; readonly previous: number | null; readonly reason: string; readonly setAt: string }
>;

export type FundsGranted = Event<
  'FundsGranted',
  {
    readonly grantId: string;
    readonly cycleId: string;
    readonly projectId: string;
    readonly programType: string;
    readonly applicantOrg: string;
    readonly region: string;
    readonly year: number;
    readonly source: FundSource;
    readonly amount: number;
    /** The source's budget (null for matching funds) and what is granted from it once this grant is counted. */
    readonly budget: number | null;
    readonly granted: number;
    readonly reason: string;
    readonly grantedAt: string;
  }
>;

export type FundsDisbursed = Event<
  'FundsDisbursed',
  {
    readonly grantId: string;
    readonly projectId: string;
    readonly amount: number;
    readonly disbursedOn: string;
    readonly reference: string | null;
    /** What the grant has disbursed once this payment is counted, of its amount. */
    readonly disbursed: number;
    readonly granted: number;
    readonly disbursedAt: string;
  }
>;

export type FundsEvent = BudgetSet | FundsGranted | FundsDisbursed;
