import { DisqualificationGround } from './enterprise.commands';
import { CertificationKind, EnterpriseEvent, NoticeStage } from './enterprise.events';

/**
 * What an enterprise's stream (`enterprise-<enterpriseId>`) folds into: every application round, the
 * incubation, the certificates and any disqualification. `status` is answered by the API as it is.
 */

/** Every status of an enterprise's file; 'None' is the state of a stream not yet written. */
export const ENTERPRISE_STATUSES = [
  'None',
  'Submitted',
  'Recommended',
  'JointlyReviewed',
  /** Either notice: see `notice.stage`. */
  'InPublicNotice',
  'InIncubation',
  'CertificationRequested',
  'CertificationEvaluated',
  'Certified',
  /** The last certificate ran out; the enterprise may still request re-certification. */
  'CertificateExpired',
  'NotAdmitted',
  'Disqualified',
] as const;
export type EnterpriseStatus = (typeof ENTERPRISE_STATUSES)[number];

export interface EnterpriseObjection {
  readonly objectionId: string;
  readonly noticeNo: number;
  readonly stage: NoticeStage;
  readonly status: 'open' | 'rejected' | 'dismissed' | 'upheld';
}

export interface EnterpriseCertificate {
  readonly certificateNo: number;
  readonly certifiedAt: string;
  readonly validUntil: string;
  /** Null while in force. */
  readonly ended: { readonly reason: 'expired' | 'superseded' | 'revoked'; readonly at: string } | null;
}

export interface EnterpriseIncubation {
  readonly admittedAt: string;
  readonly threeYearPlanDue: string;
  readonly earliestCertificationAt: string;
  readonly threeYearPlan: { readonly publishedAt: string; readonly late: boolean } | null;
  readonly threeYearPlanOverdue: boolean;
  /** MinimumIncubationReached was recorded: certification may be requested. */
  readonly minimumIncubationReached: boolean;
  readonly annualReports: readonly { readonly year: number; readonly status: 'submitted' | 'overdue' }[];
}

export interface EnterpriseState {
  readonly status: EnterpriseStatus;
  readonly enterpriseId: string | null;
  readonly name: string | null;
  readonly creditCode: string | null;
  /** The city whose recommender acts on the enterprise (updated by a reported relocation). */
  readonly region: string | null;
  /** Application rounds so far; an enterprise not admitted, or disqualified and no longer banned, may apply again. */
  readonly applicationNo: number;
  /** Why the current round ended in NotAdmitted. */
  readonly notAdmittedAt: 'eligibility' | 'recommendation' | 'joint-review' | 'objection' | null;
  /** The notice in progress; non-null exactly while InPublicNotice. */
  readonly notice: {
    readonly stage: NoticeStage;
    readonly noticeNo: number;
    readonly startsAt: string;
    readonly endsAt: string;
  } | null;
  readonly noticeCount: number;
  readonly objections: readonly EnterpriseObjection[];
  /** Set on admission for the current round. */
  readonly incubation: EnterpriseIncubation | null;
  /** The certification request in progress. */
  readonly certification: { readonly kind: CertificationKind; readonly requestedAt: string } | null;
  /** Every certificate ever granted, oldest first. */
  readonly certificates: readonly EnterpriseCertificate[];
  /** The latest disqualification; its ban outlives later rounds so it stays on record. */
  readonly disqualification: { readonly ground: DisqualificationGround; readonly at: string; readonly bannedUntil: string } | null;
}

export const initialEnterpriseState: EnterpriseState = {
  status: 'None',
  enterpriseId: null,
  name: null,
  creditCode: null,
  region: null,
  applicationNo: 0,
  notAdmittedAt: null,
  notice: null,
  noticeCount: 0,
  objections: [],
  incubation: null,
  certification: null,
  certificates: [],
  disqualification: null,
};

// ---------------------------------------------------------------------------------------------

/** Total: never throws, and an unknown event leaves the state as it was. */
export function evolveEnterprise(state: EnterpriseState, event: EnterpriseEvent): EnterpriseState {
  switch (event.type) {
    case 'IncubationApplicationSubmitted':
    case 'IncubationApplicationIneligible': {
      const d = event.data;
      const ineligible = event.type === 'IncubationApplicationIneligible';
      return {
        ...state,
        status: ineligible ? 'NotAdmitted' : 'Submitted',
        enterpriseId: d.enterpriseId,
        name: d.name,
        creditCode: d.creditCode,
        region: d.region,
        applicationNo: d.applicationNo,
        notAdmittedAt: ineligible ? 'eligibility' : null,
        notice: null,
        incubation: null,
        certification: null,
      };
    }
    case 'IncubationApplicationRecommended':
      return { ...state, status: 'Recommended' };
    case 'IncubationApplicationNotRecommended':
      return { ...state, status: 'NotAdmitted', notAdmittedAt: 'recommendation' };
    case 'JointReviewPassed':
      return { ...state, status: 'JointlyReviewed' };
    case 'JointReviewFailed':
      return { ...state, status: 'NotAdmitted', notAdmittedAt: 'joint-review' };
    case 'PublicNoticeOpened': {
      const { stage, noticeNo, startsAt, endsAt } = event.data;
      return { ...state, status: 'InPublicNotice', notice: { stage, noticeNo, startsAt, endsAt }, noticeCount: Math.max(state.noticeCount, noticeNo) };
    }
    case 'ObjectionFiled':
    case 'ObjectionRejected': {
      const { objectionId, noticeNo, stage } = event.data;
      const status = event.type === 'ObjectionFiled' ? 'open' : 'rejected';
      return { ...state, objections: [...state.objections.filter((o) => o.objectionId !== objectionId), { objectionId, noticeNo, stage, status }] };
    }
    case 'ObjectionDismissed':
    case 'ObjectionUpheld': {
      const status = event.type === 'ObjectionDismissed' ? 'dismissed' : 'upheld';
      return {
        ...state,
        objections: state.objections.map((o) => (o.objectionId === event.data.objectionId ? { ...o, status } : o)),
      };
    }
    case 'AdmissionRefusedAfterObjection':
      return { ...state, status: 'NotAdmitted', notAdmittedAt: 'objection', notice: null };
    case 'CertificationRefusedAfterObjection':
    case 'CertificationEvaluationFailed':
      return { ...state, status: statusAfterRefusal(state), notice: null, certification: null };
    case 'AdmittedToIncubation': {
      const d = event.data;
      return {
        ...state,
        status: 'InIncubation',
        notice: null,
        incubation: {
          admittedAt: d.admittedAt,
          threeYearPlanDue: d.threeYearPlanDue,
          earliestCertificationAt: d.earliestCertificationAt,
          threeYearPlan: null,
          threeYearPlanOverdue: false,
          minimumIncubationReached: false,
          annualReports: [],
        },
      };
    }
    case 'ThreeYearPlanPublished':
      return state.incubation
        ? { ...state, incubation: { ...state.incubation, threeYearPlan: { publishedAt: event.data.publishedAt, late: event.data.late } } }
        : state;
    case 'ThreeYearPlanOverdue':
      return state.incubation ? { ...state, incubation: { ...state.incubation, threeYearPlanOverdue: true } } : state;
    case 'MinimumIncubationReached':
      return state.incubation ? { ...state, incubation: { ...state.incubation, minimumIncubationReached: true } } : state;
    case 'AnnualReportSubmitted':
    case 'AnnualReportOverdue': {
      if (!state.incubation) return state;
      const year = event.data.year;
      const status = event.type === 'AnnualReportSubmitted' ? 'submitted' : 'overdue';
      const others = state.incubation.annualReports.filter((r) => r.year !== year);
      return { ...state, incubation: { ...state.incubation, annualReports: [...others, { year, status }] } };
    }
    case 'MaterialChangeReported': {
      const { newName, newRegion } = event.data;
      return { ...state, name: newName ?? state.name, region: newRegion ?? state.region };
    }
    case 'CertificationRequested':
      return { ...state, status: 'CertificationRequested', certification: { kind: event.data.kind, requestedAt: event.data.requestedAt } };
    case 'CertificationEvaluationPassed':
      return { ...state, status: 'CertificationEvaluated' };
    case 'EnterpriseCertified': {
      const d = event.data;
      const ended = state.certificates.map((c) => (c.ended === null ? { ...c, ended: { reason: 'superseded' as const, at: d.certifiedAt } } : c));
      return {
        ...state,
        status: 'Certified',
        notice: null,
        certification: null,
        certificates: [...ended, { certificateNo: d.certificateNo, certifiedAt: d.certifiedAt, validUntil: d.validUntil, ended: null }],
      };
    }
    case 'CertificateExpired': {
      const d = event.data;
      return {
        ...state,
        status: state.status === 'Certified' ? 'CertificateExpired' : state.status,
        certificates: state.certificates.map((c) =>
          c.certificateNo === d.certificateNo && c.ended === null ? { ...c, ended: { reason: 'expired' as const, at: d.recordedAt } } : c,
        ),
      };
    }
    case 'EnterpriseDisqualified': {
      const d = event.data;
      return {
        ...state,
        status: 'Disqualified',
        notice: null,
        certification: null,
        certificates: state.certificates.map((c) => (c.ended === null ? { ...c, ended: { reason: 'revoked' as const, at: d.disqualifiedAt } } : c)),
        disqualification: { ground: d.ground, at: d.disqualifiedAt, bannedUntil: d.bannedUntil },
      };
    }
    default:
      return state;
  }
}

/** The certificate in force, if any. */
export function currentCertificate(state: EnterpriseState): EnterpriseCertificate | null {
  const last = state.certificates[state.certificates.length - 1];
  return last && last.ended === null ? last : null;
}

/** Where a failed or refused certification request leaves the enterprise. */
function statusAfterRefusal(state: EnterpriseState): EnterpriseStatus {
  const renewal = state.certification ? state.certification.kind === 'renewal' : state.certificates.length > 0;
  if (!renewal) return 'InIncubation';
  return currentCertificate(state) ? 'Certified' : 'CertificateExpired';
}

