import { Command, Role } from '../messages';
import type { ProjectStatus } from '../project/project.events';

/**
 * The money of a program cycle on its own stream (`funds-<cycleId>`): the budget of each public source,
 * the grants to its approved projects per year and source, and the disbursements of each grant. One
 * stream holds them so that the sum granted never exceeds the budget, and what is disbursed never
 * exceeds the grant, however many act at once (the seed's 基本保障 + 发展专项 + 绩效奖励, clause 二十四).
 *
 * Amounts are yuan with at most two decimals (fen); sums are taken in fen, so they add exactly.
 */

/** 中央财政, 省级财政, and the school's own matching funds (学校配套), which no budget bounds. */
export const FUND_SOURCES = ['central', 'provincial', 'matching'] as const;
export type FundSource = (typeof FUND_SOURCES)[number];

/** The sources a cycle's budget sets: the public ones. */
export const BUDGETED_SOURCES = ['central', 'provincial'] as const satisfies readonly FundSource[];
export type BudgetedSource = (typeof BUDGETED_SOURCES)[number];

/** A project a grant is for, as its own stream has it; null when there is no such project. */
export interface FundedProjectFacts {
  readonly projectId: string;
  readonly cycleId: string;
  readonly programType: string;
  readonly applicantOrg: string;
  readonly region: string;
  readonly status: ProjectStatus;
  /** Approved (立项) or recognised: the project may be funded. */
  readonly approved: boolean;
  /** Years whose public grants are reduced after a poor year, by how much (NextYearGrantReduced). */
  readonly grantReductions: readonly { readonly year: number; readonly percent: number }[];
}

export interface FundsContext {
  /** For GrantFunds and DisburseFunds: the project granted to. */
  readonly project?: FundedProjectFacts | null;
}

export type FundsCommandOf<Type extends string, Data> = Command<Type, Data> & { readonly context?: FundsContext };

export type SetBudget = FundsCommandOf<'SetBudget', { readonly cycleId: string; readonly source: BudgetedSource; readonly amount: number; readonly reason: string }>;

export type GrantFunds = FundsCommandOf<
  'GrantFunds',
  {
    /** Chosen by the application layer: a repeated request grants once. */
    readonly grantId: string;
    readonly cycleId: string;
    readonly projectId: string;
    /** The budget year the grant is for. */
    readonly year: number;
    readonly source: FundSource;
    readonly amount: number;
    readonly reason: string;
  }
>;

export type DisburseFunds = FundsCommandOf<
  'DisburseFunds',
  {
    readonly grantId: string;
    readonly amount: number;
    /** The day the money was paid (Beijing date). */
    readonly disbursedOn: string;
    /** The payment's voucher or instruction number. */
    readonly reference?: string;
  }
>;

export type FundsCommand = SetBudget | GrantFunds | DisburseFunds;
export type FundsCommandType = FundsCommand['type'];

/** The program office manages a cycle's money. */
export const FUNDS_COMMANDS: Readonly<Record<FundsCommandType, readonly Role[]>> = {
  SetBudget: ['office'],
  GrantFunds: ['office'],
  DisburseFunds: ['office'],
};
