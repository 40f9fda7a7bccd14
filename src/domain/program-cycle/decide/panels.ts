import { own, text } from '../../checks';
import { illegalState, notFound, validation } from '../../errors';
import { FormPanel } from '../program-cycle.commands';
import { ProgramCycleEvent } from '../program-cycle.events';
import { Panel, ProgramCycleState } from '../program-cycle.state';
import { requireOpenCycle } from './checks';

/**
 * Expert panels (评审专家组): the office forms one per field from the reviewer pool, and assignments
 * draw on it, spreading the load and never giving a project to an expert of its own side.
 */

export function formPanel(command: FormPanel, state: ProgramCycleState): ProgramCycleEvent[] {
  const cycle = requireOpenCycle(state);
  const panelId = text(command.data.panelId, 'invalid-field', 'the panel id');
  const field = text(command.data.field, 'field-required', 'the field');
  const named = command.data.experts;
  if (named.length === 0 || named.length > 50) throw validation('invalid-panel', 'a panel has 1 to 50 experts', { field: 'experts' });
  if (new Set(named).size !== named.length) throw validation('duplicate-expert', 'an expert is named twice', { field: 'experts' });
  const experts = named.map((personId, index) => {
    const facts = command.context.experts[index];
    if (!facts || facts.personId !== personId) throw notFound('person-not-found', `no person ${personId}`, { personId });
    if (!facts.expert) throw illegalState('not-an-expert', `${personId} is not in the reviewer pool`, { personId });
    if (!facts.fields.includes(field)) throw illegalState('expert-field-mismatch', `${personId} does not review in ${field}`, { personId, fields: facts.fields });
    return { personId, organisationId: facts.organisationId };
  });
  const existing = own(cycle.panels ?? {}, panelId);
  if (existing) {
    if (existing.field === field && JSON.stringify(existing.experts) === JSON.stringify(experts)) return [];
    throw illegalState('panel-exists', `panel ${panelId} is formed already`, { panelId });
  }
  return [{ type: 'PanelFormed', data: { panelId, field, experts, formedAt: command.now } }];
}

/** A project to assign: its id, the organisations of its side (the applicant and any partners), and the experts it has. */
export interface ProjectToAssign {
  readonly projectId: string;
  readonly members: readonly string[];
  readonly assigned: readonly string[];
}

/** An expert of the panel with the organisations their profile declares a relation with. */
export interface PanelExpert {
  readonly personId: string;
  readonly organisationId: string;
  readonly affiliations: readonly string[];
}

export interface PanelPlan {
  readonly assignments: readonly { readonly projectId: string; readonly reviewerId: string }[];
  /** Projects the panel could not give `perProject` impartial experts, with how many are missing. */
  readonly unfilled: readonly { readonly projectId: string; readonly missing: number }[];
  /** Experts left out of a project for a conflict of interest. */
  readonly conflicts: readonly { readonly projectId: string; readonly reviewerId: string }[];
}

/**
 * Who reviews what: each project gets experts of the panel up to `perProject`, never one of its own
 * side (the applicant's or a partner's organisation, or one the expert declared a relation with), the
 * least loaded first (their assignments in the cycle so far, those of this plan counted), then by id;
 * the projects with the fewest impartial experts are served first.
 */
export function planAssignments(panel: Panel, experts: readonly PanelExpert[], projects: readonly ProjectToAssign[], perProject: number, load: Readonly<Record<string, number>>): PanelPlan {
  const counts = new Map(panel.experts.map((e) => [e.personId, load[e.personId] ?? 0]));
  const assignments: { projectId: string; reviewerId: string }[] = [];
  const unfilled: { projectId: string; missing: number }[] = [];
  const conflicts: { projectId: string; reviewerId: string }[] = [];
  const impartialFor = (project: ProjectToAssign) =>
    experts.filter((e) => !project.members.some((org) => org === e.organisationId || e.affiliations.includes(org)));
  for (const project of projects) {
    for (const e of experts) if (!impartialFor(project).includes(e)) conflicts.push({ projectId: project.projectId, reviewerId: e.personId });
  }
  // The most constrained projects first, so that those with few impartial experts do not find them all taken.
  const ordered = [...projects].sort((a, b) => impartialFor(a).length - impartialFor(b).length);
  for (const project of ordered) {
    const candidates = impartialFor(project).filter((e) => !project.assigned.includes(e.personId));
    const wanted = Math.max(0, perProject - project.assigned.length);
    const chosen = [...candidates].sort((a, b) => counts.get(a.personId)! - counts.get(b.personId)! || a.personId.localeCompare(b.personId)).slice(0, wanted);
    for (const e of chosen) {
      counts.set(e.personId, counts.get(e.personId)! + 1);
      assignments.push({ projectId: project.projectId, reviewerId: e.personId });
    }
    if (chosen.length < wanted) unfilled.push({ projectId: project.projectId, missing: wanted - chosen.length });
  }
  return { assignments, unfilled, conflicts };
}
