import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { own } from '../domain/checks';
import { notFound } from '../domain/errors';
import { FundedProjectFacts, FundsCommand } from '../domain/funding/funding.commands';
import { FundsState, fundsDecider } from '../domain/funding/funding.decider';
import { programCycleDecider } from '../domain/program-cycle/program-cycle.decider';
import { projectDecider } from '../domain/project/project.decider';
import { Clock, CLOCK } from './clock';
import { FoldedStreams } from './folded-streams';
import { CommandOutcome, CommandRequest, contextOf, handleCommand, readState } from './handle-command';
import { cycleStream, fundsStream, projectStream } from './streams';

/** A funds command as a client sends it: the type and its data; context, actor and time are the service's. */
export type FundsCommandInput = { [T in FundsCommand['type']]: { type: T; data: Extract<FundsCommand, { type: T }>['data'] } }[FundsCommand['type']];

export class DecideFunds extends Command<CommandOutcome> {
  constructor(
    readonly cycleId: string,
    readonly command: FundsCommandInput,
    readonly request: CommandRequest,
  ) {
    super();
  }
}

/** What the funds decider knows of a project: its cycle, applicant and whether it was approved. */
export async function fundedProject(streams: FoldedStreams, projectId: string): Promise<FundedProjectFacts | null> {
  const { state } = await readState(streams, projectDecider, projectStream(projectId));
  if (state.status === 'None') return null;
  const { cycleId, programType, applicantOrg, region, status } = state;
  return { projectId, cycleId, programType, applicantOrg, region, status, approved: state.approval !== null, grantReductions: state.grantReductions ?? [] };
}

/** A cycle's money has one door: the project a grant or payment is for is read here, whoever sends it. */
@CommandHandler(DecideFunds)
export class DecideFundsHandler implements ICommandHandler<DecideFunds, CommandOutcome> {
  constructor(
    private readonly streams: FoldedStreams,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ cycleId, command, request }: DecideFunds): Promise<CommandOutcome> {
    const cycle = await readState(this.streams, programCycleDecider, cycleStream(cycleId));
    if (cycle.state.status === 'None') throw notFound('cycle-not-found', `no cycle ${cycleId}`);
    const recordedAt = this.clock.now().toISOString();
    const now = request.issuedBy?.decidedAt ?? recordedAt;
    const build = async (state: FundsState): Promise<FundsCommand> => {
      const projectId = command.type === 'GrantFunds' ? command.data.projectId : command.type === 'DisburseFunds' ? own(state.grants, command.data.grantId)?.projectId : undefined;
      const context = projectId ? { project: await fundedProject(this.streams, projectId) } : command.type === 'SetBudget' ? undefined : { project: null };
      return { ...command, actor: request.actor, now, ...(context ? { context } : {}) } as FundsCommand;
    };
    return handleCommand(this.streams, fundsDecider, fundsStream(cycleId), { type: command.type, build }, contextOf(request, recordedAt));
  }
}
