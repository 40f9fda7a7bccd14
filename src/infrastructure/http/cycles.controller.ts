import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CATALOG } from '../../application/catalog';
import { CycleCommandInput, DecideCycle } from '../../application/cycle.commands';
import { cycleStream } from '../../application/streams';
import { FoldedStreams } from '../../application/folded-streams';
import { CommandRequest, readState } from '../../application/handle-command';
import { nameBasedUuid } from '../../application/ids';
import { requireSeen } from '../../domain/access';
import { ProgramCatalog } from '../../domain/catalog/program-catalog';
import { Actor } from '../../domain/messages';
import { PROGRAM_CYCLE_ACCESS } from '../../domain/program-cycle/program-cycle.access';
import { programCycleDecider } from '../../domain/program-cycle/program-cycle.decider';
import { CurrentActor } from './auth.guard';
import { answer, CurrentCommand, etagOf } from './command-request';
import { ApproveListDto, AssignPanelDto, CloseCycleDto, CloseWindowDto, EndNoticeDto, FormPanelDto, OpenCycleDto, OpenNoticeDto, RemoveFromListDto, ShortlistDto } from './cycles.dto';
import { AssignPanel } from '../../application/panels';
import { mayUse, requireOperation } from '../../domain/service.access';
import { ProjectQueries } from '../read-models/projects/projects.query';
import { ReadModels } from '../read-models/read-models';
import { PageQuery } from './read-models.controller';
import { CommandHeaders, CommandResponses } from './openapi';
import { ProblemError } from './problem.filter';

const mayReadReview = (actor: Actor) => mayUse('ReadReview', actor);

@ApiTags('cycles')
@ApiBearerAuth()
@Controller('cycles')
export class CyclesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly streams: FoldedStreams,
    private readonly readModels: ReadModels,
    private readonly projectQueries: ProjectQueries,
    @Inject(CATALOG) private readonly catalog: ProgramCatalog,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Open a program cycle (call/batch) with its rules — office' })
  @CommandHeaders()
  @CommandResponses({ created: true })
  async open(@Body() body: OpenCycleDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const cycleId = body.id ?? nameBasedUuid(`cycle:${request.commandId}`);
    const programType = this.catalog[body.programType];
    const defaults = programType?.lifecycle === 'project' ? programType : undefined;
    if (body.rules && !body.rulesVersion) {
      throw new ProblemError({
        status: 400,
        code: 'validation-failed',
        title: 'Bad Request',
        detail: 'rulesVersion: required when rules are overridden',
        errors: [{ field: 'rulesVersion', reason: 'required when rules are overridden' }],
      });
    }
    const outcome = await this.commands.execute(
      new DecideCycle(
        cycleId,
        {
          type: 'OpenCycle',
          data: {
            cycleId,
            programType: body.programType,
            name: body.name,
            label: body.label,
            opensAt: body.opensAt,
            closesAt: body.closesAt,
            ...(body.parentCycleId ? { parentCycleId: body.parentCycleId } : {}),
            // Unknown program types are the decider's to refuse; the defaults are then irrelevant.
            rules: { ...(defaults?.defaultRules as object), ...body.rules } as never,
            rulesVersion: body.rulesVersion ?? defaults?.rulesVersion ?? 'unknown',
          },
        },
        request,
      ),
    );
    return answer(reply, outcome, `/cycles/${cycleId}`);
  }

  @Get(':id')
  @ApiOperation({ summary: 'The cycle as folded from its stream, with its ETag' })
  async get(@Param('id') id: string, @CurrentActor() actor: Actor, @Res({ passthrough: true }) reply: FastifyReply) {
    const { state, revision } = await readState(this.streams, programCycleDecider, cycleStream(id));
    if (state.status === 'None') {
      throw new ProblemError({ status: 404, code: 'cycle-not-found', title: 'Not Found', detail: `no cycle ${id}` });
    }
    requireSeen(PROGRAM_CYCLE_ACCESS, actor, state);
    reply.header('etag', etagOf(revision));
    // Who sits on a panel stays with the office and auditors until the review is done.
    const { panels, ...published } = state;
    return { id, revision, ...published, ...(mayReadReview(actor) ? { panels: panels ?? {} } : {}) };
  }

  @Post(':id/panels')
  @ApiOperation({ summary: 'Form an expert panel of the cycle for a field, from the reviewer pool — office' })
  @CommandHeaders()
  @CommandResponses({ created: true })
  async formPanel(@Param('id') id: string, @Body() body: FormPanelDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const panelId = body.panelId ?? nameBasedUuid(`panel:${request.commandId}`);
    const outcome = await this.commands.execute(new DecideCycle(id, { type: 'FormPanel', data: { panelId, field: body.field, experts: body.experts } }, request));
    return answer(reply, outcome, `/cycles/${id}/panels/${panelId}`);
  }

  @Get(':id/panels/:panelId')
  @ApiOperation({ summary: 'One expert panel of the cycle: its field and experts' })
  async panel(@Param('id') id: string, @Param('panelId') panelId: string, @CurrentActor() actor: Actor) {
    const { state } = await readState(this.streams, programCycleDecider, cycleStream(id));
    if (state.status === 'None') throw new ProblemError({ status: 404, code: 'cycle-not-found', title: 'Not Found', detail: `no cycle ${id}` });
    requireOperation('ReadReview', actor);
    const panel = Object.prototype.hasOwnProperty.call(state.panels ?? {}, panelId) ? state.panels![panelId] : undefined;
    if (!panel) throw new ProblemError({ status: 404, code: 'panel-not-found', title: 'Not Found', detail: `no panel ${panelId} in cycle ${id}` });
    return { cycleId: id, panelId, ...panel };
  }

  @Post(':id/panels/:panelId/assign')
  @HttpCode(200)
  @ApiOperation({ summary: "Assign a panel's experts to projects of the cycle: the least loaded first, never one of a project's own side; answers what was assigned, refused and left unfilled — office" })
  @CommandHeaders()
  async assignPanel(@Param('id') id: string, @Param('panelId') panelId: string, @Body() body: AssignPanelDto, @CurrentCommand() request: CommandRequest) {
    return this.commands.execute(new AssignPanel(id, panelId, body.projectIds, body.perProject, request));
  }

  @Get(':id/experts')
  @ApiOperation({ summary: "Each expert's progress in the cycle: projects assigned, scored, pending, and recusals — office, auditor" })
  async experts(@Param('id') id: string, @Query() query: PageQuery, @CurrentActor() actor: Actor) {
    requireOperation('ReadReview', actor);
    await this.readModels.reach(query.after === undefined ? undefined : BigInt(query.after));
    return { cycleId: id, items: this.projectQueries.expertProgress(id) };
  }

  @Post(':id/close-window')
  @ApiOperation({ summary: 'Close the application window (before its deadline, with a reason) — office' })
  @CommandHeaders()
  @CommandResponses()
  async closeWindow(@Param('id') id: string, @Body() body: CloseWindowDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'CloseApplicationWindow', data: body }, request, reply);
  }

  @Post(':id/shortlist')
  @ApiOperation({ summary: 'Record the selection within the quota: shortlisted and not selected — office' })
  @CommandHeaders()
  @CommandResponses()
  async shortlist(@Param('id') id: string, @Body() body: ShortlistDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'Shortlist', data: body }, request, reply);
  }

  @Post(':id/open-notice')
  @ApiOperation({ summary: 'Open the public notice (公示) of the shortlisted projects — office' })
  @CommandHeaders()
  @CommandResponses()
  async openNotice(@Param('id') id: string, @Body() body: OpenNoticeDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'OpenPublicNotice', data: body }, request, reply);
  }

  @Post(':id/end-notice')
  @ApiOperation({ summary: 'Record that a public notice has ended (also done by the scheduler) — office' })
  @CommandHeaders()
  @CommandResponses()
  async endNotice(@Param('id') id: string, @Body() body: EndNoticeDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'EndPublicNotice', data: body }, request, reply);
  }

  @Post(':id/remove-from-list')
  @ApiOperation({ summary: 'Take a project off the list, freeing its place — office' })
  @CommandHeaders()
  @CommandResponses()
  async removeFromList(@Param('id') id: string, @Body() body: RemoveFromListDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'RemoveFromList', data: body }, request, reply);
  }

  @Post(':id/approve')
  @ApiOperation({ summary: 'Approve (立项) projects whose notice ended with no open objection — office' })
  @CommandHeaders()
  @CommandResponses()
  async approve(@Param('id') id: string, @Body() body: ApproveListDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'ApproveList', data: body }, request, reply);
  }

  @Post(':id/close')
  @ApiOperation({ summary: 'Close the cycle — office' })
  @CommandHeaders()
  @CommandResponses()
  async close(@Param('id') id: string, @Body() body: CloseCycleDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'CloseCycle', data: body }, request, reply);
  }

  private async decide(id: string, command: CycleCommandInput, request: CommandRequest, reply: FastifyReply) {
    return answer(reply, await this.commands.execute(new DecideCycle(id, command, request)));
  }
}
