import { addCalendarDays, chinaDateOf } from '../beijing-time';
import { CycleRules, REVIEW_DAYS_UNSET } from '../catalog/program-rules';
import { DocumentRef } from '../messages';
import type { IndicatorScore } from '../catalog/rubric';
import { sumOf } from '../money';
import { FundsBySource, Partner, ProjectSubject } from './project.commands';
import { PROJECT_STATUSES, ProjectEvent, ProjectStatus } from './project.events';

/**
 * What a project's stream (`project-<projectId>`) folds into: the state the decider decides on and the
 * reads show. `status` is the project's place in the lifecycle of domain.md §3–§5, as the API answers it.
 */

export interface ProjectReviewer {
  readonly reviewerId: string;
  readonly reviewerOrg: string;
  readonly recused: boolean;
  readonly score: number | null;
  /** The day (Beijing) the score is due: the assignment's day and the rules' reviewDays. */
  readonly dueOn: string;
  /** The indicators' scores behind `score`, in a cycle with a rubric. */
  readonly indicators?: readonly IndicatorScore[];
  /** The score saved and not yet submitted (absent once submitted, or before a save). */
  readonly draft?: { readonly score: number | null; readonly indicators: readonly IndicatorScore[]; readonly comments: string | null; readonly savedAt: string };
}

export interface ProjectObjection {
  readonly objectionId: string;
  readonly noticeId: string;
  readonly status: 'open' | 'rejected' | 'dismissed' | 'upheld';
}

export interface ProjectRectification {
  readonly rectificationId: string;
  readonly deadline: string;
  readonly orderedFrom: ProjectStatus;
  readonly submitted: boolean;
  /** The deadline passed with nothing submitted (RectificationOverdue): the office fails it or revokes. */
  readonly overdue: boolean;
  readonly outcome: 'open' | 'accepted' | 'failed';
}

export interface Project {
  readonly status: Exclude<ProjectStatus, 'None'>;
  readonly projectId: string;
  readonly cycleId: string;
  readonly programType: string;
  readonly applicantOrg: string;
  readonly region: string;
  readonly title: string;
  readonly subject: ProjectSubject;
  /** A joint application's partners besides the lead; absent for an applicant applying alone. */
  readonly partners?: readonly Partner[];
  readonly rules: CycleRules;
  readonly rulesVersion: string;
  readonly submissions: number;
  /** The application's documents: the draft's as attached, then as last submitted (a returned application starts from them). */
  readonly documents: { readonly applicationForm: DocumentRef | null; readonly attachments: readonly DocumentRef[] };
  readonly recommendation: { readonly rank: number; readonly recommenderOrg: string } | null;
  readonly reviewers: readonly ProjectReviewer[];
  readonly selection: { readonly cycleDecisionId: string; readonly outcome: 'shortlisted' | 'not-selected'; readonly tier: string | null } | null;
  readonly notice: { readonly noticeId: string; readonly startsOn: string; readonly endsOn: string } | null;
  readonly objections: readonly ProjectObjection[];
  /** The approval (立项), or the recognition in a program without construction (no plan is then due). */
  readonly approval: { readonly cycleDecisionId: string; readonly approvedOn: string; readonly constructionPlanDueOn: string | null } | null;
  readonly plan: { readonly submissions: number; readonly overdue: boolean; readonly accepted: boolean };
  readonly construction: { readonly startsOn: string; readonly endsOn: string } | null;
  /** The end of construction recorded as passed (ConstructionPeriodEnded); an extension moves `construction.endsOn` past it. */
  readonly constructionEndedOn: string | null;
  readonly reportedYears: readonly number[];
  readonly overdueReportYears: readonly number[];
  readonly changes: readonly { readonly changeId: string; readonly status: 'open' | 'approved' | 'rejected' }[];
  readonly midterm: { readonly grade: string; readonly tasksCompletedPercent: number; readonly belowMinTasks: boolean } | null;
  readonly rectifications: readonly ProjectRectification[];
  readonly selfAssessments: number;
  readonly evaluations: readonly { readonly grade: string; readonly outcome: 'passed' | 'deferred' | 'failed' }[];
  readonly accreditation: {
    readonly accreditedOn: string;
    readonly service: { readonly firstAcademicYear: number; readonly lastAcademicYear: number } | null;
  } | null;
  readonly courseUpdates: readonly number[];
  readonly overdueCourseUpdates: readonly number[];
  /** Set by a suspension or a revocation. */
  readonly ban: { readonly until: string; readonly mayReapply: boolean } | null;
  /** Set by a final evaluation with a barring grade: the program's next cycle after `evaluatedAt` is closed to the applicant. */
  readonly barring: { readonly grade: string; readonly evaluatedAt: string } | null;
  /** Ordered after a failure or revocation; `recovered` and `overdue` once money is returned or the deadline passes. */
  readonly fundRecovery: { readonly amount: number; readonly deadline: string; readonly recovered?: number; readonly overdue?: true } | null;
  /** The annual reports graded, by year (absent until one is). */
  readonly performance?: readonly { readonly year: number; readonly grade: string; readonly poor: boolean }[];
  /** The funds the annual reports state used, by source, all years together (absent until one does). */
  readonly fundsUsed?: FundsBySource;
  /** The years whose public grants are reduced after a poor year, by how much (absent until one is). */
  readonly grantReductions?: readonly { readonly year: number; readonly percent: number }[];
}

export type ProjectState = { readonly status: 'None' } | Project;

export const initialProjectState: ProjectState = { status: 'None' };

// ---------------------------------------------------------------------------------------------

/** Funds by source added together, to the fen. */
export function addedFunds(a: FundsBySource, b: FundsBySource): FundsBySource {
  const sources = [...new Set([...Object.keys(a), ...Object.keys(b)])] as (keyof FundsBySource)[];
  return Object.fromEntries(sources.map((source) => [source, sumOf([a[source] ?? 0, b[source] ?? 0])]));
}

/** Total: an event that does not fit the state (out of order, unknown) leaves it as it was. */
export function evolveProject(state: ProjectState, event: ProjectEvent): ProjectState {
  if (event.type === 'ApplicationDrafted') {
    if (state.status !== 'None') return state;
    const d = event.data;
    return {
      status: 'Draft',
      projectId: d.projectId,
      cycleId: d.cycleId,
      programType: d.programType,
      applicantOrg: d.applicantOrg,
      region: d.region,
      title: d.title,
      subject: d.subject,
      ...(d.partners?.length ? { partners: d.partners } : {}),
      rules: d.rules,
      rulesVersion: d.rulesVersion,
      submissions: 0,
      documents: { applicationForm: null, attachments: [] },
      recommendation: null,
      reviewers: [],
      selection: null,
      notice: null,
      objections: [],
      approval: null,
      plan: { submissions: 0, overdue: false, accepted: false },
      construction: null,
      constructionEndedOn: null,
      reportedYears: [],
      overdueReportYears: [],
      changes: [],
      midterm: null,
      rectifications: [],
      selfAssessments: 0,
      evaluations: [],
      accreditation: null,
      courseUpdates: [],
      overdueCourseUpdates: [],
      ban: null,
      barring: null,
      fundRecovery: null,
    };
  }
  if (state.status === 'None') return state;
  const p = state;
  switch (event.type) {
    case 'ApplicationEdited': {
      const { title, subject, partners } = event.data;
      if (partners === undefined) return { ...p, title, subject };
      const { partners: _, ...alone } = p;
      return { ...alone, title, subject, ...(partners.length > 0 ? { partners } : {}) };
    }
    case 'ApplicationDocumentsAttached':
      return { ...p, documents: { applicationForm: event.data.applicationForm, attachments: event.data.attachments } };
    case 'ApplicationSubmitted':
      return {
        ...p,
        status: 'Submitted',
        submissions: p.submissions + 1,
        documents: { applicationForm: event.data.applicationForm, attachments: event.data.attachments },
      };
    case 'ApplicationWithdrawn':
      return { ...p, status: 'Withdrawn' };
    case 'ApplicationReturned':
      return { ...p, status: 'Returned' };
    case 'FormalCheckPassed':
      return { ...p, status: 'FormallyChecked' };
    case 'FormalCheckFailed':
      return { ...p, status: 'FormallyRejected' };
    case 'ApplicationRecommended':
      return { ...p, status: 'Recommended', recommendation: { rank: event.data.rank, recommenderOrg: event.data.recommenderOrg } };
    case 'ApplicationNotRecommended':
      return { ...p, status: 'NotRecommended' };
    case 'ReviewerAssigned': {
      const { reviewerId, reviewerOrg, assignedAt } = event.data;
      const dueOn = addCalendarDays(chinaDateOf(assignedAt), p.rules.reviewDays ?? REVIEW_DAYS_UNSET);
      const reviewers = [...p.reviewers.filter((r) => r.reviewerId !== reviewerId), { reviewerId, reviewerOrg, recused: false, score: null, dueOn }];
      // FormallyChecked: a program without recommendation reviews what the province checked.
      return { ...p, status: p.status === 'Recommended' || p.status === 'FormallyChecked' ? 'UnderReview' : p.status, reviewers };
    }
    case 'ReviewerRecused':
      return { ...p, reviewers: p.reviewers.map((r) => (r.reviewerId === event.data.reviewerId ? { ...r, recused: true } : r)) };
    case 'ReviewScoreDrafted': {
      const { reviewerId, score, indicators, comments, savedAt } = event.data;
      return { ...p, reviewers: p.reviewers.map((r) => (r.reviewerId === reviewerId ? { ...r, draft: { score, indicators, comments, savedAt } } : r)) };
    }
    case 'ReviewScored':
    case 'ReviewScoreCorrected': {
      const { reviewerId, score, indicators } = event.data;
      const scored = (r: ProjectReviewer): ProjectReviewer => {
        const { draft: _submitted, ...rest } = r;
        return { ...rest, score, ...(indicators ? { indicators } : {}) };
      };
      return { ...p, reviewers: p.reviewers.map((r) => (r.reviewerId === reviewerId ? scored(r) : r)) };
    }
    case 'SelectionRecorded': {
      const { cycleDecisionId, outcome, tier } = event.data;
      return { ...p, status: outcome === 'shortlisted' ? 'Shortlisted' : 'NotSelected', selection: { cycleDecisionId, outcome, tier } };
    }
    case 'PublicNoticeRecorded': {
      const { noticeId, startsOn, endsOn } = event.data;
      return { ...p, status: 'InPublicNotice', notice: { noticeId, startsOn, endsOn } };
    }
    case 'ObjectionFiled':
    case 'ObjectionRejected': {
      const { objectionId, noticeId } = event.data;
      const status = event.type === 'ObjectionFiled' ? 'open' : 'rejected';
      return { ...p, objections: [...p.objections.filter((o) => o.objectionId !== objectionId), { objectionId, noticeId, status }] };
    }
    case 'ObjectionDismissed':
    case 'ObjectionUpheld': {
      const status = event.type === 'ObjectionDismissed' ? 'dismissed' : 'upheld';
      return { ...p, objections: p.objections.map((o) => (o.objectionId === event.data.objectionId ? { ...o, status } : o)) };
    }
    case 'ProjectRemovedAfterObjection':
      return { ...p, status: 'RemovedAfterObjection' };
    case 'RemovalFromListRecorded':
      return { ...p, status: 'RemovedFromList' };
    case 'ProjectApproved': {
      const { cycleDecisionId, approvedAt, constructionPlanDueOn } = event.data;
      return { ...p, status: 'Approved', approval: { cycleDecisionId, approvedOn: safeChinaDate(approvedAt), constructionPlanDueOn } };
    }
    case 'ProjectRecognised': {
      const { cycleDecisionId, recognisedAt } = event.data;
      return { ...p, status: 'Recognised', approval: { cycleDecisionId, approvedOn: safeChinaDate(recognisedAt), constructionPlanDueOn: null } };
    }
    case 'ConstructionPlanSubmitted':
      return { ...p, status: 'PlanSubmitted', plan: { ...p.plan, submissions: p.plan.submissions + 1 } };
    case 'ConstructionPlanOverdue':
      return { ...p, plan: { ...p.plan, overdue: true } };
    case 'ConstructionPlanAccepted':
      return {
        ...p,
        status: 'UnderConstruction',
        plan: { ...p.plan, accepted: true },
        construction: { startsOn: event.data.constructionStartsOn, endsOn: event.data.constructionEndsOn },
      };
    case 'ConstructionPlanRejected':
      return { ...p, status: 'Approved' };
    case 'AnnualReportSubmitted': {
      const { year, fundsUsed } = event.data;
      return { ...p, reportedYears: withItem(p.reportedYears, year), ...(fundsUsed ? { fundsUsed: addedFunds(p.fundsUsed ?? {}, fundsUsed) } : {}) };
    }
    case 'AnnualReportOverdue':
      return { ...p, overdueReportYears: withItem(p.overdueReportYears, event.data.year) };
    case 'ChangeRequested':
      return { ...p, changes: [...p.changes.filter((c) => c.changeId !== event.data.changeId), { changeId: event.data.changeId, status: 'open' }] };
    case 'ChangeApproved':
    case 'ChangeRejected': {
      const status = event.type === 'ChangeApproved' ? 'approved' : 'rejected';
      return { ...p, changes: p.changes.map((c) => (c.changeId === event.data.changeId ? { ...c, status } : c)) };
    }
    case 'MidtermEvaluated': {
      const { grade, tasksCompletedPercent, belowMinTasks } = event.data;
      return { ...p, status: 'MidtermEvaluated', midterm: { grade, tasksCompletedPercent, belowMinTasks } };
    }
    case 'RectificationOrdered': {
      const { rectificationId, deadline, orderedFrom } = event.data;
      return {
        ...p,
        status: 'Rectification',
        rectifications: [...p.rectifications, { rectificationId, deadline, orderedFrom, submitted: false, overdue: false, outcome: 'open' }],
      };
    }
    case 'RectificationSubmitted':
      return { ...p, rectifications: updateRectification(p, event.data.rectificationId, { submitted: true }) };
    case 'RectificationOverdue':
      return { ...p, rectifications: updateRectification(p, event.data.rectificationId, { overdue: true }) };
    case 'RectificationAccepted': {
      const rectification = p.rectifications.find((r) => r.rectificationId === event.data.rectificationId);
      const back = rectification && rectification.orderedFrom !== 'None' ? rectification.orderedFrom : 'UnderConstruction';
      return { ...p, status: back, rectifications: updateRectification(p, event.data.rectificationId, { outcome: 'accepted' }) };
    }
    case 'RectificationFailed':
      return { ...p, status: 'RectificationFailed', rectifications: updateRectification(p, event.data.rectificationId, { outcome: 'failed' }) };
    case 'ProjectSuspended':
      return { ...p, status: 'Suspended', ban: { until: event.data.banUntil, mayReapply: false } };
    case 'FinalSelfAssessmentSubmitted':
      return { ...p, status: 'FinalSelfAssessed', selfAssessments: p.selfAssessments + 1 };
    case 'ConstructionPeriodEnded':
      return { ...p, constructionEndedOn: event.data.endsOn };
    case 'EvaluationExtended':
      return {
        ...p,
        status: 'Extended',
        construction: { startsOn: p.construction?.startsOn ?? event.data.previousEndsOn, endsOn: event.data.newEndsOn },
      };
    case 'FinalEvaluated': {
      const { grade, outcome, barsNextCycle, evaluatedAt } = event.data;
      const status = outcome === 'passed' ? 'FinalEvaluated' : outcome === 'deferred' ? 'Deferred' : 'Failed';
      return { ...p, status, evaluations: [...p.evaluations, { grade, outcome }], barring: barsNextCycle ? { grade, evaluatedAt } : null };
    }
    case 'ProjectAccredited': {
      const service = event.data.service;
      return {
        ...p,
        status: 'Accredited',
        accreditation: {
          accreditedOn: event.data.accreditedOn,
          service: service ? { firstAcademicYear: service.firstAcademicYear, lastAcademicYear: service.lastAcademicYear } : null,
        },
      };
    }
    case 'CourseUpdateSubmitted':
      return { ...p, courseUpdates: withItem(p.courseUpdates, event.data.academicYear) };
    case 'CourseUpdateOverdue':
      return { ...p, overdueCourseUpdates: withItem(p.overdueCourseUpdates, event.data.academicYear) };
    case 'ProjectRevoked': {
      // A suspension's "never re-apply" outlives a later revocation's shorter ban.
      const until = p.ban && p.ban.until > event.data.banUntil ? p.ban.until : event.data.banUntil;
      return { ...p, status: 'Revoked', ban: { until, mayReapply: p.ban?.mayReapply ?? true } };
    }
    case 'FundRecoveryOrdered':
      return { ...p, fundRecovery: { amount: event.data.amount, deadline: event.data.deadline } };
    case 'AnnualReportGraded': {
      const { year, grade, poor } = event.data;
      return { ...p, performance: [...(p.performance ?? []).filter((y) => y.year !== year), { year, grade, poor }].sort((a, b) => a.year - b.year) };
    }
    case 'NextYearGrantReduced':
      return { ...p, grantReductions: [...(p.grantReductions ?? []), { year: event.data.year, percent: event.data.percent }] };
    case 'FundsRecovered':
      return p.fundRecovery ? { ...p, fundRecovery: { ...p.fundRecovery, recovered: event.data.recovered } } : p;
    case 'FundRecoveryOverdue':
      return p.fundRecovery ? { ...p, fundRecovery: { ...p.fundRecovery, overdue: true } } : p;
    default:
      return state;
  }
}

function withItem(list: readonly number[], item: number): readonly number[] {
  return list.includes(item) ? list : [...list, item];
}

function updateRectification(p: Project, rectificationId: string, change: Partial<ProjectRectification>): readonly ProjectRectification[] {
  return p.rectifications.map((r) => (r.rectificationId === rectificationId ? { ...r, ...change } : r));
}

/** evolve never throws: an unreadable instant folds to its leading characters. */
function safeChinaDate(instant: string): string {
  try {
    return chinaDateOf(instant);
  } catch {
    return String(instant).slice(0, 10);
  }
}

export function isProjectStatus(value: unknown): value is ProjectStatus {
  return (PROJECT_STATUSES as readonly unknown[]).includes(value);
}
