import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ProgramCatalog } from '../domain/catalog/program-catalog';
import { notFound } from '../domain/errors';
import { ProgramCommand, RaiseTarget } from '../domain/program/program.commands';
import { programDecider } from '../domain/program/program.decider';
import { CATALOG } from './catalog';
import { Clock, CLOCK } from './clock';
import { FoldedStreams } from './folded-streams';
import { CommandOutcome, CommandRequest, contextOf, handleCommand } from './handle-command';
import { programStream } from './streams';

/** What a client asks of a program: raising its target (quotas are allocated by the cycles' door). */
export type ProgramCommandInput = { readonly type: 'RaiseTarget'; readonly data: RaiseTarget['data'] };

export class DecideProgram extends Command<CommandOutcome> {
  constructor(
    readonly programType: string,
    readonly command: ProgramCommandInput,
    readonly request: CommandRequest,
  ) {
    super();
  }
}

/** The program's door for the office: its context is the target the catalog in force sets. */
@CommandHandler(DecideProgram)
export class DecideProgramHandler implements ICommandHandler<DecideProgram, CommandOutcome> {
  constructor(
    private readonly streams: FoldedStreams,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CATALOG) private readonly catalog: ProgramCatalog,
  ) {}

  async execute({ programType, command, request }: DecideProgram): Promise<CommandOutcome> {
    const found = Object.prototype.hasOwnProperty.call(this.catalog, programType) ? this.catalog[programType] : undefined;
    if (!found || found.lifecycle !== 'project') throw notFound('unknown-program-type', `no school-side program type ${programType} in the catalog`, { code: programType });
    const recordedAt = this.clock.now().toISOString();
    const now = request.issuedBy?.decidedAt ?? recordedAt;
    const decided = { ...command, actor: request.actor, now, context: { catalogTarget: found.target } } as ProgramCommand;
    return handleCommand(this.streams, programDecider, programStream(programType), decided, contextOf(request, recordedAt));
  }
}
