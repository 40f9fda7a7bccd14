import type { DeadlineReminded } from '../reminders/reminders';
import { NoticeUnit } from '../catalog/program-rules';
import { DocumentRef, Event } from '../messages';
import {
  DisqualificationGround,
  EligibilityDeclarations,
  EligibilityGate,
  ExpertAssessment,
  MaterialChangeKind,
} from './enterprise.commands';

/**
 * Events of the enterprise certification lifecycle. Instants are ISO-8601 UTC strings; dates of the
 * annual-report deadline are Beijing calendar dates ('YYYY-MM-DD'), as the notices state them.
 * `applicationNo` counts the enterprise's application rounds (1-based), since one stream keeps them all.
 */

/** Which public notice: the one before admission to incubation, or the one before certification. */
export type NoticeStage = 'admission' | 'certification';
/** First certification after incubation, or renewal of a certificate. */
export type CertificationKind = 'initial' | 'renewal';
export type ObjectionRejectionReason = 'anonymous' | 'no-evidence' | 'before-notice' | 'late';

interface ApplicationFacts {
  readonly applicationNo: number;
  readonly enterpriseId: string;
  readonly name: string;
  readonly creditCode: string;
  readonly region: string;
  readonly declarations: EligibilityDeclarations;
  readonly documents: readonly DocumentRef[];
  readonly submittedAt: string;
  readonly rulesVersion: string;
}

export type IncubationApplicationSubmitted = Event<'IncubationApplicationSubmitted', ApplicationFacts>;
/** The enterprise declared it fails one or more eligibility gates: recorded, not admitted. */
export type IncubationApplicationIneligible = Event<
  'IncubationApplicationIneligible',
  ApplicationFacts & { readonly failedGates: readonly EligibilityGate[] }
>;
export type IncubationApplicationRecommended = Event<
  'IncubationApplicationRecommended',
  {
    readonly applicationNo: number;
    readonly region: string;
    readonly opinion: string;
    readonly documents: readonly DocumentRef[];
    readonly rulesVersion: string;
  }
>;
export type IncubationApplicationNotRecommended = Event<
  'IncubationApplicationNotRecommended',
  { readonly applicationNo: number; readonly region: string; readonly reason: string; readonly rulesVersion: string }
>;

interface JointReviewFacts {
  readonly applicationNo: number;
  readonly departments: readonly string[];
  readonly expertAssessment: ExpertAssessment;
  readonly reasons: readonly string[];
  readonly rulesVersion: string;
}
export type JointReviewPassed = Event<'JointReviewPassed', JointReviewFacts>;
export type JointReviewFailed = Event<'JointReviewFailed', JointReviewFacts>;

export type PublicNoticeOpened = Event<
  'PublicNoticeOpened',
  {
    readonly stage: NoticeStage;
    /** Counts the stream's notices (1-based), so objections are tied to the notice they were filed under. */
    readonly noticeNo: number;
    readonly startsAt: string;
    readonly endsAt: string;
    /** The notice length the rules prescribe, recorded so the computed `endsAt` can be checked on replay. */
    readonly length: number;
    readonly unit: NoticeUnit;
    /** The working-day calendar the end was counted with; absent from notices opened before it was recorded. */
    readonly calendarVersion?: string;
    readonly notice: DocumentRef | null;
    readonly rulesVersion: string;
  }
>;

/** `objector` is confidential: read models shown to anyone but the office must drop it. */
export type ObjectionFiled = Event<
  'ObjectionFiled',
  {
    readonly objectionId: string;
    readonly noticeNo: number;
    readonly stage: NoticeStage;
    readonly objector: { readonly name: string; readonly contact: string };
    readonly grounds: string;
    readonly evidence: readonly DocumentRef[];
    readonly filedAt: string;
  }
>;
export type ObjectionRejected = Event<
  'ObjectionRejected',
  {
    readonly objectionId: string;
    readonly noticeNo: number;
    readonly stage: NoticeStage;
    readonly reasons: readonly ObjectionRejectionReason[];
    readonly objector: { readonly name: string; readonly contact: string };
    readonly grounds: string;
    readonly evidence: readonly DocumentRef[];
    readonly filedAt: string;
  }
>;

interface ObjectionResolution {
  readonly objectionId: string;
  readonly reason: string;
  readonly evidence: readonly DocumentRef[];
  readonly rulesVersion: string;
}
export type ObjectionDismissed = Event<'ObjectionDismissed', ObjectionResolution>;
export type ObjectionUpheld = Event<'ObjectionUpheld', ObjectionResolution>;
export type AdmissionRefusedAfterObjection = Event<
  'AdmissionRefusedAfterObjection',
  { readonly applicationNo: number; readonly objectionId: string; readonly reason: string; readonly rulesVersion: string }
>;
export type CertificationRefusedAfterObjection = Event<
  'CertificationRefusedAfterObjection',
  { readonly kind: CertificationKind; readonly objectionId: string; readonly reason: string; readonly rulesVersion: string }
>;

export type AdmittedToIncubation = Event<
  'AdmittedToIncubation',
  {
    readonly applicationNo: number;
    readonly admittedAt: string;
    readonly threeYearPlanDue: string;
    readonly earliestCertificationAt: string;
    readonly threeYearPlanDueMonths: number;
    readonly minIncubationMonths: number;
    readonly rulesVersion: string;
  }
>;

export type ThreeYearPlanPublished = Event<
  'ThreeYearPlanPublished',
  { readonly plan: DocumentRef; readonly publishedAt: string; readonly due: string; readonly late: boolean }
>;
export type ThreeYearPlanOverdue = Event<'ThreeYearPlanOverdue', { readonly due: string; readonly recordedAt: string }>;

/**
 * The minimum incubation (rules.minIncubationMonths after admission, fixed then) is over: certification
 * may be requested from `earliestCertificationAt` on. Recorded once, by the deadline scheduler acting as
 * the office, while the enterprise is still incubating.
 */
export type MinimumIncubationReached = Event<
  'MinimumIncubationReached',
  { readonly earliestCertificationAt: string; readonly recordedAt: string; readonly rulesVersion: string }
>;

export type AnnualReportSubmitted = Event<
  'AnnualReportSubmitted',
  {
    readonly year: number;
    readonly report: DocumentRef;
    readonly submittedAt: string;
    /** Beijing date by which the report was due. */
    readonly due: string;
    readonly late: boolean;
    readonly rulesVersion: string;
  }
>;
export type AnnualReportOverdue = Event<
  'AnnualReportOverdue',
  { readonly year: number; readonly due: string; readonly recordedAt: string; readonly rulesVersion: string }
>;

export type MaterialChangeReported = Event<
  'MaterialChangeReported',
  {
    readonly kind: MaterialChangeKind;
    readonly details: string;
    readonly documents: readonly DocumentRef[];
    readonly reportedAt: string;
    readonly newName?: string;
    readonly newRegion?: string;
  }
>;

export type CertificationRequested = Event<
  'CertificationRequested',
  {
    readonly kind: CertificationKind;
    readonly documents: readonly DocumentRef[];
    readonly requestedAt: string;
    readonly rulesVersion: string;
  }
>;

interface CertificationEvaluationFacts {
  readonly kind: CertificationKind;
  readonly assessment: ExpertAssessment;
  readonly reasons: readonly string[];
  readonly rulesVersion: string;
}
export type CertificationEvaluationPassed = Event<'CertificationEvaluationPassed', CertificationEvaluationFacts>;
/** An initial request returns to incubation; a renewal leaves the current certificate as it was. */
export type CertificationEvaluationFailed = Event<'CertificationEvaluationFailed', CertificationEvaluationFacts>;

export type EnterpriseCertified = Event<
  'EnterpriseCertified',
  {
    /** The enterprise's certificates are numbered 1, 2, … in the order granted. */
    readonly certificateNo: number;
    readonly kind: CertificationKind;
    readonly certifiedAt: string;
    readonly validUntil: string;
    readonly validityYears: number;
    /** The certificate this one renews (and supersedes if still in force), or null. */
    readonly renewalOf: number | null;
    readonly rulesVersion: string;
  }
>;
export type CertificateExpired = Event<
  'CertificateExpired',
  { readonly certificateNo: number; readonly validUntil: string; readonly recordedAt: string }
>;

export type EnterpriseDisqualified = Event<
  'EnterpriseDisqualified',
  {
    readonly ground: DisqualificationGround;
    readonly reason: string;
    readonly evidence: readonly DocumentRef[];
    readonly disqualifiedAt: string;
    readonly bannedUntil: string;
    readonly banYears: number;
    /** The certificate withdrawn by the disqualification, or null if none was in force. */
    readonly revokedCertificateNo: number | null;
    readonly rulesVersion: string;
  }
>;

export type EnterpriseEvent =
  | IncubationApplicationSubmitted
  | IncubationApplicationIneligible
  | IncubationApplicationRecommended
  | IncubationApplicationNotRecommended
  | JointReviewPassed
  | JointReviewFailed
  | PublicNoticeOpened
  | ObjectionFiled
  | ObjectionRejected
  | ObjectionDismissed
  | ObjectionUpheld
  | AdmissionRefusedAfterObjection
  | CertificationRefusedAfterObjection
  | AdmittedToIncubation
  | ThreeYearPlanPublished
  | ThreeYearPlanOverdue
  | MinimumIncubationReached
  | AnnualReportSubmitted
  | AnnualReportOverdue
  | MaterialChangeReported
  | CertificationRequested
  | CertificationEvaluationPassed
  | CertificationEvaluationFailed
  | EnterpriseCertified
  | CertificateExpired
  | EnterpriseDisqualified
  | DeadlineReminded;

export type EnterpriseEventType = EnterpriseEvent['type'];
