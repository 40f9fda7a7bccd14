import { deepFreeze, nonJsonPath } from '../../../test/support/decider-spec';
import { addCalendarDays } from '../calendar';
import { defaultCatalog, isProjectProgramType } from '../catalog/program-catalog';
import { CycleRules } from '../catalog/program-rules';
import { fold } from '../decider';
import { DomainError } from '../errors';
import { Actor, DocumentRef } from '../messages';
import { PROJECT_COMMAND_TYPES, PROJECT_COMMANDS, ProjectCommand, ProjectCommandType, ProjectContext, ProjectSubject, REVOCATION_REASONS } from './project.commands';
import { academicYearOf, projectDecider, ProjectState } from './project.decider';
import { PROJECT_STATUSES, ProjectEvent, ProjectEventType, ProjectStatus } from './project.events';

/**
 * Seeded random command sequences: whatever `decide` produces, `evolve` folds without throwing, the
 * status stays one of the declared ones, a side exit is never left, and every event is plain JSON.
 * Commands are biased towards the ones that fit the current status (so sequences get deep into
 * construction and service), with wrong actors and data that breaks the rules mixed in. The data
 * always has the command's own shape: that is checked at the edge, not here.
 */

const SEQUENCES = 500;
const STEPS = 80;

/** mulberry32: small, deterministic, good enough to pick test inputs. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rulesOf = (code: string): CycleRules => {
  const programType = defaultCatalog[code];
  if (!programType || !isProjectProgramType(programType)) throw new Error(code);
  return programType.defaultRules;
};

const SUBJECTS: Record<string, ProjectSubject> = {
  'secondary-school': { kind: 'school' },
  'higher-college': { kind: 'school' },
  'specialty-group': {
    kind: 'specialty-group',
    parentProjectId: 'p-college',
    groupName: '智能制造专业群',
    majors: [
      { code: '1', name: 'a' },
      { code: '2', name: 'b' },
      { code: '3', name: 'c' },
    ],
    tier: null,
  },
  'brand-major': { kind: 'major', majorCode: '460301', majorName: '机电一体化技术' },
  'quality-course': { kind: 'course', courseName: 'PLC 编程', classHours: 48, semestersTaught: 3 },
};
const CODES = Object.keys(SUBJECTS);

const doc = (n: number): DocumentRef => ({ sha256: n.toString(16).padStart(64, '0'), name: `d${n}.pdf`, size: n });
const applicant: Actor = { id: 'u-a', role: 'applicant', org: 'school-a', region: '太原市' };
const otherApplicant: Actor = { id: 'u-b', role: 'applicant', org: 'school-b', region: '大同市' };
const recommender: Actor = { id: 'u-ty', role: 'recommender', org: '太原市教育局', region: '太原市' };
const otherRecommender: Actor = { id: 'u-dt', role: 'recommender', org: '大同市教育局', region: '大同市' };
const office: Actor = { id: 'u-office', role: 'office', org: '省教育厅' };
const auditor: Actor = { id: 'u-audit', role: 'auditor', org: '省审计厅' };
const reviewer = (n: number): Actor => ({ id: `r${n}`, role: 'reviewer', org: n === 0 ? 'school-a' : `univ-${n}` });
const ACTORS: readonly Actor[] = [applicant, otherApplicant, recommender, otherRecommender, office, auditor, reviewer(0), reviewer(1), reviewer(2), reviewer(3)];

const SELECTION: readonly ProjectStatus[] = ['None', 'Draft', 'Submitted', 'Returned', 'FormallyChecked', 'Recommended', 'UnderReview', 'Shortlisted', 'InPublicNotice'];
const SIDE_EXITS: readonly ProjectStatus[] = ['Withdrawn', 'FormallyRejected', 'NotRecommended', 'NotSelected', 'RemovedAfterObjection', 'RemovedFromList', 'Revoked'];

const LIKELY: Partial<Record<ProjectStatus, readonly ProjectCommandType[]>> = {
  None: ['DraftApplication'],
  // Side exits (withdrawal, rejections) come from the occasional random pick and the outcome drawn in the data.
  Draft: ['SubmitApplication', 'SubmitApplication', 'EditApplication'],
  Submitted: ['RecordFormalCheck', 'RecordFormalCheck', 'RecordFormalCheck', 'ReturnForRevision'],
  Returned: ['SubmitApplication', 'EditApplication', 'AttachApplicationDocuments'],
  FormallyChecked: ['Recommend', 'Recommend', 'Recommend', 'ReturnForRevision'],
  Recommended: ['AssignReviewer'],
  UnderReview: ['AssignReviewer', 'ScoreReview', 'ScoreReview', 'CorrectScore', 'RecordSelection', 'RecordSelection'],
  Shortlisted: ['RecordPublicNotice'],
  InPublicNotice: ['FileObjection', 'ResolveObjection', 'RecordApproval', 'RecordApproval', 'RecordApproval', 'RecordRemovalFromList'],
  Approved: ['SubmitConstructionPlan', 'SubmitConstructionPlan', 'RecordConstructionPlanOverdue', 'RevokeProject'],
  PlanSubmitted: ['AcceptConstructionPlan', 'AcceptConstructionPlan', 'RejectConstructionPlan'],
  UnderConstruction: [
    'SubmitAnnualReport',
    'GradeAnnualReport',
    'GradeAnnualReport',
    'RecordAnnualReportOverdue',
    'RequestChange',
    'DecideChange',
    'RecordMidtermEvaluation',
    'RecordMidtermEvaluation',
    'OrderRectification',
    'GrantExtension',
    'SubmitFinalSelfAssessment',
    'RecordConstructionPeriodEnded',
  ],
  MidtermEvaluated: ['OrderRectification', 'GradeAnnualReport', 'Suspend', 'SubmitFinalSelfAssessment', 'SubmitFinalSelfAssessment', 'SubmitAnnualReport', 'GrantExtension', 'RecordConstructionPeriodEnded'],
  Rectification: ['SubmitRectification', 'AcceptRectification', 'FailRectification', 'SubmitCourseUpdate', 'RecordRectificationOverdue', 'RecordConstructionPeriodEnded'],
  RectificationFailed: ['Suspend', 'RevokeProject'],
  Extended: ['SubmitFinalSelfAssessment', 'RecordMidtermEvaluation', 'GrantExtension', 'RecordConstructionPeriodEnded'],
  FinalSelfAssessed: ['RecordFinalEvaluation'],
  FinalEvaluated: ['Accredit'],
  Deferred: ['RecordFinalEvaluation', 'SubmitFinalSelfAssessment', 'GrantExtension'],
  Failed: ['OrderFundRecovery', 'RevokeProject', 'RecordFundsRecovered', 'RecordFundRecoveryOverdue'],
  Suspended: ['RevokeProject'],
  Accredited: ['SubmitCourseUpdate', 'RecordCourseUpdateOverdue', 'RecordCourseUpdateOverdue', 'OrderRectification', 'SubmitAnnualReport', 'RevokeProject'],
  Revoked: ['OrderFundRecovery', 'RecordFundsRecovered', 'RecordFundRecoveryOverdue'],
};

interface Run {
  readonly rnd: () => number;
  readonly code: string;
  readonly rules: CycleRules;
  readonly closesOn: string;
}

const pick = <T>(rnd: () => number, items: readonly T[]): T => items[Math.floor(rnd() * items.length)];
const int = (rnd: () => number, min: number, max: number) => min + Math.floor(rnd() * (max - min + 1));

function rightActor(run: Run, type: ProjectCommandType, state: ProjectState): Actor {
  const role = PROJECT_COMMANDS[type][0];
  if (type === 'FileObjection') return otherApplicant;
  switch (role) {
    case 'applicant':
      return applicant;
    case 'recommender':
      return recommender;
    case 'reviewer': {
      const assigned = state.status === 'None' ? [] : state.reviewers.filter((r) => !r.recused && r.score === null);
      return assigned.length > 0 ? { id: pick(run.rnd, assigned).reviewerId, role: 'reviewer', org: 'univ-x' } : reviewer(int(run.rnd, 1, 3));
    }
    default:
      return office;
  }
}

function contextFor(run: Run, today: string): ProjectContext {
  return {
    cycle: { id: `${run.code}-c`, programType: run.code, rules: run.rules, rulesVersion: `${run.code}/v1`, windowOpen: today < run.closesOn, closesAt: `${run.closesOn}T00:00:00+08:00` },
    applicant: { kind: 'school', schoolKind: run.code === 'secondary-school' ? '中职' : '高职' },
    signsOff: true,
    fundsDisbursed: 4_000_000,
    recommendation: { recommender: { kind: 'bureau', bureauKind: '教育局' }, applicant: { kind: 'school', schoolKind: '高职' } },
    ...(run.code === 'specialty-group' ? { parentProject: { projectId: 'p-college', programType: 'higher-college', applicantOrg: 'school-a', status: 'Submitted' as ProjectStatus } } : {}),
    ...(run.rnd() < 0.05 ? { applicantBans: [{ kind: 'until' as const, programType: run.code, until: addCalendarDays(today, 10), reason: 'ban' }] } : {}),
  };
}

function dataFor(run: Run, type: ProjectCommandType, state: ProjectState, today: string): unknown {
  const { rnd } = run;
  const p = state.status === 'None' ? null : state;
  const year = Number(today.slice(0, 4));
  const later = (min: number, max: number) => addCalendarDays(today, int(rnd, min, max));
  switch (type) {
    case 'DraftApplication':
      return { projectId: 'p-1', cycleId: `${run.code}-c`, programType: run.code, title: '项目', subject: SUBJECTS[run.code] };
    case 'EditApplication':
      return { title: `项目 ${int(rnd, 1, 9)}` };
    case 'AttachApplicationDocuments':
      return { applicationForm: rnd() < 0.8 ? doc(1) : null, attachments: rnd() < 0.5 ? [doc(4)] : [] };
    case 'SubmitApplication':
      return { applicationForm: doc(1), declarations: { authenticity: doc(2), commitment: rnd() < 0.9 ? doc(3) : { ...doc(3), name: ' ' } } };
    case 'RecordFormalCheck': {
      const result = rnd() < 0.95 ? 'passed' : 'failed';
      return { result, reasons: result === 'failed' && rnd() < 0.8 ? ['缺材料'] : [] };
    }
    case 'Recommend':
      return { rank: int(rnd, 0, 5) };
    case 'AssignReviewer':
      return { reviewerId: `r${int(rnd, 1, 9)}`, reviewerOrg: rnd() < 0.9 ? `univ-${int(rnd, 1, 9)}` : 'school-a', declaredRelations: rnd() < 0.9 ? [] : ['school-a'] };
    case 'ScoreReview':
      return { score: int(rnd, 0, 105), comments: '意见' };
    case 'SaveScoreDraft':
      return { score: int(rnd, 0, 105), comments: rnd() < 0.5 ? '草稿' : '' };
    case 'CorrectScore':
      return { reviewerId: `r${int(rnd, 1, 4)}`, score: int(rnd, 0, 100), reason: '更正' };
    case 'RecordSelection':
      return rnd() < 0.98 ? { decision: 'shortlisted', cycleDecisionId: `d-${int(rnd, 1, 2)}` } : { decision: 'not-selected', cycleDecisionId: 'd-3', reason: '落选' };
    case 'RecordPublicNotice':
      return { noticeId: `n-${int(rnd, 1, 2)}`, startsOn: today, endsOn: later(0, 9) };
    case 'FileObjection':
      return {
        objectionId: `o-${int(rnd, 1, 6)}`,
        ...(rnd() < 0.7 ? { objector: { name: '张三', contact: '138' } } : {}),
        grounds: '不实',
        evidence: rnd() < 0.7 ? [doc(7)] : [],
      };
    case 'ResolveObjection': {
      const ids = p ? p.objections.filter((o) => o.status === 'open').map((o) => o.objectionId) : [];
      return { objectionId: ids.length > 0 && rnd() < 0.9 ? pick(rnd, ids) : 'o-9', outcome: rnd() < 0.7 ? 'dismissed' : 'upheld', reason: '核查' };
    }
    case 'RecordRemovalFromList':
      return { removalId: `e-${int(rnd, 1, 2)}`, reason: '核实不实' };
    case 'RecordApproval':
      return { cycleDecisionId: `a-${int(rnd, 1, 2)}` };
    case 'SubmitConstructionPlan':
      return { plan: doc(4), taskBook: doc(5) };
    case 'RejectConstructionPlan':
      return { reasons: ['不清'] };
    case 'SubmitAnnualReport':
      return { year: year - int(rnd, 0, 2), report: doc(6) };
    case 'RecordAnnualReportOverdue':
      return { year: year - int(rnd, 0, 2) };
    case 'RequestChange':
      return { description: '调整', documents: [doc(8)] };
    case 'DecideChange': {
      const ids = p ? p.changes.map((c) => c.changeId) : [];
      return { changeId: ids.length > 0 ? pick(rnd, ids) : 'change-1', decision: rnd() < 0.5 ? 'approved' : 'rejected', reason: '论证', expertReview: doc(9) };
    }
    case 'RecordMidtermEvaluation':
      return {
        findings: { targetsAndTasks: 'a', useOfFunds: 'b', results: 'c', impact: 'd' },
        grade: pick(rnd, run.rules.gradeScale.grades),
        tasksCompletedPercent: int(rnd, 0, 100),
        report: doc(10),
      };
    case 'OrderRectification':
      return { findings: ['问题'], deadline: later(1, 800) };
    case 'RecordRectificationOverdue': {
      const ids = p ? p.rectifications.map((r) => r.rectificationId) : [];
      return { rectificationId: ids.length > 0 && rnd() < 0.9 ? ids[ids.length - 1] : `rectification-${int(rnd, 1, 3)}` };
    }
    case 'SubmitRectification':
    case 'SubmitFinalSelfAssessment':
      return { report: doc(11) };
    case 'GrantExtension':
      return { newEndsOn: later(1, 400), reason: '延期', request: doc(12) };
    case 'RecordFinalEvaluation':
      return { grade: pick(rnd, run.rules.gradeScale.grades), findings: '验收', report: doc(13) };
    case 'SubmitCourseUpdate':
      return { academicYear: academicYearOf(today) - int(rnd, 0, 2), summary: '更新', documents: [doc(14)] };
    case 'RecordCourseUpdateOverdue':
      return { academicYear: academicYearOf(today) - int(rnd, 0, 2) };
    case 'RevokeProject':
      return { reason: pick(rnd, REVOCATION_REASONS), explanation: '撤销', evidence: [doc(15)] };
    case 'OrderFundRecovery':
      return { amount: int(rnd, 0, 5_000_000), deadline: later(-5, 200), reason: '收回' };
    case 'GradeAnnualReport': {
      const years = p ? p.reportedYears : [];
      return {
        year: years.length > 0 && rnd() < 0.9 ? pick(rnd, years) : year - 1,
        grade: rnd() < 0.5 ? pick(rnd, run.rules.gradeScale.grades) : run.rules.gradeScale.grades[run.rules.gradeScale.grades.length - 1],
        reason: '年度绩效',
        report: doc(16),
        ...(rnd() < 0.8 ? { rectification: { findings: ['绩效不达标'], deadline: later(1, 300) } } : {}),
      };
    }
    case 'RecordFundsRecovered': {
      const ordered = p?.fundRecovery?.amount ?? 1000;
      return { amount: rnd() < 0.5 ? ordered - (p?.fundRecovery?.recovered ?? 0) : int(rnd, 0, ordered), recoveredOn: later(-30, 1) };
    }
    case 'AcceptConstructionPlan':
    case 'Accredit':
    case 'RecordConstructionPlanOverdue':
    case 'RecordConstructionPeriodEnded':
    case 'RecordFundRecoveryOverdue':
    case 'WithdrawApplication':
      return {};
    default:
      return { reason: '理由' };
  }
}

/** The commands drawn at random; reminders are decided beside the sequence (remindAlongside), changing nothing. */
const DRAWN_TYPES = PROJECT_COMMAND_TYPES.filter((type) => type !== 'RemindDeadline');

/** A reminder a week ahead of a due day, decided by the scheduler acting as the office. */
const reminderOn = (today: string): ProjectCommand => ({
  type: 'RemindDeadline',
  actor: office,
  data: { obligation: 'construction-plan', dueOn: addCalendarDays(today, 7), dueAt: `${addCalendarDays(today, 8)}T00:00:00+08:00` },
  now: `${today}T10:00:00+08:00`,
});

function nextCommand(run: Run, state: ProjectState, today: string): ProjectCommand {
  const { rnd } = run;
  const likely = LIKELY[state.status];
  const type = likely && rnd() < 0.85 ? pick(rnd, likely) : pick(rnd, DRAWN_TYPES);
  const actor = rnd() < 0.9 ? rightActor(run, type, state) : pick(rnd, ACTORS);
  // Now and then data at its bounds: the least of every range and the first of every choice (a rank of 0, an amount of 0, a deadline past).
  const data = rnd() < 0.04 ? dataFor({ ...run, rnd: () => 0 }, type, state, today) : dataFor(run, type, state, today);
  // An assigned reviewer is in the registry under the organisation the office named.
  const reviewer = type === 'AssignReviewer' ? { reviewer: { organisationId: String((data as { reviewerOrg?: unknown }).reviewerOrg), expert: true, affiliations: [] } } : {};
  return { type, actor, data, now: `${today}T10:00:00+08:00`, context: { ...contextFor(run, today), ...reviewer } } as ProjectCommand;
}

/** Every event type, checked complete by the compiler. */
const EVENT_TYPES = Object.keys({
  ApplicationDrafted: true,
  ApplicationEdited: true,
  ApplicationDocumentsAttached: true,
  ApplicationSubmitted: true,
  ApplicationWithdrawn: true,
  ApplicationReturned: true,
  FormalCheckPassed: true,
  FormalCheckFailed: true,
  ApplicationRecommended: true,
  ApplicationNotRecommended: true,
  ReviewerAssigned: true,
  ReviewerRecused: true,
  ReviewScored: true,
  ReviewScoreCorrected: true,
  ReviewScoreDrafted: true,
  SelectionRecorded: true,
  PublicNoticeRecorded: true,
  ObjectionFiled: true,
  ObjectionRejected: true,
  ObjectionDismissed: true,
  ObjectionUpheld: true,
  ProjectRemovedAfterObjection: true,
  RemovalFromListRecorded: true,
  ProjectApproved: true,
  ConstructionPlanSubmitted: true,
  ConstructionPlanOverdue: true,
  ConstructionPlanAccepted: true,
  ConstructionPlanRejected: true,
  AnnualReportSubmitted: true,
  AnnualReportOverdue: true,
  ChangeRequested: true,
  ChangeApproved: true,
  ChangeRejected: true,
  MidtermEvaluated: true,
  RectificationOrdered: true,
  RectificationSubmitted: true,
  RectificationOverdue: true,
  RectificationAccepted: true,
  RectificationFailed: true,
  ProjectSuspended: true,
  FinalSelfAssessmentSubmitted: true,
  ConstructionPeriodEnded: true,
  EvaluationExtended: true,
  FinalEvaluated: true,
  ProjectRecognised: true,
  ProjectAccredited: true,
  CourseUpdateSubmitted: true,
  CourseUpdateOverdue: true,
  ProjectRevoked: true,
  FundRecoveryOrdered: true,
  FundsRecovered: true,
  FundRecoveryOverdue: true,
  AnnualReportGraded: true,
  PerformanceWarningIssued: true,
  NextYearGrantReduced: true,
  DeadlineReminded: true,
} satisfies Record<ProjectEventType, true>);

describe('project decider: generated command sequences', () => {
  it(`${SEQUENCES} seeded sequences of ${STEPS} commands fold and keep declared statuses`, () => {
    const statusesSeen = new Set<ProjectStatus>();
    const eventTypesSeen = new Set<string>();
    for (let seed = 1; seed <= SEQUENCES; seed++) {
      const rnd = prng(seed);
      const code = CODES[seed % CODES.length];
      // Every eleventh sequence plays a program without construction, which recognises at approval.
      const rules = seed % 11 === 0 ? { ...rulesOf(code), withoutConstruction: true } : rulesOf(code);
      const run: Run = { rnd, code, rules, closesOn: '2025-10-01' };
      let today = '2025-09-01';
      let state: ProjectState = deepFreeze(projectDecider.initialState);
      statusesSeen.add(state.status);
      const events: ProjectEvent[] = [];
      for (let step = 0; step < STEPS; step++) {
        today = addCalendarDays(today, SELECTION.includes(state.status) ? int(rnd, 0, 2) : pick(rnd, [0, 1, 7, 30, 90, 200, 400]));
        const command = nextCommand(run, state, today);
        let produced: ProjectEvent[];
        try {
          produced = projectDecider.decide(command, state);
        } catch (error) {
          if (error instanceof DomainError) continue;
          throw new Error(`seed ${seed} step ${step}: ${command.type} threw a non-domain error: ${String(error)}`);
        }
        for (const event of produced) {
          const problem = nonJsonPath(event);
          if (problem) throw new Error(`seed ${seed} step ${step}: ${event.type} is not plain JSON at ${problem}`);
          eventTypesSeen.add(event.type);
        }
        const before = state.status;
        state = deepFreeze(produced.reduce(projectDecider.evolve, state));
        if (state.status !== 'None' && step % 10 === 0) {
          // A reminder is history only: the record's state is the same after it.
          const reminders = projectDecider.decide(reminderOn(today), state);
          expect(reminders.map((event) => event.type)).toEqual(['DeadlineReminded']);
          expect(reminders.reduce(projectDecider.evolve, state)).toEqual(state);
          eventTypesSeen.add('DeadlineReminded');
        }
        events.push(...produced);
        if (!PROJECT_STATUSES.includes(state.status)) throw new Error(`seed ${seed} step ${step}: undeclared status ${String(state.status)}`);
        if (SIDE_EXITS.includes(before) && state.status !== before) throw new Error(`seed ${seed} step ${step}: left ${before} for ${state.status}`);
        statusesSeen.add(state.status);
      }
      expect(fold(projectDecider, events)).toEqual(state);
    }
    // The generator must keep reaching every status and producing every event type, or it proves little.
    expect([...PROJECT_STATUSES].filter((s) => !statusesSeen.has(s))).toEqual([]);
    expect(EVENT_TYPES.filter((t) => !eventTypesSeen.has(t))).toEqual([]);
  });
});
