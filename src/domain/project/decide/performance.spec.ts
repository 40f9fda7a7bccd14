import { given } from '../../../../test/support/decider-spec';
import { CycleRules } from '../../catalog/program-rules';
import { applicant, at, command, COURSE, history, office, program, REPORT, run, SECONDARY, stateOf } from '../../../../test/support/project-history';
import { projectDecider } from '../project.decider';
import { ProjectEvent } from '../project.events';
import { REPORTING } from './checks';

// Yearly performance (年度绩效评价, 有进有出). The secondary school's walk has its report on 2025 in from
// 2026-03-01; by the rules' defaults a poor year warns and cuts a fifth off the next year's grants, two
// in a row order a rectification, three remove the project.

const SV = SECONDARY.rulesVersion;
const REASON = '年度绩效评价专家组意见';
const grade = (year: number, g: string, day: string, rectification?: { findings: string[]; deadline: string }, reason = REASON) =>
  command('GradeAnnualReport', office, { year, grade: g, reason, report: REPORT, ...(rectification ? { rectification } : {}) }, at(day));
const report = (year: number, day: string) => command('SubmitAnnualReport', applicant, { year, report: REPORT }, at(day));
const types = (events: readonly ProjectEvent[]) => events.map((e) => e.type);
const withPerformance = (performance: CycleRules['performance']) => program('secondary-school', { kind: 'school' }, { ...SECONDARY.rules, performance });
const graded = (events: readonly ProjectEvent[]) => events[0].data as { poor: boolean; poorYearsInRow: number; actions: readonly string[] };

describe('grading an annual report', () => {
  it('given a poor year, then the grade, the warning and the cut, each with the reason that names the grade and the run', () => {
    const why = `2025 年度绩效评价为“差”，连续 1 年不达标：${REASON}`;
    given(projectDecider, history(SECONDARY, 'reported'))
      .when(grade(2025, '差', '2026-04-01'))
      .then([
        {
          type: 'AnnualReportGraded',
          data: { year: 2025, grade: '差', poor: true, poorYearsInRow: 1, actions: ['warning', 'reduced-grant'], reason: REASON, report: REPORT, gradedAt: at('2026-04-01'), rulesVersion: SV },
        },
        { type: 'PerformanceWarningIssued', data: { year: 2025, poorYearsInRow: 1, reason: why, issuedAt: at('2026-04-01'), rulesVersion: SV } },
        { type: 'NextYearGrantReduced', data: { year: 2026, percent: 20, reason: why, reducedAt: at('2026-04-01'), rulesVersion: SV } },
      ]);
  });

  it('given a good year, then the grade alone, not poor, with no run', () => {
    given(projectDecider, history(SECONDARY, 'reported'))
      .when(grade(2025, '中', '2026-04-01'))
      .then([
        {
          type: 'AnnualReportGraded',
          data: { year: 2025, grade: '中', poor: false, poorYearsInRow: 0, actions: [], reason: REASON, report: REPORT, gradedAt: at('2026-04-01'), rulesVersion: SV },
        },
      ]);
  });

  it('a deferring grade is not poor by default, a failing one is', () => {
    const course = history(COURSE, 'reported');
    const deferring = given(projectDecider, course).when(grade(2025, '暂缓通过', '2026-04-01')).then(expect.any(Array) as never);
    expect(graded(deferring)).toMatchObject({ poor: false, poorYearsInRow: 0 });
    const failing = given(projectDecider, course).when(grade(2025, '不通过', '2026-04-01')).then(expect.any(Array) as never);
    expect(graded(failing)).toMatchObject({ poor: true, poorYearsInRow: 1 });
  });

  it('the rules may name the poor grades themselves', () => {
    const strict = withPerformance({ ...SECONDARY.rules.performance!, poorGrades: ['中', '差'] });
    const events = given(projectDecider, history(strict, 'reported')).when(grade(2025, '中', '2026-04-01')).then(expect.any(Array) as never);
    expect(graded(events)).toMatchObject({ poor: true, poorYearsInRow: 1, actions: ['warning', 'reduced-grant'] });
    const bad = given(projectDecider, history(strict, 'reported')).when(grade(2025, '差', '2026-04-01')).then(expect.any(Array) as never);
    expect(graded(bad)).toMatchObject({ poor: true });
    const good = given(projectDecider, history(strict, 'reported')).when(grade(2025, '良', '2026-04-01')).then(expect.any(Array) as never);
    expect(graded(good)).toMatchObject({ poor: false });
  });

  it('the longest run the rules name applies, whatever order they list them in', () => {
    const listed = withPerformance({
      consequences: [
        { poorYears: 2, actions: ['reduced-grant'] },
        { poorYears: 1, actions: ['warning'] },
      ],
      grantReductionPercent: 10,
    });
    const first = run([grade(2025, '差', '2026-04-01'), report(2026, '2027-03-01')], history(listed, 'reported'));
    expect(types(first.slice(-3))).toEqual(['AnnualReportGraded', 'PerformanceWarningIssued', 'AnnualReportSubmitted']);
    const events = given(projectDecider, first).when(grade(2026, '差', '2027-04-01')).then(expect.any(Array) as never);
    expect(types(events)).toEqual(['AnnualReportGraded', 'NextYearGrantReduced']);
    expect(events[1].data).toMatchObject({ year: 2027, percent: 10, reason: expect.stringContaining('连续 2 年') });
  });

  it('a year not graded breaks the run of poor years', () => {
    const gap = run([grade(2025, '差', '2026-04-01'), report(2026, '2027-03-01'), report(2027, '2028-03-01')], history(SECONDARY, 'reported'));
    const events = given(projectDecider, gap).when(grade(2027, '差', '2028-04-01')).then(expect.any(Array) as never);
    expect(graded(events)).toMatchObject({ poorYearsInRow: 1, actions: ['warning', 'reduced-grant'] });
  });

  it('grades fold by year in order, and the cuts by year', () => {
    const two = run([report(2026, '2027-03-01'), grade(2026, '良', '2027-04-01'), grade(2025, '差', '2027-04-02')], history(SECONDARY, 'reported'));
    const state = stateOf(two);
    expect(state.performance).toEqual([
      { year: 2025, grade: '差', poor: true },
      { year: 2026, grade: '良', poor: false },
    ]);
    expect(state.grantReductions).toEqual([{ year: 2026, percent: 20 }]);
  });

  it('two poor years order the rectification with the terms given', () => {
    const first = run([grade(2025, '差', '2026-04-01'), report(2026, '2027-03-01')], history(SECONDARY, 'reported'));
    const events = given(projectDecider, first).when(grade(2026, '差', '2027-04-01', { findings: ['绩效未达成'], deadline: '2027-10-31' })).then(expect.any(Array) as never);
    expect(events[1]).toEqual({
      type: 'RectificationOrdered',
      data: { rectificationId: 'rectification-1', findings: ['绩效未达成'], deadline: '2027-10-31', maxRectificationMonths: 24, orderedFrom: 'UnderConstruction', orderedAt: at('2027-04-01'), rulesVersion: SV },
    });
    given(projectDecider, first).when(grade(2026, '差', '2027-04-01')).thenThrows('rectification-terms-required', 'validation', { field: 'rectification' });
  });

  it('two poor years past construction order no rectification: the grade is on record for the office', () => {
    const past = run([grade(2025, '差', '2026-04-01'), report(2026, '2027-03-01')], history(SECONDARY, 'reported'));
    const selfAssessed = run([command('SubmitFinalSelfAssessment', applicant, { report: REPORT }, at('2028-11-25'))], past);
    expect(stateOf(selfAssessed).status).toBe('FinalSelfAssessed');
    const events = given(projectDecider, selfAssessed).when(grade(2026, '差', '2028-12-01')).then(expect.any(Array) as never);
    expect(types(events)).toEqual(['AnnualReportGraded']);
    expect(graded(events)).toMatchObject({ poorYearsInRow: 2, actions: [] });
  });

  it('three poor years remove the project for poor performance, with the reason, on the report', () => {
    const why = `2027 年度绩效评价为“差”，连续 3 年不达标：${REASON}`;
    const two = run(
      [
        grade(2025, '差', '2026-04-01'),
        report(2026, '2027-03-01'),
        grade(2026, '差', '2027-04-01', { findings: ['绩效不达标'], deadline: '2027-10-31' }),
        command('SubmitRectification', applicant, { report: REPORT }, at('2027-10-01')),
        command('AcceptRectification', office, { reason: '整改到位' }, at('2027-10-10')),
        report(2027, '2028-03-01'),
      ],
      history(SECONDARY, 'reported'),
    );
    const events = given(projectDecider, two).when(grade(2027, '差', '2028-04-01')).then(expect.any(Array) as never);
    expect(events[1]).toMatchObject({
      type: 'ProjectRevoked',
      data: { reason: 'poor-performance', explanation: why, evidence: [REPORT], revokedFrom: 'UnderConstruction', openRectificationId: null, banUntil: '2033-04-01' },
    });
  });

  it('refuses a grade before construction, naming the statuses in which reports are owed', () => {
    given(projectDecider, history(SECONDARY, 'planSubmitted'))
      .when(grade(2025, '差', '2026-04-01'))
      .thenThrows('invalid-transition', 'illegal-state', { command: 'GradeAnnualReport', status: 'PlanSubmitted', expected: REPORTING.join(' | ') });
  });

  it('refuses a year with no report, a year graded, a grade off the scale and no reason, naming what is wrong', () => {
    const reported = history(SECONDARY, 'reported');
    given(projectDecider, reported).when(grade(2026, '良', '2027-04-01')).thenThrows('annual-report-missing', 'illegal-state', { year: 2026 });
    given(projectDecider, run([grade(2025, '良', '2026-04-01')], reported)).when(grade(2025, '优', '2026-04-02')).thenThrows('annual-report-already-graded', 'illegal-state', { year: 2025 });
    given(projectDecider, reported).when(grade(2025, '优秀', '2026-04-01')).thenThrows('unknown-grade', 'validation', { field: 'grade', grades: ['优', '良', '中', '差'] });
    given(projectDecider, reported).when(grade(2025, '良', '2026-04-01', undefined, ' ')).thenThrows('reason-required', 'validation');
  });
});
