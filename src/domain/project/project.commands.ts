import type { RemindDeadlineData } from '../reminders/reminders';
import { CycleRules, PartnerKind } from '../catalog/program-rules';
import type { IndicatorScore } from '../catalog/rubric';
import { Command, DocumentRef, Role } from '../messages';
import type { RegisteredOrganisation } from '../organisation/organisation';
import type { ProjectStatus } from './project.events';

/**
 * Commands of a school-side accreditation project (`project-<projectId>`): 高水平中职, 高水平高职 and
 * its child 专业群 projects, 品牌专业, 精品课程 (domain.md §3–§5). One decider serves them all; what
 * differs between programs is data — the cycle's `CycleRules` and the project's `subject`.
 *
 * Dates without a time ('YYYY-MM-DD') are Beijing calendar dates, and a deadline given as a date
 * runs until the end of that day. Instants are ISO-8601 strings.
 */

// ---------------------------------------------------------------------------------------------
// Context: facts from other streams, read by the application layer and passed with the command.

/** The project's program cycle as its own stream (`cycle-<id>`) has it when the command is decided. */
export interface ProjectCycleFacts {
  readonly id: string;
  readonly programType: string;
  readonly rules: CycleRules;
  readonly rulesVersion: string;
  /** True when the cycle accepts applications at `now`: window opened, deadline not reached, not closed early. */
  readonly windowOpen: boolean;
  /** The window's deadline (ISO-8601): the formal-check period (`rules.formalCheckDays`) counts from its date. */
  readonly closesAt: string;
}

/**
 * A ban on the applicant organisation recorded on another stream of the same program: for a time, after
 * a project was suspended or revoked; or from one cycle, the program's first to open after a project of
 * the applicant was given a barring grade (差 bars the unit from the next cycle [S]).
 */
export type ApplicantBan = TimeBan | NextCycleBan;

export interface TimeBan {
  readonly kind: 'until';
  readonly programType: string;
  /** Last banned day, inclusive. */
  readonly until: string;
  readonly reason: string;
}

export interface NextCycleBan {
  readonly kind: 'next-cycle';
  readonly programType: string;
  /** The cycle barred: the program's first whose window opens after the grade was given. */
  readonly cycleId: string;
  readonly grade: string;
  /** The project that was given the grade. */
  readonly projectId: string;
}

/** An earlier application of the applicant to the program, of the same subject (a major, a course), that was decided. */
export interface EarlierApplication {
  readonly projectId: string;
  readonly cycleId: string;
  /** Approved (立项), whatever came after; otherwise it ended without being selected. */
  readonly selected: boolean;
}

/** For a specialty group: its parent project (the college's), folded from the parent's stream. */
export interface ParentProjectFacts {
  readonly projectId: string;
  readonly programType: string;
  readonly applicantOrg: string;
  readonly status: ProjectStatus;
}

/** A partner of a joint application as the registry holds it: null when the credit code is not registered. */
export interface PartnerFacts {
  readonly creditCode: string;
  readonly organisation: RegisteredOrganisation | null;
}

/** A partner of a joint application, as the application records it. */
export interface Partner {
  /** Its credit code. */
  readonly org: string;
  readonly kind: PartnerKind;
}

/**
 * What a project command needs beyond its own stream. Only these commands read it:
 * - `DraftApplication`: `cycle` (required: the rules are copied into the project's first event, so
 *   every later decision uses the rules the project was drafted under), `applicant` (required: the
 *   drafting organisation as the registry holds it), `applicantBans`, for a specialty group
 *   `parentProject` (null when the parent stream does not exist), and for a joint application
 *   `partners` (each partner named, as the registry holds it).
 * - `EditApplication` naming partners: `partners`.
 * - `SubmitApplication`: `cycle` (required, for the window and a matching cycle), `signsOff`
 *   (required), `applicantBans`, `parentProject`.
 * - `Recommend`: `recommendation` (required: the recommending bureau and the applicant school, as the
 *   registry holds them).
 * - `RecordFormalCheck`: `cycle` (required, for the end of the formal-check period).
 * - every command that references documents: `knownDocuments`, when given, lists the SHA-256 digests
 *   of the documents the store holds, and a reference to any other document is refused.
 * Per-applicant and per-recommender limits are not here: they are registered on the cycle's stream.
 */
/**
 * A reviewer who is a person of the service: their organisation from the registry, whether they are in
 * the reviewer pool (an expert grant), and the organisations their profile declares a relation with.
 */
export interface ReviewerFacts {
  readonly organisationId: string;
  readonly expert: boolean;
  readonly affiliations: readonly string[];
}

export interface ProjectContext {
  readonly cycle?: ProjectCycleFacts;
  /** The drafting organisation in the registry; null when it is not registered. */
  readonly applicant?: RegisteredOrganisation | null;
  /** Whether the person submitting holds the applicant school's 校长/法人 sign-off (a school-head grant). */
  readonly signsOff?: boolean;
  /** The recommending organisation and the applicant school in the registry; null where one is not registered. */
  readonly recommendation?: { readonly recommender: RegisteredOrganisation | null; readonly applicant: RegisteredOrganisation | null };
  /** For AssignReviewer, when the reviewer is a person of the service (a token's user is not). */
  readonly reviewer?: ReviewerFacts | null;
  readonly applicantBans?: readonly ApplicantBan[];
  /** For DraftApplication under a reapplication rule: the applicant's decided earlier applications of the same subject (absent: none). */
  readonly earlierApplications?: readonly EarlierApplication[];
  readonly parentProject?: ParentProjectFacts | null;
  /** For OrderFundRecovery: what the project's grants disbursed (yuan), from its cycle's funds. */
  readonly fundsDisbursed?: number;
  /** For SubmitAnnualReport stating the use of funds: what the project's grants paid, by source. */
  readonly fundsPaidBySource?: FundsBySource;
  /** For DraftApplication and EditApplication naming partners: each partner as the registry holds it. */
  readonly partners?: readonly PartnerFacts[];
  readonly knownDocuments?: readonly string[];
}

export type ProjectCommandOf<Type extends string, Data> = Command<Type, Data> & { readonly context?: ProjectContext };

/** A command that cannot be decided without the cycle's facts. */
export type CycleCommandOf<Type extends string, Data> = Command<Type, Data> & {
  readonly context: ProjectContext & { readonly cycle: ProjectCycleFacts };
};

// ---------------------------------------------------------------------------------------------
// What a project is about: one shape per program, chosen by the program type.

export interface Major {
  readonly code: string;
  readonly name: string;
}

/** The applicant itself: the school or college (高水平中职, 高水平高职), the city of a city pilot. */
export interface SchoolSubject {
  readonly kind: 'school';
}

/** A specialty group (专业群) of a college, a child of the college's project. */
export interface SpecialtyGroupSubject {
  readonly kind: 'specialty-group';
  readonly parentProjectId: string;
  readonly groupName: string;
  /** rules.specialtyGroup.minMajors to maxMajors (3–5 [S]), codes unique. */
  readonly majors: readonly Major[];
  /** The tier applied for, when the cycle has tiers; the selection decides the tier granted. */
  readonly tier?: string | null;
}

/** One major of a school (品牌专业). */
export interface MajorSubject {
  readonly kind: 'major';
  readonly majorCode: string;
  readonly majorName: string;
}

/** One course (精品课程): eligible with ≥ rules.course.minClassHours and ≥ minSemestersTaught already taught online [S]. */
export interface CourseSubject {
  readonly kind: 'course';
  readonly courseName: string;
  readonly classHours: number;
  readonly semestersTaught: number;
}

export type ProjectSubject = SchoolSubject | SpecialtyGroupSubject | MajorSubject | CourseSubject;
export type SubjectKind = ProjectSubject['kind'];

// ---------------------------------------------------------------------------------------------
// Selection (§3)

export interface DraftApplicationData {
  /** Chosen by the application layer; the stream is `project-<projectId>`. */
  readonly projectId: string;
  readonly cycleId: string;
  readonly programType: string;
  readonly title: string;
  readonly subject: ProjectSubject;
  /** Required when the same subject applied before and was not selected: what changed since. */
  readonly changesSinceLastApplication?: string;
  /** A joint application's partners besides the drafting lead, by credit code (the cycle's `partners` rule). */
  readonly partners?: readonly string[];
}

export interface EditApplicationData {
  readonly title?: string;
  readonly subject?: ProjectSubject;
  /** Replaces a joint application's partners. */
  readonly partners?: readonly string[];
}

/** The documents a draft keeps until it is submitted: the lead uploads them, the head submits them. */
export interface AttachApplicationDocumentsData {
  /** 申报书; null takes it off the draft. */
  readonly applicationForm: DocumentRef | null;
  readonly attachments: readonly DocumentRef[];
}

export interface SubmitApplicationData {
  /** 申报书. */
  readonly applicationForm: DocumentRef;
  /** 真实性声明 and 承诺书, both required [S]. */
  readonly declarations: { readonly authenticity: DocumentRef; readonly commitment: DocumentRef };
  readonly attachments?: readonly DocumentRef[];
}

export interface WithdrawApplicationData {
  readonly reason?: string;
}

export interface ReasonData {
  readonly reason: string;
}

export type FormalCheckResult = 'passed' | 'failed';

export interface RecordFormalCheckData {
  readonly result: FormalCheckResult;
  /** At least one when the check failed. */
  readonly reasons?: readonly string[];
}

export interface RecommendData {
  /** 1 = first; unique per recommender and within its limit, which the cycle's stream enforces. */
  readonly rank: number;
  readonly opinion?: string;
}

export interface AssignReviewerData {
  readonly reviewerId: string;
  readonly reviewerOrg: string;
  /** Organisations the reviewer declared a relation with (employment, consultancy, family): none may be the applicant. */
  readonly declaredRelations: readonly string[];
}

/** A single score (0–100) where the cycle has no rubric; a score of each indicator of its rubric where it has one. */
export interface ScoreReviewData {
  readonly score?: number;
  readonly indicators?: readonly IndicatorScore[];
  readonly comments: string;
}

/** A reviewer's score as far as it goes, kept until submitted: any part of it, checked as far as it is given. */
export interface SaveScoreDraftData {
  readonly score?: number;
  readonly indicators?: readonly IndicatorScore[];
  readonly comments?: string;
}

export interface CorrectScoreData {
  readonly reviewerId: string;
  readonly score?: number;
  readonly indicators?: readonly IndicatorScore[];
  readonly reason: string;
}

/** Carried from the cycle's shortlist decision by the application layer; idempotent per decision. */
export type RecordSelectionData =
  | { readonly decision: 'shortlisted'; readonly cycleDecisionId: string; readonly tier?: string; readonly reason?: string }
  | { readonly decision: 'not-selected'; readonly cycleDecisionId: string; readonly reason: string };

/** Carried from the cycle's PublicNoticeOpened; idempotent per notice. */
export interface RecordPublicNoticeData {
  readonly noticeId: string;
  /** First and last day of the notice; objections are admissible through the end of endsOn. */
  readonly startsOn: string;
  readonly endsOn: string;
  readonly document?: DocumentRef;
}

export interface FileObjectionData {
  /** Chosen by the application layer; unique within the stream. */
  readonly objectionId: string;
  /** Real name and contact; absent or blank makes the objection anonymous, hence inadmissible. Confidential to the office. */
  readonly objector?: { readonly name: string; readonly contact: string; readonly organisation?: string };
  readonly grounds: string;
  /** None makes the objection inadmissible. */
  readonly evidence?: readonly DocumentRef[];
}

export interface ResolveObjectionData {
  readonly objectionId: string;
  readonly outcome: 'dismissed' | 'upheld';
  readonly reason: string;
  readonly evidence?: readonly DocumentRef[];
}

/** Carried from the cycle's ProjectRemovedFromList; idempotent per removal. */
export interface RecordRemovalFromListData {
  /** The cycle event that removed the project. */
  readonly removalId: string;
  readonly reason: string;
  readonly objectionId?: string | null;
}

/** Carried from the cycle's ListApproved; idempotent per decision. */
export interface RecordApprovalData {
  readonly cycleDecisionId: string;
  readonly reason?: string;
  /** The approval notice (立项文件). */
  readonly document?: DocumentRef;
}

// ---------------------------------------------------------------------------------------------
// Construction and evaluation (§4), revocation (§5)

export interface SubmitConstructionPlanData {
  /** 建设方案. */
  readonly plan: DocumentRef;
  /** 任务书. */
  readonly taskBook: DocumentRef;
}

export interface RejectConstructionPlanData {
  readonly reasons: readonly string[];
}

/** Yuan of each source of funds, as an annual report states their use. */
export type FundsBySource = Readonly<Partial<Record<'central' | 'provincial' | 'matching', number>>>;

export interface SubmitAnnualReportData {
  /** The calendar year reported on. */
  readonly year: number;
  readonly report: DocumentRef;
  /** The funds used in the year, by source (资金使用情况): with the years before, at most what was paid from each. */
  readonly fundsUsed?: FundsBySource;
}

export interface YearData {
  readonly year: number;
}

export interface RequestChangeData {
  readonly description: string;
  readonly documents: readonly DocumentRef[];
}

export interface DecideChangeData {
  /** As recorded by ChangeRequested (`change-<n>`). */
  readonly changeId: string;
  readonly decision: 'approved' | 'rejected';
  readonly reason: string;
  /** The expert review the decision rests on [S]. */
  readonly expertReview: DocumentRef;
}

/** The four dimensions of Shanxi's mid-term evaluation [S]. */
export interface MidtermFindings {
  readonly targetsAndTasks: string;
  readonly useOfFunds: string;
  readonly results: string;
  readonly impact: string;
}

export interface RecordMidtermEvaluationData {
  readonly findings: MidtermFindings;
  /** One of rules.gradeScale.grades. */
  readonly grade: string;
  /** 0–100. */
  readonly tasksCompletedPercent: number;
  /** The expert panel's report. */
  readonly report: DocumentRef;
}

export interface OrderRectificationData {
  readonly findings: readonly string[];
  /** After today, and at most rules.maxRectificationMonths from today. */
  readonly deadline: string;
}

export interface SubmitRectificationData {
  readonly report: DocumentRef;
}

/** Names the rectification whose deadline passed (`rectification-<n>`, as RectificationOrdered recorded it). */
export interface RectificationIdData {
  readonly rectificationId: string;
}

export interface SubmitFinalSelfAssessmentData {
  readonly report: DocumentRef;
}

export interface GrantExtensionData {
  /** The new last day of construction, later than the current one. */
  readonly newEndsOn: string;
  readonly reason: string;
  /** The applicant's request [S]. */
  readonly request: DocumentRef;
}

export interface RecordFinalEvaluationData {
  /** One of rules.gradeScale.grades. */
  readonly grade: string;
  readonly findings: string;
  /** 验收报告. */
  readonly report: DocumentRef;
}

export interface AccreditData {
  /** The accreditation notice (认定文件). */
  readonly document?: DocumentRef;
}

export interface SubmitCourseUpdateData {
  /** The year the academic year starts in: 2024 = 2024–2025 (1 September to 31 August). */
  readonly academicYear: number;
  readonly summary: string;
  readonly documents: readonly DocumentRef[];
}

export interface AcademicYearData {
  readonly academicYear: number;
}

/** The revocation triggers of domain.md §5. */
export type RevocationReason =
  | 'fraud'
  | 'major-violation'
  | 'failed-rectification'
  | 'failed-acceptance'
  | 'ceased-to-exist'
  | 'obligations-breached'
  | 'upheld-objection'
  /** A run of poor yearly grades long enough for the rules to remove the project (有进有出). */
  | 'poor-performance';
export const REVOCATION_REASONS: readonly RevocationReason[] = [
  'fraud',
  'major-violation',
  'failed-rectification',
  'failed-acceptance',
  'ceased-to-exist',
  'obligations-breached',
  'upheld-objection',
  'poor-performance',
];

export interface RevokeProjectData {
  readonly reason: RevocationReason;
  readonly explanation: string;
  /** At least one. */
  readonly evidence: readonly DocumentRef[];
  /** Last banned day; today + rules.bans.revocationYears when absent. */
  readonly banUntil?: string;
}

export interface OrderFundRecoveryData {
  /** Yuan, > 0, at most what the project's grants disbursed. */
  readonly amount: number;
  /** After today. */
  readonly deadline: string;
  readonly reason: string;
}

type NoData = Readonly<Record<string, never>>;

export type DraftApplication = CycleCommandOf<'DraftApplication', DraftApplicationData>;
export type EditApplication = ProjectCommandOf<'EditApplication', EditApplicationData>;
export type AttachApplicationDocuments = ProjectCommandOf<'AttachApplicationDocuments', AttachApplicationDocumentsData>;
export type SubmitApplication = CycleCommandOf<'SubmitApplication', SubmitApplicationData>;
export type WithdrawApplication = ProjectCommandOf<'WithdrawApplication', WithdrawApplicationData>;
export type ReturnForRevision = ProjectCommandOf<'ReturnForRevision', ReasonData>;
export type RecordFormalCheck = CycleCommandOf<'RecordFormalCheck', RecordFormalCheckData>;
export type Recommend = ProjectCommandOf<'Recommend', RecommendData>;
export type NotRecommend = ProjectCommandOf<'NotRecommend', ReasonData>;
export type AssignReviewer = ProjectCommandOf<'AssignReviewer', AssignReviewerData>;
export type DeclareConflict = ProjectCommandOf<'DeclareConflict', ReasonData>;
export type ScoreReview = ProjectCommandOf<'ScoreReview', ScoreReviewData>;
export type SaveScoreDraft = ProjectCommandOf<'SaveScoreDraft', SaveScoreDraftData>;
export type CorrectScore = ProjectCommandOf<'CorrectScore', CorrectScoreData>;
export type RecordSelection = ProjectCommandOf<'RecordSelection', RecordSelectionData>;
export type RecordPublicNotice = ProjectCommandOf<'RecordPublicNotice', RecordPublicNoticeData>;
export type FileObjection = ProjectCommandOf<'FileObjection', FileObjectionData>;
export type ResolveObjection = ProjectCommandOf<'ResolveObjection', ResolveObjectionData>;
export type RecordRemovalFromList = ProjectCommandOf<'RecordRemovalFromList', RecordRemovalFromListData>;
export type RecordApproval = ProjectCommandOf<'RecordApproval', RecordApprovalData>;
export type SubmitConstructionPlan = ProjectCommandOf<'SubmitConstructionPlan', SubmitConstructionPlanData>;
export type RecordConstructionPlanOverdue = ProjectCommandOf<'RecordConstructionPlanOverdue', NoData>;
export type AcceptConstructionPlan = ProjectCommandOf<'AcceptConstructionPlan', NoData>;
export type RejectConstructionPlan = ProjectCommandOf<'RejectConstructionPlan', RejectConstructionPlanData>;
export type SubmitAnnualReport = ProjectCommandOf<'SubmitAnnualReport', SubmitAnnualReportData>;
export type RecordAnnualReportOverdue = ProjectCommandOf<'RecordAnnualReportOverdue', YearData>;
export type RequestChange = ProjectCommandOf<'RequestChange', RequestChangeData>;
export type DecideChange = ProjectCommandOf<'DecideChange', DecideChangeData>;
export type RecordMidtermEvaluation = ProjectCommandOf<'RecordMidtermEvaluation', RecordMidtermEvaluationData>;
export type OrderRectification = ProjectCommandOf<'OrderRectification', OrderRectificationData>;
export type SubmitRectification = ProjectCommandOf<'SubmitRectification', SubmitRectificationData>;
export type AcceptRectification = ProjectCommandOf<'AcceptRectification', ReasonData>;
export type RecordRectificationOverdue = ProjectCommandOf<'RecordRectificationOverdue', RectificationIdData>;
export type FailRectification = ProjectCommandOf<'FailRectification', ReasonData>;
export type Suspend = ProjectCommandOf<'Suspend', ReasonData>;
export type RecordConstructionPeriodEnded = ProjectCommandOf<'RecordConstructionPeriodEnded', NoData>;
export type SubmitFinalSelfAssessment = ProjectCommandOf<'SubmitFinalSelfAssessment', SubmitFinalSelfAssessmentData>;
export type GrantExtension = ProjectCommandOf<'GrantExtension', GrantExtensionData>;
export type RecordFinalEvaluation = ProjectCommandOf<'RecordFinalEvaluation', RecordFinalEvaluationData>;
export type Accredit = ProjectCommandOf<'Accredit', AccreditData>;
export type SubmitCourseUpdate = ProjectCommandOf<'SubmitCourseUpdate', SubmitCourseUpdateData>;
export type RecordCourseUpdateOverdue = ProjectCommandOf<'RecordCourseUpdateOverdue', AcademicYearData>;
export type RevokeProject = ProjectCommandOf<'RevokeProject', RevokeProjectData>;
export type OrderFundRecovery = ProjectCommandOf<'OrderFundRecovery', OrderFundRecoveryData>;

/** The office grades a year's annual report (年度绩效评价) on the cycle's grade scale. */
export interface GradeAnnualReportData {
  readonly year: number;
  readonly grade: string;
  readonly reason: string;
  /** The evaluation the grade rests on (年度绩效评价报告). */
  readonly report: DocumentRef;
  /** Where the rules order a rectification for the run of poor years: what to put right, by when. */
  readonly rectification?: { readonly findings: readonly string[]; readonly deadline: string };
}

export type GradeAnnualReport = ProjectCommandOf<'GradeAnnualReport', GradeAnnualReportData>;

export interface RecordFundsRecoveredData {
  /** Yuan returned; payments add up to at most the amount ordered. */
  readonly amount: number;
  /** The day it was returned (Beijing date). */
  readonly recoveredOn: string;
  readonly reference?: string;
}

/** The office records money returned under a recovery order. */
export type RecordFundsRecovered = ProjectCommandOf<'RecordFundsRecovered', RecordFundsRecoveredData>;
/** Issued by the scheduler once a recovery's deadline passed with money outstanding. */
export type RecordFundRecoveryOverdue = ProjectCommandOf<'RecordFundRecoveryOverdue', NoData>;
/** Issued by the scheduler before an obligation falls due (domain/reminders). */
export type RemindDeadline = ProjectCommandOf<'RemindDeadline', RemindDeadlineData>;

export type ProjectCommand =
  | DraftApplication
  | EditApplication
  | AttachApplicationDocuments
  | SubmitApplication
  | WithdrawApplication
  | ReturnForRevision
  | RecordFormalCheck
  | Recommend
  | NotRecommend
  | AssignReviewer
  | DeclareConflict
  | ScoreReview
  | CorrectScore
  | RecordSelection
  | RecordPublicNotice
  | FileObjection
  | ResolveObjection
  | RecordRemovalFromList
  | RecordApproval
  | SubmitConstructionPlan
  | RecordConstructionPlanOverdue
  | AcceptConstructionPlan
  | RejectConstructionPlan
  | SubmitAnnualReport
  | RecordAnnualReportOverdue
  | RequestChange
  | DecideChange
  | RecordMidtermEvaluation
  | OrderRectification
  | SubmitRectification
  | AcceptRectification
  | RecordRectificationOverdue
  | FailRectification
  | Suspend
  | RecordConstructionPeriodEnded
  | SubmitFinalSelfAssessment
  | GrantExtension
  | RecordFinalEvaluation
  | Accredit
  | SubmitCourseUpdate
  | RecordCourseUpdateOverdue
  | RevokeProject
  | OrderFundRecovery
  | RecordFundsRecovered
  | RecordFundRecoveryOverdue
  | GradeAnnualReport
  | SaveScoreDraft
  | RemindDeadline;

export type ProjectCommandType = ProjectCommand['type'];

/**
 * Who may issue each command (domain.md §7): the decider enforces it, and the HTTP layer generates its
 * routes and route × role matrix from it. RecordSelection, RecordPublicNotice, RecordRemovalFromList and RecordApproval carry
 * the cycle's decisions to the project (the office user who decided on the cycle is the actor);
 * Record…Overdue and RecordConstructionPeriodEnded are issued by the deadline scheduler acting as the
 * office. Anyone identified may object during a public notice; the auditor issues no command.
 */
export const PROJECT_COMMANDS: Readonly<Record<ProjectCommandType, readonly Role[]>> = {
  DraftApplication: ['applicant'],
  EditApplication: ['applicant'],
  AttachApplicationDocuments: ['applicant'],
  SubmitApplication: ['applicant'],
  WithdrawApplication: ['applicant'],
  ReturnForRevision: ['office'],
  RecordFormalCheck: ['office', 'recommender'],
  Recommend: ['recommender'],
  NotRecommend: ['recommender'],
  AssignReviewer: ['office'],
  DeclareConflict: ['reviewer'],
  ScoreReview: ['reviewer'],
  SaveScoreDraft: ['reviewer'],
  CorrectScore: ['office'],
  RecordSelection: ['office'],
  RecordPublicNotice: ['office'],
  FileObjection: ['applicant', 'recommender', 'reviewer', 'office', 'public'],
  ResolveObjection: ['office'],
  RecordRemovalFromList: ['office'],
  RecordApproval: ['office'],
  SubmitConstructionPlan: ['applicant'],
  RecordConstructionPlanOverdue: ['office'],
  RemindDeadline: ['office'],
  AcceptConstructionPlan: ['office'],
  RejectConstructionPlan: ['office'],
  SubmitAnnualReport: ['applicant'],
  RecordAnnualReportOverdue: ['office'],
  RequestChange: ['applicant'],
  DecideChange: ['office'],
  RecordMidtermEvaluation: ['office'],
  OrderRectification: ['office'],
  SubmitRectification: ['applicant'],
  AcceptRectification: ['office'],
  RecordRectificationOverdue: ['office'],
  FailRectification: ['office'],
  Suspend: ['office'],
  RecordConstructionPeriodEnded: ['office'],
  SubmitFinalSelfAssessment: ['applicant'],
  GrantExtension: ['office'],
  RecordFinalEvaluation: ['office'],
  Accredit: ['office'],
  SubmitCourseUpdate: ['applicant'],
  RecordCourseUpdateOverdue: ['office'],
  RevokeProject: ['office'],
  OrderFundRecovery: ['office'],
  RecordFundsRecovered: ['office'],
  RecordFundRecoveryOverdue: ['office'],
  GradeAnnualReport: ['office'],
};

export const PROJECT_COMMAND_TYPES: readonly ProjectCommandType[] = Object.keys(PROJECT_COMMANDS) as ProjectCommandType[];
