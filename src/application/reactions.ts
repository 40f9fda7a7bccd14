import { Actor } from '../domain/messages';
import { ProgramCycleEvent } from '../domain/program-cycle/program-cycle.events';
import { ProjectEvent } from '../domain/project/project.events';
import type { IssuedCommand } from './command-doors';
import { RecordedEvent } from './event-store';

/** What a reaction needs of the event causing it: not its position, so a command's own events can be reacted to as written. */
export type CausingEvent = Pick<RecordedEvent, 'id' | 'stream' | 'type' | 'data' | 'metadata'>;

/**
 * Decisions that span streams. A cycle decides selection and approval on its own stream (the quota
 * is its invariant); each decision then reaches the projects it names. An objection upheld on a
 * project takes the project off its cycle's list; a withdrawn one frees its place on the cycle. A reaction's command id derives from the event
 * that caused it, so running a reaction again — after a crash, from a second instance, or inline and
 * then from the reactor — writes nothing new.
 */
export type Reaction = IssuedCommand & {
  readonly stream: string;
  readonly commandId: string;
  /** The person whose decision it carries. */
  readonly actor: Actor;
  readonly causationId: string;
  readonly correlationId: string;
};

/** The command a cause carries to the record `id` of its category, typed as that aggregate's door takes it. */
function reaction(cause: CausingEvent, id: string, issued: IssuedCommand): Reaction {
  const stream = `${issued.category}-${id}`;
  return {
    ...issued,
    stream,
    commandId: `reaction:${cause.id}:${stream}`,
    actor: cause.metadata.actor as unknown as Actor,
    causationId: cause.id,
    correlationId: String(cause.metadata.correlationId ?? cause.id),
  };
}

/** Finds the cycle a project belongs to (read from the project's own stream). */
export type CycleOfProject = (projectId: string) => Promise<string | undefined>;

export async function reactionsTo(event: CausingEvent, cycleOf: CycleOfProject): Promise<Reaction[]> {
  if (event.stream.startsWith('cycle-')) {
    const e = { type: event.type, data: event.data } as unknown as ProgramCycleEvent;
    switch (e.type) {
      case 'ProjectShortlisted':
        return [
          reaction(event, e.data.projectId, {
            category: 'project',
            command: {
              type: 'RecordSelection',
              data: { decision: 'shortlisted', cycleDecisionId: e.data.decisionId, ...(e.data.tier ? { tier: e.data.tier } : {}), reason: e.data.reason },
            },
          }),
        ];
      case 'ProjectNotSelected':
        return [
          reaction(event, e.data.projectId, {
            category: 'project',
            command: { type: 'RecordSelection', data: { decision: 'not-selected', cycleDecisionId: e.data.decisionId, reason: e.data.reason } },
          }),
        ];
      case 'PublicNoticeOpened':
        return e.data.projectIds.map((projectId) =>
          reaction(event, projectId, {
            category: 'project',
            command: {
              type: 'RecordPublicNotice',
              data: { noticeId: e.data.noticeId, startsOn: e.data.startsOn, endsOn: e.data.endsOn, ...(e.data.document ? { document: e.data.document } : {}) },
            },
          }),
        );
      case 'ProjectRemovedFromList':
        return [
          reaction(event, e.data.projectId, {
            category: 'project',
            command: { type: 'RecordRemovalFromList', data: { removalId: event.id, reason: e.data.reason, ...(e.data.objectionId ? { objectionId: e.data.objectionId } : {}) } },
          }),
        ];
      case 'ListApproved':
        return e.data.approved.map(({ projectId }) =>
          reaction(event, projectId, {
            category: 'project',
            command: { type: 'RecordApproval', data: { cycleDecisionId: e.data.decisionId, reason: e.data.reason, ...(e.data.document ? { document: e.data.document } : {}) } },
          }),
        );
      default:
        return [];
    }
  }
  if (event.stream.startsWith('project-')) {
    const e = { type: event.type, data: event.data } as unknown as ProjectEvent;
    // A withdrawn application gives its place in the per-applicant limit back (a draft never took one).
    if (e.type === 'ApplicationWithdrawn' && e.data.withdrawnFrom !== 'Draft') {
      const projectId = event.stream.slice('project-'.length);
      const cycleId = await cycleOf(projectId);
      const reason = `application withdrawn${e.data.reason ? `: ${e.data.reason}` : ''}`;
      return cycleId ? [reaction(event, cycleId, { category: 'cycle', command: { type: 'ReleaseRegistration', data: { projectId, registration: 'application', reason } } })] : [];
    }
    if (e.type === 'ProjectRemovedAfterObjection') {
      const projectId = event.stream.slice('project-'.length);
      const cycleId = await cycleOf(projectId);
      return cycleId
        ? [reaction(event, cycleId, { category: 'cycle', command: { type: 'RemoveFromList', data: { projectId, reason: e.data.reason, objectionId: e.data.objectionId } } })]
        : [];
    }
  }
  return [];
}
