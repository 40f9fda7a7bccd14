import { chinaDateOf, isIsoDate } from '../beijing-time';
import { own, requireRole, text, unknownCommand } from '../checks';
import { Decider } from '../decider';
import { fen, isAmount, sumOf, yuan } from '../money';
import { illegalState, notFound, validation } from '../errors';
import { BUDGETED_SOURCES, DisburseFunds, FUND_SOURCES, FundedProjectFacts, FUNDS_COMMANDS, FundsCommand, FundSource, GrantFunds, SetBudget } from './funding.commands';
import { FundsEvent } from './funding.events';

export interface Grant {
  readonly projectId: string;
  readonly year: number;
  readonly source: FundSource;
  readonly amount: number;
  readonly disbursed: number;
}

export interface FundsState {
  /** The budget of each public source, once set. */
  readonly budgets: Readonly<Partial<Record<FundSource, number>>>;
  readonly grants: Readonly<Record<string, Grant>>;
}

export const initialFundsState: FundsState = { budgets: {}, grants: {} };


/** What the grants from a source add up to. */
export const grantedFrom = (state: FundsState, source: FundSource): number => sumOf(Object.values(state.grants).filter((g) => g.source === source).map((g) => g.amount));

/** What the grants from a source have paid out. */
export const disbursedFrom = (state: FundsState, source: FundSource): number => sumOf(Object.values(state.grants).filter((g) => g.source === source).map((g) => g.disbursed));

/** The ledger as the office reads it: by source, the budget, what is granted, paid and left; and every grant. */
export function ledgerOf(state: FundsState) {
  const bySource = <T>(sources: readonly FundSource[], of: (source: FundSource) => T) => Object.fromEntries(sources.map((source) => [source, of(source)])) as Record<FundSource, T>;
  const budget = (source: FundSource) => own(state.budgets, source) ?? null;
  return {
    budgets: bySource(BUDGETED_SOURCES, budget),
    granted: bySource(FUND_SOURCES, (source) => grantedFrom(state, source)),
    disbursed: bySource(FUND_SOURCES, (source) => disbursedFrom(state, source)),
    left: bySource(BUDGETED_SOURCES, (source) => {
      const b = budget(source);
      return b === null ? null : yuan(fen(b) - fen(grantedFrom(state, source)));
    }),
    grants: Object.entries(state.grants).map(([grantId, grant]) => ({ grantId, ...grant })),
  };
}

/** What a project's grants have paid, by source: the most its annual reports may state used. */
export const paidBySource = (state: FundsState, projectId: string): Record<FundSource, number> =>
  Object.fromEntries(FUND_SOURCES.map((source) => [source, sumOf(Object.values(state.grants).filter((g) => g.projectId === projectId && g.source === source).map((g) => g.disbursed))])) as Record<FundSource, number>;

/** What a project's grants have disbursed: the most a recovery may order back. */
export const disbursedTo = (state: FundsState, projectId: string): number => sumOf(Object.values(state.grants).filter((g) => g.projectId === projectId).map((g) => g.disbursed));

export function evolveFunds(state: FundsState, event: FundsEvent): FundsState {
  switch (event.type) {
    case 'BudgetSet':
      return { ...state, budgets: { ...state.budgets, [event.data.source]: event.data.amount } };
    case 'FundsGranted': {
      const { grantId, projectId, year, source, amount } = event.data;
      return { ...state, grants: { ...state.grants, [grantId]: { projectId, year, source, amount, disbursed: 0 } } };
    }
    case 'FundsDisbursed': {
      const grant = own(state.grants, event.data.grantId);
      if (!grant) return state;
      return { ...state, grants: { ...state.grants, [event.data.grantId]: { ...grant, disbursed: event.data.disbursed } } };
    }
    default:
      return state;
  }
}

export function decideFunds(command: FundsCommand, state: FundsState): FundsEvent[] {
  requireRole(FUNDS_COMMANDS, command);
  switch (command.type) {
    case 'SetBudget': return setBudget(command, state);
    case 'GrantFunds': return grantFunds(command, state);
    case 'DisburseFunds': return disburseFunds(command, state);
    default: return unknownCommand(command);
  }
}

function amountOf(value: number, field = 'amount'): number {
  if (!isAmount(value)) throw validation('invalid-amount', `${field} is a positive amount of yuan, to the fen`, { field });
  return value;
}

function setBudget(command: SetBudget, state: FundsState): FundsEvent[] {
  const { cycleId, source } = command.data;
  if (!BUDGETED_SOURCES.includes(source)) throw validation('invalid-source', `a budget is set for ${BUDGETED_SOURCES.join(' or ')} funds`, { field: 'source' });
  const amount = amountOf(command.data.amount);
  const reason = text(command.data.reason, 'reason-required', 'the reason');
  const previous = own(state.budgets, source) ?? null;
  if (previous === amount) return [];
  const granted = grantedFrom(state, source);
  if (fen(amount) < fen(granted)) {
    throw illegalState('budget-below-granted', `${granted} yuan of ${source} funds are granted already: the budget cannot be less`, { source, granted, amount });
  }
  return [{ type: 'BudgetSet', data: { cycleId, source, amount, previous, reason, setAt: command.now } }];
}

function grantFunds(command: GrantFunds, state: FundsState): FundsEvent[] {
  const { grantId, cycleId, source, year } = command.data;
  const existing = own(state.grants, grantId);
  if (existing) {
    if (existing.projectId === command.data.projectId && existing.amount === command.data.amount && existing.source === source && existing.year === year) return [];
    throw illegalState('grant-exists', `grant ${grantId} exists with other terms`, { grantId });
  }
  if (!FUND_SOURCES.includes(source)) throw validation('invalid-source', `a grant's source is ${FUND_SOURCES.join(', ')}`, { field: 'source' });
  if (!Number.isInteger(year) || year < 2000 || year > 2100) throw validation('invalid-year', 'the year is a budget year such as 2026', { field: 'year' });
  const amount = amountOf(command.data.amount);
  const reason = text(command.data.reason, 'reason-required', 'the reason');
  const project = fundedProject(command.context?.project, command.data.projectId);
  if (project.cycleId !== cycleId) throw validation('cycle-mismatch', `project ${project.projectId} belongs to cycle ${project.cycleId}, not ${cycleId}`, { field: 'projectId' });
  if (!project.approved) throw illegalState('project-not-approved', `project ${project.projectId} is ${project.status}: only approved projects are funded`, { status: project.status });
  const budget = source === 'matching' ? null : (own(state.budgets, source) ?? null);
  if (source !== 'matching' && budget === null) throw illegalState('budget-not-set', `the cycle has no ${source} budget yet`, { source });
  const granted = yuan(fen(grantedFrom(state, source)) + fen(amount));
  if (budget !== null && fen(granted) > fen(budget)) {
    const before = grantedFrom(state, source);
    throw illegalState('budget-exceeded', `${amount} yuan more would grant ${granted} of a ${source} budget of ${budget} (${yuan(fen(budget) - fen(before))} left)`, {
      source,
      budget,
      granted: before,
      requested: amount,
      left: yuan(fen(budget) - fen(before)),
    });
  }
  checkReduction(state, project, year, source, amount);
  const { projectId, programType, applicantOrg, region } = project;
  return [{ type: 'FundsGranted', data: { grantId, cycleId, projectId, programType, applicantOrg, region, year, source, amount, budget, granted, reason, grantedAt: command.now } }];
}

/**
 * After a poor year the next year's public grants (central and provincial together) are at most the
 * rules' percent below the poor year's (where it had any); the school's matching funds are its own.
 */
function checkReduction(state: FundsState, project: FundedProjectFacts, year: number, source: FundSource, amount: number): void {
  const reduction = project.grantReductions.find((r) => r.year === year);
  if (!reduction || source === 'matching') return;
  const publicGrants = (y: number) => Object.values(state.grants).filter((g) => g.projectId === project.projectId && g.year === y && g.source !== 'matching');
  const before = sumOf(publicGrants(year - 1).map((g) => g.amount));
  // Nothing granted in the poor year: there is nothing to reduce from.
  if (before === 0) return;
  const cap = yuan(Math.floor((fen(before) * (100 - reduction.percent)) / 100));
  const already = sumOf(publicGrants(year).map((g) => g.amount));
  if (fen(already) + fen(amount) > fen(cap)) {
    throw illegalState('grant-reduced', `after a poor ${year - 1}, the ${year} public grants are at most ${cap} yuan (${reduction.percent}% below ${before}); ${already} granted`, {
      year,
      percent: reduction.percent,
      previousYear: before,
      cap,
      granted: already,
      requested: amount,
    });
  }
}

/** Statuses in which a project receives no further payment. */
const ENDED = ['Failed', 'Suspended', 'Revoked'];

function disburseFunds(command: DisburseFunds, state: FundsState): FundsEvent[] {
  const { grantId } = command.data;
  const grant = own(state.grants, grantId);
  if (!grant) throw notFound('grant-not-found', `no grant ${grantId} in this cycle`, { grantId });
  const amount = amountOf(command.data.amount);
  const disbursedOn = command.data.disbursedOn;
  if (!isIsoDate(disbursedOn)) throw validation('invalid-date', 'disbursedOn must be a YYYY-MM-DD date', { field: 'disbursedOn' });
  if (disbursedOn > chinaDateOf(command.now)) throw validation('invalid-date', 'a disbursement is recorded once paid, not before', { field: 'disbursedOn' });
  const project = fundedProject(command.context?.project, grant.projectId);
  if (ENDED.includes(project.status)) throw illegalState('project-ended', `project ${grant.projectId} is ${project.status}: nothing more is paid to it`, { status: project.status });
  const disbursed = yuan(fen(grant.disbursed) + fen(amount));
  if (fen(disbursed) > fen(grant.amount)) {
    throw illegalState('disbursement-exceeds-grant', `${amount} yuan more would pay ${disbursed} of a grant of ${grant.amount}`, {
      grantId,
      granted: grant.amount,
      disbursed: grant.disbursed,
      requested: amount,
      left: yuan(fen(grant.amount) - fen(grant.disbursed)),
    });
  }
  const reference = command.data.reference === undefined ? null : text(command.data.reference, 'invalid-field', 'the reference');
  return [
    { type: 'FundsDisbursed', data: { grantId, projectId: grant.projectId, amount, disbursedOn, reference, disbursed, granted: grant.amount, disbursedAt: command.now } },
  ];
}

function fundedProject(project: FundedProjectFacts | null | undefined, projectId: string): FundedProjectFacts {
  if (project === undefined) throw validation('context-required', 'the project’s facts are required');
  if (project === null || project.projectId !== projectId) throw notFound('project-not-found', `no project ${projectId}`, { projectId });
  return project;
}

export const fundsDecider: Decider<FundsState, FundsCommand, FundsEvent> = {
  initialState: initialFundsState,
  evolve: evolveFunds,
  decide: decideFunds,
};
