import { addMonthsAt, annualReportDueOn, chinaDateOf, chinaYearOf } from '../beijing-time';
import { Decider } from '../decider';
import { forbidden, illegalState, notFound, validation } from '../errors';
import { DocumentRef } from '../messages';
import {
  DISQUALIFICATION_GROUNDS,
  DisqualificationGround,
  ELIGIBILITY_GATES,
  ENTERPRISE_COMMANDS,
  EligibilityDeclarations,
  EnterpriseCommand,
  EnterpriseContext,
  ExpertAssessment,
  MaterialChangeKind,
  Outcome,
} from './enterprise.commands';
import {
  CertificationKind,
  EnterpriseEvent,
  NoticeStage,
  ObjectionRejectionReason,
} from './enterprise.events';

export { ENTERPRISE_COMMANDS } from './enterprise.commands';
/** Month arithmetic on the Beijing calendar, for instants (beijing-time.ts). */
export { addMonthsAt as addMonths } from '../beijing-time';
export type { EnterpriseCommand, EnterpriseCommandType, EnterpriseContext } from './enterprise.commands';
export type { EnterpriseEvent, EnterpriseEventType } from './enterprise.events';

export type EnterpriseStatus =
  | 'None'
  | 'Submitted'
  | 'Recommended'
  | 'JointlyReviewed'
  /** Either notice: see `notice.stage`. */
  | 'InPublicNotice'
  | 'InIncubation'
  | 'CertificationRequested'
  | 'CertificationEvaluated'
  | 'Certified'
  /** The last certificate ran out; the enterprise may still request re-certification. */
  | 'CertificateExpired'
  | 'NotAdmitted'
  | 'Disqualified';

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
// Time. All deadlines of the scheme are Beijing calendar dates or instants (beijing-time.ts).

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function instant(iso: unknown, field: string): number {
  const t = typeof iso === 'string' && ISO_INSTANT.test(iso) ? Date.parse(iso) : NaN;
  if (Number.isNaN(t)) throw validation('invalid-time', `${field} is not an ISO-8601 instant`, { field });
  return t;
}

// ---------------------------------------------------------------------------------------------
// Data checks. Commands may arrive as DTO class instances, so everything written into an event is
// copied into plain data here.

function text(value: unknown, code: string, what: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw validation(code, `${what} is required`);
  return value;
}

function texts(value: unknown, code: string, what: string, min: number): string[] {
  if (!Array.isArray(value)) throw validation(code, `${what} must be a list`);
  const list = value.map((item) => text(item, code, what));
  if (list.length < min) throw validation(code, `at least ${min} ${what} required`);
  return list;
}

function documentRef(value: unknown): DocumentRef {
  const d = value as Partial<DocumentRef> | null;
  if (
    typeof d !== 'object' ||
    d === null ||
    typeof d.sha256 !== 'string' ||
    !/^[0-9a-f]{64}$/.test(d.sha256) ||
    typeof d.name !== 'string' ||
    d.name.trim() === '' ||
    typeof d.size !== 'number' ||
    !Number.isInteger(d.size) ||
    d.size < 0 ||
    (d.mediaType !== undefined && typeof d.mediaType !== 'string')
  ) {
    throw validation('invalid-document', 'a document reference needs sha256 (hex), name and size');
  }
  return { sha256: d.sha256, name: d.name, size: d.size, ...(d.mediaType !== undefined ? { mediaType: d.mediaType } : {}) };
}

function documentRefs(value: unknown, min: number, code = 'documents-required'): DocumentRef[] {
  if (value === undefined && min === 0) return [];
  if (!Array.isArray(value)) throw validation(code, 'documents must be a list');
  const list = value.map(documentRef);
  if (list.length < min) throw validation(code, `at least ${min} document(s) required`);
  return list;
}

function outcome(value: unknown): Outcome {
  if (value !== 'passed' && value !== 'failed') throw validation('invalid-outcome', "outcome must be 'passed' or 'failed'");
  return value;
}

function expertAssessment(value: unknown): ExpertAssessment {
  const a = value as Partial<ExpertAssessment> | null;
  if (typeof a !== 'object' || a === null) throw validation('assessment-required', 'an expert assessment is required');
  return { opinion: text(a.opinion, 'assessment-required', 'the expert opinion'), documents: documentRefs(a.documents, 1) };
}

function reasons(value: unknown, result: Outcome): string[] {
  return texts(value ?? [], 'reasons-required', 'reasons', result === 'failed' ? 1 : 0);
}

const CREDIT_CODE_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** 统一社会信用代码 per GB 32100-2015: 18 characters, the last a mod-31 check character. */
export function isValidCreditCode(code: string): boolean {
  if (!/^[0-9ABCDEFGHJKLMNPQRTUWXY]{18}$/.test(code)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CREDIT_CODE_CHARS.indexOf(code[i]) * CREDIT_CODE_WEIGHTS[i];
  return CREDIT_CODE_CHARS[(31 - (sum % 31)) % 31] === code[17];
}

function declarations(value: unknown): EligibilityDeclarations {
  const d = value as Record<string, unknown> | null;
  if (typeof d !== 'object' || d === null || ELIGIBILITY_GATES.some((gate) => typeof d[gate] !== 'boolean')) {
    throw validation('invalid-declarations', `every eligibility declaration (${ELIGIBILITY_GATES.join(', ')}) must be true or false`);
  }
  return {
    registeredAndTaxedInProvince: d.registeredAndTaxedInProvince as boolean,
    mainBusinessNotEducation: d.mainBusinessNotEducation as boolean,
    noMajorAccident: d.noMajorAccident as boolean,
    goodCredit: d.goodCredit as boolean,
    noTaxViolation: d.noTaxViolation as boolean,
  };
}

const MATERIAL_CHANGE_KINDS: readonly MaterialChangeKind[] = ['rename', 'relocation', 'merger', 'business-change'];

// ---------------------------------------------------------------------------------------------
// Guards

const TERMINAL: readonly EnterpriseStatus[] = ['None', 'NotAdmitted', 'Disqualified'];

function invalidTransition(command: EnterpriseCommand, state: EnterpriseState, expected: string) {
  return illegalState('invalid-transition', `${command.type} is not possible while the enterprise is ${state.status}`, {
    command: command.type,
    status: state.status,
    expected,
  });
}

function requireStatus(command: EnterpriseCommand, state: EnterpriseState, ...allowed: EnterpriseStatus[]) {
  if (!allowed.includes(state.status)) throw invalidTransition(command, state, allowed.join(' | '));
}

function requireNotice(command: EnterpriseCommand, state: EnterpriseState, stage: NoticeStage) {
  if (state.status !== 'InPublicNotice' || state.notice?.stage !== stage) {
    throw invalidTransition(command, state, `InPublicNotice (${stage})`);
  }
  return state.notice;
}

/** Admitted in the current round and not disqualified: the obligations of incubation apply. */
function admitted(state: EnterpriseState): EnterpriseIncubation | null {
  return state.status === 'Disqualified' ? null : state.incubation;
}

function authorize(command: EnterpriseCommand, state: EnterpriseState): void {
  const { actor } = command;
  if (!ENTERPRISE_COMMANDS[command.type].includes(actor.role)) {
    throw forbidden('role-not-allowed', `role ${actor.role} may not ${command.type}`, { role: actor.role, command: command.type });
  }
  if (command.type === 'ApplyForIncubation') {
    if (command.data.enterpriseId !== actor.org) {
      throw forbidden('not-own-organisation', 'an enterprise applies only for itself');
    }
    return;
  }
  if (state.status === 'None') throw notFound('enterprise-not-found', 'the enterprise has not applied');
  // Objections are open to anyone identified, whichever organisation or region they belong to.
  if (command.type === 'FileObjection') return;
  if (actor.role === 'applicant' && actor.org !== state.enterpriseId) {
    throw forbidden('not-own-organisation', 'an enterprise acts only for itself');
  }
  if (actor.role === 'recommender' && (actor.region === undefined || actor.region !== state.region)) {
    throw forbidden('not-own-region', "a recommender acts only for enterprises of its region");
  }
}

function currentCertificate(state: EnterpriseState): EnterpriseCertificate | null {
  const last = state.certificates[state.certificates.length - 1];
  return last && last.ended === null ? last : null;
}

/** Where a failed or refused certification request leaves the enterprise. */
function statusAfterRefusal(state: EnterpriseState): EnterpriseStatus {
  const renewal = state.certification ? state.certification.kind === 'renewal' : state.certificates.length > 0;
  if (!renewal) return 'InIncubation';
  return currentCertificate(state) ? 'Certified' : 'CertificateExpired';
}

// ---------------------------------------------------------------------------------------------

function decide(command: EnterpriseCommand, state: EnterpriseState): EnterpriseEvent[] {
  const now = command.now;
  const nowT = instant(now, 'now');
  authorize(command, state);
  const { rules, rulesVersion } = command.context;

  switch (command.type) {
    case 'ApplyForIncubation': {
      const data = command.data;
      requireStatus(command, state, 'None', 'NotAdmitted', 'Disqualified');
      if (state.enterpriseId !== null && state.enterpriseId !== data.enterpriseId) {
        throw validation('enterprise-mismatch', 'the application is for another enterprise than this stream');
      }
      const region = text(data.region, 'region-required', 'the region');
      if (command.actor.region !== undefined && command.actor.region !== region) {
        throw forbidden('not-own-region', 'an enterprise applies in the city where it is located');
      }
      const bans = [...(command.context.bans ?? []).map((ban) => ban.until), ...(state.disqualification ? [state.disqualification.bannedUntil] : [])];
      const inForce = bans.filter((until) => instant(until, 'ban until') > nowT).sort((a, b) => Date.parse(b) - Date.parse(a));
      if (inForce.length > 0) {
        throw illegalState('applicant-banned', 'the enterprise is banned from applying after a disqualification', { until: inForce[0] });
      }
      const creditCode = text(data.creditCode, 'invalid-credit-code', 'the unified social credit code');
      if (!isValidCreditCode(creditCode)) throw validation('invalid-credit-code', 'the unified social credit code is not valid');
      const facts = {
        applicationNo: state.applicationNo + 1,
        enterpriseId: data.enterpriseId,
        name: text(data.name, 'name-required', 'the enterprise name'),
        creditCode,
        region,
        declarations: declarations(data.declarations),
        documents: documentRefs(data.documents, 1),
        submittedAt: now,
        rulesVersion,
      };
      // A failed gate is the business's answer to this enterprise, not a malformed request: it is
      // recorded so the enterprise and auditors see when it applied and why it was not admitted.
      const failedGates = ELIGIBILITY_GATES.filter((gate) => !facts.declarations[gate]);
      if (failedGates.length > 0) return [{ type: 'IncubationApplicationIneligible', data: { ...facts, failedGates } }];
      return [{ type: 'IncubationApplicationSubmitted', data: facts }];
    }

    case 'Recommend': {
      requireStatus(command, state, 'Submitted');
      return [
        {
          type: 'IncubationApplicationRecommended',
          data: {
            applicationNo: state.applicationNo,
            region: state.region ?? '',
            opinion: text(command.data.opinion, 'opinion-required', 'the recommendation opinion'),
            documents: documentRefs(command.data.documents, 0),
            rulesVersion,
          },
        },
      ];
    }

    case 'NotRecommend': {
      requireStatus(command, state, 'Submitted');
      return [
        {
          type: 'IncubationApplicationNotRecommended',
          data: {
            applicationNo: state.applicationNo,
            region: state.region ?? '',
            reason: text(command.data.reason, 'reason-required', 'the reason'),
            rulesVersion,
          },
        },
      ];
    }

    case 'RecordJointReview': {
      requireStatus(command, state, 'Recommended');
      const result = outcome(command.data.outcome);
      const data = {
        applicationNo: state.applicationNo,
        departments: texts(command.data.departments, 'departments-required', 'departments', 1),
        expertAssessment: expertAssessment(command.data.expertAssessment),
        reasons: reasons(command.data.reasons, result),
        rulesVersion,
      };
      return [result === 'passed' ? { type: 'JointReviewPassed', data } : { type: 'JointReviewFailed', data }];
    }

    case 'OpenPublicNotice':
    case 'OpenCertificationNotice': {
      const stage: NoticeStage = command.type === 'OpenPublicNotice' ? 'admission' : 'certification';
      requireStatus(command, state, stage === 'admission' ? 'JointlyReviewed' : 'CertificationEvaluated');
      const startsAt = command.data.startsAt;
      const endsAt = command.data.endsAt;
      if (instant(endsAt, 'endsAt') <= instant(startsAt, 'startsAt')) {
        throw validation('invalid-notice-period', 'a public notice ends after it starts');
      }
      return [
        {
          type: 'PublicNoticeOpened',
          data: {
            stage,
            noticeNo: state.noticeCount + 1,
            startsAt,
            endsAt,
            length: rules.publicNotice.length,
            unit: rules.publicNotice.unit,
            notice: command.data.notice === undefined ? null : documentRef(command.data.notice),
            rulesVersion,
          },
        },
      ];
    }

    case 'FileObjection': {
      if (state.status !== 'InPublicNotice' || state.notice === null) throw invalidTransition(command, state, 'InPublicNotice');
      const data = command.data;
      const objectionId = text(data.objectionId, 'objection-id-required', 'the objection id');
      if (state.objections.some((o) => o.objectionId === objectionId)) {
        throw illegalState('objection-already-filed', 'an objection with this id exists', { objectionId });
      }
      const objector = {
        name: typeof data.objector?.name === 'string' ? data.objector.name.trim() : '',
        contact: typeof data.objector?.contact === 'string' ? data.objector.contact.trim() : '',
      };
      const evidence = documentRefs(data.evidence ?? [], 0);
      const filed = {
        objectionId,
        noticeNo: state.notice.noticeNo,
        stage: state.notice.stage,
        objector,
        grounds: text(data.grounds, 'grounds-required', 'the grounds of the objection'),
        evidence,
        filedAt: now,
      };
      const rejection: ObjectionRejectionReason[] = [];
      if (objector.name === '' || objector.contact === '') rejection.push('anonymous');
      if (evidence.length === 0) rejection.push('no-evidence');
      if (nowT < Date.parse(state.notice.startsAt)) rejection.push('before-notice');
      if (nowT >= Date.parse(state.notice.endsAt)) rejection.push('late');
      return rejection.length > 0
        ? [{ type: 'ObjectionRejected', data: { ...filed, reasons: rejection } }]
        : [{ type: 'ObjectionFiled', data: filed }];
    }

    case 'ResolveObjection': {
      const data = command.data;
      const objection = state.objections.find((o) => o.objectionId === data.objectionId);
      if (!objection) throw notFound('objection-not-found', 'no such objection', { objectionId: data.objectionId });
      if (objection.status !== 'open') {
        throw illegalState('objection-already-resolved', 'the objection is no longer open', { status: objection.status });
      }
      if (data.outcome !== 'dismissed' && data.outcome !== 'upheld') {
        throw validation('invalid-outcome', "outcome must be 'dismissed' or 'upheld'");
      }
      const resolution = {
        objectionId: objection.objectionId,
        reason: text(data.reason, 'reason-required', 'the reason'),
        evidence: documentRefs(data.evidence, 0),
        rulesVersion,
      };
      if (data.outcome === 'dismissed') return [{ type: 'ObjectionDismissed', data: resolution }];
      const events: EnterpriseEvent[] = [{ type: 'ObjectionUpheld', data: resolution }];
      // An upheld objection ends the notice it was filed under; one filed under an earlier notice
      // only closes the record.
      if (state.status === 'InPublicNotice' && state.notice?.noticeNo === objection.noticeNo) {
        events.push(
          objection.stage === 'admission'
            ? {
                type: 'AdmissionRefusedAfterObjection',
                data: { applicationNo: state.applicationNo, objectionId: objection.objectionId, reason: resolution.reason, rulesVersion },
              }
            : {
                type: 'CertificationRefusedAfterObjection',
                data: {
                  kind: state.certification?.kind ?? 'initial',
                  objectionId: objection.objectionId,
                  reason: resolution.reason,
                  rulesVersion,
                },
              },
        );
      }
      return events;
    }

    case 'AdmitToIncubation': {
      const notice = requireNotice(command, state, 'admission');
      requireNoticeEndedWithoutObjection(state, notice, nowT);
      return [
        {
          type: 'AdmittedToIncubation',
          data: {
            applicationNo: state.applicationNo,
            admittedAt: now,
            threeYearPlanDue: addMonthsAt(now, rules.threeYearPlanDueMonths),
            earliestCertificationAt: addMonthsAt(now, rules.minIncubationMonths),
            threeYearPlanDueMonths: rules.threeYearPlanDueMonths,
            minIncubationMonths: rules.minIncubationMonths,
            rulesVersion,
          },
        },
      ];
    }

    case 'PublishThreeYearPlan': {
      requireStatus(command, state, 'InIncubation');
      const incubation = state.incubation;
      if (incubation === null) throw invalidTransition(command, state, 'InIncubation');
      if (incubation.threeYearPlan !== null) {
        throw illegalState('three-year-plan-already-published', 'the three-year plan was already published');
      }
      return [
        {
          type: 'ThreeYearPlanPublished',
          data: {
            plan: documentRef(command.data.plan),
            publishedAt: now,
            due: incubation.threeYearPlanDue,
            late: nowT > Date.parse(incubation.threeYearPlanDue),
          },
        },
      ];
    }

    case 'RecordThreeYearPlanOverdue': {
      const incubation = admitted(state);
      if (incubation === null) {
        if (state.status === 'Disqualified') return [];
        throw invalidTransition(command, state, 'admitted to incubation');
      }
      if (incubation.threeYearPlan !== null || incubation.threeYearPlanOverdue) return [];
      if (nowT <= Date.parse(incubation.threeYearPlanDue)) {
        throw illegalState('not-yet-due', 'the three-year plan is not due yet', { due: incubation.threeYearPlanDue });
      }
      return [{ type: 'ThreeYearPlanOverdue', data: { due: incubation.threeYearPlanDue, recordedAt: now } }];
    }

    case 'RecordMinimumIncubationReached': {
      const incubation = admitted(state);
      if (incubation === null) {
        if (state.status === 'Disqualified') return [];
        throw invalidTransition(command, state, 'admitted to incubation');
      }
      // Recorded once, and only while incubating: once certification is requested the minimum is moot.
      if (incubation.minimumIncubationReached || state.status !== 'InIncubation') return [];
      const { earliestCertificationAt } = incubation;
      if (nowT < Date.parse(earliestCertificationAt)) {
        throw illegalState('not-yet-due', 'the minimum incubation period is not over', { earliestCertificationAt });
      }
      return [{ type: 'MinimumIncubationReached', data: { earliestCertificationAt, recordedAt: now, rulesVersion } }];
    }

    case 'SubmitAnnualReport': {
      const incubation = admitted(state);
      if (incubation === null) throw invalidTransition(command, state, 'admitted to incubation');
      const year = reportYear(command.data.year, incubation, now);
      if (incubation.annualReports.some((r) => r.year === year && r.status === 'submitted')) {
        throw illegalState('annual-report-already-submitted', `the annual report for ${year} was already submitted`, { year });
      }
      const due = annualReportDueOn(year, rules.annualReportDue);
      return [
        {
          type: 'AnnualReportSubmitted',
          data: { year, report: documentRef(command.data.report), submittedAt: now, due, late: chinaDateOf(now) > due, rulesVersion },
        },
      ];
    }

    case 'RecordAnnualReportOverdue': {
      const incubation = admitted(state);
      if (incubation === null) {
        if (state.status === 'Disqualified') return [];
        throw invalidTransition(command, state, 'admitted to incubation');
      }
      const year = reportYear(command.data.year, incubation, now);
      if (incubation.annualReports.some((r) => r.year === year)) return [];
      const due = annualReportDueOn(year, rules.annualReportDue);
      if (chinaDateOf(now) <= due) throw illegalState('not-yet-due', `the annual report for ${year} is not due yet`, { due });
      return [{ type: 'AnnualReportOverdue', data: { year, due, recordedAt: now, rulesVersion } }];
    }

    case 'ReportMaterialChange': {
      if (TERMINAL.includes(state.status)) throw invalidTransition(command, state, 'an application in progress or admitted');
      const data = command.data;
      if (!MATERIAL_CHANGE_KINDS.includes(data.kind)) {
        throw validation('invalid-change-kind', `kind must be one of ${MATERIAL_CHANGE_KINDS.join(', ')}`);
      }
      const newName = data.kind === 'rename' || data.newName !== undefined ? text(data.newName, 'new-name-required', 'the new name') : undefined;
      const newRegion =
        data.kind === 'relocation' || data.newRegion !== undefined ? text(data.newRegion, 'new-region-required', 'the new region') : undefined;
      return [
        {
          type: 'MaterialChangeReported',
          data: {
            kind: data.kind,
            details: text(data.details, 'details-required', 'the details of the change'),
            documents: documentRefs(data.documents, 0),
            reportedAt: now,
            ...(newName !== undefined ? { newName } : {}),
            ...(newRegion !== undefined ? { newRegion } : {}),
          },
        },
      ];
    }

    case 'RequestCertification': {
      requireStatus(command, state, 'InIncubation');
      const incubation = state.incubation;
      if (incubation === null) throw invalidTransition(command, state, 'InIncubation');
      // The earliest date was fixed at admission under the rules then in force, so a later rule
      // change does not move the goalposts of an enterprise already incubating.
      if (nowT < Date.parse(incubation.earliestCertificationAt)) {
        throw illegalState('incubation-too-short', 'certification may be requested only after the minimum incubation period', {
          earliestCertificationAt: incubation.earliestCertificationAt,
        });
      }
      if (incubation.threeYearPlan === null) {
        throw illegalState('three-year-plan-missing', 'the three-year plan must be published before certification');
      }
      return [certificationRequested('initial', command.data.documents, now, rulesVersion)];
    }

    case 'RequestRecertification': {
      requireStatus(command, state, 'Certified', 'CertificateExpired');
      return [certificationRequested('renewal', command.data.documents, now, rulesVersion)];
    }

    case 'RecordCertificationEvaluation': {
      requireStatus(command, state, 'CertificationRequested');
      const result = outcome(command.data.outcome);
      const data = {
        kind: state.certification?.kind ?? 'initial',
        assessment: expertAssessment(command.data.assessment),
        reasons: reasons(command.data.reasons, result),
        rulesVersion,
      };
      return [result === 'passed' ? { type: 'CertificationEvaluationPassed', data } : { type: 'CertificationEvaluationFailed', data }];
    }

    case 'Certify': {
      const notice = requireNotice(command, state, 'certification');
      requireNoticeEndedWithoutObjection(state, notice, nowT);
      const kind = state.certification?.kind ?? 'initial';
      const previous = state.certificates[state.certificates.length - 1];
      return [
        {
          type: 'EnterpriseCertified',
          data: {
            certificateNo: state.certificates.length + 1,
            kind,
            certifiedAt: now,
            validUntil: addMonthsAt(now, rules.certificateValidityYears * 12),
            validityYears: rules.certificateValidityYears,
            renewalOf: kind === 'renewal' && previous ? previous.certificateNo : null,
            rulesVersion,
          },
        },
      ];
    }

    case 'RecordCertificateExpired': {
      const certificate = currentCertificate(state);
      if (certificate === null) {
        if (state.certificates.length > 0) return [];
        throw illegalState('no-certificate', 'the enterprise holds no certificate');
      }
      if (nowT < Date.parse(certificate.validUntil)) {
        throw illegalState('certificate-not-expired', 'the certificate is still valid', { validUntil: certificate.validUntil });
      }
      return [{ type: 'CertificateExpired', data: { certificateNo: certificate.certificateNo, validUntil: certificate.validUntil, recordedAt: now } }];
    }

    case 'Disqualify': {
      if (TERMINAL.includes(state.status)) throw invalidTransition(command, state, 'a non-terminal state');
      const data = command.data;
      if (!DISQUALIFICATION_GROUNDS.includes(data.ground)) {
        throw validation('invalid-ground', `ground must be one of ${DISQUALIFICATION_GROUNDS.join(', ')}`);
      }
      return [
        {
          type: 'EnterpriseDisqualified',
          data: {
            ground: data.ground,
            reason: text(data.reason, 'reason-required', 'the reason'),
            evidence: documentRefs(data.evidence, 1, 'evidence-required'),
            disqualifiedAt: now,
            bannedUntil: addMonthsAt(now, rules.disqualificationBanYears * 12),
            banYears: rules.disqualificationBanYears,
            revokedCertificateNo: currentCertificate(state)?.certificateNo ?? null,
            rulesVersion,
          },
        },
      ];
    }

    default: {
      const unknown: never = command;
      throw validation('unknown-command', `unknown command ${(unknown as { type: string }).type}`);
    }
  }
}

function requireNoticeEndedWithoutObjection(state: EnterpriseState, notice: NonNullable<EnterpriseState['notice']>, nowT: number) {
  if (nowT < Date.parse(notice.endsAt)) throw illegalState('notice-not-ended', 'the public notice has not ended', { endsAt: notice.endsAt });
  const open = state.objections.filter((o) => o.noticeNo === notice.noticeNo && o.status === 'open').map((o) => o.objectionId);
  if (open.length > 0) throw illegalState('objection-open', 'objections to the notice are still open', { objections: open });
}

/** A report covers a finished year in which the enterprise was admitted. */
function reportYear(value: unknown, incubation: EnterpriseIncubation, now: string): number {
  const first = chinaYearOf(incubation.admittedAt);
  const current = chinaYearOf(now);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < first || value >= current) {
    throw validation('invalid-report-year', `the year must be a finished year from ${first} on`, { first, last: current - 1 });
  }
  return value;
}

function certificationRequested(kind: CertificationKind, documents: unknown, now: string, rulesVersion: string): EnterpriseEvent {
  return { type: 'CertificationRequested', data: { kind, documents: documentRefs(documents, 1), requestedAt: now, rulesVersion } };
}

// ---------------------------------------------------------------------------------------------

function evolve(state: EnterpriseState, event: EnterpriseEvent): EnterpriseState {
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

export const enterpriseDecider: Decider<EnterpriseState, EnterpriseCommand, EnterpriseEvent> = {
  initialState: initialEnterpriseState,
  evolve,
  decide,
};
