import { chinaDateOf } from '../beijing-time';
import { requireRole, unknownCommand } from '../checks';
import { Decider } from '../decider';
import { requireStanding } from '../access';
import { notFound } from '../errors';
import { PROJECT_ACCESS } from './project.access';
import { ProjectCommand } from './project.commands';
import { ProjectEvent } from './project.events';
import { evolveProject, initialProjectState, Project, ProjectState } from './project.state';
import {
  acceptConstructionPlan,
  decideChange,
  recordAnnualReportOverdue,
  recordConstructionPeriodEnded,
  recordConstructionPlanOverdue,
  rejectConstructionPlan,
  requestChange,
  submitAnnualReport,
  submitConstructionPlan,
} from './decide/construction';
import {
  acceptRectification,
  accredit,
  failRectification,
  grantExtension,
  orderRectification,
  recordCourseUpdateOverdue,
  recordFinalEvaluation,
  recordMidtermEvaluation,
  recordRectificationOverdue,
  submitCourseUpdate,
  submitFinalSelfAssessment,
  submitRectification,
} from './decide/evaluation';
import { gradeAnnualReport } from './decide/performance';
import { remindDeadline } from '../reminders/reminders';
import { orderFundRecovery, recordFundRecoveryOverdue, recordFundsRecovered, revokeProject, suspend } from './decide/revocation';
import {
  assignReviewer,
  attachApplicationDocuments,
  correctScore,
  declareConflict,
  draftApplication,
  editApplication,
  fileObjection,
  notRecommend,
  recommend,
  recordApproval,
  recordFormalCheck,
  recordPublicNotice,
  recordRemovalFromList,
  recordSelection,
  resolveObjection,
  returnForRevision,
  saveScoreDraft,
  scoreReview,
  submitApplication,
  withdrawApplication,
} from './decide/selection';

export { PROJECT_COMMAND_TYPES, PROJECT_COMMANDS, REVOCATION_REASONS } from './project.commands';
export type { ProjectCommand, ProjectCommandType, ProjectContext, ProjectCycleFacts, ProjectSubject } from './project.commands';
export { PROJECT_STATUSES } from './project.events';
export type { ProjectEvent, ProjectEventType, ProjectStatus } from './project.events';
export { evolveProject, initialProjectState, isProjectStatus } from './project.state';
export type { Project, ProjectObjection, ProjectRectification, ProjectReviewer, ProjectState } from './project.state';
export { academicYearOf, addMonthsOn } from '../beijing-time';

/**
 * The lifecycle of a school-side project (domain.md §3–§5), one decider for every program: the
 * differences between 高水平中职, 高水平高职 and its 专业群, 品牌专业 and 精品课程 are the cycle's rules
 * (copied into the project's first event) and the shape of the project's subject. `decide` checks who
 * may act, then hands each command to its function in decide/, one file per phase of the lifecycle.
 */
export function decideProject(command: ProjectCommand, state: ProjectState): ProjectEvent[] {
  requireRole(PROJECT_ACCESS.roles, command);
  if (command.type === 'DraftApplication') return draftApplication(command, state, chinaDateOf(command.now));
  const project = authorize(command, state);
  const today = chinaDateOf(command.now);

  switch (command.type) {
    // selection (§3)
    case 'EditApplication': return editApplication(command, project);
    case 'AttachApplicationDocuments': return attachApplicationDocuments(command, project);
    case 'SubmitApplication': return submitApplication(command, project, today);
    case 'WithdrawApplication': return withdrawApplication(command, project);
    case 'ReturnForRevision': return returnForRevision(command, project);
    case 'RecordFormalCheck': return recordFormalCheck(command, project, today);
    case 'Recommend': return recommend(command, project);
    case 'NotRecommend': return notRecommend(command, project);
    case 'AssignReviewer': return assignReviewer(command, project);
    case 'DeclareConflict': return declareConflict(command, project);
    case 'ScoreReview': return scoreReview(command, project);
    case 'SaveScoreDraft': return saveScoreDraft(command, project);
    case 'CorrectScore': return correctScore(command, project);
    case 'RecordSelection': return recordSelection(command, project);
    case 'RecordPublicNotice': return recordPublicNotice(command, project);
    case 'FileObjection': return fileObjection(command, project, today);
    case 'ResolveObjection': return resolveObjection(command, project);
    case 'RecordRemovalFromList': return recordRemovalFromList(command, project);
    case 'RecordApproval': return recordApproval(command, project, today);
    // construction (§4)
    case 'SubmitConstructionPlan': return submitConstructionPlan(command, project, today);
    case 'RecordConstructionPlanOverdue': return recordConstructionPlanOverdue(command, project, today);
    case 'AcceptConstructionPlan': return acceptConstructionPlan(command, project, today);
    case 'RejectConstructionPlan': return rejectConstructionPlan(command, project);
    case 'SubmitAnnualReport': return submitAnnualReport(command, project, today);
    case 'RecordAnnualReportOverdue': return recordAnnualReportOverdue(command, project, today);
    case 'RequestChange': return requestChange(command, project);
    case 'DecideChange': return decideChange(command, project);
    case 'RecordConstructionPeriodEnded': return recordConstructionPeriodEnded(command, project, today);
    // evaluation (§4)
    case 'RecordMidtermEvaluation': return recordMidtermEvaluation(command, project);
    case 'OrderRectification': return orderRectification(command, project, today);
    case 'SubmitRectification': return submitRectification(command, project, today);
    case 'AcceptRectification': return acceptRectification(command, project);
    case 'RecordRectificationOverdue': return recordRectificationOverdue(command, project, today);
    case 'FailRectification': return failRectification(command, project, today);
    case 'SubmitFinalSelfAssessment': return submitFinalSelfAssessment(command, project, today);
    case 'GrantExtension': return grantExtension(command, project, today);
    case 'RecordFinalEvaluation': return recordFinalEvaluation(command, project);
    case 'Accredit': return accredit(command, project, today);
    case 'SubmitCourseUpdate': return submitCourseUpdate(command, project, today);
    case 'RecordCourseUpdateOverdue': return recordCourseUpdateOverdue(command, project, today);
    // suspension, revocation, funds (§5)
    case 'Suspend': return suspend(command, project, today);
    case 'RevokeProject': return revokeProject(command, project, today);
    case 'OrderFundRecovery': return orderFundRecovery(command, project, today);
    case 'RecordFundsRecovered': return recordFundsRecovered(command, project, today);
    case 'RecordFundRecoveryOverdue': return recordFundRecoveryOverdue(command, project, today);
    case 'GradeAnnualReport': return gradeAnnualReport(command, project, today);
    case 'RemindDeadline': return remindDeadline(command.data, command.now);
    default: return unknownCommand(command);
  }
}

/** After the role (from the command table): the project's existence, then the actor's standing on it (project.access.ts). */
function authorize(command: ProjectCommand, state: ProjectState): Project {
  if (state.status === 'None') throw notFound('project-not-found', 'no such project');
  requireStanding(PROJECT_ACCESS, command, state);
  return state;
}

export const projectDecider: Decider<ProjectState, ProjectCommand, ProjectEvent> = {
  initialState: initialProjectState,
  evolve: evolveProject,
  decide: decideProject,
};
