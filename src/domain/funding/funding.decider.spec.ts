import { given } from '../../../test/support/decider-spec';
import { fold } from '../decider';
import { Actor } from '../messages';
import { FundedProjectFacts, FundsCommand } from './funding.commands';
import { disbursedFrom, disbursedTo, fundsDecider, grantedFrom, ledgerOf, paidBySource } from './funding.decider';
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

  /** A command with some of its data replaced. */
  const withData = (command: FundsCommand, data: Record<string, unknown>): FundsCommand => ({ ...command, data: { ...command.data, ...data } }) as FundsCommand;

  describe('budgets', () => {
    it('records a first budget with no previous one', () => {
      given(fundsDecider, []).when(budget('central', 2_000_000)).then([
        { type: 'BudgetSet', data: { cycleId: 'bm-2025', source: 'central', amount: 2_000_000, previous: null, reason: '省财政下达 2026 年专项资金', setAt: NOW } },
      ]);
    });

    it('sets budgets for the public sources only, of a valid amount, with a reason', () => {
      given(fundsDecider, []).when(withData(budget('central', 1), { source: 'matching' })).thenThrows('invalid-source', 'validation', { field: 'source' });
      given(fundsDecider, []).when(budget('central', 0.001)).thenThrows('invalid-amount', 'validation', { field: 'amount' });
      given(fundsDecider, []).when(withData(budget('central', 1), { reason: ' ' })).thenThrows('reason-required', 'validation');
    });

    it('names the source, what it has granted and the budget refused; the grants of another source do not bound it', () => {
      given(fundsDecider, funded).when(budget('provincial', 599_999.99)).thenThrows('budget-below-granted', 'illegal-state', { source: 'provincial', granted: 600_000, amount: 599_999.99 });
      given(fundsDecider, funded).when(budget('central', 1)).then([expect.objectContaining({ type: 'BudgetSet', data: expect.objectContaining({ source: 'central', amount: 1, previous: null }) })]);
    });
  });

  describe('grants', () => {
    it('records the grant with the project’s facts, the budget and what the source has granted with it', () => {
      given(fundsDecider, funded).when(grant('g-2', 100)).then([
        {
          type: 'FundsGranted',
          data: { grantId: 'g-2', cycleId: 'bm-2025', projectId: 'p-1', programType: 'brand-major', applicantOrg: 'school-a', region: '太原市', year: 2026, source: 'provincial', amount: 100, budget: 1_000_000, granted: 600_100, reason: '2026 年度建设资金', grantedAt: NOW },
        },
      ]);
    });

    it.each([
      ['another project', { projectId: 'p-2' }],
      ['another amount', { amount: 600_000.01 }],
      ['another source', { source: 'central' }],
      ['another year', { year: 2027 }],
    ])('refuses a repeated grant id for %s, naming it', (_what, data) => {
      given(fundsDecider, funded).when(withData(grant('g-1', 600_000), data)).thenThrows('grant-exists', 'illegal-state', { grantId: 'g-1' });
    });

    it.each([1999, 2101, 2026.5])('refuses the budget year %d', (year) => {
      given(fundsDecider, funded).when(grant('g-2', 1, 'provincial', PROJECT, year)).thenThrows('invalid-year', 'validation', { field: 'year' });
    });

    it.each([2000, 2100])('accepts the budget year %d', (year) => {
      given(fundsDecider, funded).when(grant('g-2', 1, 'provincial', PROJECT, year)).then([expect.objectContaining({ type: 'FundsGranted', data: expect.objectContaining({ year }) })]);
    });

    it('refuses an unknown source, a blank reason, and a grant without the project’s facts', () => {
      given(fundsDecider, funded).when(withData(grant('g-2', 1), { source: 'lottery' })).thenThrows('invalid-source', 'validation', { field: 'source' });
      given(fundsDecider, funded).when(withData(grant('g-2', 1), { reason: ' ' })).thenThrows('reason-required', 'validation');
      given(fundsDecider, funded).when({ ...grant('g-2', 1), context: {} }).thenThrows('context-required', 'validation');
      given(fundsDecider, funded).when({ ...grant('g-2', 1), context: undefined }).thenThrows('context-required', 'validation');
    });

    it('names what is wrong with the project: another one, another cycle’s, not approved; and the source without a budget', () => {
      given(fundsDecider, funded).when(grant('g-2', 1, 'provincial', { ...PROJECT, projectId: 'p-2' })).thenThrows('project-not-found', 'not-found', { projectId: 'p-1' });
      given(fundsDecider, funded).when(grant('g-2', 1, 'provincial', { ...PROJECT, cycleId: 'other' })).thenThrows('cycle-mismatch', 'validation', { field: 'projectId' });
      given(fundsDecider, funded).when(grant('g-2', 1, 'provincial', { ...PROJECT, approved: false, status: 'UnderReview' })).thenThrows('project-not-approved', 'illegal-state', { status: 'UnderReview' });
      given(fundsDecider, funded).when(grant('g-2', 1, 'central')).thenThrows('budget-not-set', 'illegal-state', { source: 'central' });
    });
  });

  describe('a reduced year', () => {
    const reduced = (percent = 20, year = 2027) => ({ ...PROJECT, grantReductions: [{ year, percent }] });

    it('counts the public grants of the same project in the poor year, not another project’s nor matching funds', () => {
      const other = { ...PROJECT, projectId: 'p-2' };
      const y2026 = run([
        budget('provincial', 10_000_000),
        grant('a', 1_000_000),
        withData(grant('x', 3_000_000, 'provincial', other), { projectId: 'p-2' }),
        grant('m', 3_000_000, 'matching'),
      ]);
      given(fundsDecider, y2026).when(grant('c', 800_000, 'provincial', reduced(), 2027)).then([expect.objectContaining({ type: 'FundsGranted' })]);
      given(fundsDecider, y2026).when(grant('c', 800_000.01, 'provincial', reduced(), 2027)).thenThrows('grant-reduced', 'illegal-state', { year: 2027, percent: 20, previousYear: 1_000_000, cap: 800_000, granted: 0, requested: 800_000.01 });
    });

    it('counts what the reduced year has granted already, and leaves other years alone', () => {
      const y2027 = run([budget('provincial', 10_000_000), grant('a', 1_000_000), grant('c', 500_000, 'provincial', reduced(), 2027)]);
      given(fundsDecider, y2027).when(grant('d', 300_000, 'provincial', reduced(), 2027)).then([expect.objectContaining({ type: 'FundsGranted' })]);
      given(fundsDecider, y2027).when(grant('d', 300_000.01, 'provincial', reduced(), 2027)).thenThrows('grant-reduced', 'illegal-state', { year: 2027, percent: 20, previousYear: 1_000_000, cap: 800_000, granted: 500_000, requested: 300_000.01 });
      given(fundsDecider, y2027).when(grant('d', 2_000_000, 'provincial', reduced(20, 2028), 2027)).then([expect.objectContaining({ type: 'FundsGranted' })]);
    });

    it('rounds the cap down to the fen', () => {
      const y2026 = run([budget('provincial', 1), grant('a', 0.03)]);
      given(fundsDecider, y2026).when(grant('c', 0.01, 'provincial', reduced(50), 2027)).then([expect.objectContaining({ type: 'FundsGranted' })]);
      given(fundsDecider, y2026).when(grant('c', 0.02, 'provincial', reduced(50), 2027)).thenThrows('grant-reduced', 'illegal-state', { year: 2027, percent: 50, previousYear: 0.03, cap: 0.01, granted: 0, requested: 0.02 });
    });
  });

  describe('disbursements', () => {
    it('records the payment with its reference, what the grant has paid and its amount', () => {
      given(fundsDecider, funded).when(disburse('g-1', 100)).then([
        { type: 'FundsDisbursed', data: { grantId: 'g-1', projectId: 'p-1', amount: 100, disbursedOn: '2026-03-09', reference: '晋财教〔2026〕12号', disbursed: 100, granted: 600_000, disbursedAt: NOW } },
      ]);
    });

    it('records no reference when none is given, and refuses a blank one', () => {
      const { reference: _none, ...data } = disburse('g-1', 100).data as { reference?: string };
      const [event] = given(fundsDecider, funded).when({ ...disburse('g-1', 100), data } as FundsCommand).then([expect.objectContaining({ type: 'FundsDisbursed' })]);
      expect(event.data).toMatchObject({ reference: null });
      given(fundsDecider, funded).when(withData(disburse('g-1', 100), { reference: ' ' })).thenThrows('invalid-field', 'validation');
    });

    it('records a payment made today, and names the field of a date that is not one', () => {
      given(fundsDecider, funded).when(disburse('g-1', 100, PROJECT, '2026-03-10')).then([expect.objectContaining({ type: 'FundsDisbursed', data: expect.objectContaining({ disbursedOn: '2026-03-10' }) })]);
      given(fundsDecider, funded).when(disburse('g-1', 100, PROJECT, '2026-03-11')).thenThrows('invalid-date', 'validation', { field: 'disbursedOn' });
      given(fundsDecider, funded).when(disburse('g-1', 100, PROJECT, '9 March 2026')).thenThrows('invalid-date', 'validation', { field: 'disbursedOn' });
    });

    it.each(['Failed', 'Suspended', 'Revoked'] as const)('pays nothing to a project %s, naming its status', (status) => {
      given(fundsDecider, funded).when(disburse('g-1', 1, { ...PROJECT, status })).thenThrows('project-ended', 'illegal-state', { status });
    });

    it('names the grant not found, the amount refused, and what the grant has left', () => {
      given(fundsDecider, funded).when(disburse('g-9', 1)).thenThrows('grant-not-found', 'not-found', { grantId: 'g-9' });
      given(fundsDecider, funded).when(disburse('g-1', 0)).thenThrows('invalid-amount', 'validation', { field: 'amount' });
      given(fundsDecider, funded).when(disburse('g-1', 600_000.01)).thenThrows('disbursement-exceeds-grant', 'illegal-state', { grantId: 'g-1', granted: 600_000, disbursed: 0, requested: 600_000.01, left: 600_000 });
      given(fundsDecider, funded).when(disburse('g-1', 600_000)).then([expect.objectContaining({ type: 'FundsDisbursed', data: expect.objectContaining({ disbursed: 600_000 }) })]);
    });

    it('needs the facts of the grant’s project', () => {
      given(fundsDecider, funded).when({ ...disburse('g-1', 1), context: undefined }).thenThrows('context-required', 'validation');
      given(fundsDecider, funded).when(disburse('g-1', 1, { ...PROJECT, projectId: 'p-2' })).thenThrows('project-not-found', 'not-found', { projectId: 'p-1' });
    });
  });

  describe('the ledger', () => {
    const books = run([
      budget('provincial', 1_000_000),
      budget('central', 500_000),
      grant('g-1', 600_000),
      grant('g-2', 200_000, 'central'),
      grant('m-1', 50_000, 'matching'),
      disburse('g-1', 250_000),
      disburse('g-1', 0.1),
      disburse('g-2', 0.2),
      disburse('m-1', 10_000),
    ]);

    it('gives by source the budget, what is granted, paid and left, and every grant', () => {
      expect(ledgerOf(fold(fundsDecider, books))).toEqual({
        budgets: { central: 500_000, provincial: 1_000_000 },
        granted: { central: 200_000, provincial: 600_000, matching: 50_000 },
        disbursed: { central: 0.2, provincial: 250_000.1, matching: 10_000 },
        left: { central: 300_000, provincial: 400_000 },
        grants: [
          { grantId: 'g-1', projectId: 'p-1', year: 2026, source: 'provincial', amount: 600_000, disbursed: 250_000.1 },
          { grantId: 'g-2', projectId: 'p-1', year: 2026, source: 'central', amount: 200_000, disbursed: 0.2 },
          { grantId: 'm-1', projectId: 'p-1', year: 2026, source: 'matching', amount: 50_000, disbursed: 10_000 },
        ],
      });
      expect(ledgerOf(fundsDecider.initialState)).toMatchObject({ budgets: { central: null, provincial: null }, left: { central: null, provincial: null } });
    });

    it('gives what a project’s grants have paid, by source, and what a source has paid', () => {
      const state = fold(fundsDecider, books);
      expect(paidBySource(state, 'p-1')).toEqual({ central: 0.2, provincial: 250_000.1, matching: 10_000 });
      expect(paidBySource(state, 'p-2')).toEqual({ central: 0, provincial: 0, matching: 0 });
      expect([disbursedFrom(state, 'provincial'), disbursedTo(state, 'p-1'), disbursedTo(state, 'p-2')]).toEqual([250_000.1, 260_000.3, 0]);
    });

    it('folds a payment of an unknown grant, and an unknown event, into the same state', () => {
      const state = fold(fundsDecider, books);
      const stray = { type: 'FundsDisbursed', data: { grantId: 'g-9', projectId: 'p-1', amount: 1, disbursedOn: '2026-03-09', reference: null, disbursed: 1, granted: 1, disbursedAt: NOW } } as FundsEvent;
      expect(fundsDecider.evolve(state, stray)).toBe(state);
      expect(fundsDecider.evolve(state, { type: 'SomethingElse', data: {} } as unknown as FundsEvent)).toBe(state);
    });
  });

  it('is the office’s alone', () => {
    given(fundsDecider, funded).when({ ...grant('g-2', 1), actor: school }).thenThrows('role-not-allowed', 'forbidden');
  });
});
