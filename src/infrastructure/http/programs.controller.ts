import { Body, Controller, Get, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CATALOG } from '../../application/catalog';
import { FoldedStreams } from '../../application/folded-streams';
import { CommandRequest, readState } from '../../application/handle-command';
import { DecideProgram } from '../../application/program.commands';
import { programStream } from '../../application/streams';
import { ProgramCatalog, ProgramType } from '../../domain/catalog/program-catalog';
import { Actor } from '../../domain/messages';
import { placesGiven, programDecider, ProgramState, targetOf } from '../../domain/program/program.decider';
import { CycleQueries } from '../read-models/cycles/cycles.query';
import { PageQuery } from './read-models.controller';
import { ProjectQueries } from '../read-models/projects/projects.query';
import { ReadModels } from '../read-models/read-models';
import { CurrentActor } from './auth.guard';
import { answer, CurrentCommand } from './command-request';
import { RaiseTargetDto } from './cycles.dto';
import { CommandHeaders, CommandResponses } from './openapi';
import { ProblemError } from './problem.filter';

/**
 * The programs of the catalog in force, each with the target its cycles' quotas count against (the
 * plan's, or the office's raise), and a program's dashboard across its batches. A program is public
 * information to everyone signed in, as its cycles are.
 */
@ApiTags('programs')
@ApiBearerAuth()
@Controller('programs')
export class ProgramsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly streams: FoldedStreams,
    private readonly readModels: ReadModels,
    private readonly cycles: CycleQueries,
    private readonly projects: ProjectQueries,
    @Inject(CATALOG) private readonly catalog: ProgramCatalog,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The program types of the catalog in force: names, target in force, rules version and default rules' })
  async list() {
    const described = Object.values(this.catalog).map(async (programType) => this.describe(programType, (await readState(this.streams, programDecider, programStream(programType.code))).state));
    return { items: await Promise.all(described) };
  }

  @Get(':code')
  @ApiOperation({ summary: "A program across its batches: target (the plan's or raised), quotas its cycles give, places left, and its projects approved, accredited and revoked" })
  async dashboard(@Param('code') code: string, @Query() query: PageQuery, @CurrentActor() actor: Actor) {
    const programType = this.find(code);
    await this.readModels.reach(query.after === undefined ? undefined : BigInt(query.after));
    const { state } = await readState(this.streams, programDecider, programStream(code));
    const program = this.describe(programType, state);
    const cycles = this.cycles.list(actor, { programType: code }, { limit: 500 }).items;
    // A program with a target counts its cycles' quotas on its own stream; one without, in the cycles.
    const given = program.target === null ? cycles.reduce((sum, c) => sum + Number(c.quota), 0) : placesGiven(state);
    return {
      ...program,
      quotasGiven: given,
      placesLeft: program.target === null ? null : Math.max(0, program.target - given),
      cycles: cycles.map((c) => ({ id: c.id, name: c.name, label: c.label, status: c.status, quota: c.quota, placesTaken: c.placesTaken, approved: c.approved, countsAgainstTarget: Object.prototype.hasOwnProperty.call(state.quotas, String(c.id)) })),
      projects: this.projects.programTotals(code),
    };
  }

  @Post(':code/raise-target')
  @ApiOperation({ summary: "Raise a program's target beyond the plan's, with the decision that allows it — office" })
  @CommandHeaders()
  @CommandResponses()
  async raiseTarget(@Param('code') code: string, @Body() body: RaiseTargetDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    this.find(code);
    const outcome = await this.commands.execute(new DecideProgram(code, { type: 'RaiseTarget', data: { target: body.target, reason: body.reason } }, request));
    return answer(reply, outcome);
  }

  private find(code: string): ProgramType {
    const programType = Object.prototype.hasOwnProperty.call(this.catalog, code) ? this.catalog[code] : undefined;
    if (!programType) throw new ProblemError({ status: 404, code: 'unknown-program-type', title: 'Not Found', detail: `no program type ${code} in the catalog` });
    return programType;
  }

  /** A program type as the catalog in force has it, with the target in force on its stream. */
  private describe(programType: ProgramType, state: ProgramState) {
    const { code, name, lifecycle, seedClause, objectAppliedFor, responsibleUnits, rulesVersion, parent, defaultRules } = programType;
    return {
      code,
      name,
      lifecycle,
      seedClause,
      objectAppliedFor,
      responsibleUnits,
      ...(parent ? { parent } : {}),
      target: targetOf(state, programType.target),
      catalogTarget: programType.target,
      rulesVersion,
      defaultRules,
    };
  }
}
