import { given } from '../../../../test/support/decider-spec';
import { applicant, at, BRAND, command, COURSE, D, days, EVIDENCE, history, office, passGrade, REPORT, run, SECONDARY, stateOf, V } from '../../../../test/support/project-history';
import { projectDecider } from '../project.decider';
import { ProjectEvent } from '../project.events';

// Evaluation (domain.md §4). The secondary school's walk is evaluated at mid-term on 2027-05-25 (grades
// 优/良/中/差); the brand major's construction ends on 2028-11-20 (优秀/良好/通过/不通过); the quality
// course's ends on 2026-11-20, it is accredited on 2026-12-20 and serves the academic years 2026–2030.

const transition = (command: string, status: string, expected: readonly string[]) => ({ command, status, expected: expected.join(' | ') });
const M = days(SECONDARY).midterm;
const SV = SECONDARY.rulesVersion;
const FINDINGS = { targetsAndTasks: '按期推进', useOfFunds: '合规', results: '显著', impact: '良好' };

describe('the mid-term evaluation', () => {
  const midterm = (tasksCompletedPercent: number, findings = FINDINGS, grade = '良') =>
    command('RecordMidtermEvaluation', office, { findings, grade, tasksCompletedPercent, report: REPORT }, at(M));
  const reported = () => given(projectDecider, history(SECONDARY, 'reported'));
  const evaluated = (events: readonly ProjectEvent[]) => events[0].data as { tasksCompletedPercent: number; minTasksPercent: number; belowMinTasks: boolean };

  it.each([
    [0, true],
    [29.9, true],
    [30, false],
    [100, false],
  ])('with %s%% of tasks done, below the minimum of 30%% is %s', (percent, below) => {
    const events = reported().when(midterm(percent)).then([expect.objectContaining({ type: 'MidtermEvaluated' })] as never);
    expect(evaluated(events)).toMatchObject({ tasksCompletedPercent: percent, minTasksPercent: 30, belowMinTasks: below });
  });

  it.each([-0.1, 100.1])('refuses %s%% of tasks done', (percent) => {
    reported().when(midterm(percent)).thenThrows('invalid-percent', 'validation');
  });

  it.each(['targetsAndTasks', 'useOfFunds', 'results'] as const)('needs the finding on %s', (dimension) => {
    reported().when(midterm(50, { ...FINDINGS, [dimension]: ' ' })).thenThrows('findings-required', 'validation');
  });

  it('refuses a grade off the cycle’s scale, naming the scale', () => {
    reported().when(midterm(50, FINDINGS, '优秀')).thenThrows('unknown-grade', 'validation', { grades: ['优', '良', '中', '差'] });
  });

  it('folds into the project’s mid-term', () => {
    const events = run([midterm(20)], history(SECONDARY, 'reported'));
    expect(stateOf(events)).toMatchObject({ status: 'MidtermEvaluated', midterm: { grade: '良', tasksCompletedPercent: 20, belowMinTasks: true } });
  });

  it('is recorded during an extension granted before it', () => {
    const extended = run([command('GrantExtension', office, { newEndsOn: '2029-06-30', reason: '疫情', request: EVIDENCE }, at('2027-05-01'))], history(SECONDARY, 'reported'));
    given(projectDecider, extended).when(midterm(50)).then([expect.objectContaining({ type: 'MidtermEvaluated' })] as never);
  });

  it('refuses an evaluation outside construction, naming the statuses it is made in', () => {
    given(projectDecider, history(SECONDARY, 'midterm')).when(midterm(50)).thenThrows('invalid-transition', 'illegal-state', transition('RecordMidtermEvaluation', 'MidtermEvaluated', ['UnderConstruction', 'Extended']));
  });
});

describe('rectification', () => {
  const order = (deadline: string, day = M) => command('OrderRectification', office, { findings: ['资金使用不规范'], deadline }, at(day));
  const ordered = () => run([order('2027-11-30')], history(SECONDARY, 'midterm'));
  const submit = (day: string) => command('SubmitRectification', applicant, { report: REPORT }, at(day));
  const submitted = () => run([submit('2027-11-01')], ordered());
  const decision = (type: 'AcceptRectification' | 'FailRectification', reason: string, day = '2027-11-10') => command(type, office, { reason }, at(day));

  it('the deadline may be the day after today, and no later than rules.maxRectificationMonths from today', () => {
    given(projectDecider, history(SECONDARY, 'midterm')).when(order('2027-05-26')).then([expect.objectContaining({ type: 'RectificationOrdered' })] as never);
    given(projectDecider, history(SECONDARY, 'midterm')).when(order('2029-05-26')).thenThrows('rectification-deadline-too-far', 'validation', { latest: '2029-05-25' });
    given(projectDecider, history(SECONDARY, 'midterm')).when(order('2027-02-30')).thenThrows('invalid-date', 'validation', { field: 'deadline' });
  });

  it('a course rectifies for at most its own rules’ months', () => {
    given(projectDecider, history(COURSE, 'midterm'))
      .when(command('OrderRectification', office, { findings: ['课程资源不足'], deadline: '2027-05-26' }, at(days(COURSE).midterm)))
      .thenThrows('rectification-deadline-too-far', 'validation', { latest: '2027-05-25' });
  });

  it('a second rectification is numbered after the first, and returns to where it was ordered', () => {
    const accepted = run([decision('AcceptRectification', '整改到位')], submitted());
    const [second] = given(projectDecider, accepted).when(order('2028-03-31', '2027-12-01')).then([expect.objectContaining({ type: 'RectificationOrdered' })] as never);
    expect(second.data).toMatchObject({ rectificationId: 'rectification-2', orderedFrom: 'MidtermEvaluated', maxRectificationMonths: 24 });
    expect(stateOf([...accepted, second]).rectifications.map((r) => [r.rectificationId, r.outcome])).toEqual([
      ['rectification-1', 'accepted'],
      ['rectification-2', 'open'],
    ]);
  });

  it('refuses a rectification before construction; of an accredited project only a course’s', () => {
    given(projectDecider, history(SECONDARY, 'approved'))
      .when(order('2027-11-30'))
      .thenThrows('invalid-transition', 'illegal-state', transition('OrderRectification', 'Approved', ['UnderConstruction', 'MidtermEvaluated', 'Extended']));
    given(projectDecider, history(BRAND, 'accredited'))
      .when(order('2029-11-30', '2029-06-01'))
      .thenThrows('invalid-transition', 'illegal-state', transition('OrderRectification', 'Accredited', ['UnderConstruction', 'MidtermEvaluated', 'Extended']));
    given(projectDecider, history(COURSE, 'selfAssessed'))
      .when(order('2027-05-31', '2027-01-01'))
      .thenThrows('invalid-transition', 'illegal-state', transition('OrderRectification', 'FinalSelfAssessed', ['UnderConstruction', 'MidtermEvaluated', 'Extended', 'Accredited']));
  });

  it('a report after the deadline is refused, naming the deadline', () => {
    given(projectDecider, ordered()).when(submit('2027-12-01')).thenThrows('rectification-deadline-passed', 'illegal-state', { deadline: '2027-11-30' });
  });

  it('a report, its acceptance or its failure needs a rectification under way', () => {
    const none = given(projectDecider, history(SECONDARY, 'midterm'));
    const rectifying = transition('', 'MidtermEvaluated', ['Rectification']);
    none.when(submit('2027-11-01')).thenThrows('invalid-transition', 'illegal-state', { ...rectifying, command: 'SubmitRectification' });
    none.when(decision('AcceptRectification', '整改到位')).thenThrows('invalid-transition', 'illegal-state', { ...rectifying, command: 'AcceptRectification' });
    none.when(decision('FailRectification', '整改不到位')).thenThrows('invalid-transition', 'illegal-state', { ...rectifying, command: 'FailRectification' });
  });

  it('the report folds as submitted, and is accepted or failed only with a reason', () => {
    expect(stateOf(submitted()).rectifications[0]).toMatchObject({ submitted: true, overdue: false, outcome: 'open' });
    given(projectDecider, submitted()).when(decision('AcceptRectification', ' ')).thenThrows('reason-required', 'validation');
    given(projectDecider, submitted()).when(decision('FailRectification', ' ')).thenThrows('reason-required', 'validation');
  });

  it('a report in before the deadline may be failed before the deadline', () => {
    const failed = given(projectDecider, submitted()).when(decision('FailRectification', '整改不到位', '2027-11-02')).then([expect.objectContaining({ type: 'RectificationFailed' })] as never);
    expect(stateOf([...submitted(), ...failed])).toMatchObject({ status: 'RectificationFailed', rectifications: [{ outcome: 'failed' }] });
  });

  it('without a report, the applicant keeps the deadline’s day, which the refusal names', () => {
    given(projectDecider, ordered()).when(decision('FailRectification', '逾期未整改', '2027-11-30')).thenThrows('rectification-pending', 'illegal-state', { deadline: '2027-11-30' });
  });

  it('a missed deadline names the rectification sought and the deadline awaited', () => {
    const overdue = (rectificationId: string, day: string) => command('RecordRectificationOverdue', office, { rectificationId }, at(day));
    given(projectDecider, ordered()).when(overdue('rectification-7', '2027-12-01')).thenThrows('rectification-not-found', 'not-found', { rectificationId: 'rectification-7' });
    given(projectDecider, ordered()).when(overdue('rectification-1', '2027-11-30')).thenThrows('not-yet-due', 'illegal-state', { deadline: '2027-11-30' });
  });

  it('an accepted rectification of an accredited course returns it to its service', () => {
    const accredited = history(COURSE, 'accredited');
    const back = run(
      [
        command('OrderRectification', office, { findings: ['课程未更新'], deadline: '2027-09-30' }, at('2027-09-01')),
        command('SubmitRectification', applicant, { report: REPORT }, at('2027-09-10')),
        command('AcceptRectification', office, { reason: '整改到位' }, at('2027-09-20')),
      ],
      accredited,
    );
    expect(stateOf(back).status).toBe('Accredited');
  });
});

describe('the final self-assessment and extensions', () => {
  const selfAssess = (day: string) => command('SubmitFinalSelfAssessment', applicant, { report: REPORT }, at(day));
  const extend = (newEndsOn: string, day: string, reason = '申请延期') => command('GrantExtension', office, { newEndsOn, reason, request: EVIDENCE }, at(day));
  const deferred = () => run([command('RecordFinalEvaluation', office, { grade: '暂缓通过', findings: '部分任务未完成', report: REPORT }, at(days(COURSE).evaluate))], history(COURSE, 'selfAssessed'));

  it('refuses a self-assessment before construction ends, naming its end', () => {
    given(projectDecider, history(BRAND, 'midterm')).when(selfAssess('2028-11-19')).thenThrows('construction-not-ended', 'illegal-state', { endsOn: D.end });
  });

  it('a deferred project submits its self-assessment again, numbered, whatever the day', () => {
    given(projectDecider, deferred())
      .when(selfAssess('2026-11-01'))
      .then([{ type: 'FinalSelfAssessmentSubmitted', data: { report: REPORT, constructionEndsOn: '2026-11-20', submissionNo: 2, submittedAt: at('2026-11-01'), rulesVersion: COURSE.rulesVersion } }]);
  });

  it('refuses a self-assessment twice, naming the statuses it is made in', () => {
    const from = ['UnderConstruction', 'MidtermEvaluated', 'Extended', 'Deferred'];
    given(projectDecider, history(BRAND, 'selfAssessed')).when(selfAssess(D.selfAssess)).thenThrows('invalid-transition', 'illegal-state', transition('SubmitFinalSelfAssessment', 'FinalSelfAssessed', from));
    given(projectDecider, history(BRAND, 'selfAssessed')).when(extend('2029-06-30', D.selfAssess)).thenThrows('invalid-transition', 'illegal-state', transition('GrantExtension', 'FinalSelfAssessed', from));
  });

  it.each([
    ['the day after the current end', '2028-11-21', '2028-10-01'],
    ['the day after today, past the end', '2028-12-06', '2028-12-05'],
  ])('an extension may end %s', (_, newEndsOn, day) => {
    given(projectDecider, history(BRAND, 'midterm')).when(extend(newEndsOn, day)).then([expect.objectContaining({ type: 'EvaluationExtended' })] as never);
  });

  it.each([
    ['on the current end, said to be after it', '2028-11-20', '2028-10-01', '2028-11-20'],
    ['today, past the end, said to be after today', '2028-12-05', '2028-12-05', '2028-12-05'],
  ])('refuses an extension ending %s', (_, newEndsOn, day, after) => {
    const error = given(projectDecider, history(BRAND, 'midterm')).when(extend(newEndsOn, day)).thenThrows('invalid-extension', 'validation', { previousEndsOn: D.end });
    expect(error.message).toContain(`after ${after}`);
  });

  it('an extension needs a reason and a real day', () => {
    given(projectDecider, history(BRAND, 'midterm')).when(extend('2029-05-31', '2028-10-01', ' ')).thenThrows('reason-required', 'validation');
    given(projectDecider, history(BRAND, 'midterm')).when(extend('2029-13-01', '2028-10-01')).thenThrows('invalid-date', 'validation', { field: 'newEndsOn' });
  });

  it('a deferred project is granted an extension, which keeps the start of construction', () => {
    const events = given(projectDecider, deferred()).when(extend('2027-06-30', '2027-01-05')).then([expect.objectContaining({ type: 'EvaluationExtended' })] as never);
    expect(stateOf([...deferred(), ...events])).toMatchObject({ status: 'Extended', construction: { startsOn: '2025-11-20', endsOn: '2027-06-30' } });
  });
});

describe('the final evaluation and accreditation', () => {
  const evaluate = (grade: string, findings = '验收意见') => command('RecordFinalEvaluation', office, { grade, findings, report: REPORT }, at(D.evaluate));
  const accredit = (day: string) => command('Accredit', office, {}, at(day));

  it.each([
    ['优秀', 'passed', 'FinalEvaluated'],
    ['通过', 'passed', 'FinalEvaluated'],
    ['不通过', 'failed', 'Failed'],
  ])('the grade %s %s', (grade, outcome, status) => {
    const events = given(projectDecider, history(BRAND, 'selfAssessed')).when(evaluate(grade)).then([expect.objectContaining({ type: 'FinalEvaluated' })] as never);
    expect(events[0].data).toMatchObject({ grade, outcome, barsNextCycle: false, evaluationNo: 1 });
    expect(stateOf([...history(BRAND, 'selfAssessed'), ...events])).toMatchObject({ status, evaluations: [{ grade, outcome }], barring: null });
  });

  it('a barring grade folds the bar with the grade and the instant', () => {
    const events = run([command('RecordFinalEvaluation', office, { grade: '差', findings: '未完成', report: REPORT }, at(days(SECONDARY).evaluate))], history(SECONDARY, 'selfAssessed'));
    expect(stateOf(events).barring).toEqual({ grade: '差', evaluatedAt: at(days(SECONDARY).evaluate) });
  });

  it('needs findings and a grade of the scale, which the refusal lists', () => {
    given(projectDecider, history(BRAND, 'selfAssessed')).when(evaluate('良好', ' ')).thenThrows('findings-required', 'validation');
    given(projectDecider, history(BRAND, 'selfAssessed')).when(evaluate('良')).thenThrows('unknown-grade', 'validation', { grades: ['优秀', '良好', '通过', '不通过'] });
    given(projectDecider, history(BRAND, 'midterm')).when(evaluate('良好')).thenThrows('invalid-transition', 'illegal-state', transition('RecordFinalEvaluation', 'MidtermEvaluated', ['FinalSelfAssessed', 'Deferred']));
  });

  it('accredits a project evaluated as passed only, naming the status awaited', () => {
    given(projectDecider, history(BRAND, 'selfAssessed')).when(accredit(D.accredit)).thenThrows('invalid-transition', 'illegal-state', transition('Accredit', 'FinalSelfAssessed', ['FinalEvaluated']));
  });

  it('accreditation folds its day; a major owes no service', () => {
    expect(stateOf(history(BRAND, 'accredited'))).toMatchObject({ status: 'Accredited', accreditation: { accreditedOn: D.accredit, service: null } });
  });

  it.each([
    ['in August serves from the academic year under way', '2027-08-31', 2026],
    ['in September serves from the academic year beginning', '2027-09-01', 2027],
  ])('a course accredited %s', (_, day, first) => {
    const events = given(projectDecider, history(COURSE, 'evaluated')).when(accredit(day)).then([expect.objectContaining({ type: 'ProjectAccredited' })] as never);
    expect(events[0].data).toMatchObject({ accreditedOn: day, service: { years: 5, firstAcademicYear: first, lastAcademicYear: first + 4 } });
    expect(stateOf([...history(COURSE, 'evaluated'), ...events]).accreditation).toEqual({ accreditedOn: day, service: { firstAcademicYear: first, lastAcademicYear: first + 4 } });
  });
});

describe('an accredited course’s updates', () => {
  const update = (academicYear: number, day: string, summary = '更新教学视频') => command('SubmitCourseUpdate', applicant, { academicYear, summary, documents: [REPORT] }, at(day));
  const overdue = (academicYear: number, day: string) => command('RecordCourseUpdateOverdue', office, { academicYear }, at(day));
  const accredited = () => given(projectDecider, history(COURSE, 'accredited'));
  const CV = COURSE.rulesVersion;

  it.each([
    ['on the academic year’s last day is on time', '2027-08-31', false],
    ['the day after is late', '2027-09-01', true],
  ])('an update submitted %s', (_, day, late) => {
    accredited()
      .when(update(2026, day))
      .then([{ type: 'CourseUpdateSubmitted', data: { academicYear: 2026, summary: '更新教学视频', documents: [REPORT], dueOn: '2027-08-31', late, submittedAt: at(day), rulesVersion: CV } }]);
  });

  it('the first and the last academic year of service take updates, once each begins', () => {
    accredited().when(update(2026, '2026-12-21')).then([expect.objectContaining({ type: 'CourseUpdateSubmitted' })] as never);
    accredited().when(update(2030, '2030-09-01')).then([expect.objectContaining({ type: 'CourseUpdateSubmitted' })] as never);
    accredited().when(update(2030, '2030-08-31')).thenThrows('academic-year-not-started', 'validation');
  });

  it('refuses a year outside the service, naming it', () => {
    accredited().when(update(2025, '2027-03-01')).thenThrows('academic-year-out-of-service', 'validation', { value: 2025 });
    accredited().when(update(2031, '2032-03-01')).thenThrows('academic-year-out-of-service', 'validation', { value: 2031 });
  });

  it('refuses a second update for a year, naming the year, and an update without a summary', () => {
    given(projectDecider, run([update(2026, '2027-03-01')], history(COURSE, 'accredited'))).when(update(2026, '2027-04-01')).thenThrows('course-update-already-submitted', 'illegal-state', { academicYear: 2026 });
    accredited().when(update(2026, '2027-03-01', ' ')).thenThrows('summary-required', 'validation');
  });

  it('updates fold by year, each once', () => {
    const two = run([update(2026, '2027-03-01'), update(2027, '2027-10-01')], history(COURSE, 'accredited'));
    expect(stateOf(two).courseUpdates).toEqual([2026, 2027]);
    const missed = run([overdue(2026, '2027-09-01'), overdue(2027, '2028-09-01')], history(COURSE, 'accredited'));
    expect(stateOf(missed).overdueCourseUpdates).toEqual([2026, 2027]);
  });

  it('a missed update is not due on the academic year’s last day, which the refusal names', () => {
    accredited().when(overdue(2026, '2027-08-31')).thenThrows('not-yet-due', 'illegal-state', { dueOn: '2027-08-31' });
  });

  it('a revoked course owes no more updates, recorded missed or not', () => {
    const revoked = run([command('RevokeProject', office, { reason: 'obligations-breached', explanation: '未履行更新义务', evidence: [EVIDENCE] }, at('2027-10-01'))], history(COURSE, 'accredited'));
    given(projectDecider, revoked).when(overdue(2026, '2027-10-02')).thenThrows('invalid-transition', 'illegal-state', transition('RecordCourseUpdateOverdue', 'Revoked', ['Accredited']));
    given(projectDecider, revoked).when(update(2026, '2027-10-02')).thenThrows('invalid-transition', 'illegal-state', transition('SubmitCourseUpdate', 'Revoked', ['Accredited']));
  });

  it('a course revoked while rectifying its service takes no more updates', () => {
    const revoked = run(
      [
        command('OrderRectification', office, { findings: ['课程未更新'], deadline: '2027-12-31' }, at('2027-09-05')),
        command('RevokeProject', office, { reason: 'obligations-breached', explanation: '未履行更新义务', evidence: [EVIDENCE] }, at('2027-10-01')),
      ],
      history(COURSE, 'accredited'),
    );
    given(projectDecider, revoked).when(update(2027, '2027-10-02')).thenThrows('invalid-transition', 'illegal-state', transition('SubmitCourseUpdate', 'Revoked', ['Accredited']));
  });

  it('a course not yet accredited, or a major, owes no update to be missed', () => {
    given(projectDecider, history(COURSE, 'evaluated')).when(overdue(2026, '2027-09-01')).thenThrows('not-in-service', 'illegal-state');
    given(projectDecider, history(BRAND, 'accredited')).when(overdue(2028, '2029-09-01')).thenThrows('not-a-course', 'illegal-state');
  });
});
