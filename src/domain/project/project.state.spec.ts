import { deepFreeze } from '../../../test/support/decider-spec';
import { BRAND, COURSE, D, history, SECONDARY, stateOf, V } from '../../../test/support/project-history';
import { ProjectEvent } from './project.events';
import { addedFunds, evolveProject, isProjectStatus, Project, ProjectState } from './project.state';

// The fold of a project's stream: what each event leaves in the state, and that an event which does
// not fit (out of order, from an older stream) leaves the state as it was instead of throwing.

const folded = (state: ProjectState, ...events: ProjectEvent[]): Project => events.reduce((s, e) => deepFreeze(evolveProject(s, e)), deepFreeze(state)) as Project;
const event = <T extends ProjectEvent['type']>(type: T, data: Record<string, unknown>) => ({ type, data: { rulesVersion: V, ...data } }) as unknown as ProjectEvent;

describe('addedFunds', () => {
  it('adds source by source to the fen, a source on one side only kept as it is', () => {
    expect(addedFunds({ central: 0.1, provincial: 5 }, { central: 0.2, matching: 3 })).toEqual({ central: 0.3, provincial: 5, matching: 3 });
    expect(addedFunds({}, {})).toEqual({});
  });
});

describe('isProjectStatus', () => {
  it('knows the statuses of the lifecycle, and nothing else', () => {
    expect(['None', 'Draft', 'UnderConstruction', 'Revoked'].every(isProjectStatus)).toBe(true);
    expect(['draft', '', 'Unknown', null, 1].some(isProjectStatus)).toBe(false);
  });
});

describe('the fold of construction and evaluation', () => {
  const rectifying = () => stateOf(history(SECONDARY, 'midterm'));

  it('a rectification accepted returns the project where it was ordered from', () => {
    const ordered = folded(rectifying(), event('RectificationOrdered', { rectificationId: 'rectification-1', deadline: '2027-11-30', orderedFrom: 'Extended' }));
    expect(ordered.status).toBe('Rectification');
    expect(folded(ordered, event('RectificationAccepted', { rectificationId: 'rectification-1' }))).toMatchObject({
      status: 'Extended',
      rectifications: [{ rectificationId: 'rectification-1', outcome: 'accepted', submitted: false, overdue: false }],
    });
  });

  it('a rectification accepted that the stream does not know, or ordered from nowhere, returns the project to construction', () => {
    const ordered = folded(rectifying(), event('RectificationOrdered', { rectificationId: 'rectification-1', deadline: '2027-11-30', orderedFrom: 'None' }));
    expect(folded(ordered, event('RectificationAccepted', { rectificationId: 'rectification-1' })).status).toBe('UnderConstruction');
    expect(folded(rectifying(), event('RectificationAccepted', { rectificationId: 'rectification-9' }))).toMatchObject({ status: 'UnderConstruction', rectifications: [] });
  });

  it('a report, a miss or a failure changes the rectification it names, no other', () => {
    const two = folded(
      rectifying(),
      event('RectificationOrdered', { rectificationId: 'rectification-1', deadline: '2027-11-30', orderedFrom: 'MidtermEvaluated' }),
      event('RectificationOrdered', { rectificationId: 'rectification-2', deadline: '2027-12-31', orderedFrom: 'MidtermEvaluated' }),
      event('RectificationSubmitted', { rectificationId: 'rectification-2' }),
      event('RectificationOverdue', { rectificationId: 'rectification-1' }),
      event('RectificationFailed', { rectificationId: 'rectification-1' }),
    );
    expect(two.status).toBe('RectificationFailed');
    expect(two.rectifications.map(({ rectificationId, submitted, overdue, outcome }) => [rectificationId, submitted, overdue, outcome])).toEqual([
      ['rectification-1', false, true, 'failed'],
      ['rectification-2', true, false, 'open'],
    ]);
  });

  it('an extension keeps the start of construction, or starts at the previous end on a stream without one', () => {
    expect(folded(rectifying(), event('EvaluationExtended', { previousEndsOn: D.end, newEndsOn: '2029-05-31' })).construction).toEqual({ startsOn: D.accept, endsOn: '2029-05-31' });
    const approved = stateOf(history(BRAND, 'approved'));
    expect(folded(approved, event('EvaluationExtended', { previousEndsOn: D.end, newEndsOn: '2029-05-31' }))).toMatchObject({ status: 'Extended', construction: { startsOn: D.end, endsOn: '2029-05-31' } });
  });

  it('a year reported or missed twice is listed once', () => {
    const state = folded(
      stateOf(history(BRAND, 'planAccepted')),
      event('AnnualReportSubmitted', { year: 2025 }),
      event('AnnualReportSubmitted', { year: 2025 }),
      event('AnnualReportOverdue', { year: 2026 }),
      event('AnnualReportOverdue', { year: 2026 }),
    );
    expect(state).toMatchObject({ reportedYears: [2025], overdueReportYears: [2026] });
    expect(state).not.toHaveProperty('fundsUsed');
  });

  it('a course’s update submitted or missed twice is listed once', () => {
    const state = folded(
      stateOf(history(COURSE, 'accredited')),
      event('CourseUpdateSubmitted', { academicYear: 2026 }),
      event('CourseUpdateSubmitted', { academicYear: 2026 }),
      event('CourseUpdateOverdue', { academicYear: 2027 }),
      event('CourseUpdateOverdue', { academicYear: 2027 }),
    );
    expect(state).toMatchObject({ courseUpdates: [2026], overdueCourseUpdates: [2027] });
  });

  it('a year graded again replaces its grade, the years in order', () => {
    const state = folded(
      stateOf(history(SECONDARY, 'reported')),
      event('AnnualReportGraded', { year: 2026, grade: '良', poor: false }),
      event('AnnualReportGraded', { year: 2025, grade: '差', poor: true }),
      event('AnnualReportGraded', { year: 2026, grade: '中', poor: false }),
    );
    expect(state.performance).toEqual([
      { year: 2025, grade: '差', poor: true },
      { year: 2026, grade: '中', poor: false },
    ]);
  });

  it('a change requested again under its id is open once more, listed once', () => {
    const state = folded(
      stateOf(history(BRAND, 'planAccepted')),
      event('ChangeRequested', { changeId: 'change-1' }),
      event('ChangeRejected', { changeId: 'change-1' }),
      event('ChangeRequested', { changeId: 'change-1' }),
    );
    expect(state.changes).toEqual([{ changeId: 'change-1', status: 'open' }]);
  });

  it('a final evaluation not barring clears an earlier bar', () => {
    const barred = folded(stateOf(history(SECONDARY, 'selfAssessed')), event('FinalEvaluated', { grade: '差', outcome: 'deferred', barsNextCycle: true, evaluatedAt: 'x' }));
    expect(barred).toMatchObject({ status: 'Deferred', barring: { grade: '差', evaluatedAt: 'x' } });
    expect(folded(barred, event('FinalEvaluated', { grade: '良', outcome: 'passed', barsNextCycle: false, evaluatedAt: 'y' }))).toMatchObject({ status: 'FinalEvaluated', barring: null });
  });
});

describe('the fold of revocation and recovery', () => {
  const revoked = (state: Project, banUntil: string) => folded(state, event('ProjectRevoked', { banUntil }));

  it('a revocation bans until its day, and the applicant may re-apply after it', () => {
    expect(revoked(stateOf(history(BRAND, 'planAccepted')), '2031-06-01')).toMatchObject({ status: 'Revoked', ban: { until: '2031-06-01', mayReapply: true } });
  });

  it('a revocation after a suspension keeps the later of the two ends and the suspension’s no re-applying', () => {
    const suspended = folded(stateOf(history(BRAND, 'midterm')), event('ProjectSuspended', { banUntil: '2030-01-01' }));
    expect(suspended).toMatchObject({ status: 'Suspended', ban: { until: '2030-01-01', mayReapply: false } });
    expect(revoked(suspended, '2032-01-01').ban).toEqual({ until: '2032-01-01', mayReapply: false });
    expect(revoked(suspended, '2029-01-01').ban).toEqual({ until: '2030-01-01', mayReapply: false });
    expect(revoked(suspended, '2030-01-01').ban).toEqual({ until: '2030-01-01', mayReapply: false });
  });

  it('money returned or overdue with no order leaves the project as it was', () => {
    const state = revoked(stateOf(history(BRAND, 'planAccepted')), '2031-06-01');
    expect(folded(state, event('FundsRecovered', { recovered: 1 }))).toEqual(state);
    expect(folded(state, event('FundRecoveryOverdue', {}))).toEqual(state);
  });

  it('a grant reduced is added to those before it', () => {
    const state = folded(stateOf(history(BRAND, 'planAccepted')), event('NextYearGrantReduced', { year: 2026, percent: 20 }), event('NextYearGrantReduced', { year: 2027, percent: 10 }));
    expect(state.grantReductions).toEqual([
      { year: 2026, percent: 20 },
      { year: 2027, percent: 10 },
    ]);
  });
});

describe('the fold of an approval', () => {
  const noticed = () => stateOf(history(BRAND, 'noticed'));

  it('an approval is dated by the Beijing day of its instant', () => {
    expect(folded(noticed(), event('ProjectApproved', { cycleDecisionId: 'd-2', approvedAt: '2025-10-23T20:00:00Z', constructionPlanDueOn: '2025-11-23' })).approval).toEqual({
      cycleDecisionId: 'd-2',
      approvedOn: '2025-10-24',
      constructionPlanDueOn: '2025-11-23',
    });
  });

  it('an unreadable instant folds to its leading characters instead of throwing', () => {
    expect(folded(noticed(), event('ProjectRecognised', { cycleDecisionId: 'd-2', recognisedAt: '2025-10-24 sometime' })).approval).toEqual({
      cycleDecisionId: 'd-2',
      approvedOn: '2025-10-24',
      constructionPlanDueOn: null,
    });
  });
});

describe('the fold of selection', () => {
  const assigned = (reviewerId: string, reviewerOrg: string) => event('ReviewerAssigned', { reviewerId, reviewerOrg, declaredRelations: [], assignedAt: '2025-10-08T10:00:00+08:00' });

  it('a reviewer assigned puts a recommended project under review; on a project past review, its status stays', () => {
    const recommended = stateOf(history(BRAND, 'recommended'));
    expect(folded(recommended, assigned('r1', 'univ-1')).status).toBe('UnderReview');
    const shortlisted = stateOf(history(BRAND, 'shortlisted'));
    expect(folded(shortlisted, assigned('r9', 'univ-9')).status).toBe('Shortlisted');
  });

  it('a reviewer assigned again is listed once, afresh, after the others', () => {
    const scored = stateOf(history(BRAND, 'scored'));
    const again = folded(scored, assigned('r1', 'univ-7'));
    expect(again.reviewers.map((r) => [r.reviewerId, r.reviewerOrg, r.score])).toEqual([
      ['r2', 'univ-2', 82],
      ['r3', 'univ-3', 83],
      ['r1', 'univ-7', null],
    ]);
    expect(again.reviewers[2]).toEqual({ reviewerId: 'r1', reviewerOrg: 'univ-7', recused: false, score: null, dueOn: '2025-10-22' });
  });

  it('an objection filed and then rejected under its id is listed once, rejected; a resolution changes the one it names', () => {
    const noticed = stateOf(history(BRAND, 'noticed'));
    const state = folded(
      noticed,
      event('ObjectionFiled', { objectionId: 'o-1', noticeId: 'notice-1' }),
      event('ObjectionFiled', { objectionId: 'o-2', noticeId: 'notice-1' }),
      event('ObjectionRejected', { objectionId: 'o-1', noticeId: 'notice-1' }),
      event('ObjectionUpheld', { objectionId: 'o-2' }),
    );
    expect(state.objections).toEqual([
      { objectionId: 'o-2', noticeId: 'notice-1', status: 'upheld' },
      { objectionId: 'o-1', noticeId: 'notice-1', status: 'rejected' },
    ]);
    expect(folded(state, event('ObjectionDismissed', { objectionId: 'o-1' })).objections.map((o) => o.status)).toEqual(['upheld', 'dismissed']);
  });
});
