import { Body, Controller, Get, Inject, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiExtraModels, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CATALOG } from '../../application/catalog';
import { Clock, CLOCK } from '../../application/clock';
import { ProgramCatalog } from '../../domain/catalog/program-catalog';
import type { FastifyReply } from 'fastify';
import { EVENT_STORE, EventStore } from '../../application/event-store';
import { FoldedStreams } from '../../application/folded-streams';
import { CommandRequest, readState } from '../../application/handle-command';
import { nameBasedUuid } from '../../application/ids';
import { DecideProject, ProjectCommandInput } from '../../application/project.commands';
import { projectStream } from '../../application/streams';
import { Actor } from '../../domain/messages';
import { requireSeen } from '../../domain/access';
import { PROJECT_ACCESS } from '../../domain/project/project.access';
import { projectDecider } from '../../domain/project/project.decider';
import { PeopleQueries } from '../read-models/people/people.query';
import { ProjectQueries } from '../read-models/projects/projects.query';
import { ReadModels } from '../read-models/read-models';
import { redactFor } from './audit.controller';
import { timelineOf } from './timeline';
import { CurrentActor } from './auth.guard';
import { answer, CurrentCommand, etagOf } from './command-request';
import { EmptyBodyDto } from './enterprises.dto';
import { CommandHeaders, CommandResponses } from './openapi';
import { ProblemError } from './problem.filter';
import { printApproval, sendPdf } from './printed';
import {
  AcceptRectificationDto,
  AccreditDto,
  AssignReviewerDto,
  ChangeRequestDto,
  ConstructionPlanDto,
  CorrectScoreDto,
  CourseUpdateDto,
  DecideChangeDto,
  DeclareConflictDto,
  DraftApplicationDto,
  EditApplicationDto,
  AttachApplicationDocumentsDto,
  FailRectificationDto,
  FinalEvaluationDto,
  FinalSelfAssessmentDto,
  FormalCheckDto,
  FundRecoveryDto,
  FundsRecoveredDto,
  SaveScoreDraftDto,
  GradeAnnualReportDto,
  GrantExtensionDto,
  MidtermEvaluationDto,
  OrderRectificationDto,
  ProjectAnnualReportDto,
  ProjectNotRecommendDto,
  ProjectObjectionDto,
  ProjectRecommendDto,
  RectificationReportDto,
  RejectConstructionPlanDto,
  ResolveProjectObjectionDto,
  ReturnForRevisionDto,
  RevokeProjectDto,
  ScoreReviewDto,
  SUBJECT_TYPES,
  SubmitApplicationDto,
  SuspendProjectDto,
  WithdrawApplicationDto,
} from './projects.dto';

/**
 * The school-side projects (高水平中职, 高水平高职 and its 专业群, 品牌专业, 精品课程): one route per command a
 * person issues. The cycle's decisions (selection, public notice, approval) reach a project through
 * the cycle's routes, and overdue deadlines are recorded by the scheduler, so neither has a route here.
 */
@ApiTags('projects')
@ApiBearerAuth()
@ApiExtraModels(...Object.values(SUBJECT_TYPES))
@Controller('projects')
export class ProjectsController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly streams: FoldedStreams,
    private readonly readModels: ReadModels,
    private readonly projectQueries: ProjectQueries,
    private readonly people: PeopleQueries,
    @Inject(CATALOG) private readonly catalog: ProgramCatalog,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  // ------------------------------------------------------------------------------------------- selection

  @Post()
  @ApiOperation({ summary: 'Draft an application in an open cycle; a retried Idempotency-Key drafts the same project — applicant' })
  @CommandHeaders()
  @CommandResponses({ created: true })
  async draft(@Body() body: DraftApplicationDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const projectId = nameBasedUuid(`project:${request.commandId}`);
    const outcome = await this.commands.execute(new DecideProject(projectId, { type: 'DraftApplication', data: { ...body, projectId } }, request));
    return answer(reply, outcome, `/projects/${projectId}`);
  }

  @Get(':id')
  @ApiOperation({
    summary:
      'The project as folded from its stream, with its ETag; objectors are named to the office only — the applicant organisation, its city’s recommender, its assigned reviewers, office, auditor',
  })
  async get(@Param('id') id: string, @CurrentActor() actor: Actor, @Res({ passthrough: true }) reply: FastifyReply) {
    const stream = projectStream(id);
    const { state, revision } = await readState(this.streams, projectDecider, stream);
    if (state.status === 'None') {
      throw new ProblemError({ status: 404, code: 'project-not-found', title: 'Not Found', detail: `no project ${id}` });
    }
    requireSeen(PROJECT_ACCESS, actor, state);
    const objectors = state.objections.length > 0 ? await this.objectorsOf(stream, revision, actor) : new Map<string, unknown>();
    reply.header('etag', etagOf(revision));
    const named = this.people.organisationNames([state.applicantOrg, ...(state.partners ?? []).map((p) => p.org)]);
    const names = {
      applicantName: named.get(state.applicantOrg) ?? null,
      cycleName: this.projectQueries.cycleName(state.cycleId),
      ...(state.partners ? { partners: state.partners.map((p) => ({ ...p, name: named.get(p.org) ?? null })) } : {}),
    };
    // A reviewer's draft is their own until submitted.
    const reviewers = state.reviewers.map(({ draft, ...reviewer }) => (draft && reviewer.reviewerId === actor.id ? { ...reviewer, draft } : reviewer));
    return { id, revision, ...state, ...names, reviewers, objections: state.objections.map((o) => ({ ...o, objector: objectors.get(o.objectionId) })) };
  }

  @Get(':id/timeline')
  @ApiOperation({
    summary:
      'The project’s history, event by event (who, role, organisation, when, why, rules version), and what is due when; objectors are named to the office only — whoever may read the project',
  })
  async timeline(@Param('id') id: string, @CurrentActor() actor: Actor) {
    const stream = projectStream(id);
    const { state } = await readState(this.streams, projectDecider, stream);
    if (state.status === 'None') throw new ProblemError({ status: 404, code: 'project-not-found', title: 'Not Found', detail: `no project ${id}` });
    requireSeen(PROJECT_ACCESS, actor, state);
    return { id, status: state.status, ...(await timelineOf(this.store, stream, actor, this.people, this.readModels)) };
  }

  @Get(':id/approval/pdf')
  @ApiOperation({ summary: 'The approval (立项通知) of an approved project as a printable A4 PDF in Chinese, with the approval’s revision and hash to verify it by — whoever may read the project' })
  @ApiProduces('application/pdf')
  async approvalPdf(@Param('id') id: string, @CurrentActor() actor: Actor, @Res({ passthrough: true }) reply: FastifyReply) {
    const stream = projectStream(id);
    const { state } = await readState(this.streams, projectDecider, stream);
    if (state.status === 'None') throw new ProblemError({ status: 404, code: 'project-not-found', title: 'Not Found', detail: `no project ${id}` });
    requireSeen(PROJECT_ACCESS, actor, state);
    const approved = (await this.store.readStream(stream)).find((e) => e.type === 'ProjectApproved' || e.type === 'ProjectRecognised');
    if (!approved || !state.approval) throw new ProblemError({ status: 409, code: 'not-approved', title: 'Conflict', detail: `project ${id} has not been approved: there is no approval to print` });
    const data = approved.data as { tier: string | null; reason: string | null; rulesVersion: string };
    const program = Object.prototype.hasOwnProperty.call(this.catalog, state.programType) ? this.catalog[state.programType].name.zh : state.programType;
    const pdf = await printApproval({
      projectId: id,
      title: state.title,
      applicant: this.people.organisationNames([state.applicantOrg]).get(state.applicantOrg) ?? state.applicantOrg,
      programName: program,
      cycleName: this.projectQueries.cycleName(state.cycleId) ?? state.cycleId,
      tier: data.tier,
      approvedOn: state.approval.approvedOn,
      reason: data.reason,
      constructionPlanDueOn: state.approval.constructionPlanDueOn,
      rulesVersion: data.rulesVersion,
      revision: approved.revision,
      hash: String(approved.metadata.hash ?? ''),
      printedAt: this.clock.now(),
    });
    return sendPdf(reply, `立项通知-${state.title}.pdf`, pdf);
  }

  @Post(':id/edit')
  @ApiOperation({ summary: 'Change the title or the subject of a draft or of an application returned for revision — applicant' })
  @CommandHeaders()
  @CommandResponses()
  async edit(@Param('id') id: string, @Body() body: EditApplicationDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'EditApplication', data: body }, request, reply);
  }

  @Post(':id/documents')
  @ApiOperation({ summary: 'Keep the documents of a draft or a returned application (the application form, attachments), replacing those kept before — applicant' })
  @CommandHeaders()
  @CommandResponses()
  async attachDocuments(@Param('id') id: string, @Body() body: AttachApplicationDocumentsDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'AttachApplicationDocuments', data: body }, request, reply);
  }

  @Post(':id/submit')
  @ApiOperation({ summary: 'Submit the application (申报书) with both declarations, while the window is open or after a return — applicant' })
  @CommandHeaders()
  @CommandResponses()
  async submit(@Param('id') id: string, @Body() body: SubmitApplicationDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'SubmitApplication', data: body }, request, reply);
  }

  @Post(':id/withdraw')
  @ApiOperation({ summary: 'Withdraw the application before it is recommended — applicant' })
  @CommandHeaders()
  @CommandResponses()
  async withdraw(@Param('id') id: string, @Body() body: WithdrawApplicationDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'WithdrawApplication', data: body }, request, reply);
  }

  @Post(':id/return-for-revision')
  @ApiOperation({ summary: 'Return a submitted application for revision, with the reason — office' })
  @CommandHeaders()
  @CommandResponses()
  async returnForRevision(@Param('id') id: string, @Body() body: ReturnForRevisionDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'ReturnForRevision', data: body }, request, reply);
  }

  @Post(':id/formal-check')
  @ApiOperation({ summary: 'Record the formal check (形式审查) within the formal-check period; a failure needs its reasons — office, recommender of the project’s city' })
  @CommandHeaders()
  @CommandResponses()
  async formalCheck(@Param('id') id: string, @Body() body: FormalCheckDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'RecordFormalCheck', data: body }, request, reply);
  }

  @Post(':id/recommend')
  @ApiOperation({ summary: 'Recommend the application at a rank within the city’s limit — recommender of the project’s city' })
  @CommandHeaders()
  @CommandResponses()
  async recommend(@Param('id') id: string, @Body() body: ProjectRecommendDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'Recommend', data: body }, request, reply);
  }

  @Post(':id/not-recommend')
  @ApiOperation({ summary: 'Decline to recommend the application, with the reason — recommender of the project’s city' })
  @CommandHeaders()
  @CommandResponses()
  async notRecommend(@Param('id') id: string, @Body() body: ProjectNotRecommendDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'NotRecommend', data: body }, request, reply);
  }

  @Post(':id/reviewers')
  @ApiOperation({ summary: 'Assign a reviewer (expert) with no conflict of interest with the applicant — office' })
  @CommandHeaders()
  @CommandResponses()
  async assignReviewer(@Param('id') id: string, @Body() body: AssignReviewerDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'AssignReviewer', data: body }, request, reply);
  }

  @Post(':id/declare-conflict')
  @ApiOperation({ summary: 'Declare a conflict of interest before scoring, and recuse — reviewer assigned to the project' })
  @CommandHeaders()
  @CommandResponses()
  async declareConflict(@Param('id') id: string, @Body() body: DeclareConflictDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'DeclareConflict', data: body }, request, reply);
  }

  @Post(':id/scores/draft')
  @ApiOperation({ summary: 'Save a score as far as it goes, as a draft until it is submitted — the assigned reviewer' })
  @CommandHeaders()
  @CommandResponses()
  async saveScoreDraft(@Param('id') id: string, @Body() body: SaveScoreDraftDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'SaveScoreDraft', data: body }, request, reply);
  }

  @Post(':id/scores')
  @ApiOperation({ summary: 'Score the project (0–100) with comments, once — reviewer assigned to the project' })
  @CommandHeaders()
  @CommandResponses()
  async score(@Param('id') id: string, @Body() body: ScoreReviewDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'ScoreReview', data: body }, request, reply);
  }

  @Post(':id/scores/correct')
  @ApiOperation({ summary: 'Correct a reviewer’s score, with the reason; the correction is a new event — office' })
  @CommandHeaders()
  @CommandResponses()
  async correctScore(@Param('id') id: string, @Body() body: CorrectScoreDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'CorrectScore', data: body }, request, reply);
  }

  @Post(':id/objections')
  @ApiOperation({ summary: 'Object to the project during its public notice, under real name; answers the objection id — applicant, recommender, reviewer, office' })
  @CommandHeaders()
  @CommandResponses()
  async fileObjection(@Param('id') id: string, @Body() body: ProjectObjectionDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const objectionId = nameBasedUuid(`objection:${request.commandId}`);
    return { ...(await this.decide(id, { type: 'FileObjection', data: { ...body, objectionId } }, request, reply)), objectionId };
  }

  @Post(':id/objections/:objectionId/resolve')
  @ApiOperation({ summary: 'Dismiss or uphold an objection; an upheld one removes the project from the list — office' })
  @CommandHeaders()
  @CommandResponses()
  async resolveObjection(
    @Param('id') id: string,
    @Param('objectionId') objectionId: string,
    @Body() body: ResolveProjectObjectionDto,
    @CurrentCommand() request: CommandRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.decide(id, { type: 'ResolveObjection', data: { ...body, objectionId } }, request, reply);
  }

  // ------------------------------------------------------------------------------------------- construction

  @Post(':id/construction-plan')
  @ApiOperation({ summary: 'Submit the construction plan (建设方案) and task book (任务书) of an approved project — applicant' })
  @CommandHeaders()
  @CommandResponses()
  async constructionPlan(@Param('id') id: string, @Body() body: ConstructionPlanDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'SubmitConstructionPlan', data: body }, request, reply);
  }

  @Post(':id/construction-plan/accept')
  @ApiOperation({ summary: 'Accept the construction plan: construction starts today — office' })
  @CommandHeaders()
  @CommandResponses()
  async acceptConstructionPlan(@Param('id') id: string, @Body() _body: EmptyBodyDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'AcceptConstructionPlan', data: {} }, request, reply);
  }

  @Post(':id/construction-plan/reject')
  @ApiOperation({ summary: 'Reject the construction plan with its reasons, for the applicant to submit again — office' })
  @CommandHeaders()
  @CommandResponses()
  async rejectConstructionPlan(@Param('id') id: string, @Body() body: RejectConstructionPlanDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'RejectConstructionPlan', data: body }, request, reply);
  }

  @Post(':id/annual-reports/grade')
  @ApiOperation({ summary: "Grade a year's annual report on the cycle's scale (年度绩效评价); the consequences of a run of poor years follow the cycle's rules — office" })
  @CommandHeaders()
  @CommandResponses()
  async gradeAnnualReport(@Param('id') id: string, @Body() body: GradeAnnualReportDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'GradeAnnualReport', data: body }, request, reply);
  }

  @Post(':id/annual-reports')
  @ApiOperation({ summary: 'Submit the annual report on a calendar year of construction — applicant' })
  @CommandHeaders()
  @CommandResponses()
  async annualReport(@Param('id') id: string, @Body() body: ProjectAnnualReportDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'SubmitAnnualReport', data: body }, request, reply);
  }

  @Post(':id/change-requests')
  @ApiOperation({ summary: 'Request a change during construction; the project lists it as change-<n> for the office to decide — applicant' })
  @CommandHeaders()
  @CommandResponses()
  async requestChange(@Param('id') id: string, @Body() body: ChangeRequestDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'RequestChange', data: body }, request, reply);
  }

  @Post(':id/change-requests/:changeId/decide')
  @ApiOperation({ summary: 'Approve or reject a change request on an expert review — office' })
  @CommandHeaders()
  @CommandResponses()
  async decideChange(
    @Param('id') id: string,
    @Param('changeId') changeId: string,
    @Body() body: DecideChangeDto,
    @CurrentCommand() request: CommandRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.decide(id, { type: 'DecideChange', data: { ...body, changeId } }, request, reply);
  }

  @Post(':id/midterm-evaluation')
  @ApiOperation({ summary: 'Record the mid-term evaluation on its four dimensions, grade and share of tasks completed — office' })
  @CommandHeaders()
  @CommandResponses()
  async midtermEvaluation(@Param('id') id: string, @Body() body: MidtermEvaluationDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'RecordMidtermEvaluation', data: body }, request, reply);
  }

  @Post(':id/rectification')
  @ApiOperation({ summary: 'Order a rectification (整改) with its findings and deadline — office' })
  @CommandHeaders()
  @CommandResponses()
  async orderRectification(@Param('id') id: string, @Body() body: OrderRectificationDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'OrderRectification', data: body }, request, reply);
  }

  @Post(':id/rectification/submit')
  @ApiOperation({ summary: 'Submit the rectification report by its deadline — applicant' })
  @CommandHeaders()
  @CommandResponses()
  async submitRectification(@Param('id') id: string, @Body() body: RectificationReportDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'SubmitRectification', data: body }, request, reply);
  }

  @Post(':id/rectification/accept')
  @ApiOperation({ summary: 'Accept the submitted rectification, with the reason — office' })
  @CommandHeaders()
  @CommandResponses()
  async acceptRectification(@Param('id') id: string, @Body() body: AcceptRectificationDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'AcceptRectification', data: body }, request, reply);
  }

  @Post(':id/rectification/fail')
  @ApiOperation({ summary: 'Find the rectification failed (submitted and insufficient, or its deadline passed), with the reason — office' })
  @CommandHeaders()
  @CommandResponses()
  async failRectification(@Param('id') id: string, @Body() body: FailRectificationDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'FailRectification', data: body }, request, reply);
  }

  @Post(':id/suspend')
  @ApiOperation({ summary: 'Suspend (中止) the project after a failed rectification or too few tasks done at mid-term; the applicant may not re-apply — office' })
  @CommandHeaders()
  @CommandResponses()
  async suspend(@Param('id') id: string, @Body() body: SuspendProjectDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'Suspend', data: body }, request, reply);
  }

  @Post(':id/final-self-assessment')
  @ApiOperation({ summary: 'Submit the final self-assessment once construction has ended, or after a deferral — applicant' })
  @CommandHeaders()
  @CommandResponses()
  async finalSelfAssessment(@Param('id') id: string, @Body() body: FinalSelfAssessmentDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'SubmitFinalSelfAssessment', data: body }, request, reply);
  }

  @Post(':id/extension')
  @ApiOperation({ summary: 'Extend construction to a later last day, on the applicant’s request — office' })
  @CommandHeaders()
  @CommandResponses()
  async grantExtension(@Param('id') id: string, @Body() body: GrantExtensionDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'GrantExtension', data: body }, request, reply);
  }

  @Post(':id/final-evaluation')
  @ApiOperation({ summary: 'Record the final evaluation (验收) with its grade, which passes, defers or fails the project — office' })
  @CommandHeaders()
  @CommandResponses()
  async finalEvaluation(@Param('id') id: string, @Body() body: FinalEvaluationDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'RecordFinalEvaluation', data: body }, request, reply);
  }

  @Post(':id/accredit')
  @ApiOperation({ summary: 'Accredit (认定) a project that passed its final evaluation; a quality course then owes yearly updates — office' })
  @CommandHeaders()
  @CommandResponses()
  async accredit(@Param('id') id: string, @Body() body: AccreditDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'Accredit', data: body }, request, reply);
  }

  @Post(':id/course-updates')
  @ApiOperation({ summary: 'Submit an accredited quality course’s update for an academic year of its service obligation — applicant' })
  @CommandHeaders()
  @CommandResponses()
  async courseUpdate(@Param('id') id: string, @Body() body: CourseUpdateDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'SubmitCourseUpdate', data: body }, request, reply);
  }

  // ------------------------------------------------------------------------------------------- revocation

  @Post(':id/revoke')
  @ApiOperation({ summary: 'Revoke (撤销) the project on a ground of domain.md §5 with evidence; the applicant is banned and funds are to be recovered — office' })
  @CommandHeaders()
  @CommandResponses()
  async revoke(@Param('id') id: string, @Body() body: RevokeProjectDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'RevokeProject', data: body }, request, reply);
  }

  @Post(':id/fund-recovery')
  @ApiOperation({ summary: 'Order the recovery of funds (yuan) from a failed or revoked project — office' })
  @CommandHeaders()
  @CommandResponses()
  async fundRecovery(@Param('id') id: string, @Body() body: FundRecoveryDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'OrderFundRecovery', data: body }, request, reply);
  }

  @Post(':id/fund-recovery/recovered')
  @ApiOperation({ summary: 'Record money returned under the recovery order, up to the amount ordered — office' })
  @CommandHeaders()
  @CommandResponses()
  async fundsRecovered(@Param('id') id: string, @Body() body: FundsRecoveredDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'RecordFundsRecovered', data: body }, request, reply);
  }

  private async decide(id: string, command: ProjectCommandInput, request: CommandRequest, reply: FastifyReply) {
    return answer(reply, await this.commands.execute(new DecideProject(id, command, request)));
  }

  /** Each objection's objector, from the events up to the revision read, redacted as the audit API does for all but the office. */
  private async objectorsOf(stream: string, revision: number, actor: Actor): Promise<Map<string, unknown>> {
    const redact = redactFor(actor);
    const filed = (await this.store.readStream(stream)).slice(0, revision + 1).filter((e) => e.type === 'ObjectionFiled' || e.type === 'ObjectionRejected');
    return new Map(
      filed.map((e) => {
        const { objectionId, objector } = redact(e) as { objectionId: string; objector: unknown };
        return [objectionId, objector];
      }),
    );
  }
}
