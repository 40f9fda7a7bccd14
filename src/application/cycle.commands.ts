import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ProgramCatalog } from '../domain/catalog/program-catalog';
import { ExpertFacts, OpenCycle, ProgramCycleCommand } from '../domain/program-cycle/program-cycle.commands';
import { personDecider } from '../domain/person/person.decider';
import { programCycleDecider, ProgramCycleState } from '../domain/program-cycle/program-cycle.decider';
import { programDecider } from '../domain/program/program.decider';
import { CALENDAR } from './calendar';
import { CATALOG } from './catalog';
import { WorkingDayCalendar } from '../domain/calendar';
import { Clock, CLOCK } from './clock';
import { FoldedStreams } from './folded-streams';
import { Project, projectDecider } from '../domain/project/project.decider';
import { CommandContext, CommandOutcome, CommandRequest, contextOf, handleCommand, readState } from './handle-command';
import { cycleStream, personStream, programStream, projectStream } from './streams';
import { CROSS_STREAM_EFFECTS, CrossStreamEffects } from './cross-stream-effects';

export type CycleCommandInput = { [T in ProgramCycleCommand['type']]: { type: T; data: Extract<ProgramCycleCommand, { type: T }>['data'] } }[ProgramCycleCommand['type']];


/**
 * A command on a program cycle's stream: as a client asked for it, as the reactor carries a project's
 * removal after an objection to its cycle, or as the scheduler fires one of the cycle's deadlines.
 */
export class DecideCycle extends Command<CommandOutcome> {
  constructor(
    readonly cycleId: string,
    readonly command: CycleCommandInput,
    readonly request: CommandRequest,
  ) {
    super();
  }
}

/** A person of the reviewer pool as their stream has them; null when there is no such person. */
export async function expertFacts(streams: FoldedStreams, personId: string): Promise<(ExpertFacts & { readonly affiliations: readonly string[] }) | null> {
  const { state } = await readState(streams, personDecider, personStream(personId));
  if (state.status === 'None') return null;
  return {
    personId,
    organisationId: state.organisationId,
    expert: state.status === 'Active' && state.grants.some((grant) => grant.kind === 'expert'),
    fields: state.expert?.fields ?? [],
    affiliations: state.expert?.affiliations ?? [],
  };
}

/** The cycle's one door: the only place a cycle command's context (the catalog, the calendar, the projects it names) is gathered. */
@CommandHandler(DecideCycle)
export class DecideCycleHandler implements ICommandHandler<DecideCycle, CommandOutcome> {
  constructor(
    private readonly streams: FoldedStreams,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CATALOG) private readonly catalog: ProgramCatalog,
    @Inject(CALENDAR) private readonly calendar: WorkingDayCalendar,
    @Inject(CROSS_STREAM_EFFECTS) private readonly effects: CrossStreamEffects,
  ) {}

  async execute({ cycleId, command, request }: DecideCycle): Promise<CommandOutcome> {
    const recordedAt = this.clock.now().toISOString();
    const now = request.issuedBy?.decidedAt ?? recordedAt;
    const decided = { ...command, actor: request.actor, now, context: await this.contextFor(command) } as ProgramCycleCommand;
    const outcome = decided.type === 'OpenCycle'
      ? await this.open(cycleId, decided, request, recordedAt)
      : await handleCommand(this.streams, programCycleDecider, cycleStream(cycleId), decided, contextOf(request, recordedAt));
    // Selection, notice and approval reach the projects they name before the office gets its answer;
    // the effects of what the service issues itself are the reactor's, which follows the log.
    if (!request.issuedBy) await this.effects.after(outcome);
    return outcome;
  }

  /**
   * Opens the cycle once its quota is allocated on the program's stream, where every cycle's quota is
   * counted against the program's target (where it has one); a cycle that does not open after all
   * gives its quota back.
   */
  private async open(cycleId: string, command: OpenCycle, request: CommandRequest, recordedAt: string): Promise<CommandOutcome> {
    const { programType: code, rules } = command.data;
    const programType = command.context.programType;
    const onProgram = (step: string): CommandContext => ({
      commandId: `${request.commandId}:${step}`,
      actor: request.actor,
      correlationId: request.correlationId ?? request.commandId,
      causationId: request.commandId,
      now: command.now,
    });
    let allocated = false;
    const build = async (cycle: ProgramCycleState): Promise<ProgramCycleCommand> => {
      // The cycle decides first: a refused cycle takes no place.
      const opens = programCycleDecider.decide(command, cycle).length > 0;
      // Only a target caps the places; a program without one (a batch of enterprises, groups) counts none.
      if (opens && programType && programType.target !== null) {
        const allocation = { type: 'AllocateQuota', data: { cycleId, quota: rules.quota }, actor: request.actor, now: command.now, context: { catalogTarget: programType.target } } as const;
        const outcome = await handleCommand(this.streams, programDecider, programStream(code), allocation, onProgram('allocate'));
        allocated ||= outcome.written.length > 0;
      }
      return command;
    };
    try {
      const outcome = await handleCommand(this.streams, programCycleDecider, cycleStream(cycleId), { type: command.type, build }, contextOf(request, recordedAt));
      if (outcome.events.length === 0 && allocated) await this.release(code, cycleId, command, onProgram('release'), 'the cycle decided nothing');
      return outcome;
    } catch (error) {
      if (allocated) await this.release(code, cycleId, command, onProgram('release'), error instanceof Error ? error.message : String(error));
      throw error;
    }
  }

  private async release(code: string, cycleId: string, command: OpenCycle, context: CommandContext, cause: string): Promise<void> {
    // A cycle this very request opened meanwhile (another attempt of the same command) keeps its place.
    const { state } = await readState(this.streams, programCycleDecider, cycleStream(cycleId));
    if (state.status !== 'None') return;
    const release = { type: 'ReleaseQuota', data: { cycleId, reason: `refused: ${cause}` }, actor: command.actor, now: command.now, context: { catalogTarget: null } } as const;
    await handleCommand(this.streams, programDecider, programStream(code), release, context);
  }

  /** What a cycle decision needs to know beyond the cycle's own stream: the catalog, the calendar, and the projects it names. */
  private async contextFor(command: CycleCommandInput) {
    switch (command.type) {
      case 'OpenCycle':
        return { programType: this.catalog[command.data.programType] ?? null };
      case 'OpenPublicNotice':
        return { calendar: this.calendar };
      case 'Shortlist': {
        const named = command.data.shortlisted.map((s) => s.projectId);
        const present = (p: Project) => p.reviewers.filter((r) => !r.recused);
        return {
          reviewIncomplete: await this.projectsWhere(named, (p) => present(p).filter((r) => r.score !== null).length < p.rules.minReviewers),
          scoresOutstanding: await this.projectsWhere(named, (p) => present(p).some((r) => r.score === null)),
        };
      }
      case 'ApproveList':
        return { openObjections: await this.projectsWhere(command.data.projectIds, (p) => p.objections.some((o) => o.status === 'open')) };
      case 'FormPanel':
        return { experts: await Promise.all(command.data.experts.map((personId) => expertFacts(this.streams, personId))) };
      default:
        return undefined;
    }
  }

  /** The named projects that exist and match. */
  private async projectsWhere(projectIds: readonly string[], test: (project: Project) => boolean): Promise<string[]> {
    const states = await Promise.all(projectIds.map(async (id) => [id, (await readState(this.streams, projectDecider, projectStream(id))).state] as const));
    return states.filter(([, state]) => state.status !== 'None' && test(state as Project)).map(([id]) => id);
  }
}
