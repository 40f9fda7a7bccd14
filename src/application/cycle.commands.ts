import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ProgramCatalog } from '../domain/catalog/program-catalog';
import { ProgramCycleCommand } from '../domain/program-cycle/program-cycle.commands';
import { programCycleDecider } from '../domain/program-cycle/program-cycle.decider';
import { CATALOG } from './catalog';
import { Clock, CLOCK } from './clock';
import { EVENT_STORE, EventStore } from './event-store';
import { CommandOutcome, CommandRequest, handleCommand } from './handle-command';

export type CycleCommandInput = { [T in ProgramCycleCommand['type']]: { type: T; data: Extract<ProgramCycleCommand, { type: T }>['data'] } }[ProgramCycleCommand['type']];

export const cycleStream = (cycleId: string) => `cycle-${cycleId}`;

/** A command on a program cycle's stream, as a client asked for it. */
export class DecideCycle extends Command<CommandOutcome> {
  constructor(
    readonly cycleId: string,
    readonly command: CycleCommandInput,
    readonly request: CommandRequest,
  ) {
    super();
  }
}

@CommandHandler(DecideCycle)
export class DecideCycleHandler implements ICommandHandler<DecideCycle, CommandOutcome> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CATALOG) private readonly catalog: ProgramCatalog,
  ) {}

  async execute({ cycleId, command, request }: DecideCycle): Promise<CommandOutcome> {
    const now = this.clock.now().toISOString();
    return handleCommand(
      this.store,
      programCycleDecider,
      cycleStream(cycleId),
      { ...command, actor: request.actor, now, context: this.contextFor(command) } as ProgramCycleCommand,
      { ...request, now },
    );
  }

  /** What a cycle decision needs to know beyond the cycle's own stream. */
  private contextFor(command: CycleCommandInput) {
    switch (command.type) {
      case 'OpenCycle':
        return { programType: this.catalog[command.data.programType] ?? null };
      default:
        return undefined;
    }
  }
}
