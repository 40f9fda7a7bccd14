import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DecideFunds, FundsCommandInput } from '../../application/funding.commands';
import { FoldedStreams } from '../../application/folded-streams';
import { CommandRequest, readState } from '../../application/handle-command';
import { nameBasedUuid } from '../../application/ids';
import { fundsStream } from '../../application/streams';
import { disbursedTo, fundsDecider, ledgerOf } from '../../domain/funding/funding.decider';
import { own } from '../../domain/checks';
import { Actor } from '../../domain/messages';
import { requireOperation } from '../../domain/service.access';
import { CurrentActor } from './auth.guard';
import { answer, CurrentCommand, etagOf } from './command-request';
import { DisburseFundsDto, GrantFundsDto, SetBudgetDto } from './funding.dto';
import { CommandHeaders, CommandResponses } from './openapi';
import { ProblemError } from './problem.filter';

/**
 * A cycle's money (funds-<cycleId>): the office sets each public source's budget, grants to approved
 * projects per year and source, and records each payment; the ledger is read by the office and auditors.
 */
@ApiTags('funding')
@ApiBearerAuth()
@Controller('cycles/:id/funds')
export class FundingController {
  constructor(
    private readonly commands: CommandBus,
    private readonly streams: FoldedStreams,
  ) {}

  @Get()
  @ApiOperation({ summary: "A cycle's ledger: each source's budget, what is granted and paid from it and what is left, and every grant — office, auditor" })
  async ledger(@Param('id') id: string, @CurrentActor() actor: Actor, @Res({ passthrough: true }) reply: FastifyReply) {
    requireOperation('ReadFunds', actor);
    const { state, revision } = await readState(this.streams, fundsDecider, fundsStream(id));
    reply.header('etag', etagOf(revision));
    return { cycleId: id, revision, ...ledgerOf(state) };
  }

  @Get('grants/:grantId')
  @ApiOperation({ summary: 'One grant: its project, year, source, amount and what it has paid — office, auditor' })
  async grantOf(@Param('id') id: string, @Param('grantId') grantId: string, @CurrentActor() actor: Actor) {
    requireOperation('ReadFunds', actor);
    const { state } = await readState(this.streams, fundsDecider, fundsStream(id));
    const grant = own(state.grants, grantId);
    if (!grant) throw new ProblemError({ status: 404, code: 'grant-not-found', title: 'Not Found', detail: `no grant ${grantId} in cycle ${id}` });
    return { cycleId: id, grantId, ...grant };
  }

  @Get('projects/:projectId')
  @ApiOperation({ summary: "A project's grants and payments in the cycle, and what a recovery may order back — office, auditor" })
  async project(@Param('id') id: string, @Param('projectId') projectId: string, @CurrentActor() actor: Actor) {
    requireOperation('ReadFunds', actor);
    const { state } = await readState(this.streams, fundsDecider, fundsStream(id));
    const grants = Object.entries(state.grants).filter(([, g]) => g.projectId === projectId).map(([grantId, g]) => ({ grantId, ...g }));
    if (grants.length === 0) throw new ProblemError({ status: 404, code: 'grant-not-found', title: 'Not Found', detail: `no grant to project ${projectId} in cycle ${id}` });
    return { cycleId: id, projectId, grants, disbursed: disbursedTo(state, projectId) };
  }

  @Post('budget')
  @ApiOperation({ summary: "Set a public source's budget for the cycle, with the decision behind it — office" })
  @CommandHeaders()
  @CommandResponses()
  async budget(@Param('id') id: string, @Body() body: SetBudgetDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'SetBudget', data: { cycleId: id, source: body.source, amount: body.amount, reason: body.reason } }, request, reply);
  }

  @Post('grants')
  @ApiOperation({ summary: 'Grant an approved project funds for a year from a source, within its budget — office' })
  @CommandHeaders()
  @CommandResponses({ created: true })
  async grant(@Param('id') id: string, @Body() body: GrantFundsDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const grantId = nameBasedUuid(`grant:${request.commandId}`);
    const command: FundsCommandInput = { type: 'GrantFunds', data: { grantId, cycleId: id, projectId: body.projectId, year: body.year, source: body.source, amount: body.amount, reason: body.reason } };
    return this.decide(id, command, request, reply, `/cycles/${id}/funds/grants/${grantId}`);
  }

  @Post('grants/:grantId/disburse')
  @ApiOperation({ summary: 'Record a payment of a grant, never beyond it — office' })
  @CommandHeaders()
  @CommandResponses()
  async disburse(@Param('id') id: string, @Param('grantId') grantId: string, @Body() body: DisburseFundsDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'DisburseFunds', data: { grantId, amount: body.amount, disbursedOn: body.disbursedOn, ...(body.reference ? { reference: body.reference } : {}) } }, request, reply);
  }

  private async decide(id: string, command: FundsCommandInput, request: CommandRequest, reply: FastifyReply, location?: string) {
    const outcome = await this.commands.execute(new DecideFunds(id, command, request));
    return answer(reply, outcome, location);
  }
}
