import { addMonthsAt } from '../../beijing-time';
import { illegalState } from '../../errors';
import { DocumentRef } from '../../messages';
import { Certify, RecordCertificateExpired, RecordCertificationEvaluation, RequestCertification, RequestRecertification } from '../enterprise.commands';
import { CertificationKind, EnterpriseEvent } from '../enterprise.events';
import { currentCertificate, EnterpriseState } from '../enterprise.state';
import { documentRefs, expertAssessment, invalidTransition, reasons, requireNotice, requireNoticeEndedWithoutObjection, requireStatus } from './checks';

/**
 * Certification (domain.md §6): after the minimum incubation the enterprise requests certification (or,
 * certified, its renewal), experts evaluate it, the certification notice runs, and the certificate is
 * granted for the rules' years until it expires or is superseded.
 */

export function requestCertification(command: RequestCertification, state: EnterpriseState, nowT: number): EnterpriseEvent[] {
  const { now } = command;
  const { rulesVersion } = command.context;
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

export function requestRecertification(command: RequestRecertification, state: EnterpriseState): EnterpriseEvent[] {
  const { now } = command;
  const { rulesVersion } = command.context;
  requireStatus(command, state, 'Certified', 'CertificateExpired');
  return [certificationRequested('renewal', command.data.documents, now, rulesVersion)];
}

export function recordCertificationEvaluation(command: RecordCertificationEvaluation, state: EnterpriseState): EnterpriseEvent[] {
  const { rulesVersion } = command.context;
  requireStatus(command, state, 'CertificationRequested');
  const result = command.data.outcome;
  const data = {
    // Stryker disable next-line StringLiteral: a request is always on record while CertificationRequested, so the fallback is never used
    kind: state.certification?.kind ?? 'initial',
    assessment: expertAssessment(command.data.assessment),
    reasons: reasons(command.data.reasons, result),
    rulesVersion,
  };
  return [result === 'passed' ? { type: 'CertificationEvaluationPassed', data } : { type: 'CertificationEvaluationFailed', data }];
}

export function certify(command: Certify, state: EnterpriseState, nowT: number): EnterpriseEvent[] {
  const { now } = command;
  const { rules, rulesVersion } = command.context;
  const notice = requireNotice(command, state, 'certification');
  requireNoticeEndedWithoutObjection(state, notice, nowT);
  // Stryker disable next-line StringLiteral: a request is always on record during the certification notice, so the fallback is never used
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

export function recordCertificateExpired(command: RecordCertificateExpired, state: EnterpriseState, nowT: number): EnterpriseEvent[] {
  const { now } = command;
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

// ---------------------------------------------------------------------------------------------

function certificationRequested(kind: CertificationKind, documents: readonly DocumentRef[], now: string, rulesVersion: string): EnterpriseEvent {
  return { type: 'CertificationRequested', data: { kind, documents: documentRefs(documents, 1), requestedAt: now, rulesVersion } };
}

