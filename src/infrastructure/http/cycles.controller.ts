import { Body, Controller, Get, Inject, Param, Post, Res } from '@nestjs/common';
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
import { ApproveListDto, CloseCycleDto, CloseWindowDto, EndNoticeDto, OpenCycleDto, OpenNoticeDto, RemoveFromListDto, ShortlistDto } from './cycles.dto';
import { CommandHeaders, CommandResponses } from './openapi';
import { ProblemError } from './problem.filter';

@ApiTags('cycles')
@ApiBearerAuth()
@Controller('cycles')
export class CyclesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly streams: FoldedStreams,
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
    return { id, revision, ...state };
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
