import { Body, Controller, Get, Inject, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DecideEnterprise, EnterpriseCommandInput } from '../../application/enterprise.commands';
import { enterpriseStream } from '../../application/streams';
import { EVENT_STORE, EventStore } from '../../application/event-store';
import { FoldedStreams } from '../../application/folded-streams';
import { CommandRequest, readState } from '../../application/handle-command';
import { nameBasedUuid } from '../../application/ids';
import { requireSeen } from '../../domain/access';
import { ENTERPRISE_ACCESS } from '../../domain/enterprise/enterprise.access';
import { enterpriseDecider } from '../../domain/enterprise/enterprise.decider';
import { Actor } from '../../domain/messages';
import { redactFor } from './audit.controller';
import { PeopleQueries } from '../read-models/people/people.query';
import { ReadModels } from '../read-models/read-models';
import { CurrentActor } from './auth.guard';
import { answer, CurrentCommand, etagOf } from './command-request';
import {
  AnnualReportDto,
  AnnualReportOverdueDto,
  ApplyForIncubationDto,
  CertificationEvaluationDto,
  CertificationRequestDto,
  DisqualifyEnterpriseDto,
  EmptyBodyDto,
  EnterpriseNoticeDto,
  EnterpriseObjectionDto,
  JointReviewDto,
  MaterialChangeDto,
  NotRecommendDto,
  RecommendDto,
  ResolveEnterpriseObjectionDto,
  ThreeYearPlanDto,
} from './enterprises.dto';
import { CommandHeaders, CommandResponses } from './openapi';
import { ProblemError } from './problem.filter';
import { timelineOf } from './timeline';

const ANONYMOUS = { name: '', contact: '' };

@ApiTags('enterprises')
@ApiBearerAuth()
@Controller('enterprises')
export class EnterprisesController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly streams: FoldedStreams,
    private readonly people: PeopleQueries,
    private readonly readModels: ReadModels,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Apply for incubation as a 产教融合型企业, or apply again once not admitted or once a ban has ended — applicant' })
  @CommandHeaders()
  @CommandResponses({ created: true })
  async apply(@Body() body: ApplyForIncubationDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const outcome = await this.commands.execute(
      new DecideEnterprise(body.creditCode, { type: 'ApplyForIncubation', data: { ...body, enterpriseId: request.actor.org } }, request),
    );
    return answer(reply, outcome, `/enterprises/${body.creditCode}`);
  }

  @Get(':id')
  @ApiOperation({ summary: 'The enterprise as folded from its stream, with its ETag; objectors are named to the office only — the enterprise, its city’s recommender, office, auditor' })
  async get(@Param('id') id: string, @CurrentActor() actor: Actor, @Res({ passthrough: true }) reply: FastifyReply) {
    const stream = enterpriseStream(id);
    const { state, revision } = await readState(this.streams, enterpriseDecider, stream);
    if (state.status === 'None') {
      throw new ProblemError({ status: 404, code: 'enterprise-not-found', title: 'Not Found', detail: `no enterprise ${id}` });
    }
    requireSeen(ENTERPRISE_ACCESS, actor, state);
    const objectors = state.objections.length > 0 ? await this.objectorsOf(stream, revision, actor) : new Map<string, unknown>();
    reply.header('etag', etagOf(revision));
    return { id, revision, ...state, objections: state.objections.map((o) => ({ ...o, objector: objectors.get(o.objectionId) })) };
  }

  @Get(':id/timeline')
  @ApiOperation({ summary: 'The enterprise’s history, event by event, and what is due when; objectors are named to the office only — whoever may read the enterprise' })
  async timeline(@Param('id') id: string, @CurrentActor() actor: Actor) {
    const stream = enterpriseStream(id);
    const { state } = await readState(this.streams, enterpriseDecider, stream);
    if (state.status === 'None') throw new ProblemError({ status: 404, code: 'enterprise-not-found', title: 'Not Found', detail: `no enterprise ${id}` });
    requireSeen(ENTERPRISE_ACCESS, actor, state);
    return { id, status: state.status, ...(await timelineOf(this.store, stream, actor, this.people, this.readModels)) };
  }

  @Post(':id/recommend')
  @ApiOperation({ summary: 'Recommend the application, with the opinion of the city — recommender of the enterprise’s city' })
  @CommandHeaders()
  @CommandResponses()
  async recommend(@Param('id') id: string, @Body() body: RecommendDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'Recommend', data: body }, request, reply);
  }

  @Post(':id/not-recommend')
  @ApiOperation({ summary: 'Decline to recommend the application, with the reason — recommender of the enterprise’s city' })
  @CommandHeaders()
  @CommandResponses()
  async notRecommend(@Param('id') id: string, @Body() body: NotRecommendDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'NotRecommend', data: body }, request, reply);
  }

  @Post(':id/joint-review')
  @ApiOperation({ summary: 'Record the joint review of the departments (部门联审) with the expert assessment — office' })
  @CommandHeaders()
  @CommandResponses()
  async jointReview(@Param('id') id: string, @Body() body: JointReviewDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'RecordJointReview', data: body }, request, reply);
  }

  @Post(':id/open-notice')
  @ApiOperation({ summary: 'Open the public notice (公示) before admission to incubation — office' })
  @CommandHeaders()
  @CommandResponses()
  async openNotice(@Param('id') id: string, @Body() body: EnterpriseNoticeDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'OpenPublicNotice', data: body }, request, reply);
  }

  @Post(':id/objections')
  @ApiOperation({ summary: 'Object to the enterprise during a public notice, under real name; answers the objection id — applicant, recommender, reviewer, office' })
  @CommandHeaders()
  @CommandResponses()
  async fileObjection(@Param('id') id: string, @Body() body: EnterpriseObjectionDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const objectionId = nameBasedUuid(`objection:${request.commandId}`);
    const data = { objectionId, objector: body.objector ?? ANONYMOUS, grounds: body.grounds, evidence: body.evidence };
    return { ...(await this.decide(id, { type: 'FileObjection', data }, request, reply)), objectionId };
  }

  @Post(':id/objections/:objectionId/resolve')
  @ApiOperation({ summary: 'Dismiss or uphold an objection; an upheld one ends its notice with a refusal — office' })
  @CommandHeaders()
  @CommandResponses()
  async resolveObjection(
    @Param('id') id: string,
    @Param('objectionId') objectionId: string,
    @Body() body: ResolveEnterpriseObjectionDto,
    @CurrentCommand() request: CommandRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.decide(id, { type: 'ResolveObjection', data: { ...body, objectionId } }, request, reply);
  }

  @Post(':id/admit')
  @ApiOperation({ summary: 'Admit to incubation (入库培育) once the notice ended with no open objection — office' })
  @CommandHeaders()
  @CommandResponses()
  async admit(@Param('id') id: string, @Body() _body: EmptyBodyDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'AdmitToIncubation', data: {} }, request, reply);
  }

  @Post(':id/three-year-plan')
  @ApiOperation({ summary: 'Publish the three-year plan of the incubation — applicant (the enterprise)' })
  @CommandHeaders()
  @CommandResponses()
  async threeYearPlan(@Param('id') id: string, @Body() body: ThreeYearPlanDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'PublishThreeYearPlan', data: body }, request, reply);
  }

  @Post(':id/three-year-plan-overdue')
  @ApiOperation({ summary: 'Record that the three-year plan is overdue (also done by the scheduler) — office' })
  @CommandHeaders()
  @CommandResponses()
  async threeYearPlanOverdue(@Param('id') id: string, @Body() _body: EmptyBodyDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'RecordThreeYearPlanOverdue', data: {} }, request, reply);
  }

  @Post(':id/minimum-incubation-reached')
  @ApiOperation({ summary: 'Record that the minimum incubation is over: certification may be requested (also done by the scheduler) — office' })
  @CommandHeaders()
  @CommandResponses()
  async minimumIncubationReached(@Param('id') id: string, @Body() _body: EmptyBodyDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'RecordMinimumIncubationReached', data: {} }, request, reply);
  }

  @Post(':id/annual-reports')
  @ApiOperation({ summary: 'Submit the annual report of a finished year — applicant (the enterprise)' })
  @CommandHeaders()
  @CommandResponses()
  async annualReport(@Param('id') id: string, @Body() body: AnnualReportDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'SubmitAnnualReport', data: body }, request, reply);
  }

  @Post(':id/annual-report-overdue')
  @ApiOperation({ summary: 'Record that a year’s annual report is overdue (also done by the scheduler) — office' })
  @CommandHeaders()
  @CommandResponses()
  async annualReportOverdue(@Param('id') id: string, @Body() body: AnnualReportOverdueDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'RecordAnnualReportOverdue', data: body }, request, reply);
  }

  @Post(':id/material-changes')
  @ApiOperation({ summary: 'Report a material change: rename, relocation, merger or change of business — applicant (the enterprise)' })
  @CommandHeaders()
  @CommandResponses()
  async materialChange(@Param('id') id: string, @Body() body: MaterialChangeDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'ReportMaterialChange', data: body }, request, reply);
  }

  @Post(':id/request-certification')
  @ApiOperation({ summary: 'Request certification after the minimum incubation, the three-year plan published — applicant (the enterprise)' })
  @CommandHeaders()
  @CommandResponses()
  async requestCertification(@Param('id') id: string, @Body() body: CertificationRequestDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'RequestCertification', data: body }, request, reply);
  }

  @Post(':id/certification-evaluation')
  @ApiOperation({ summary: 'Record the evaluation of a certification request with the expert assessment — office' })
  @CommandHeaders()
  @CommandResponses()
  async certificationEvaluation(@Param('id') id: string, @Body() body: CertificationEvaluationDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'RecordCertificationEvaluation', data: body }, request, reply);
  }

  @Post(':id/open-certification-notice')
  @ApiOperation({ summary: 'Open the public notice (公示) before certification — office' })
  @CommandHeaders()
  @CommandResponses()
  async openCertificationNotice(@Param('id') id: string, @Body() body: EnterpriseNoticeDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'OpenCertificationNotice', data: body }, request, reply);
  }

  @Post(':id/certify')
  @ApiOperation({ summary: 'Certify the enterprise (or renew its certificate) once the notice ended with no open objection — office' })
  @CommandHeaders()
  @CommandResponses()
  async certify(@Param('id') id: string, @Body() _body: EmptyBodyDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'Certify', data: {} }, request, reply);
  }

  @Post(':id/request-recertification')
  @ApiOperation({ summary: 'Request renewal of the certificate, in force or expired — applicant (the enterprise)' })
  @CommandHeaders()
  @CommandResponses()
  async requestRecertification(@Param('id') id: string, @Body() body: CertificationRequestDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'RequestRecertification', data: body }, request, reply);
  }

  @Post(':id/certificate-expired')
  @ApiOperation({ summary: 'Record that the certificate has run out (also done by the scheduler) — office' })
  @CommandHeaders()
  @CommandResponses()
  async certificateExpired(@Param('id') id: string, @Body() _body: EmptyBodyDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'RecordCertificateExpired', data: {} }, request, reply);
  }

  @Post(':id/disqualify')
  @ApiOperation({ summary: 'Disqualify the enterprise: its certificate is revoked and it may not apply for the ban’s years — office' })
  @CommandHeaders()
  @CommandResponses()
  async disqualify(@Param('id') id: string, @Body() body: DisqualifyEnterpriseDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'Disqualify', data: body }, request, reply);
  }

  private async decide(id: string, command: EnterpriseCommandInput, request: CommandRequest, reply: FastifyReply) {
    return answer(reply, await this.commands.execute(new DecideEnterprise(id, command, request)));
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
