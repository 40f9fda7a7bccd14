import { CycleRules, GradeScale, PerformanceAction } from '../catalog/program-rules';
import type { IndicatorScore } from '../catalog/rubric';
import { DocumentRef, Event } from '../messages';
import type { DeadlineReminded } from '../reminders/reminders';
import type { FormalCheckResult, FundsBySource, MidtermFindings, Partner, ProjectSubject, RevocationReason } from './project.commands';

/**
 * Events of a school-side project's stream. Every decision records the `rulesVersion` it was decided
 * under (the first event holds the rules themselves), the reason where a person decided, scores with
 * the reviewer's id, grades with their scale, and documents by content hash. Dates without a time are
 * Beijing calendar dates; `…At` fields are ISO-8601 instants (the command's `now`).
 */

/** The states of domain.md §3–§4 (`None`: nothing drafted yet). */
export const PROJECT_STATUSES = [
  'None',
  // selection
  'Draft',
  'Submitted',
  /** Returned for revision by the office: the applicant may edit and resubmit. */
  'Returned',
  'FormallyChecked',
  'Recommended',
  'UnderReview',
  'Shortlisted',
  'InPublicNotice',
  'Approved',
  'Withdrawn',
  'FormallyRejected',
  'NotRecommended',
  'NotSelected',
  'RemovedAfterObjection',
  /** Taken off the cycle's list by the office (RemoveFromList on the cycle), without an objection upheld here. */
  'RemovedFromList',
  // construction and evaluation
  'PlanSubmitted',
  'UnderConstruction',
  'MidtermEvaluated',
  'Rectification',
  /** A rectification failed: the office suspends (during construction) or revokes. */
  'RectificationFailed',
  'Extended',
  'FinalSelfAssessed',
  /** Evaluated with a passing grade, awaiting accreditation. */
  'FinalEvaluated',
  'Deferred',
  'Failed',
  'Suspended',
  'Accredited',
  /** Recognised (认定) at approval, in a program without construction. */
  'Recognised',
  'Revoked',
] as const;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];

export type ObjectionRejectionReason = 'anonymous' | 'no-evidence' | 'before-notice' | 'late';

interface Decided {
  readonly rulesVersion: string;
}

// ---------------------------------------------------------------------------------------------
// Selection

export type ApplicationDrafted = Event<
  'ApplicationDrafted',
  Decided & {
    readonly projectId: string;
    readonly cycleId: string;
    readonly programType: string;
    readonly applicantOrg: string;
    /** The city whose recommender acts on the project. */
    readonly region: string;
    readonly title: string;
    readonly subject: ProjectSubject;
    /** The cycle's rules, copied so the stream explains every later decision by itself. */
    readonly rules: CycleRules;
    /** The subject applied before and not selected: those applications, and what changed since (absent otherwise, and before the rule). */
    readonly reapplication?: { readonly earlierProjectIds: readonly string[]; readonly changes: string };
    /** A joint application's partners besides the lead (absent for an applicant applying alone, and before the rule). */
    readonly partners?: readonly Partner[];
    readonly draftedAt: string;
  }
>;

export type ApplicationEdited = Event<
  'ApplicationEdited',
  /** `partners`, when present, replaces a joint application's partners (absent: unchanged). */
  Decided & { readonly title: string; readonly subject: ProjectSubject; readonly partners?: readonly Partner[]; readonly editedAt: string }
>;

/** The documents of a draft as they stand now, each replacing the last: what the head reviews and submits. */
export type ApplicationDocumentsAttached = Event<
  'ApplicationDocumentsAttached',
  Decided & { readonly applicationForm: DocumentRef | null; readonly attachments: readonly DocumentRef[]; readonly attachedAt: string }
>;

export type ApplicationSubmitted = Event<
  'ApplicationSubmitted',
  Decided & {
    readonly projectId: string;
    readonly cycleId: string;
    readonly applicantOrg: string;
    readonly region: string;
    /** What was submitted, as submitted. */
    readonly title: string;
    readonly subject: ProjectSubject;
    readonly applicationForm: DocumentRef;
    readonly declarations: { readonly authenticity: DocumentRef; readonly commitment: DocumentRef };
    readonly attachments: readonly DocumentRef[];
    /** 1 for the first submission, then one more per resubmission after a return. */
    readonly submissionNo: number;
    readonly resubmission: boolean;
    readonly submittedAt: string;
  }
>;

export type ApplicationWithdrawn = Event<
  'ApplicationWithdrawn',
  Decided & { readonly reason: string | null; readonly withdrawnFrom: ProjectStatus; readonly withdrawnAt: string }
>;

export type ApplicationReturned = Event<'ApplicationReturned', Decided & { readonly reason: string; readonly returnedAt: string }>;

interface FormalCheck extends Decided {
  readonly result: FormalCheckResult;
  readonly reasons: readonly string[];
  /** Last day of the formal-check period it was made in. */
  readonly periodEndsOn: string;
  readonly checkedAt: string;
}
export type FormalCheckPassed = Event<'FormalCheckPassed', FormalCheck>;
export type FormalCheckFailed = Event<'FormalCheckFailed', FormalCheck>;

export type ApplicationRecommended = Event<
  'ApplicationRecommended',
  Decided & {
    readonly rank: number;
    readonly recommenderOrg: string;
    readonly region: string;
    readonly opinion: string | null;
    readonly recommendedAt: string;
  }
>;

export type ApplicationNotRecommended = Event<
  'ApplicationNotRecommended',
  Decided & { readonly reason: string; readonly recommenderOrg: string; readonly region: string; readonly decidedAt: string }
>;

export type ReviewerAssigned = Event<
  'ReviewerAssigned',
  Decided & {
    readonly reviewerId: string;
    readonly reviewerOrg: string;
    readonly declaredRelations: readonly string[];
    readonly assignedAt: string;
  }
>;

export type ReviewerRecused = Event<'ReviewerRecused', Decided & { readonly reviewerId: string; readonly reason: string; readonly recusedAt: string }>;

export type ReviewScored = Event<
  'ReviewScored',
  Decided & {
    readonly reviewerId: string;
    readonly reviewerOrg: string;
    /** The reviewer's total, 0–100: the rubric's sum where the cycle has one. */
    readonly score: number;
    /** The score of each indicator of the cycle's rubric (absent without one). */
    readonly indicators?: readonly IndicatorScore[];
    readonly comments: string;
    readonly scoredAt: string;
  }
>;

/** A reviewer's score saved before it is submitted, each save replacing the last; nothing is decided on it. */
export type ReviewScoreDrafted = Event<
  'ReviewScoreDrafted',
  Decided & {
    readonly reviewerId: string;
    readonly score: number | null;
    readonly indicators: readonly IndicatorScore[];
    readonly comments: string | null;
    readonly savedAt: string;
  }
>;

export type ReviewScoreCorrected = Event<
  'ReviewScoreCorrected',
  Decided & {
    readonly reviewerId: string;
    readonly previousScore: number;
    readonly score: number;
    /** The corrected score of each indicator of the cycle's rubric (absent without one). */
    readonly indicators?: readonly IndicatorScore[];
    readonly reason: string;
    readonly correctedAt: string;
  }
>;

/** The cycle's shortlist decision as it concerns this project, with the scores it rested on. */
export type SelectionRecorded = Event<
  'SelectionRecorded',
  Decided & {
    readonly cycleDecisionId: string;
    readonly outcome: 'shortlisted' | 'not-selected';
    readonly tier: string | null;
    readonly reason: string | null;
    readonly scores: readonly { readonly reviewerId: string; readonly score: number }[];
    readonly minReviewers: number;
    readonly decidedAt: string;
  }
>;

export type PublicNoticeRecorded = Event<
  'PublicNoticeRecorded',
  Decided & {
    readonly noticeId: string;
    readonly startsOn: string;
    readonly endsOn: string;
    /** The instant objections stop being admissible: the start of the day after endsOn, Beijing time. */
    readonly endsAt: string;
    readonly document: DocumentRef | null;
    readonly recordedAt: string;
  }
>;

/** Who objected, as they stated it; `organisation` only where they objected for one (added in 2026, absent before). */
export interface Objector {
  readonly name: string;
  readonly contact: string;
  readonly organisation?: string;
}

/** `objector` is confidential: everyone but the office sees it redacted. */
export type ObjectionFiled = Event<
  'ObjectionFiled',
  {
    readonly objectionId: string;
    readonly noticeId: string;
    readonly objector: Objector;
    readonly grounds: string;
    readonly evidence: readonly DocumentRef[];
    readonly filedAt: string;
  }
>;

/** An inadmissible objection is recorded with why; `objector` is null when it was anonymous. */
export type ObjectionRejected = Event<
  'ObjectionRejected',
  Decided & {
    readonly objectionId: string;
    readonly noticeId: string;
    readonly reasons: readonly ObjectionRejectionReason[];
    readonly objector: Objector | null;
    readonly grounds: string;
    readonly evidence: readonly DocumentRef[];
    readonly filedAt: string;
  }
>;

interface ObjectionResolution extends Decided {
  readonly objectionId: string;
  readonly reason: string;
  readonly evidence: readonly DocumentRef[];
  readonly resolvedAt: string;
}
export type ObjectionDismissed = Event<'ObjectionDismissed', ObjectionResolution>;
export type ObjectionUpheld = Event<'ObjectionUpheld', ObjectionResolution>;

export type ProjectRemovedAfterObjection = Event<
  'ProjectRemovedAfterObjection',
  Decided & { readonly objectionId: string; readonly reason: string; readonly removedAt: string }
>;

/** Carried from the cycle's ProjectRemovedFromList: the project no longer holds a place on the list. */
export type RemovalFromListRecorded = Event<
  'RemovalFromListRecorded',
  Decided & { readonly removalId: string; readonly reason: string; readonly objectionId: string | null; readonly removedAt: string }
>;

/** What the cycle's list approval says of one project, approved or recognised. */
interface ListApproval extends Decided {
  readonly cycleDecisionId: string;
  readonly noticeId: string;
  readonly tier: string | null;
  readonly reason: string | null;
  readonly document: DocumentRef | null;
}

/** 立项. */
export type ProjectApproved = Event<
  'ProjectApproved',
  ListApproval & {
    readonly approvedAt: string;
    /** approval day + rules.constructionPlanDueDays. */
    readonly constructionPlanDueOn: string;
  }
>;

/** The approval of a project in a program without construction (rules.withoutConstruction): it is recognised (认定) and ends there. */
export type ProjectRecognised = Event<'ProjectRecognised', ListApproval & { readonly recognisedAt: string }>;

// ---------------------------------------------------------------------------------------------
// Construction and evaluation

export type ConstructionPlanSubmitted = Event<
  'ConstructionPlanSubmitted',
  Decided & {
    readonly plan: DocumentRef;
    readonly taskBook: DocumentRef;
    readonly dueOn: string;
    readonly late: boolean;
    readonly submissionNo: number;
    readonly submittedAt: string;
  }
>;

export type ConstructionPlanOverdue = Event<'ConstructionPlanOverdue', Decided & { readonly dueOn: string; readonly recordedAt: string }>;

export type ConstructionPlanAccepted = Event<
  'ConstructionPlanAccepted',
  Decided & {
    readonly constructionStartsOn: string;
    /** constructionStartsOn + rules.constructionMonths. */
    readonly constructionEndsOn: string;
    readonly midtermDueOn: string;
    /** The annual reports construction owes, each with its due date (rules.annualReportDue of the next year). */
    readonly annualReportsDue: readonly { readonly year: number; readonly dueOn: string }[];
    readonly acceptedAt: string;
  }
>;

export type ConstructionPlanRejected = Event<'ConstructionPlanRejected', Decided & { readonly reasons: readonly string[]; readonly rejectedAt: string }>;

export type AnnualReportSubmitted = Event<
  'AnnualReportSubmitted',
  Decided & {
    readonly year: number;
    readonly report: DocumentRef;
    /** The funds used in the year by source, where the report states them. */
    readonly fundsUsed?: FundsBySource;
    readonly dueOn: string;
    readonly late: boolean;
    readonly submittedAt: string;
  }
>;

export type AnnualReportOverdue = Event<'AnnualReportOverdue', Decided & { readonly year: number; readonly dueOn: string; readonly recordedAt: string }>;

/** A year's annual report graded; what the run of poor years it ends (or breaks) leads to follows as events of their own. */
export type AnnualReportGraded = Event<
  'AnnualReportGraded',
  Decided & {
    readonly year: number;
    readonly grade: string;
    readonly poor: boolean;
    /** Poor years in a row, this one the last (0 for a year that is not poor). */
    readonly poorYearsInRow: number;
    readonly actions: readonly PerformanceAction[];
    readonly reason: string;
    readonly report: DocumentRef;
    readonly gradedAt: string;
  }
>;

/** 预警: a poor year's warning. */
export type PerformanceWarningIssued = Event<'PerformanceWarningIssued', Decided & { readonly year: number; readonly poorYearsInRow: number; readonly reason: string; readonly issuedAt: string }>;

/** The next year's public grants reduced after a poor year: at most `percent` below this year's. */
export type NextYearGrantReduced = Event<'NextYearGrantReduced', Decided & { readonly year: number; readonly percent: number; readonly reason: string; readonly reducedAt: string }>;

export type ChangeRequested = Event<
  'ChangeRequested',
  Decided & { readonly changeId: string; readonly description: string; readonly documents: readonly DocumentRef[]; readonly requestedAt: string }
>;

interface ChangeDecision extends Decided {
  readonly changeId: string;
  readonly reason: string;
  readonly expertReview: DocumentRef;
  readonly decidedAt: string;
}
export type ChangeApproved = Event<'ChangeApproved', ChangeDecision>;
export type ChangeRejected = Event<'ChangeRejected', ChangeDecision>;

export type MidtermEvaluated = Event<
  'MidtermEvaluated',
  Decided & {
    readonly findings: MidtermFindings;
    readonly grade: string;
    readonly gradeScale: GradeScale;
    readonly tasksCompletedPercent: number;
    /** The threshold below which the project may be suspended, and whether it fell below. */
    readonly minTasksPercent: number;
    readonly belowMinTasks: boolean;
    readonly report: DocumentRef;
    readonly evaluatedAt: string;
  }
>;

export type RectificationOrdered = Event<
  'RectificationOrdered',
  Decided & {
    readonly rectificationId: string;
    readonly findings: readonly string[];
    readonly deadline: string;
    readonly maxRectificationMonths: number;
    /** The status the project returns to when the rectification is accepted. */
    readonly orderedFrom: ProjectStatus;
    readonly orderedAt: string;
  }
>;

export type RectificationSubmitted = Event<
  'RectificationSubmitted',
  Decided & { readonly rectificationId: string; readonly report: DocumentRef; readonly submittedAt: string }
>;

/**
 * The rectification's deadline (a Beijing date, through the end of that day) passed with no report
 * submitted; recorded once, by the deadline scheduler acting as the office. The rectification stays
 * open: a report is no longer admissible (SubmitRectification is due "before the deadline", domain.md
 * §4), so the office fails it — or revokes the project — and the replay shows why.
 */
export type RectificationOverdue = Event<
  'RectificationOverdue',
  Decided & { readonly rectificationId: string; readonly deadline: string; readonly recordedAt: string }
>;

export type RectificationAccepted = Event<
  'RectificationAccepted',
  Decided & { readonly rectificationId: string; readonly reason: string; readonly decidedAt: string }
>;

export type RectificationFailed = Event<
  'RectificationFailed',
  Decided & { readonly rectificationId: string; readonly reason: string; readonly submitted: boolean; readonly decidedAt: string }
>;

/** 中止: the applicant may never re-apply to this program [S]; banUntil is today + rules.bans.suspensionYears. */
export type ProjectSuspended = Event<
  'ProjectSuspended',
  Decided & {
    readonly trigger: 'failed-rectification' | 'midterm-below-min-tasks';
    readonly reason: string;
    readonly programType: string;
    readonly applicantOrg: string;
    readonly tasksCompletedPercent: number | null;
    readonly banUntil: string;
    readonly mayReapply: false;
    readonly suspendedAt: string;
  }
>;

export type FinalSelfAssessmentSubmitted = Event<
  'FinalSelfAssessmentSubmitted',
  Decided & { readonly report: DocumentRef; readonly constructionEndsOn: string; readonly submissionNo: number; readonly submittedAt: string }
>;

/**
 * The construction period's last day (`endsOn`, as extended by EvaluationExtended) passed while the
 * project was still in construction: the final self-assessment is due from then on. Recorded once per
 * end of construction: an extension granted afterwards moves the end, which passes again.
 */
export type ConstructionPeriodEnded = Event<'ConstructionPeriodEnded', Decided & { readonly endsOn: string; readonly recordedAt: string }>;

export type EvaluationExtended = Event<
  'EvaluationExtended',
  Decided & {
    readonly previousEndsOn: string;
    readonly newEndsOn: string;
    readonly reason: string;
    readonly request: DocumentRef;
    readonly grantedAt: string;
  }
>;

export type FinalEvaluated = Event<
  'FinalEvaluated',
  Decided & {
    /** 1 for the first evaluation, more for re-evaluations after a deferral. */
    readonly evaluationNo: number;
    readonly grade: string;
    readonly gradeScale: GradeScale;
    readonly outcome: 'passed' | 'deferred' | 'failed';
    /** A barring grade (e.g. 差) bars the unit from the next cycle [S]. */
    readonly barsNextCycle: boolean;
    readonly findings: string;
    readonly report: DocumentRef;
    /** Rectifications ordered during construction and how they ended: the evaluation considered them [S]. */
    readonly rectifications: readonly { readonly rectificationId: string; readonly outcome: 'open' | 'accepted' | 'failed' }[];
    readonly evaluatedAt: string;
  }
>;

export type ProjectAccredited = Event<
  'ProjectAccredited',
  Decided & {
    readonly grade: string;
    readonly accreditedOn: string;
    /** Quality courses: the academic years (by starting year) of the service obligation; null otherwise. */
    readonly service: { readonly years: number; readonly firstAcademicYear: number; readonly lastAcademicYear: number } | null;
    readonly document: DocumentRef | null;
    readonly accreditedAt: string;
  }
>;

export type CourseUpdateSubmitted = Event<
  'CourseUpdateSubmitted',
  Decided & {
    readonly academicYear: number;
    readonly summary: string;
    readonly documents: readonly DocumentRef[];
    readonly dueOn: string;
    readonly late: boolean;
    readonly submittedAt: string;
  }
>;

export type CourseUpdateOverdue = Event<
  'CourseUpdateOverdue',
  Decided & { readonly academicYear: number; readonly dueOn: string; readonly recordedAt: string }
>;

/** 撤销; a revocation orders the recovery of funds [S], whose amount OrderFundRecovery sets. */
export type ProjectRevoked = Event<
  'ProjectRevoked',
  Decided & {
    readonly reason: RevocationReason;
    readonly explanation: string;
    readonly evidence: readonly DocumentRef[];
    readonly revokedFrom: ProjectStatus;
    /** The rectification still open when the project was revoked (it ends with the project), or null. Absent in older events. */
    readonly openRectificationId?: string | null;
    readonly programType: string;
    readonly applicantOrg: string;
    readonly banUntil: string;
    readonly fundRecoveryRequired: true;
    readonly revokedAt: string;
  }
>;

/** Money returned under the recovery order; `complete` once the payments reach the amount ordered. */
export type FundsRecovered = Event<
  'FundsRecovered',
  Decided & {
    readonly amount: number;
    readonly recoveredOn: string;
    readonly reference: string | null;
    /** Returned so far, of the amount ordered. */
    readonly recovered: number;
    readonly ordered: number;
    readonly complete: boolean;
    readonly recordedAt: string;
  }
>;

/** The recovery's deadline passed with money outstanding. */
export type FundRecoveryOverdue = Event<
  'FundRecoveryOverdue',
  Decided & { readonly deadline: string; readonly ordered: number; readonly recovered: number; readonly outstanding: number; readonly recordedAt: string }
>;

export type FundRecoveryOrdered = Event<
  'FundRecoveryOrdered',
  Decided & {
    readonly amount: number;
    /** What the project's grants had disbursed when the order was made (absent before funds were recorded). */
    readonly disbursed?: number;
    readonly currency: 'CNY';
    readonly deadline: string;
    readonly reason: string;
    readonly orderedFrom: ProjectStatus;
    readonly orderedAt: string;
  }
>;

export type ProjectEvent =
  | ApplicationDrafted
  | ApplicationEdited
  | ApplicationDocumentsAttached
  | ApplicationSubmitted
  | ApplicationWithdrawn
  | ApplicationReturned
  | FormalCheckPassed
  | FormalCheckFailed
  | ApplicationRecommended
  | ApplicationNotRecommended
  | ReviewerAssigned
  | ReviewerRecused
  | ReviewScored
  | ReviewScoreCorrected
  | ReviewScoreDrafted
  | SelectionRecorded
  | PublicNoticeRecorded
  | ObjectionFiled
  | ObjectionRejected
  | ObjectionDismissed
  | ObjectionUpheld
  | ProjectRemovedAfterObjection
  | RemovalFromListRecorded
  | ProjectApproved
  | ConstructionPlanSubmitted
  | ConstructionPlanOverdue
  | ConstructionPlanAccepted
  | ConstructionPlanRejected
  | AnnualReportSubmitted
  | AnnualReportOverdue
  | ChangeRequested
  | ChangeApproved
  | ChangeRejected
  | MidtermEvaluated
  | RectificationOrdered
  | RectificationSubmitted
  | RectificationOverdue
  | RectificationAccepted
  | RectificationFailed
  | ProjectSuspended
  | FinalSelfAssessmentSubmitted
  | ConstructionPeriodEnded
  | EvaluationExtended
  | FinalEvaluated
  | ProjectRecognised
  | ProjectAccredited
  | CourseUpdateSubmitted
  | CourseUpdateOverdue
  | ProjectRevoked
  | FundRecoveryOrdered
  | FundsRecovered
  | FundRecoveryOverdue
  | AnnualReportGraded
  | PerformanceWarningIssued
  | NextYearGrantReduced
  | DeadlineReminded;

export type ProjectEventType = ProjectEvent['type'];
