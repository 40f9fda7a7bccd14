import { CycleRules } from '../catalog/program-rules';
import { own } from '../checks';
import { ProgramCycleEvent } from './program-cycle.events';

/**
 * What a cycle's stream (`cycle-<id>`) folds into. Its status is PascalCase like every record's ('Open',
 * 'WindowClosed', 'Closed'; 'None', no stream yet, is never answered: the API says 404); the states of the
 * items within it (a project's selection) are lower-case, like an objection's within a project.
 */

/** Where a project stands in the cycle's selection. */
export type SelectionStatus = 'shortlisted' | 'in-notice' | 'notice-ended' | 'approved' | 'removed' | 'not-selected';

export interface Selection {
  readonly status: SelectionStatus;
  readonly tier: string | null;
  readonly noticeId: string | null;
}

export interface Notice {
  readonly noticeId: string;
  readonly projectIds: readonly string[];
  readonly startsOn: string;
  readonly endsOn: string;
  readonly endsAt: string;
  readonly ended: boolean;
}

export interface ActiveCycle {
  /** 'Open': the application window is (or was until its deadline) open; 'WindowClosed': selecting. */
  readonly status: 'Open' | 'WindowClosed' | 'Closed';
  readonly cycleId: string;
  readonly programType: string;
  readonly name: string;
  readonly label: string;
  readonly rules: CycleRules;
  readonly rulesVersion: string;
  readonly opensAt: string;
  readonly closesAt: string;
  readonly parentCycleId: string | null;
  readonly applications: Readonly<Record<string, { readonly applicantOrg: string; readonly region: string }>>;
  readonly recommendations: Readonly<Record<string, { readonly recommenderOrg: string; readonly rank: number }>>;
  readonly selections: Readonly<Record<string, Selection>>;
  readonly notices: Readonly<Record<string, Notice>>;
  readonly noticeCount: number;
  readonly decisionCount: number;
  readonly lastDecisionId: string | null;
  /** The cycle's expert panels, by id (absent until one is formed). */
  readonly panels?: Readonly<Record<string, Panel>>;
}

export interface Panel {
  readonly field: string;
  readonly experts: readonly { readonly personId: string; readonly organisationId: string }[];
}

export type ProgramCycleState = { readonly status: 'None' } | ActiveCycle;

/** Selection statuses that hold one of the quota's places. */
const HOLDS_PLACE: readonly SelectionStatus[] = ['shortlisted', 'in-notice', 'notice-ended', 'approved'];

export const initialProgramCycleState: ProgramCycleState = { status: 'None' };

export function evolveProgramCycle(state: ProgramCycleState, event: ProgramCycleEvent): ProgramCycleState {
  if (event.type === 'CycleOpened') {
    if (state.status !== 'None') return state;
    const d = event.data;
    return {
      status: 'Open',
      cycleId: d.cycleId,
      programType: d.programType,
      name: d.name,
      label: d.label,
      rules: d.rules,
      rulesVersion: d.rulesVersion,
      opensAt: d.opensAt,
      closesAt: d.closesAt,
      parentCycleId: d.parentCycleId,
      applications: {},
      recommendations: {},
      selections: {},
      notices: {},
      noticeCount: 0,
      decisionCount: 0,
      lastDecisionId: null,
    };
  }
  if (state.status === 'None') return state;
  switch (event.type) {
    case 'ApplicationWindowClosed':
      return state.status === 'Open' ? { ...state, status: 'WindowClosed' } : state;
    case 'ApplicationRegistered': {
      const { projectId, applicantOrg, region } = event.data;
      return { ...state, applications: { ...state.applications, [projectId]: { applicantOrg, region } } };
    }
    case 'RecommendationRegistered': {
      const { projectId, recommenderOrg, rank } = event.data;
      return { ...state, recommendations: { ...state.recommendations, [projectId]: { recommenderOrg, rank } } };
    }
    case 'RegistrationReleased': {
      const { projectId, registration } = event.data;
      if (registration === 'application') {
        const { [projectId]: _released, ...applications } = state.applications;
        return { ...state, applications };
      }
      const { [projectId]: _released, ...recommendations } = state.recommendations;
      return { ...state, recommendations };
    }
    case 'ProjectShortlisted':
      return withDecision(
        { ...state, status: closedWindow(state), selections: { ...state.selections, [event.data.projectId]: { status: 'shortlisted', tier: event.data.tier, noticeId: null } } },
        event.data.decisionId,
      );
    case 'ProjectNotSelected':
      return withDecision(
        { ...state, status: closedWindow(state), selections: { ...state.selections, [event.data.projectId]: { status: 'not-selected', tier: null, noticeId: null } } },
        event.data.decisionId,
      );
    case 'PublicNoticeOpened': {
      const { noticeId, projectIds, startsOn, endsOn, endsAt } = event.data;
      const selections = { ...state.selections };
      for (const projectId of projectIds) {
        const selection = own(selections, projectId);
        if (selection?.status === 'shortlisted') selections[projectId] = { ...selection, status: 'in-notice', noticeId };
      }
      return {
        ...state,
        selections,
        notices: { ...state.notices, [noticeId]: { noticeId, projectIds, startsOn, endsOn, endsAt, ended: false } },
        noticeCount: state.noticeCount + 1,
      };
    }
    case 'ProjectRemovedFromList': {
      const selection = own(state.selections, event.data.projectId);
      if (!selection || selection.status === 'approved') return state;
      return { ...state, selections: { ...state.selections, [event.data.projectId]: { ...selection, status: 'removed' } } };
    }
    case 'PublicNoticeEnded': {
      const notice = own(state.notices, event.data.noticeId);
      const selections = { ...state.selections };
      for (const projectId of event.data.projectIds) {
        const selection = own(selections, projectId);
        if (selection?.status === 'in-notice') selections[projectId] = { ...selection, status: 'notice-ended' };
      }
      return {
        ...state,
        selections,
        notices: notice ? { ...state.notices, [notice.noticeId]: { ...notice, ended: true } } : state.notices,
      };
    }
    case 'ListApproved': {
      const selections = { ...state.selections };
      for (const { projectId, tier } of event.data.approved) {
        const selection = own(selections, projectId);
        selections[projectId] = { status: 'approved', tier, noticeId: selection?.noticeId ?? null };
      }
      return withDecision({ ...state, selections }, event.data.decisionId);
    }
    case 'CycleClosed':
      return { ...state, status: 'Closed' };
    case 'PanelFormed': {
      const { panelId, field, experts } = event.data;
      return { ...state, panels: { ...state.panels, [panelId]: { field, experts } } };
    }
    default:
      return state;
  }
}

/** Number of places held in the cycle's quota, or in one tier's. */
export function placesTaken(cycle: ActiveCycle, tier?: string): number {
  return countSelections(cycle, (s) => HOLDS_PLACE.includes(s.status) && (tier === undefined || s.tier === tier));
}

export function countSelections(cycle: ActiveCycle, predicate: (selection: Selection) => boolean): number {
  return Object.values(cycle.selections).filter(predicate).length;
}

function withDecision(cycle: ActiveCycle, decisionId: string): ActiveCycle {
  if (cycle.lastDecisionId === decisionId) return cycle;
  return { ...cycle, decisionCount: cycle.decisionCount + 1, lastDecisionId: decisionId };
}

/** A selection decision implies the window has closed, even in a history that lacks the closing event. */
function closedWindow(cycle: ActiveCycle): ActiveCycle['status'] {
  return cycle.status === 'Open' ? 'WindowClosed' : cycle.status;
}
