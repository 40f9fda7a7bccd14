import { addMonthsAt } from '../../beijing-time';
import { isCreditCode } from '../../organisation/organisation';
import { text, texts } from '../../checks';
import { forbidden, illegalState, validation } from '../../errors';
import {
  AdmitToIncubation,
  ApplyForIncubation,
  ELIGIBILITY_GATES,
  EligibilityDeclarations,
  NotRecommend,
  Recommend,
  RecordJointReview,
} from '../enterprise.commands';
import { EnterpriseEvent } from '../enterprise.events';
import { EnterpriseState } from '../enterprise.state';
import { documentRefs, expertAssessment, instant, reasons, requireNotice, requireNoticeEndedWithoutObjection, requireStatus } from './checks';

/**
 * Admission (domain.md §6): the enterprise applies against the eligibility gates, its city recommends
 * it, the departments review it jointly, and after the admission notice it is admitted to incubation.
 */

export function applyForIncubation(command: ApplyForIncubation, state: EnterpriseState, nowT: number): EnterpriseEvent[] {
  const { now } = command;
  const { rulesVersion } = command.context;
  const data = command.data;
  requireStatus(command, state, 'None', 'NotAdmitted', 'Disqualified');
  if (state.enterpriseId !== null && state.enterpriseId !== data.enterpriseId) {
    throw validation('enterprise-mismatch', 'the application is for another enterprise than this stream');
  }
  const applicant = command.context.applicant;
  if (applicant === undefined) throw validation('context-required', 'the applicant’s registry facts are required');
  if (applicant?.kind !== 'enterprise') throw forbidden('not-an-enterprise', 'only an enterprise in the registry applies for incubation');
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
  if (!isCreditCode(creditCode)) throw validation('invalid-credit-code', 'the unified social credit code is not valid');
  if (creditCode !== data.enterpriseId) {
    throw forbidden('not-own-credit-code', 'an enterprise applies under its own unified social credit code only');
  }
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

export function recommend(command: Recommend, state: EnterpriseState): EnterpriseEvent[] {
  const { rulesVersion } = command.context;
  requireStatus(command, state, 'Submitted');
  return [
    {
      type: 'IncubationApplicationRecommended',
      data: {
        applicationNo: state.applicationNo,
        // Stryker disable next-line StringLiteral: a submitted application always holds its region (checked not blank when applying), so the fallback is never used
        region: state.region ?? '',
        opinion: text(command.data.opinion, 'opinion-required', 'the recommendation opinion'),
        documents: documentRefs(command.data.documents, 0),
        rulesVersion,
      },
    },
  ];
}

export function notRecommend(command: NotRecommend, state: EnterpriseState): EnterpriseEvent[] {
  const { rulesVersion } = command.context;
  requireStatus(command, state, 'Submitted');
  return [
    {
      type: 'IncubationApplicationNotRecommended',
      data: {
        applicationNo: state.applicationNo,
        // Stryker disable next-line StringLiteral: a submitted application always holds its region (checked not blank when applying), so the fallback is never used
        region: state.region ?? '',
        reason: text(command.data.reason, 'reason-required', 'the reason'),
        rulesVersion,
      },
    },
  ];
}

export function recordJointReview(command: RecordJointReview, state: EnterpriseState): EnterpriseEvent[] {
  const { rulesVersion } = command.context;
  requireStatus(command, state, 'Recommended');
  const result = command.data.outcome;
  const data = {
    applicationNo: state.applicationNo,
    departments: texts(command.data.departments, 'departments-required', 'departments', 1),
    expertAssessment: expertAssessment(command.data.expertAssessment),
    reasons: reasons(command.data.reasons, result),
    rulesVersion,
  };
  return [result === 'passed' ? { type: 'JointReviewPassed', data } : { type: 'JointReviewFailed', data }];
}

export function admitToIncubation(command: AdmitToIncubation, state: EnterpriseState, nowT: number): EnterpriseEvent[] {
  const { now } = command;
  const { rules, rulesVersion } = command.context;
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

// ---------------------------------------------------------------------------------------------

/** The declarations as plain data, gate by gate. */
function declarations(d: EligibilityDeclarations): EligibilityDeclarations {
  return {
    registeredAndTaxedInProvince: d.registeredAndTaxedInProvince,
    mainBusinessNotEducation: d.mainBusinessNotEducation,
    noMajorAccident: d.noMajorAccident,
    goodCredit: d.goodCredit,
    noTaxViolation: d.noTaxViolation,
  };
}

