import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ProgramCycleState, programCycleDecider } from '../domain/program-cycle/program-cycle.decider';
import { ApplicantBan, ProjectCommand, ProjectContext, ProjectCycleFacts } from '../domain/project/project.commands';
import { projectDecider, ProjectState } from '../domain/project/project.decider';
import { notFound } from '../domain/errors';
import { Actor } from '../domain/messages';
import { DocumentStore, documentRefsIn } from '../infrastructure/documents/document-store';
import { Clock, CLOCK } from './clock';
import { EVENT_STORE, EventStore } from './event-store';
import { CROSS_STREAM_EFFECTS, CrossStreamEffects } from './cross-stream-effects';
import { CommandOutcome, CommandRequest, handleCommand, readState } from './handle-command';
import { cycleStream, projectStream } from './streams';

/** A project command as a client sends it: the type and its data; context, actor and time are the service's. */
export type ProjectCommandInput = { [T in ProjectCommand['type']]: { type: T; data: Extract<ProjectCommand, { type: T }>['data'] } }[ProjectCommand['type']];


/** A command on a project's stream, as a client asked for it. */
export class DecideProject extends Command<CommandOutcome> {
  constructor(
    readonly projectId: string,
    readonly command: ProjectCommandInput,
    readonly request: CommandRequest,
  ) {
    super();
  }
}

/** Where the service finds an applicant's bans from other projects (suspensions, revocations, barring grades). */
export interface ApplicantBans {
  bansOf(applicantOrg: string): Promise<readonly ApplicantBan[]>;
}
export const APPLICANT_BANS = Symbol('ApplicantBans');

/** Is the cycle's window open at `now`: opened, not past its deadline, not closed early. */
function cycleFacts(cycleId: string, cycle: ProgramCycleState, now: string): ProjectCycleFacts {
  if (cycle.status === 'none') throw notFound('cycle-not-found', `no cycle ${cycleId}`);
  const at = Date.parse(now);
  return {
    id: cycleId,
    programType: cycle.programType,
    rules: cycle.rules,
    rulesVersion: cycle.rulesVersion,
    windowOpen: cycle.status === 'open' && Date.parse(cycle.opensAt) <= at && at < Date.parse(cycle.closesAt),
    closesAt: cycle.closesAt,
  };
}

@CommandHandler(DecideProject)
export class DecideProjectHandler implements ICommandHandler<DecideProject, CommandOutcome> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APPLICANT_BANS) private readonly bans: ApplicantBans,
    @Inject(CROSS_STREAM_EFFECTS) private readonly effects: CrossStreamEffects,
    private readonly documents: DocumentStore,
  ) {}

  async execute({ projectId, command, request }: DecideProject): Promise<CommandOutcome> {
    // A command may cite only documents that were uploaded, with the size it claims.
    this.documents.verifyReferences(documentRefsIn(command.data));
    const now = this.clock.now().toISOString();
    // The project is read once, by the command path, and the command built from what it read.
    const build = async (project: ProjectState): Promise<ProjectCommand> => {
      const cycleId = command.type === 'DraftApplication' ? command.data.cycleId : project.status === 'None' ? undefined : project.cycleId;
      // Only these decide with the cycle's facts; folding a large cycle's stream for every score or report would be wasted.
      const needsCycle = command.type === 'DraftApplication' || command.type === 'SubmitApplication' || command.type === 'RecordFormalCheck' || command.type === 'Recommend';
      const cycle = cycleId && needsCycle ? await readState(this.store, programCycleDecider, cycleStream(cycleId)) : undefined;
      const context = await this.contextFor(command, request.actor, project, cycleId, cycle?.state, now);
      const decided = { ...command, actor: request.actor, now, context } as ProjectCommand;
      // Limits are the cycle's: the application (or recommendation) is registered on the cycle's stream
      // first, where concurrent ones are serialised, once the project itself has accepted the command.
      if ((command.type === 'SubmitApplication' || command.type === 'Recommend') && cycleId && cycle && cycle.state.status !== 'none') {
        projectDecider.decide(decided, project);
        await this.register(command, projectId, project, cycleId, cycle.state, request, now);
      }
      return decided;
    };
    const outcome = await handleCommand(this.store, projectDecider, projectStream(projectId), build, { ...request, now });
    await this.effects.after(outcome);
    return outcome;
  }

  private async register(
    command: ProjectCommandInput,
    projectId: string,
    project: ProjectState,
    cycleId: string,
    cycle: ProgramCycleState,
    request: CommandRequest,
    now: string,
  ): Promise<void> {
    if (project.status === 'None' || cycle.status === 'none') return;
    const registration =
      command.type === 'SubmitApplication'
        ? cycle.applications[projectId]
          ? undefined
          : { type: 'RegisterApplication' as const, data: { projectId, applicantOrg: project.applicantOrg, region: project.region } }
        : command.type === 'Recommend' && !cycle.recommendations[projectId]
          ? { type: 'RegisterRecommendation' as const, data: { projectId, recommenderOrg: request.actor.org, rank: command.data.rank } }
          : undefined;
    if (!registration) return;
    await handleCommand(this.store, programCycleDecider, cycleStream(cycleId), { ...registration, actor: request.actor, now, context: undefined } as never, {
      ...request,
      now,
    });
  }

  private async contextFor(
    command: ProjectCommandInput,
    actor: Actor,
    project: ProjectState,
    cycleId: string | undefined,
    cycle: ProgramCycleState | undefined,
    now: string,
  ): Promise<ProjectContext> {
    switch (command.type) {
      case 'DraftApplication':
      case 'SubmitApplication': {
        if (!cycleId || !cycle) throw notFound('project-not-found', 'the project has not been drafted');
        const applicantOrg = project.status === 'None' ? actor.org : project.applicantOrg;
        const parentId = command.type === 'DraftApplication' && command.data.subject.kind === 'specialty-group' ? command.data.subject.parentProjectId : project.status !== 'None' && project.subject.kind === 'specialty-group' ? project.subject.parentProjectId : undefined;
        const parent = parentId ? await readState(this.store, projectDecider, projectStream(parentId)) : undefined;
        return {
          cycle: cycleFacts(cycleId, cycle, now),
          applicantBans: await this.bans.bansOf(applicantOrg),
          ...(parent
            ? {
                parentProject:
                  parent.state.status === 'None'
                    ? null
                    : { projectId: parentId!, programType: parent.state.programType, applicantOrg: parent.state.applicantOrg, status: parent.state.status },
              }
            : {}),
        };
      }
      case 'RecordFormalCheck':
        if (!cycleId || !cycle) throw notFound('project-not-found', 'no such project');
        return { cycle: cycleFacts(cycleId, cycle, now) };
      default:
        return {};
    }
  }
}
