import type { RemindDeadlineData } from '../reminders/reminders';
import type { WorkingDayCalendar } from '../calendar';
import { EnterpriseRules } from '../catalog/program-rules';
import type { RegisteredOrganisation } from '../organisation/organisation';
import { Command, DocumentRef, Role } from '../messages';

/**
 * Commands of the enterprise certification lifecycle (产教融合型企业, 先建后认, domain.md §6).
 * One stream per enterprise (`enterprise-<enterpriseId>`): it holds every application round of the
 * enterprise, its incubation, its certificates and any disqualification.
 */

/**
 * What the application layer reads outside the stream and passes with every command.
 *
 * - `rules`: the enterprise scheme's rules in force (the catalog's `defaultRules` or the configured
 *   override); `rulesVersion` names them and is written into every decision event, so a replay
 *   explains deadlines and ban lengths computed under older rules.
 * - `bans`: disqualification bans on this enterprise known outside this stream (for example recorded
 *   under a former identity before a rename or merger). Only `ApplyForIncubation` reads them, against
 *   `command.now`; a ban recorded in this stream itself is always checked too.
 */
export interface EnterpriseContext {
  readonly rules: EnterpriseRules;
  readonly rulesVersion: string;
  readonly bans?: readonly { readonly until: string }[];
  /** For ApplyForIncubation (required): the applying organisation in the registry; null when it is not registered. */
  readonly applicant?: RegisteredOrganisation | null;
  /** For the two notices (required): the working-day calendar in force, which counts the notice's end. */
  readonly calendar?: WorkingDayCalendar;
}

export type EnterpriseCommandOf<Type extends string, Data> = Command<Type, Data> & {
  readonly context: EnterpriseContext;
};

/** The eligibility gates of 发改社会〔2019〕590号; each must be declared true. */
export interface EligibilityDeclarations {
  readonly registeredAndTaxedInProvince: boolean;
  readonly mainBusinessNotEducation: boolean;
  /** No major environmental, safety or quality accident. */
  readonly noMajorAccident: boolean;
  readonly goodCredit: boolean;
  readonly noTaxViolation: boolean;
}
export type EligibilityGate = keyof EligibilityDeclarations;
export const ELIGIBILITY_GATES: readonly EligibilityGate[] = [
  'registeredAndTaxedInProvince',
  'mainBusinessNotEducation',
  'noMajorAccident',
  'goodCredit',
  'noTaxViolation',
];

export interface ApplyForIncubationData {
  /** Must equal the acting applicant's organisation. */
  readonly enterpriseId: string;
  readonly name: string;
  /** 统一社会信用代码, 18 characters with its GB 32100 check character. */
  readonly creditCode: string;
  /** The city whose bureau recommends the application. */
  readonly region: string;
  readonly declarations: EligibilityDeclarations;
  readonly documents: readonly DocumentRef[];
}

export interface RecommendData {
  readonly opinion: string;
  readonly documents?: readonly DocumentRef[];
}
export interface NotRecommendData {
  readonly reason: string;
}

export type Outcome = 'passed' | 'failed';

/** An expert panel's written assessment (专家评估). */
export interface ExpertAssessment {
  readonly opinion: string;
  readonly documents: readonly DocumentRef[];
}

export interface RecordJointReviewData {
  readonly outcome: Outcome;
  /** Departments that took part in the joint review (部门联审). */
  readonly departments: readonly string[];
  readonly expertAssessment: ExpertAssessment;
  /** Required (≥ 1) when failed. */
  readonly reasons: readonly string[];
}

/** Notice period as the application layer computed it from the rules and the working-day calendar. */
export interface OpenPublicNoticeData {
  /** First day of the notice, a Beijing date 'YYYY-MM-DD', today or later; the rules and the calendar give its end. */
  readonly startsOn: string;
  /** The published 公示 notice. */
  readonly notice?: DocumentRef;
}

export interface FileObjectionData {
  /** Chosen by the application layer; unique within the stream. */
  readonly objectionId: string;
  /** Real name and contact: anonymous objections are inadmissible. Confidential to the office. */
  readonly objector: { readonly name: string; readonly contact: string };
  readonly grounds: string;
  readonly evidence: readonly DocumentRef[];
}

export interface ResolveObjectionData {
  readonly objectionId: string;
  readonly outcome: 'dismissed' | 'upheld';
  readonly reason: string;
  readonly evidence?: readonly DocumentRef[];
}

export interface PublishThreeYearPlanData {
  readonly plan: DocumentRef;
}

export interface SubmitAnnualReportData {
  readonly year: number;
  readonly report: DocumentRef;
}

export interface RecordAnnualReportOverdueData {
  readonly year: number;
}

export type MaterialChangeKind = 'rename' | 'relocation' | 'merger' | 'business-change';
export interface ReportMaterialChangeData {
  readonly kind: MaterialChangeKind;
  readonly details: string;
  /** Required for a rename. */
  readonly newName?: string;
  /** Required for a relocation: the city now responsible. */
  readonly newRegion?: string;
  readonly documents?: readonly DocumentRef[];
}

export interface RequestCertificationData {
  readonly documents: readonly DocumentRef[];
}

export interface RecordCertificationEvaluationData {
  readonly outcome: Outcome;
  readonly assessment: ExpertAssessment;
  /** Required (≥ 1) when failed. */
  readonly reasons: readonly string[];
}

export type DisqualificationGround =
  /** Fraud in the application, an annual report or an assessment. */
  | 'fraud'
  /** A major environmental, safety or quality accident. */
  | 'major-accident'
  | 'infringed-student-rights'
  /** Listed as 失信联合惩戒对象. */
  | 'credit-blacklisted';
export const DISQUALIFICATION_GROUNDS: readonly DisqualificationGround[] = [
  'fraud',
  'major-accident',
  'infringed-student-rights',
  'credit-blacklisted',
];

export interface DisqualifyData {
  readonly ground: DisqualificationGround;
  readonly reason: string;
  readonly evidence: readonly DocumentRef[];
}

type NoData = Readonly<Record<string, never>>;

export type ApplyForIncubation = EnterpriseCommandOf<'ApplyForIncubation', ApplyForIncubationData>;
export type Recommend = EnterpriseCommandOf<'Recommend', RecommendData>;
export type NotRecommend = EnterpriseCommandOf<'NotRecommend', NotRecommendData>;
export type RecordJointReview = EnterpriseCommandOf<'RecordJointReview', RecordJointReviewData>;
export type OpenPublicNotice = EnterpriseCommandOf<'OpenPublicNotice', OpenPublicNoticeData>;
export type FileObjection = EnterpriseCommandOf<'FileObjection', FileObjectionData>;
export type ResolveObjection = EnterpriseCommandOf<'ResolveObjection', ResolveObjectionData>;
export type AdmitToIncubation = EnterpriseCommandOf<'AdmitToIncubation', NoData>;
export type PublishThreeYearPlan = EnterpriseCommandOf<'PublishThreeYearPlan', PublishThreeYearPlanData>;
export type RecordThreeYearPlanOverdue = EnterpriseCommandOf<'RecordThreeYearPlanOverdue', NoData>;
export type RecordMinimumIncubationReached = EnterpriseCommandOf<'RecordMinimumIncubationReached', NoData>;
export type SubmitAnnualReport = EnterpriseCommandOf<'SubmitAnnualReport', SubmitAnnualReportData>;
export type RecordAnnualReportOverdue = EnterpriseCommandOf<'RecordAnnualReportOverdue', RecordAnnualReportOverdueData>;
export type ReportMaterialChange = EnterpriseCommandOf<'ReportMaterialChange', ReportMaterialChangeData>;
export type RequestCertification = EnterpriseCommandOf<'RequestCertification', RequestCertificationData>;
export type RecordCertificationEvaluation = EnterpriseCommandOf<'RecordCertificationEvaluation', RecordCertificationEvaluationData>;
export type OpenCertificationNotice = EnterpriseCommandOf<'OpenCertificationNotice', OpenPublicNoticeData>;
export type Certify = EnterpriseCommandOf<'Certify', NoData>;
export type RequestRecertification = EnterpriseCommandOf<'RequestRecertification', RequestCertificationData>;
export type RecordCertificateExpired = EnterpriseCommandOf<'RecordCertificateExpired', NoData>;
export type Disqualify = EnterpriseCommandOf<'Disqualify', DisqualifyData>;
/** Issued by the scheduler before an obligation falls due or a certificate expires (domain/reminders). */
export type RemindDeadline = EnterpriseCommandOf<'RemindDeadline', RemindDeadlineData>;

export type EnterpriseCommand =
  | ApplyForIncubation
  | Recommend
  | NotRecommend
  | RecordJointReview
  | OpenPublicNotice
  | FileObjection
  | ResolveObjection
  | AdmitToIncubation
  | PublishThreeYearPlan
  | RecordThreeYearPlanOverdue
  | RecordMinimumIncubationReached
  | SubmitAnnualReport
  | RecordAnnualReportOverdue
  | ReportMaterialChange
  | RequestCertification
  | RecordCertificationEvaluation
  | OpenCertificationNotice
  | Certify
  | RequestRecertification
  | RecordCertificateExpired
  | Disqualify
  | RemindDeadline;

export type EnterpriseCommandType = EnterpriseCommand['type'];

/**
 * Who may issue each command (domain.md §7); the decider enforces it and the HTTP layer generates its
 * routes and role matrix from it. The `Record…Overdue`, `RecordMinimumIncubationReached` and
 * `RecordCertificateExpired` commands are issued by the application layer's deadline scheduler acting
 * as the office. Anyone identified may object
 * during a public notice; the auditor issues no command.
 */
export const ENTERPRISE_COMMANDS: Readonly<Record<EnterpriseCommandType, readonly Role[]>> = {
  ApplyForIncubation: ['applicant'],
  Recommend: ['recommender'],
  NotRecommend: ['recommender'],
  RecordJointReview: ['office'],
  OpenPublicNotice: ['office'],
  FileObjection: ['applicant', 'recommender', 'reviewer', 'office'],
  ResolveObjection: ['office'],
  AdmitToIncubation: ['office'],
  PublishThreeYearPlan: ['applicant'],
  RecordThreeYearPlanOverdue: ['office'],
  RemindDeadline: ['office'],
  RecordMinimumIncubationReached: ['office'],
  SubmitAnnualReport: ['applicant'],
  RecordAnnualReportOverdue: ['office'],
  ReportMaterialChange: ['applicant'],
  RequestCertification: ['applicant'],
  RecordCertificationEvaluation: ['office'],
  OpenCertificationNotice: ['office'],
  Certify: ['office'],
  RequestRecertification: ['applicant'],
  RecordCertificateExpired: ['office'],
  Disqualify: ['office'],
};
