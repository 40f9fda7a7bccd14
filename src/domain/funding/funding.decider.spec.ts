import { given } from '../../../test/support/decider-spec';
import { fold } from '../decider';
import { Actor } from '../messages';
import { FundedProjectFacts, FundsCommand } from './funding.commands';
import { disbursedTo, fundsDecider, grantedFrom } from './funding.decider';
import { FundsEvent } from './funding.events';

const office: Actor = { id: 'office-1', role: 'office', org: '山西省教育厅' };
const school: Actor = { id: 'school-1', role: 'applicant', org: 'school-a', region: '太原市' };
const NOW = '2026-03-10T10:00:00+08:00';
const PROJECT: FundedProjectFacts = { projectId: 'p-1', cycleId: 'bm-2025', programType: 'brand-major', applicantOrg: 'school-a', region: '太原市', status: 'UnderConstruction', approved: true, grantReductions: [] };

const budget = (source: 'central' | 'provincial', amount: number): FundsCommand => ({ type: 'SetBudget', data: { cycleId: 'bm-2025', source, amount, reason: '省财政下达 2026 年专项资金' }, actor: office, now: NOW });
const grant = (grantId: string, amount: number, source: 'central' | 'provincial' | 'matching' = 'provincial', project: FundedProjectFacts | null = PROJECT, year = 2026): FundsCommand => ({
  type: 'GrantFunds',
  data: { grantId, cycleId: 'bm-2025', projectId: 'p-1', year, source, amount, reason: `${year} 年度建设资金` },
  actor: office,
  now: NOW,
  context: { project },
});
const disburse = (grantId: string, amount: number, project: FundedProjectFacts = PROJECT, disbursedOn = '2026-03-09'): FundsCommand => ({
  type: 'DisburseFunds',
  data: { grantId, amount, disbursedOn, reference: '晋财教〔2026〕12号' },
  actor: office,
  now: NOW,
  context: { project },
});

/** The events the commands produce in turn, failing on any refusal. */
function run(commands: readonly FundsCommand[]): FundsEvent[] {
  return commands.reduce<FundsEvent[]>((events, c) => [...events, ...fundsDecider.decide(c, fold(fundsDecider, events))], []);
}

describe('a cycle’s funds: budgets, grants and disbursements', () => {
  const funded = run([budget('provincial', 1_000_000), grant('g-1', 600_000)]);

  it('given a provincial budget of 1,000,000 with 600,000 granted, when 400,000 more is granted, then it is; 400,000.01, then 409 budget-exceeded with what is left', () => {
    const [event] = given(fundsDecider, funded).when(grant('g-2', 400_000)).then([expect.objectContaining({ type: 'FundsGranted' })]);
    expect(event.data).toMatchObject({ grantId: 'g-2', projectId: 'p-1', applicantOrg: 'school-a', region: '太原市', programType: 'brand-major', year: 2026, source: 'provincial', amount: 400_000, budget: 1_000_000, granted: 1_000_000 });
    const error = given(fundsDecider, funded).when(grant('g-2', 400_000.01)).thenThrows('budget-exceeded', 'illegal-state');
    expect(error.details).toEqual({ source: 'provincial', budget: 1_000_000, granted: 600_000, requested: 400_000.01, left: 400_000 });
  });

  it('adds amounts to the fen: 0.1 + 0.2 granted fill a budget of 0.3 exactly', () => {
    const events = run([budget('central', 0.3), grant('a', 0.1, 'central'), grant('b', 0.2, 'central')]);
    expect(grantedFrom(fold(fundsDecider, events), 'central')).toBe(0.3);
  });

  it('needs a budget for public sources, none for the school’s matching funds', () => {
    given(fundsDecider, []).when(grant('g-1', 100, 'central')).thenThrows('budget-not-set', 'illegal-state');
    const [event] = given(fundsDecider, []).when(grant('m-1', 5_000_000, 'matching')).then([expect.objectContaining({ type: 'FundsGranted' })]);
    expect(event.data).toMatchObject({ source: 'matching', budget: null, granted: 5_000_000 });
  });

  it('funds only an approved project of the cycle', () => {
    given(fundsDecider, funded).when(grant('g-2', 1, 'provincial', { ...PROJECT, approved: false, status: 'UnderReview' })).thenThrows('project-not-approved', 'illegal-state');
    given(fundsDecider, funded).when(grant('g-2', 1, 'provincial', { ...PROJECT, cycleId: 'other' })).thenThrows('cycle-mismatch', 'validation');
    given(fundsDecider, funded).when(grant('g-2', 1, 'provincial', null)).thenThrows('project-not-found', 'not-found');
  });

  it('grants once for a repeated request, and refuses another grant under the same id', () => {
    given(fundsDecider, funded).when(grant('g-1', 600_000)).then([]);
    given(fundsDecider, funded).when(grant('g-1', 500_000)).thenThrows('grant-exists', 'illegal-state');
  });

  it.each([
    ['zero', 0],
    ['a negative amount', -5],
    ['a thousandth of a yuan', 10.001],
    ['an infinite amount', Number.POSITIVE_INFINITY],
  ])('refuses %s (400 invalid-amount)', (_what, amount) => {
    given(fundsDecider, funded).when(grant('g-9', amount)).thenThrows('invalid-amount', 'validation');
  });

  it('never sets a budget below what is granted from it', () => {
    given(fundsDecider, funded).when(budget('provincial', 599_999.99)).thenThrows('budget-below-granted', 'illegal-state');
    given(fundsDecider, funded).when(budget('provincial', 600_000)).then([expect.objectContaining({ type: 'BudgetSet', data: expect.objectContaining({ previous: 1_000_000, amount: 600_000 }) })]);
    given(fundsDecider, funded).when(budget('provincial', 1_000_000)).then([]);
  });

  it('given a grant of 600,000, when 600,000 is paid in two parts, then both are recorded; a fen more, then 409 disbursement-exceeds-grant', () => {
    const paid = run([...[budget('provincial', 1_000_000), grant('g-1', 600_000)], disburse('g-1', 250_000)]);
    const [event] = given(fundsDecider, paid).when(disburse('g-1', 350_000)).then([expect.objectContaining({ type: 'FundsDisbursed' })]);
    expect(event.data).toMatchObject({ grantId: 'g-1', projectId: 'p-1', amount: 350_000, disbursed: 600_000, granted: 600_000, reference: '晋财教〔2026〕12号' });
    const error = given(fundsDecider, paid).when(disburse('g-1', 350_000.01)).thenThrows('disbursement-exceeds-grant', 'illegal-state');
    expect(error.details).toMatchObject({ disbursed: 250_000, left: 350_000 });
    expect(disbursedTo(fold(fundsDecider, paid), 'p-1')).toBe(250_000);
  });

  it('pays nothing to a revoked project, nothing for a grant that does not exist, and nothing dated after today', () => {
    given(fundsDecider, funded).when(disburse('g-1', 1, { ...PROJECT, status: 'Revoked' })).thenThrows('project-ended', 'illegal-state');
    given(fundsDecider, funded).when(disburse('g-9', 1)).thenThrows('grant-not-found', 'not-found');
    given(fundsDecider, funded).when(disburse('g-1', 1, PROJECT, '2026-03-11')).thenThrows('invalid-date', 'validation');
  });

  it('given a poor 2026 and a 20% reduction of 2027, when 2027 is granted, then its public grants stay within 80% of 2026’s; matching funds are not reduced', () => {
    const reduced = { ...PROJECT, grantReductions: [{ year: 2027, percent: 20 }] };
    const y2026 = run([budget('provincial', 10_000_000), budget('central', 10_000_000), grant('a', 600_000), grant('b', 400_000, 'central')]);
    given(fundsDecider, y2026).when(grant('c', 800_000, 'provincial', reduced, 2027)).then([expect.objectContaining({ type: 'FundsGranted' })]);
    const error = given(fundsDecider, y2026).when(grant('c', 800_000.01, 'provincial', reduced, 2027)).thenThrows('grant-reduced', 'illegal-state');
    expect(error.details).toEqual({ year: 2027, percent: 20, previousYear: 1_000_000, cap: 800_000, granted: 0, requested: 800_000.01 });
    given(fundsDecider, y2026).when(grant('m', 5_000_000, 'matching', reduced, 2027)).then([expect.objectContaining({ type: 'FundsGranted' })]);
    // A reduction of a year after one with no public grant reduces nothing.
    given(fundsDecider, run([budget('provincial', 10_000_000)])).when(grant('c', 2_000_000, 'provincial', reduced, 2027)).then([expect.objectContaining({ type: 'FundsGranted' })]);
    // Without a reduction, 2027 is granted as the budget allows.
    given(fundsDecider, y2026).when(grant('c', 2_000_000, 'provincial', PROJECT, 2027)).then([expect.objectContaining({ type: 'FundsGranted' })]);
  });

  it('is the office’s alone', () => {
    given(fundsDecider, funded).when({ ...grant('g-2', 1), actor: school }).thenThrows('role-not-allowed', 'forbidden');
  });
});
