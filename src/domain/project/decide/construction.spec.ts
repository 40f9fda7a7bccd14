import { given } from '../../../../test/support/decider-spec';
import { applicant, at, BRAND, command, COURSE, D, EVIDENCE, history, office, PLAN, program, Program, REPORT, run, stateOf, Step, TASK_BOOK, V, walk } from '../../../../test/support/project-history';
import { ProjectContext } from '../project.commands';
import { projectDecider } from '../project.decider';
import { ProjectEvent } from '../project.events';
import { IN_CONSTRUCTION, REPORTING, REVOCABLE } from './checks';

// Construction (domain.md §4): the plan after approval, the yearly reports with their use of funds,
// changes, and the end of the construction period. The brand major's walk: approved on 2025-10-24, the
// plan due on 2025-11-23, construction from 2025-11-20 to 2028-11-20, reports due on 31 March.

const at$ = (step: Step) => given(projectDecider, history(BRAND, step));
const transition = (command: string, status: string, expected: readonly string[]) => ({ command, status, expected: expected.join(' | ') });
/** A program of the brand major's shape with rules of its own. */
const withRules = (rules: Partial<Program['rules']>): Program => program('brand-major', BRAND.subject, { ...BRAND.rules, ...rules });
const RECOGNISED = withRules({ withoutConstruction: true });

describe('the construction plan', () => {
  const plan = (day: string) => command('SubmitConstructionPlan', applicant, { plan: PLAN, taskBook: TASK_BOOK }, at(day));
  const overdue = (day: string) => command('RecordConstructionPlanOverdue', office, {}, at(day));
  const submitted = (day: string, late: boolean, submissionNo = 1) => ({
    type: 'ConstructionPlanSubmitted',
    data: { plan: PLAN, taskBook: TASK_BOOK, dueOn: D.planDue, late, submissionNo, submittedAt: at(day), rulesVersion: V },
  });

  it.each([
    ['on the due day itself is on time', D.planDue, false],
    ['one day after the due day is late', '2025-11-24', true],
  ])('a plan submitted %s', (_, day, late) => {
    at$('approved').when(plan(day)).then([submitted(day, late)] as ProjectEvent[]);
  });

  it('a plan resubmitted after a rejection counts as the second submission, late when past the first due day', () => {
    const rejected = run([command('RejectConstructionPlan', office, { reasons: ['目标不明确'] }, at(D.accept))], history(BRAND, 'planSubmitted'));
    given(projectDecider, rejected).when(plan(D.planDue)).then([submitted(D.planDue, false, 2)] as ProjectEvent[]);
  });

  it('refuses a plan before approval, and from a project recognised without construction, naming the status awaited', () => {
    at$('noticed').when(plan(D.planSubmit)).thenThrows('invalid-transition', 'illegal-state', transition('SubmitConstructionPlan', 'InPublicNotice', ['Approved']));
    given(projectDecider, history(RECOGNISED, 'approved'))
      .when(plan(D.planSubmit))
      .thenThrows('invalid-transition', 'illegal-state', transition('SubmitConstructionPlan', 'Recognised', ['Approved']));
  });

  it('the missed deadline is not due on the due day itself, and the refusal names the due day', () => {
    at$('approved').when(overdue(D.planDue)).thenThrows('not-yet-due', 'illegal-state', { dueOn: D.planDue });
  });

  it('records nothing for a plan missed after a first submission was rejected, nor for a project recognised without construction', () => {
    const rejected = run([command('RejectConstructionPlan', office, { reasons: ['目标不明确'] }, at(D.accept))], history(BRAND, 'planSubmitted'));
    expect(stateOf(rejected).status).toBe('Approved');
    given(projectDecider, rejected).when(overdue('2025-12-01')).then([]);
    given(projectDecider, history(RECOGNISED, 'approved')).when(overdue('2025-12-01')).then([]);
    at$('planAccepted').when(overdue('2025-12-01')).then([]);
  });

  it('refuses the missed deadline before approval, naming every status after approval', () => {
    at$('noticed').when(overdue('2025-12-01')).thenThrows('invalid-transition', 'illegal-state', transition('RecordConstructionPlanOverdue', 'InPublicNotice', REVOCABLE));
  });

  it('the recorded miss folds into the plan, and a second record changes nothing', () => {
    const missed = run([overdue('2025-11-24')], history(BRAND, 'approved'));
    expect(stateOf(missed).plan).toEqual({ submissions: 0, overdue: true, accepted: false });
    given(projectDecider, missed).when(overdue('2025-11-25')).then([]);
  });
});

describe('accepting the plan', () => {
  const accept = (day: string) => command('AcceptConstructionPlan', office, {}, at(day));

  it('a construction that ends in the year it starts still owes the report on that year', () => {
    const short = withRules({ constructionMonths: 6, midtermAfterMonths: 3 });
    given(projectDecider, history(short, 'planSubmitted'))
      .when(accept('2026-01-10'))
      .then([
        {
          type: 'ConstructionPlanAccepted',
          data: {
            constructionStartsOn: '2026-01-10',
            constructionEndsOn: '2026-07-10',
            midtermDueOn: '2026-04-10',
            annualReportsDue: [{ year: 2026, dueOn: '2027-03-31' }],
            acceptedAt: at('2026-01-10'),
            rulesVersion: V,
          },
        },
      ]);
  });

  it('a course of one year started in November owes the report on its first year only', () => {
    const [event] = given(projectDecider, history(COURSE, 'planSubmitted')).when(accept(D.accept)).then([expect.objectContaining({ type: 'ConstructionPlanAccepted' })] as never);
    expect(event.data).toMatchObject({ constructionEndsOn: '2026-11-20', annualReportsDue: [{ year: 2025, dueOn: '2026-03-31' }] });
  });

  it('acceptance folds into the plan and the construction period', () => {
    const accepted = history(BRAND, 'planAccepted');
    expect(stateOf(accepted)).toMatchObject({ status: 'UnderConstruction', plan: { submissions: 1, overdue: false, accepted: true }, construction: { startsOn: D.accept, endsOn: D.end } });
  });

  it('refuses to accept or reject a plan not submitted, naming the status awaited', () => {
    at$('approved').when(accept(D.accept)).thenThrows('invalid-transition', 'illegal-state', transition('AcceptConstructionPlan', 'Approved', ['PlanSubmitted']));
    at$('approved')
      .when(command('RejectConstructionPlan', office, { reasons: ['目标不明确'] }, at(D.accept)))
      .thenThrows('invalid-transition', 'illegal-state', transition('RejectConstructionPlan', 'Approved', ['PlanSubmitted']));
  });

  it('a rejection needs each of its reasons to say something', () => {
    at$('planSubmitted').when(command('RejectConstructionPlan', office, { reasons: ['目标不明确', ' '] }, at(D.accept))).thenThrows('reasons-required', 'validation');
  });
});

describe('annual reports', () => {
  const report = (year: number, day: string) => command('SubmitAnnualReport', applicant, { year, report: REPORT }, at(day));
  const overdue = (year: number, day: string) => command('RecordAnnualReportOverdue', office, { year }, at(day));
  const submittedReport = (year: number, day: string, dueOn: string, late: boolean) => ({
    type: 'AnnualReportSubmitted',
    data: { year, report: REPORT, dueOn, late, submittedAt: at(day), rulesVersion: V },
  });

  it.each([
    ['on the due day itself is on time', '2026-03-31', false],
    ['the day after the due day is late', '2026-04-01', true],
  ])('a report submitted %s', (_, day, late) => {
    at$('planAccepted').when(report(2025, day)).then([submittedReport(2025, day, '2026-03-31', late)] as ProjectEvent[]);
  });

  it('reports on the year construction starts and on the current year, not before nor after', () => {
    at$('planAccepted').when(report(2026, '2026-12-31')).then([submittedReport(2026, '2026-12-31', '2027-03-31', false)] as ProjectEvent[]);
    at$('planAccepted').when(report(2024, '2026-03-01')).thenThrows('invalid-year', 'validation', { value: 2024 });
    at$('planAccepted').when(report(2027, '2026-12-31')).thenThrows('invalid-year', 'validation', { value: 2027 });
  });

  it('refuses a second report on a year, naming the year', () => {
    at$('reported').when(report(2025, '2026-03-02')).thenThrows('annual-report-already-submitted', 'illegal-state', { year: 2025 });
  });

  it('reports are folded by year, the next year beside the first', () => {
    const both = run([report(2026, '2027-03-01')], history(BRAND, 'reported'));
    expect(stateOf(both).reportedYears).toEqual([2025, 2026]);
  });

  it('refuses a report before construction, naming every status in which reports are owed', () => {
    at$('planSubmitted').when(report(2025, D.report)).thenThrows('invalid-transition', 'illegal-state', transition('SubmitAnnualReport', 'PlanSubmitted', REPORTING));
    at$('planSubmitted').when(overdue(2025, '2026-04-01')).thenThrows('invalid-transition', 'illegal-state', transition('RecordAnnualReportOverdue', 'PlanSubmitted', REPORTING));
  });

  it('a missed report is not due on its due day, and the refusal names the day', () => {
    at$('planAccepted').when(overdue(2025, '2026-03-31')).thenThrows('not-yet-due', 'illegal-state', { dueOn: '2026-03-31' });
  });

  it('a missed report is of a year of construction that has begun', () => {
    at$('planAccepted').when(overdue(2024, '2026-04-01')).thenThrows('invalid-year', 'validation', { value: 2024 });
    at$('planAccepted').when(overdue(2027, '2026-04-01')).thenThrows('invalid-year', 'validation', { value: 2027 });
  });

  it('a missed report folds once by year; the year reported late is still taken', () => {
    const missed = run([overdue(2025, '2026-04-01')], history(BRAND, 'planAccepted'));
    expect(stateOf(missed).overdueReportYears).toEqual([2025]);
    given(projectDecider, missed).when(report(2025, '2026-04-10')).then([submittedReport(2025, '2026-04-10', '2026-03-31', true)] as ProjectEvent[]);
  });
});

describe('the use of funds in an annual report', () => {
  const paid = (fundsPaidBySource: ProjectContext['fundsPaidBySource']): ProjectContext => ({ fundsPaidBySource });
  const PAID = paid({ central: 100_000, provincial: 600_000 });
  const reportWith = (fundsUsed: Record<string, number>, context: ProjectContext = PAID, year = 2025, day = '2026-03-01') =>
    command('SubmitAnnualReport', applicant, { year, report: REPORT, fundsUsed }, at(day), context);

  it('takes a use of exactly what was paid, recorded as stated', () => {
    const [event] = at$('planAccepted').when(reportWith({ central: 100_000, provincial: 0.01 })).then([expect.objectContaining({ type: 'AnnualReportSubmitted' })] as never);
    expect(event.data).toEqual({ year: 2025, report: REPORT, fundsUsed: { central: 100_000, provincial: 0.01 }, dueOn: '2026-03-31', late: false, submittedAt: at('2026-03-01'), rulesVersion: V });
  });

  it('refuses a fen more than was paid, naming the source, what was paid and what would be used', () => {
    at$('planAccepted').when(reportWith({ central: 100_000.01 })).thenThrows('funds-used-exceed-paid', 'illegal-state', { source: 'central', paid: 100_000, used: 100_000.01 });
  });

  it('a source the grants never paid takes nothing but nothing', () => {
    at$('planAccepted').when(reportWith({ matching: 0.01 })).thenThrows('funds-used-exceed-paid', 'illegal-state', { source: 'matching', paid: 0, used: 0.01 });
    at$('planAccepted').when(reportWith({ matching: 0 })).then([expect.objectContaining({ type: 'AnnualReportSubmitted' })] as never);
  });

  it.each([
    ['a negative amount', -1],
    ['a fraction of a fen', 0.001],
    ['not a number', Number.NaN],
  ])('refuses %s, naming the field', (_, amount) => {
    at$('planAccepted').when(reportWith({ provincial: amount })).thenThrows('invalid-amount', 'validation', { field: 'fundsUsed.provincial' });
  });

  it('adds each year’s use to the years before, source by source, against what was paid', () => {
    const first = run([reportWith({ central: 60_000, provincial: 100_000 })], history(BRAND, 'planAccepted'));
    const second = run([reportWith({ central: 40_000 }, PAID, 2026, '2027-03-01')], first);
    expect(stateOf(second).fundsUsed).toEqual({ central: 100_000, provincial: 100_000 });
    given(projectDecider, first).when(reportWith({ central: 40_000.01 }, PAID, 2026, '2027-03-01')).thenThrows('funds-used-exceed-paid', 'illegal-state', { source: 'central', paid: 100_000, used: 100_000.01 });
  });

  it('needs what the grants paid, refused before anything else of the statement', () => {
    at$('planAccepted').when(reportWith({ provincial: -1 }, {})).thenThrows('context-required', 'validation');
  });
});

describe('changes to what was approved', () => {
  const request = (description = '调整建设内容', day = '2026-05-01') => command('RequestChange', applicant, { description, documents: [REPORT] }, at(day));
  const decide = (changeId: string, reason = '专家论证通过') => command('DecideChange', office, { changeId, decision: 'approved', reason, expertReview: EVIDENCE }, at('2026-05-20'));
  const requested = () => run([request()], history(BRAND, 'planAccepted'));

  it('numbers each change request after those before it', () => {
    given(projectDecider, requested())
      .when(request('调整资金预算', '2026-06-01'))
      .then([{ type: 'ChangeRequested', data: { changeId: 'change-2', description: '调整资金预算', documents: [REPORT], requestedAt: at('2026-06-01'), rulesVersion: V } }]);
  });

  it('a request needs a description, during construction only', () => {
    at$('planAccepted').when(request(' ')).thenThrows('description-required', 'validation');
    at$('selfAssessed').when(request()).thenThrows('invalid-transition', 'illegal-state', transition('RequestChange', 'FinalSelfAssessed', IN_CONSTRUCTION));
  });

  it('a change requested during construction is decided after it, while reports are owed', () => {
    const steps = walk(BRAND);
    const selfAssessed = run([...steps.reported, ...steps.midterm, ...steps.selfAssessed], requested());
    expect(stateOf(selfAssessed).status).toBe('FinalSelfAssessed');
    given(projectDecider, selfAssessed).when(decide('change-1')).then([expect.objectContaining({ type: 'ChangeApproved' })] as never);
  });

  it('the decision names the change and how it went, and needs a reason', () => {
    const approved = run([decide('change-1')], requested());
    expect(stateOf(approved).changes).toEqual([{ changeId: 'change-1', status: 'approved' }]);
    given(projectDecider, approved).when(decide('change-1')).thenThrows('change-already-decided', 'illegal-state', { status: 'approved' });
    given(projectDecider, requested()).when(decide('change-9')).thenThrows('change-not-found', 'not-found', { changeId: 'change-9' });
    given(projectDecider, requested()).when(decide('change-1', ' ')).thenThrows('reason-required', 'validation');
    at$('planSubmitted').when(decide('change-1')).thenThrows('invalid-transition', 'illegal-state', transition('DecideChange', 'PlanSubmitted', REPORTING));
  });

  it('a rejected change folds as rejected, the others as they were', () => {
    const two = run([request('调整资金预算', '2026-06-01'), { ...decide('change-2'), data: { ...decide('change-2').data, decision: 'rejected' } }], requested());
    expect(stateOf(two).changes).toEqual([
      { changeId: 'change-1', status: 'open' },
      { changeId: 'change-2', status: 'rejected' },
    ]);
  });
});

describe('the end of the construction period', () => {
  const ended = (day: string) => command('RecordConstructionPeriodEnded', office, {}, at(day));
  const after = '2028-11-21';

  it('is not due on the last day, and the refusal names it', () => {
    at$('midterm').when(ended(D.end)).thenThrows('not-yet-due', 'illegal-state', { endsOn: D.end });
  });

  it('is recorded while a rectification ordered during construction is open', () => {
    const rectifying = run([command('OrderRectification', office, { findings: ['进度滞后'], deadline: '2028-12-31' }, at('2028-10-01'))], history(BRAND, 'midterm'));
    given(projectDecider, rectifying).when(ended(after)).then([{ type: 'ConstructionPeriodEnded', data: { endsOn: D.end, recordedAt: at(after), rulesVersion: V } }]);
  });

  it('refuses a project whose construction has not started, naming the construction statuses', () => {
    at$('approved').when(ended(after)).thenThrows('invalid-transition', 'illegal-state', transition('RecordConstructionPeriodEnded', 'Approved', IN_CONSTRUCTION));
    at$('noticed').when(ended(after)).thenThrows('invalid-transition', 'illegal-state', transition('RecordConstructionPeriodEnded', 'InPublicNotice', REVOCABLE));
  });
});
