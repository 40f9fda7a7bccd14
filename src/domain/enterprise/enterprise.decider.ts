import { requireRole, unknownCommand } from '../checks';
import { Decider } from '../decider';
import { requireStanding } from '../access';
import { notFound } from '../errors';
import { ENTERPRISE_ACCESS, requireOwnApplication } from './enterprise.access';
import { EnterpriseCommand } from './enterprise.commands';
import { EnterpriseEvent } from './enterprise.events';
import { EnterpriseState, evolveEnterprise, initialEnterpriseState } from './enterprise.state';
import { admitToIncubation, applyForIncubation, notRecommend, recommend, recordJointReview } from './decide/admission';
import { certify, recordCertificateExpired, recordCertificationEvaluation, requestCertification, requestRecertification } from './decide/certification';
import { instant } from './decide/checks';
import { disqualify } from './decide/disqualification';
import { remindDeadline } from '../reminders/reminders';
import {
  publishThreeYearPlan,
  recordAnnualReportOverdue,
  recordMinimumIncubationReached,
  recordThreeYearPlanOverdue,
  reportMaterialChange,
  submitAnnualReport,
} from './decide/incubation';
import { fileObjection, openNotice, resolveObjection } from './decide/public-notice';

export { ENTERPRISE_COMMANDS } from './enterprise.commands';
export type { EnterpriseCommand, EnterpriseCommandType, EnterpriseContext } from './enterprise.commands';
export type { EnterpriseEvent, EnterpriseEventType } from './enterprise.events';
export { currentCertificate, evolveEnterprise, initialEnterpriseState } from './enterprise.state';
export type { EnterpriseCertificate, EnterpriseIncubation, EnterpriseObjection, EnterpriseState, EnterpriseStatus } from './enterprise.state';
/** Month arithmetic on the Beijing calendar, for instants (beijing-time.ts). */
export { addMonthsAt as addMonths } from '../beijing-time';

/**
 * The enterprise certification lifecycle (产教融合型企业, 先建后认, domain.md §6), one stream per
 * enterprise holding all its application rounds. `decide` checks who may act, then hands each command
 * to its function in decide/, one file per phase: admission, the public notices, incubation,
 * certification, disqualification.
 */
export function decideEnterprise(command: EnterpriseCommand, state: EnterpriseState): EnterpriseEvent[] {
  const nowT = instant(command.now, 'now');
  authorize(command, state);

  switch (command.type) {
    case 'ApplyForIncubation': return applyForIncubation(command, state, nowT);
    case 'Recommend': return recommend(command, state);
    case 'NotRecommend': return notRecommend(command, state);
    case 'RecordJointReview': return recordJointReview(command, state);
    case 'OpenPublicNotice': return openNotice(command, state);
    case 'FileObjection': return fileObjection(command, state, nowT);
    case 'ResolveObjection': return resolveObjection(command, state);
    case 'AdmitToIncubation': return admitToIncubation(command, state, nowT);
    case 'PublishThreeYearPlan': return publishThreeYearPlan(command, state, nowT);
    case 'RecordThreeYearPlanOverdue': return recordThreeYearPlanOverdue(command, state, nowT);
    case 'RecordMinimumIncubationReached': return recordMinimumIncubationReached(command, state, nowT);
    case 'SubmitAnnualReport': return submitAnnualReport(command, state);
    case 'RecordAnnualReportOverdue': return recordAnnualReportOverdue(command, state);
    case 'ReportMaterialChange': return reportMaterialChange(command, state);
    case 'RequestCertification': return requestCertification(command, state, nowT);
    case 'RecordCertificationEvaluation': return recordCertificationEvaluation(command, state);
    case 'OpenCertificationNotice': return openNotice(command, state);
    case 'Certify': return certify(command, state, nowT);
    case 'RequestRecertification': return requestRecertification(command, state);
    case 'RecordCertificateExpired': return recordCertificateExpired(command, state, nowT);
    case 'Disqualify': return disqualify(command, state);
    case 'RemindDeadline': return remindDeadline(command.data, command.now);
    default: return unknownCommand(command);
  }
}

/** Role from the command table, then the enterprise's existence, then the actor's standing on it (enterprise.access.ts). */
function authorize(command: EnterpriseCommand, state: EnterpriseState): void {
  requireRole(ENTERPRISE_ACCESS.roles, command);
  if (command.type === 'ApplyForIncubation') return requireOwnApplication(command.actor, command.data.enterpriseId);
  if (state.status === 'None') throw notFound('enterprise-not-found', 'the enterprise has not applied');
  requireStanding(ENTERPRISE_ACCESS, command, state);
}

export const enterpriseDecider: Decider<EnterpriseState, EnterpriseCommand, EnterpriseEvent> = {
  initialState: initialEnterpriseState,
  evolve: evolveEnterprise,
  decide: decideEnterprise,
};
