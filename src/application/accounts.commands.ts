import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Organisation } from '../domain/organisation/organisation';
import { RegistryCommand } from '../domain/organisation/registry.commands';
import { registryDecider } from '../domain/organisation/registry.decider';
import { organisationOf } from '../domain/organisation/registry.state';
import { Standing } from '../domain/person/grants';
import { Acting, PersonCommand } from '../domain/person/person.commands';
import { personDecider } from '../domain/person/person.decider';
import { PersonState, standingOf } from '../domain/person/person.state';
import { Clock, CLOCK } from './clock';
import { FoldedStreams } from './folded-streams';
import { CommandOutcome, CommandRequest, contextOf, handleCommand, readState } from './handle-command';
import { personStream, REGISTRY_STREAM } from './streams';

type InputOf<C extends { type: string; data: unknown }> = { [T in C['type']]: { type: T; data: Extract<C, { type: T }>['data'] } }[C['type']];
export type RegistryCommandInput = InputOf<RegistryCommand>;
export type PersonCommandInput = InputOf<PersonCommand>;

/** A command on the organisation registry. */
export class DecideRegistry extends Command<CommandOutcome> {
  constructor(
    readonly command: RegistryCommandInput,
    readonly request: CommandRequest,
  ) {
    super();
  }
}

/** The registry's one door. */
@CommandHandler(DecideRegistry)
export class DecideRegistryHandler implements ICommandHandler<DecideRegistry, CommandOutcome> {
  constructor(
    private readonly streams: FoldedStreams,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ command, request }: DecideRegistry): Promise<CommandOutcome> {
    const recordedAt = this.clock.now().toISOString();
    const decided = { ...command, actor: request.actor, now: request.issuedBy?.decidedAt ?? recordedAt } as RegistryCommand;
    return handleCommand(this.streams, registryDecider, REGISTRY_STREAM, decided, contextOf(request, recordedAt));
  }
}

/** A command on a person's stream. */
export class DecidePerson extends Command<CommandOutcome> {
  constructor(
    readonly personId: string,
    readonly command: PersonCommandInput,
    readonly request: CommandRequest,
  ) {
    super();
  }
}

/**
 * The person's one door: the only place a person command's context is gathered — the standing the
 * actor's own grants give (read from the actor's own stream), and the person's organisation from the
 * registry.
 */
@CommandHandler(DecidePerson)
export class DecidePersonHandler implements ICommandHandler<DecidePerson, CommandOutcome> {
  constructor(
    private readonly streams: FoldedStreams,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ personId, command, request }: DecidePerson): Promise<CommandOutcome> {
    const recordedAt = this.clock.now().toISOString();
    const now = request.issuedBy?.decidedAt ?? recordedAt;
    const build = async (person: PersonState) => {
      const by = request.issuedBy?.issuer === 'first-start' ? 'first-start' : await this.standingOf(request.actor.id);
      return { ...command, actor: request.actor, now, context: await this.contextFor(command, person, by) } as PersonCommand;
    };
    return handleCommand(this.streams, personDecider, personStream(personId), { type: command.type, build }, contextOf(request, recordedAt));
  }

  private async contextFor(command: PersonCommandInput, person: PersonState, by: Acting) {
    switch (command.type) {
      case 'RegisterPerson':
        return { by, organisation: (await this.organisation(command.data.organisationId)) ?? null };
      case 'GrantRole': {
        const organisation = person.status === 'None' ? undefined : await this.organisation(person.organisationId);
        return { by, organisation: organisation ?? null };
      }
      default:
        return { by };
    }
  }

  private async personState(personId: string): Promise<PersonState> {
    return (await readState(this.streams, personDecider, personStream(personId))).state;
  }

  /** What the acting person's grants let them do now; a person with none (or no stream) stands for nothing. */
  private async standingOf(personId: string): Promise<Standing> {
    return standingOf(await this.personState(personId)) ?? { personId, organisationId: '', grants: [] };
  }

  private async organisation(creditCode: string): Promise<Organisation | undefined> {
    return organisationOf((await readState(this.streams, registryDecider, REGISTRY_STREAM)).state, creditCode);
  }
}
