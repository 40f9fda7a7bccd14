import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ProgramCycleState, programCycleDecider } from '../domain/program-cycle/program-cycle.decider';
import { ApplicantBan, EarlierApplication, ProjectCommand, ProjectContext, ProjectCycleFacts, ProjectSubject } from '../domain/project/project.commands';
import { subjectIdentity } from '../domain/project/decide/selection';
import { personDecider } from '../domain/person/person.decider';
import { disbursedTo, fundsDecider, paidBySource } from '../domain/funding/funding.decider';
import { SIGN_OFF_GRANTS } from '../domain/person/grants';
import { projectDecider, ProjectState } from '../domain/project/project.decider';
import { notFound } from '../domain/errors';
import { Actor } from '../domain/messages';
import { CITED_DOCUMENTS, CitedDocuments, documentRefsIn } from './documents';
import { Clock, CLOCK } from './clock';
import { CROSS_STREAM_EFFECTS, CrossStreamEffects } from './cross-stream-effects';
import { FoldedStreams } from './folded-streams';
import { CommandContext, CommandOutcome, CommandRequest, contextOf, handleCommand, readState } from './handle-command';
import { cycleStream, fundsStream, personStream, projectStream } from './streams';
import { registered } from './registry';

/** A project command as a client sends it: the type and its data; context, actor and time are the service's. */
export type ProjectCommandInput = { [T in ProjectCommand['type']]: { type: T; data: Extract<ProjectCommand, { type: T }>['data'] } }[ProjectCommand['type']];


/**
 * A command on a project's stream: as a client asked for it, or as the reactor carries a cycle's
 * decision to the project, or as the scheduler fires one of its deadlines (see CommandRequest.issuedBy).
 */
export class DecideProject extends Command<CommandOutcome> {
  constructor(
    readonly projectId: string,
    readonly command: ProjectCommandInput,
    readonly request: CommandRequest,
  ) {
    super();
  }
}

/** Where the service finds an applicant's record from its other projects: its bans, and its earlier applications of one subject. */
export interface ApplicantRecord {
  bansOf(applicantOrg: string): Promise<readonly ApplicantBan[]>;
  /** Its earlier applications to the program whose subject has this identity (a major's code, a course's name) that were decided. */
  earlierApplications(applicantOrg: string, programType: string, identity: string): Promise<readonly EarlierApplication[]>;
}
export const APPLICANT_RECORD = Symbol('ApplicantRecord');

/** A place taken on a cycle for one project command, until that command is recorded or refused. */
interface Registration {
  readonly cycleId: string;
  readonly projectId: string;
  readonly kind: 'application' | 'recommendation';
  readonly commandId: string;
}

/** The context of a step on the cycle's stream: the request's actor and correlation, not its If-Match or key, which are the project's. */
function onCycle(request: CommandRequest, commandId: string, now: string): CommandContext {
  return { commandId, actor: request.actor, correlationId: request.correlationId ?? request.commandId, causationId: request.commandId, now };
}

/** Is the cycle's window open at `now`: opened, not past its deadline, not closed early. */
export function cycleFacts(cycleId: string, cycle: ProgramCycleState, now: string): ProjectCycleFacts {
  if (cycle.status === 'None') throw notFound('cycle-not-found', `no cycle ${cycleId}`);
  const at = Date.parse(now);
  return {
    id: cycleId,
    programType: cycle.programType,
    rules: cycle.rules,
    rulesVersion: cycle.rulesVersion,
    windowOpen: cycle.status === 'Open' && Date.parse(cycle.opensAt) <= at && at < Date.parse(cycle.closesAt),
    closesAt: cycle.closesAt,
  };
}

/**
 * The project's one door: the only place a project command's context is gathered (the cycle's facts,
 * the applicant's bans and earlier applications, the parent project), whoever sends it.
 */
@CommandHandler(DecideProject)
export class DecideProjectHandler implements ICommandHandler<DecideProject, CommandOutcome> {
  constructor(
    private readonly streams: FoldedStreams,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APPLICANT_RECORD) private readonly applicants: ApplicantRecord,
    @Inject(CROSS_STREAM_EFFECTS) private readonly effects: CrossStreamEffects,
    @Inject(CITED_DOCUMENTS) private readonly documents: CitedDocuments,
  ) {}

  async execute({ projectId, command, request }: DecideProject): Promise<CommandOutcome> {
    // A client's command may cite only documents that were uploaded, with the size it claims; what
    // the service issues itself cites only what a decision already recorded cited.
    if (!request.issuedBy) await this.documents.verifyReferences(documentRefsIn(command.data));
    const recordedAt = this.clock.now().toISOString();
    const now = request.issuedBy?.decidedAt ?? recordedAt;
    // Registrations this request made on the cycle, given back if the project's own append is refused.
    const registered: Registration[] = [];
    // The project is read once, by the command path, and the command built from what it read.
    const build = async (project: ProjectState): Promise<ProjectCommand> => {
      const cycleId = command.type === 'DraftApplication' ? command.data.cycleId : project.status === 'None' ? undefined : project.cycleId;
      // Only these decide with the cycle's facts; folding a large cycle's stream for every score or report would be wasted.
      const needsCycle = command.type === 'DraftApplication' || command.type === 'SubmitApplication' || command.type === 'RecordFormalCheck' || command.type === 'Recommend';
      const cycle = cycleId && needsCycle ? await readState(this.streams, programCycleDecider, cycleStream(cycleId)) : undefined;
      const context = await this.contextFor(command, request.actor, project, cycleId, cycle?.state, now);
      const decided = { ...command, actor: request.actor, now, context } as ProjectCommand;
      // Limits are the cycle's: the application (or recommendation) is registered on the cycle's stream
      // first, where concurrent ones are serialised, once the project itself has accepted the command.
      if ((command.type === 'SubmitApplication' || command.type === 'Recommend') && cycleId && cycle && cycle.state.status !== 'None') {
        projectDecider.decide(decided, project);
        const registration = await this.register(command, projectId, project, cycleId, cycle, request, now);
        if (registration) registered.push(registration);
      }
      return decided;
    };
    let outcome: CommandOutcome;
    try {
      outcome = await handleCommand(this.streams, projectDecider, projectStream(projectId), { type: command.type, build }, contextOf(request, recordedAt));
    } catch (error) {
      await this.release(registered, request, now, error);
      throw error;
    }
    if (outcome.events.length === 0) await this.release(registered, request, now, 'the project command decided nothing');
    // A client's command reaches the streams it affects before it answers; the effects of what the
    // service issues itself are the reactor's, which follows the log.
    if (!request.issuedBy) await this.effects.after(outcome);
    return outcome;
  }

  /**
   * Registers the application (or recommendation) on the cycle's stream, where the limits hold, before
   * the project records it. Each attempt has its own command id (the cycle's revision it was decided
   * at), so a registration given back can be made again by a later attempt with the same key.
   */
  private async register(
    command: ProjectCommandInput,
    projectId: string,
    project: ProjectState,
    cycleId: string,
    cycle: { state: ProgramCycleState; revision: number },
    request: CommandRequest,
    now: string,
  ): Promise<Registration | undefined> {
    const state = cycle.state;
    if (project.status === 'None' || state.status === 'None') return undefined;
    const registration =
      command.type === 'SubmitApplication'
        ? state.applications[projectId]
          ? undefined
          : { type: 'RegisterApplication' as const, data: { projectId, applicantOrg: project.applicantOrg, region: project.region } }
        : command.type === 'Recommend' && !state.recommendations[projectId]
          ? { type: 'RegisterRecommendation' as const, data: { projectId, recommenderOrg: request.actor.org, rank: command.data.rank } }
          : undefined;
    if (!registration) return undefined;
    const commandId = `${request.commandId}:register@${cycle.revision}`;
    const outcome = await handleCommand(this.streams, programCycleDecider, cycleStream(cycleId), { ...registration, actor: request.actor, now, context: undefined } as never, onCycle(request, commandId, now));
    if (outcome.written.length === 0) return undefined;
    return { cycleId, projectId, kind: registration.type === 'RegisterApplication' ? 'application' : 'recommendation', commandId };
  }

  /**
   * A compensating event for each registration this request made: a refused command keeps no place. A
   * place the project has come to rely on meanwhile stays: another request (here or in another process)
   * may have recorded the submission or recommendation on the registration this one made.
   */
  private async release(registered: readonly Registration[], request: CommandRequest, now: string, cause: unknown): Promise<void> {
    const reason = `refused: ${cause instanceof Error ? cause.message : String(cause)}`;
    for (const { cycleId, projectId, kind, commandId } of registered) {
      const { state: project } = await readState(this.streams, projectDecider, projectStream(projectId));
      const relied = project.status !== 'None' && (kind === 'application' ? project.submissions > 0 : project.recommendation !== null);
      if (relied) continue;
      const release = { type: 'ReleaseRegistration' as const, data: { projectId, registration: kind, reason }, actor: request.actor, now, context: undefined };
      await handleCommand(this.streams, programCycleDecider, cycleStream(cycleId), release as never, onCycle(request, `${commandId}:release`, now));
    }
  }

  /** Under a reapplication rule, the applicant's decided applications of the same subject in the program. */
  private async earlier(applicantOrg: string, cycle: ProgramCycleState, subject: ProjectSubject): Promise<Pick<ProjectContext, 'earlierApplications'>> {
    if (cycle.status === 'None' || !cycle.rules.reapplication) return {};
    const identity = subjectIdentity(subject, cycle.rules.reapplication.identity);
    return identity === null ? {} : { earlierApplications: await this.applicants.earlierApplications(applicantOrg, cycle.programType, identity) };
  }

  /** A joint application's partners as the registry holds them. */
  private async partners(named: readonly string[] | undefined): Promise<Pick<ProjectContext, 'partners'>> {
    if (!named?.length) return {};
    const codes = [...new Set(named.map((code) => code.trim().toUpperCase()))];
    return { partners: await Promise.all(codes.map(async (creditCode) => ({ creditCode, organisation: await registered(this.streams, creditCode) }))) };
  }

  /** Whether the actor is a person of the service holding the applicant's 校长/法人 sign-off. */
  private async signsOff(actor: Actor, applicantOrg: string): Promise<boolean> {
    const { state: person } = await readState(this.streams, personDecider, personStream(actor.id));
    return person.status === 'Active' && person.grants.some((grant) => SIGN_OFF_GRANTS.includes(grant.kind) && grant.organisationId === applicantOrg);
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
        const parent = parentId ? await readState(this.streams, projectDecider, projectStream(parentId)) : undefined;
        return {
          cycle: cycleFacts(cycleId, cycle, now),
          ...(command.type === 'DraftApplication' ? { applicant: await registered(this.streams, applicantOrg) } : { signsOff: await this.signsOff(actor, applicantOrg) }),
          applicantBans: await this.applicants.bansOf(applicantOrg),
          ...(command.type === 'DraftApplication' ? await this.earlier(applicantOrg, cycle, command.data.subject) : {}),
          ...(command.type === 'DraftApplication' ? await this.partners(command.data.partners) : {}),
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
      case 'EditApplication':
        return this.partners(command.data.partners);
      case 'RecordFormalCheck':
        if (!cycleId || !cycle) throw notFound('project-not-found', 'no such project');
        return { cycle: cycleFacts(cycleId, cycle, now) };
      case 'Recommend':
        return {
          recommendation: { recommender: await registered(this.streams, actor.org), applicant: project.status === 'None' ? null : await registered(this.streams, project.applicantOrg) },
        };
      case 'SubmitAnnualReport': {
        if (project.status === 'None' || command.data.fundsUsed === undefined) return {};
        const { state: funds } = await readState(this.streams, fundsDecider, fundsStream(project.cycleId));
        return { fundsPaidBySource: paidBySource(funds, project.projectId) };
      }
      case 'OrderFundRecovery': {
        if (project.status === 'None') return {};
        const { state: funds } = await readState(this.streams, fundsDecider, fundsStream(project.cycleId));
        return { fundsDisbursed: disbursedTo(funds, project.projectId) };
      }
      case 'AssignReviewer': {
        const { state: person } = await readState(this.streams, personDecider, personStream(command.data.reviewerId));
        if (person.status === 'None') return { reviewer: null };
        const expert = person.status === 'Active' && person.grants.some((grant) => grant.kind === 'expert');
        return { reviewer: { organisationId: person.organisationId, expert, affiliations: person.expert?.affiliations ?? [] } };
      }
      default:
        return {};
    }
  }
}
