import { Inject } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { own, requireRole } from '../domain/checks';
import { DomainError, notFound, validation } from '../domain/errors';
import { PanelPlan, planAssignments } from '../domain/program-cycle/decide/panels';
import { programCycleDecider } from '../domain/program-cycle/program-cycle.decider';
import { PROJECT_COMMANDS } from '../domain/project/project.commands';
import { projectDecider } from '../domain/project/project.decider';
import { expertFacts } from './cycle.commands';
import { FoldedStreams } from './folded-streams';
import { CommandRequest, readState } from './handle-command';
import { DecideProject } from './project.commands';
import { cycleStream, projectStream } from './streams';

/** Where the service finds how many projects of a cycle each expert reviews already. */
export interface ReviewerLoad {
  assignmentsIn(cycleId: string): Promise<Readonly<Record<string, number>>>;
}
export const REVIEWER_LOAD = Symbol('ReviewerLoad');

/** What assigning a panel did: the assignments made, those a project refused, and what the panel could not fill. */
export interface PanelAssignment extends Omit<PanelPlan, 'assignments'> {
  readonly assigned: readonly { readonly projectId: string; readonly reviewerId: string }[];
  readonly refused: readonly { readonly projectId: string; readonly reviewerId: string; readonly code: string }[];
}

export class AssignPanel extends Command<PanelAssignment> {
  constructor(
    readonly cycleId: string,
    readonly panelId: string,
    readonly projectIds: readonly string[],
    readonly perProject: number,
    readonly request: CommandRequest,
  ) {
    super();
  }
}

/**
 * Assigns a panel's experts to projects of its cycle: the plan is the domain's (planAssignments), and
 * each assignment goes through the project's own door as the office's AssignReviewer, which checks the
 * conflicts of interest again on the registry. Each has its own command id, so the request repeated
 * with its key assigns nothing twice.
 */
@CommandHandler(AssignPanel)
export class AssignPanelHandler implements ICommandHandler<AssignPanel, PanelAssignment> {
  constructor(
    private readonly streams: FoldedStreams,
    private readonly commands: CommandBus,
    @Inject(REVIEWER_LOAD) private readonly load: ReviewerLoad,
  ) {}

  async execute({ cycleId, panelId, projectIds, perProject, request }: AssignPanel): Promise<PanelAssignment> {
    requireRole(PROJECT_COMMANDS, { type: 'AssignReviewer', actor: request.actor });
    const { state: cycle } = await readState(this.streams, programCycleDecider, cycleStream(cycleId));
    if (cycle.status === 'None') throw notFound('cycle-not-found', `no cycle ${cycleId}`);
    const panel = own(cycle.panels ?? {}, panelId);
    if (!panel) throw notFound('panel-not-found', `no panel ${panelId} in cycle ${cycleId}`, { panelId });
    const projects = await Promise.all(
      projectIds.map(async (projectId) => {
        const { state } = await readState(this.streams, projectDecider, projectStream(projectId));
        if (state.status === 'None') throw notFound('project-not-found', `no project ${projectId}`, { projectId });
        if (state.cycleId !== cycleId) throw validation('cycle-mismatch', `project ${projectId} belongs to cycle ${state.cycleId}`, { field: 'projectIds', projectId });
        const members = [state.applicantOrg, ...(state.partners ?? []).map((p) => p.org)];
        return { projectId, members, assigned: state.reviewers.filter((r) => !r.recused).map((r) => r.reviewerId) };
      }),
    );
    const experts = (await Promise.all(panel.experts.map((e) => expertFacts(this.streams, e.personId)))).filter((e) => e !== null);
    const plan = planAssignments(panel, experts, projects, perProject, await this.load.assignmentsIn(cycleId));
    const assigned: { projectId: string; reviewerId: string }[] = [];
    const refused: { projectId: string; reviewerId: string; code: string }[] = [];
    for (const { projectId, reviewerId } of plan.assignments) {
      const expert = panel.experts.find((e) => e.personId === reviewerId)!;
      const command = { type: 'AssignReviewer' as const, data: { reviewerId, reviewerOrg: expert.organisationId, declaredRelations: [] } };
      const { ifMatch: _ifMatch, requestDigest: _digest, ...rest } = request;
      try {
        await this.commands.execute(new DecideProject(projectId, command, { ...rest, commandId: `${request.commandId}:${projectId}:${reviewerId}` }));
        assigned.push({ projectId, reviewerId });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        refused.push({ projectId, reviewerId, code: error.code });
      }
    }
    return { assigned, refused, unfilled: plan.unfilled, conflicts: plan.conflicts };
  }
}
