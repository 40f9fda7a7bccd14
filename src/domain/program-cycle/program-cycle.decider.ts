import { chinaDateOf, chinaEndOfDay, isIsoDate } from '../beijing-time';
import { defaultCalendar, noticeEnd, WorkingDayCalendar } from '../calendar';
import { isProjectProgramType, validateCycleRules } from '../catalog/program-catalog';
import { CycleRules } from '../catalog/program-rules';
import { Decider } from '../decider';
import { forbidden, illegalState, notFound, validation } from '../errors';
import { Actor, DocumentRef, Role } from '../messages';
import {
  ApproveList,
  CloseApplicationWindow,
  CloseCycle,
  EndPublicNotice,
  OpenCycle,
  OpenPublicNotice,
  ProgramCycleCommand,
  RegisterApplication,
  RegisterRecommendation,
  ReleaseRegistration,
  RemoveFromList,
  Shortlist,
} from './program-cycle.commands';
import { ApplicationWindowClosed, ProgramCycleEvent, ProjectNotSelected, ProjectShortlisted } from './program-cycle.events';

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
  /** 'open': the application window is (or was until its deadline) open; 'window-closed': selecting. */
  readonly status: 'open' | 'window-closed' | 'closed';
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
}

export type ProgramCycleState = { readonly status: 'none' } | ActiveCycle;

/** Selection statuses that hold one of the quota's places. */
const HOLDS_PLACE: readonly SelectionStatus[] = ['shortlisted', 'in-notice', 'notice-ended', 'approved'];

export const initialProgramCycleState: ProgramCycleState = { status: 'none' };

/** The cycle decider, computing notice periods with the given working-day calendar. */
export function createProgramCycleDecider(
  calendar: WorkingDayCalendar,
): Decider<ProgramCycleState, ProgramCycleCommand, ProgramCycleEvent> {
  return {
    initialState: initialProgramCycleState,
    evolve: evolveProgramCycle,
    decide: (command, state) => decideProgramCycle(command, state, calendar),
  };
}

export const programCycleDecider = createProgramCycleDecider(defaultCalendar);

export function decideProgramCycle(
  command: ProgramCycleCommand,
  state: ProgramCycleState,
  calendar: WorkingDayCalendar,
): ProgramCycleEvent[] {
  switch (command.type) {
    case 'OpenCycle':
      return openCycle(command, state);
    case 'CloseApplicationWindow':
      return closeApplicationWindow(command, state);
    case 'RegisterApplication':
      return registerApplication(command, state);
    case 'RegisterRecommendation':
      return registerRecommendation(command, state);
    case 'ReleaseRegistration':
      return releaseRegistration(command, state);
    case 'Shortlist':
      return shortlist(command, state);
    case 'OpenPublicNotice':
      return openPublicNotice(command, state, calendar);
    case 'RemoveFromList':
      return removeFromList(command, state);
    case 'EndPublicNotice':
      return endPublicNotice(command, state);
    case 'ApproveList':
      return approveList(command, state);
    case 'CloseCycle':
      return closeCycle(command, state);
    default:
      return assertNever(command);
  }
}

function openCycle(command: OpenCycle, state: ProgramCycleState): ProgramCycleEvent[] {
  requireRole(command.actor, 'office');
  if (state.status !== 'none') throw illegalState('cycle-already-open', `cycle ${state.cycleId} is already open`);
  const data = command.data;
  requireText('cycleId', data.cycleId);
  requireText('name', data.name);
  requireText('label', data.label);
  requireText('rulesVersion', data.rulesVersion);
  const programType = command.context.programType;
  if (!programType) throw notFound('unknown-program-type', `no program type ${data.programType} in the catalog`, { programType: data.programType });
  if (programType.code !== data.programType) {
    throw validation('program-type-mismatch', `context describes ${programType.code}, command names ${data.programType}`);
  }
  if (!isProjectProgramType(programType)) {
    throw validation('not-a-cycle-program', `${programType.code} is certified, not selected in quota cycles`);
  }
  validateCycleRules(data.rules);
  if (programType.defaultRules.course && !data.rules.course) {
    throw validation('rules-incomplete', `${programType.code} cycles need the course rules`, { missing: 'course' });
  }
  if (programType.defaultRules.specialtyGroup && !data.rules.specialtyGroup) {
    throw validation('rules-incomplete', `${programType.code} cycles need the specialty-group rules`, { missing: 'specialtyGroup' });
  }
  if (data.parentCycleId !== undefined) {
    requireText('parentCycleId', data.parentCycleId);
    if (programType.parent === undefined) {
      throw validation('unexpected-parent-cycle', `${programType.code} is not a child program`);
    }
  }
  const opensAt = instant('opensAt', data.opensAt);
  const closesAt = instant('closesAt', data.closesAt);
  instant('now', command.now);
  if (closesAt <= opensAt) throw validation('invalid-window', 'the application window must close after it opens');
  return [
    {
      type: 'CycleOpened',
      data: {
        cycleId: data.cycleId,
        programType: data.programType,
        name: data.name,
        label: data.label,
        rules: data.rules,
        rulesVersion: data.rulesVersion,
        opensAt: data.opensAt,
        closesAt: data.closesAt,
        parentCycleId: data.parentCycleId ?? null,
        openedAt: command.now,
      },
    },
  ];
}

function closeApplicationWindow(command: CloseApplicationWindow, state: ProgramCycleState): ProgramCycleEvent[] {
  requireRole(command.actor, 'office');
  const cycle = requireCycle(state);
  if (cycle.status !== 'open') return [];
  const due = deadlinePassed(cycle, command.now);
  if (due) return [due];
  const reason = command.data.reason;
  if (!isText(reason)) throw validation('reason-required', 'closing the window before its deadline needs a reason');
  return [{ type: 'ApplicationWindowClosed', data: { closedAt: command.now, trigger: 'office', reason, rulesVersion: cycle.rulesVersion } }];
}

function registerApplication(command: RegisterApplication, state: ProgramCycleState): ProgramCycleEvent[] {
  requireRole(command.actor, 'applicant');
  const cycle = requireOpenCycle(state);
  const { projectId, applicantOrg, region } = command.data;
  requireText('projectId', projectId);
  requireText('applicantOrg', applicantOrg);
  requireText('region', region);
  if (command.actor.org !== applicantOrg) {
    throw forbidden('not-own-organisation', 'an applicant registers applications of its own organisation only');
  }
  const existing = own(cycle.applications, projectId);
  if (existing) {
    if (existing.applicantOrg === applicantOrg && existing.region === region) return [];
    throw illegalState('application-already-registered', `project ${projectId} is registered for another applicant or region`);
  }
  const now = instant('now', command.now);
  if (now < instant('opensAt', cycle.opensAt)) throw illegalState('window-not-open', 'the application window has not opened yet');
  if (cycle.status !== 'open' || now >= instant('closesAt', cycle.closesAt)) {
    throw illegalState('window-closed', 'the application window is closed');
  }
  const count = Object.values(cycle.applications).filter((a) => a.applicantOrg === applicantOrg).length;
  if (count >= cycle.rules.perApplicantLimit) {
    throw illegalState('applicant-limit-reached', `${applicantOrg} already has ${count} applications in this cycle`, {
      limit: cycle.rules.perApplicantLimit,
    });
  }
  return [
    {
      type: 'ApplicationRegistered',
      data: {
        projectId,
        applicantOrg,
        region,
        registeredAt: command.now,
        applicantCount: count + 1,
        perApplicantLimit: cycle.rules.perApplicantLimit,
        rulesVersion: cycle.rulesVersion,
      },
    },
  ];
}

function releaseRegistration(command: ReleaseRegistration, state: ProgramCycleState): ProgramCycleEvent[] {
  const cycle = requireCycle(state);
  const { projectId, registration, reason } = command.data;
  requireText('reason', reason, 'reason-required');
  instant('now', command.now);
  const held = registration === 'application' ? own(cycle.applications, projectId) : own(cycle.recommendations, projectId);
  if (!held) return [];
  requireRole(command.actor, registration === 'application' ? 'applicant' : 'recommender');
  const holder = registration === 'application' ? (held as { applicantOrg: string }).applicantOrg : (held as { recommenderOrg: string }).recommenderOrg;
  if (command.actor.org !== holder) throw forbidden('not-own-organisation', 'only the organisation that registered may release the registration');
  return [{ type: 'RegistrationReleased', data: { projectId, registration, reason, releasedAt: command.now } }];
}

function registerRecommendation(command: RegisterRecommendation, state: ProgramCycleState): ProgramCycleEvent[] {
  requireRole(command.actor, 'recommender');
  const cycle = requireOpenCycle(state);
  const { projectId, recommenderOrg, rank } = command.data;
  requireText('projectId', projectId);
  requireText('recommenderOrg', recommenderOrg);
  instant('now', command.now);
  const limit = cycle.rules.perRecommenderLimit;
  if (!Number.isInteger(rank) || rank < 1 || rank > limit) {
    throw validation('invalid-rank', `a rank is a whole number from 1 to ${limit}`, { rank, limit });
  }
  if (command.actor.org !== recommenderOrg) {
    throw forbidden('not-own-organisation', 'a recommender recommends on behalf of its own organisation only');
  }
  const application = own(cycle.applications, projectId);
  if (!application) throw notFound('application-not-registered', `project ${projectId} has no application in this cycle`);
  if (command.actor.region !== application.region) {
    throw forbidden('not-own-region', `project ${projectId} is in ${application.region}, outside the recommender's region`);
  }
  const existing = own(cycle.recommendations, projectId);
  if (existing) {
    if (existing.recommenderOrg === recommenderOrg && existing.rank === rank) return [];
    throw illegalState('already-recommended', `project ${projectId} is already recommended`);
  }
  const given = Object.values(cycle.recommendations).filter((r) => r.recommenderOrg === recommenderOrg);
  if (given.length >= limit) {
    throw illegalState('recommender-limit-reached', `${recommenderOrg} has given all ${limit} recommendations`, { limit });
  }
  if (given.some((r) => r.rank === rank)) {
    throw illegalState('duplicate-rank', `${recommenderOrg} has already given rank ${rank}`, { rank });
  }
  return [
    {
      type: 'RecommendationRegistered',
      data: {
        projectId,
        recommenderOrg,
        rank,
        recommendedAt: command.now,
        recommenderCount: given.length + 1,
        perRecommenderLimit: limit,
        rulesVersion: cycle.rulesVersion,
      },
    },
  ];
}

function shortlist(command: Shortlist, state: ProgramCycleState): ProgramCycleEvent[] {
  requireRole(command.actor, 'office');
  const cycle = requireOpenCycle(state);
  const closing = requireWindowClosed(cycle, command.now);
  const { shortlisted, notSelected, reason } = command.data;
  requireText('reason', reason, 'reason-required');
  if (shortlisted.length + notSelected.length === 0) throw validation('empty-decision', 'a selection decision names at least one project');
  const ids = [...shortlisted.map((e) => e.projectId), ...notSelected.map((e) => e.projectId)];
  if (new Set(ids).size !== ids.length) throw validation('duplicate-project', 'a project appears more than once in the decision');
  for (const entry of notSelected) requireText('reason', entry.reason, 'reason-required');
  for (const projectId of ids) {
    requireText('projectId', projectId);
    if (!own(cycle.applications, projectId)) throw notFound('application-not-registered', `project ${projectId} has no application in this cycle`);
    if (own(cycle.selections, projectId)) throw illegalState('already-decided', `project ${projectId} already has a selection decision`);
  }
  const incomplete = new Set(command.context.reviewIncomplete);
  const tiers = cycle.rules.tiers;
  for (const { projectId, tier } of shortlisted) {
    if (!own(cycle.recommendations, projectId)) throw illegalState('not-recommended', `project ${projectId} was not recommended`);
    if (incomplete.has(projectId)) throw illegalState('review-incomplete', `project ${projectId} still lacks review scores`);
    if (tiers.length > 0 && tier === undefined) throw validation('tier-required', 'this cycle shortlists into tiers');
    if (tier !== undefined && !tiers.some((t) => t.name === tier)) throw validation('unknown-tier', `the cycle has no tier ${tier}`, { tier });
  }

  const quota = cycle.rules.quota;
  let taken = placesTaken(cycle);
  if (taken + shortlisted.length > quota) {
    throw illegalState('quota-exceeded', `${shortlisted.length} more projects would exceed the quota of ${quota} (${taken} taken)`, {
      quota,
      taken,
      requested: shortlisted.length,
    });
  }
  const tierTaken = new Map(tiers.map((t) => [t.name, placesTaken(cycle, t.name)]));
  for (const tier of tiers) {
    const requested = shortlisted.filter((e) => e.tier === tier.name).length;
    const already = tierTaken.get(tier.name) ?? 0;
    if (already + requested > tier.quota) {
      throw illegalState('tier-quota-exceeded', `tier ${tier.name}: ${requested} more would exceed its quota of ${tier.quota} (${already} taken)`, {
        tier: tier.name,
        quota: tier.quota,
        taken: already,
        requested,
      });
    }
  }

  const decisionId = nextDecisionId(cycle);
  const events: ProgramCycleEvent[] = closing ? [closing] : [];
  for (const { projectId, tier } of shortlisted) {
    taken++;
    const tierQuota = tier === undefined ? null : (tiers.find((t) => t.name === tier)?.quota ?? null);
    let tierPlaces: number | null = null;
    if (tier !== undefined) {
      tierPlaces = (tierTaken.get(tier) ?? 0) + 1;
      tierTaken.set(tier, tierPlaces);
    }
    const event: ProjectShortlisted = {
      type: 'ProjectShortlisted',
      data: {
        decisionId,
        projectId,
        tier: tier ?? null,
        reason,
        rulesVersion: cycle.rulesVersion,
        quota,
        placesTaken: taken,
        tierQuota,
        tierPlacesTaken: tierPlaces,
        decidedAt: command.now,
      },
    };
    events.push(event);
  }
  for (const entry of notSelected) {
    const event: ProjectNotSelected = {
      type: 'ProjectNotSelected',
      data: { decisionId, projectId: entry.projectId, reason: entry.reason, rulesVersion: cycle.rulesVersion, decidedAt: command.now },
    };
    events.push(event);
  }
  return events;
}

function openPublicNotice(command: OpenPublicNotice, state: ProgramCycleState, calendar: WorkingDayCalendar): ProgramCycleEvent[] {
  requireRole(command.actor, 'office');
  const cycle = requireOpenCycle(state);
  const { startsOn, document } = command.data;
  if (!isIsoDate(startsOn)) throw validation('invalid-date', `startsOn must be a YYYY-MM-DD date, got ${String(startsOn)}`);
  if (startsOn < chinaDateOf(command.now)) throw validation('notice-start-in-past', `a notice cannot start before today (${chinaDateOf(command.now)})`);
  if (document !== undefined) requireDocument(document);
  const projectIds = Object.entries(cycle.selections)
    .filter(([, selection]) => selection.status === 'shortlisted')
    .map(([projectId]) => projectId);
  if (projectIds.length === 0) throw illegalState('nothing-to-notice', 'no shortlisted project awaits a public notice');
  const { length, unit } = cycle.rules.publicNotice;
  const endsOn = noticeEnd(calendar, startsOn, { length, unit });
  return [
    {
      type: 'PublicNoticeOpened',
      data: {
        noticeId: `notice-${cycle.noticeCount + 1}`,
        projectIds,
        startsOn,
        endsOn,
        endsAt: chinaEndOfDay(endsOn),
        length,
        unit,
        calendarVersion: calendar.version,
        rulesVersion: cycle.rulesVersion,
        document: document ?? null,
        openedAt: command.now,
      },
    },
  ];
}

function removeFromList(command: RemoveFromList, state: ProgramCycleState): ProgramCycleEvent[] {
  requireRole(command.actor, 'office');
  const cycle = requireOpenCycle(state);
  const { projectId, reason, objectionId } = command.data;
  requireText('reason', reason, 'reason-required');
  if (objectionId !== undefined) requireText('objectionId', objectionId);
  instant('now', command.now);
  const selection = own(cycle.selections, projectId);
  if (!selection || selection.status === 'not-selected') throw illegalState('not-on-list', `project ${projectId} is not on the list`);
  if (selection.status === 'removed') return [];
  if (selection.status === 'approved') {
    throw illegalState('already-approved', `project ${projectId} is approved; revoke it on its own stream instead`);
  }
  return [
    {
      type: 'ProjectRemovedFromList',
      data: { projectId, tier: selection.tier, reason, objectionId: objectionId ?? null, rulesVersion: cycle.rulesVersion, removedAt: command.now },
    },
  ];
}

function endPublicNotice(command: EndPublicNotice, state: ProgramCycleState): ProgramCycleEvent[] {
  requireRole(command.actor, 'office');
  const cycle = requireCycle(state);
  const notice = own(cycle.notices, command.data.noticeId);
  if (!notice) throw notFound('notice-not-found', `no notice ${command.data.noticeId} in this cycle`);
  if (notice.ended) return [];
  if (instant('now', command.now) < instant('endsAt', notice.endsAt)) {
    throw illegalState('notice-not-ended', `the notice runs until the end of ${notice.endsOn}`, { endsAt: notice.endsAt });
  }
  const projectIds = notice.projectIds.filter((id) => own(cycle.selections, id)?.status === 'in-notice');
  return [{ type: 'PublicNoticeEnded', data: { noticeId: notice.noticeId, projectIds, endsOn: notice.endsOn, endedAt: notice.endsAt } }];
}

function approveList(command: ApproveList, state: ProgramCycleState): ProgramCycleEvent[] {
  requireRole(command.actor, 'office');
  const cycle = requireOpenCycle(state);
  const { projectIds, reason, document } = command.data;
  requireText('reason', reason, 'reason-required');
  if (document !== undefined) requireDocument(document);
  instant('now', command.now);
  if (projectIds.length === 0) throw validation('empty-decision', 'an approval names at least one project');
  if (new Set(projectIds).size !== projectIds.length) throw validation('duplicate-project', 'a project appears more than once in the approval');
  const objected = new Set(command.context.openObjections);
  const approved: { projectId: string; tier: string | null }[] = [];
  for (const projectId of projectIds) {
    const selection = own(cycle.selections, projectId);
    switch (selection?.status) {
      case 'notice-ended':
        break;
      case 'shortlisted':
      case 'in-notice':
        throw illegalState('notice-not-ended', `the public notice of project ${projectId} has not ended`);
      case 'approved':
        throw illegalState('already-approved', `project ${projectId} is already approved`);
      default:
        throw illegalState('not-on-list', `project ${projectId} is not on the list`);
    }
    if (objected.has(projectId)) throw illegalState('open-objection', `project ${projectId} has an objection not yet resolved`);
    approved.push({ projectId, tier: selection.tier });
  }
  const quota = cycle.rules.quota;
  const approvedCount = countSelections(cycle, (s) => s.status === 'approved') + approved.length;
  if (approvedCount > quota) throw illegalState('quota-exceeded', `approving would exceed the quota of ${quota}`, { quota, approvedCount });
  for (const tier of cycle.rules.tiers) {
    const inTier = countSelections(cycle, (s) => s.status === 'approved' && s.tier === tier.name) + approved.filter((a) => a.tier === tier.name).length;
    if (inTier > tier.quota) throw illegalState('tier-quota-exceeded', `approving would exceed tier ${tier.name}'s quota`, { tier: tier.name });
  }
  return [
    {
      type: 'ListApproved',
      data: {
        decisionId: nextDecisionId(cycle),
        approved,
        reason,
        rulesVersion: cycle.rulesVersion,
        quota,
        approvedCount,
        document: document ?? null,
        approvedAt: command.now,
      },
    },
  ];
}

function closeCycle(command: CloseCycle, state: ProgramCycleState): ProgramCycleEvent[] {
  requireRole(command.actor, 'office');
  const cycle = requireOpenCycle(state);
  requireText('reason', command.data.reason, 'reason-required');
  const closing = requireWindowClosed(cycle, command.now);
  const pending = Object.entries(cycle.selections).filter(([, s]) => s.status === 'shortlisted' || s.status === 'in-notice' || s.status === 'notice-ended');
  if (pending.length > 0) {
    throw illegalState('selection-pending', 'projects still await a notice or approval', { projectIds: pending.map(([id]) => id) });
  }
  return [
    ...(closing ? [closing] : []),
    {
      type: 'CycleClosed',
      data: {
        reason: command.data.reason,
        approvedCount: countSelections(cycle, (s) => s.status === 'approved'),
        rulesVersion: cycle.rulesVersion,
        closedAt: command.now,
      },
    },
  ];
}

export function evolveProgramCycle(state: ProgramCycleState, event: ProgramCycleEvent): ProgramCycleState {
  if (event.type === 'CycleOpened') {
    if (state.status !== 'none') return state;
    const d = event.data;
    return {
      status: 'open',
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
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'ApplicationWindowClosed':
      return state.status === 'open' ? { ...state, status: 'window-closed' } : state;
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
      return { ...state, status: 'closed' };
    default:
      return state;
  }
}

/** Number of places held in the cycle's quota, or in one tier's. */
export function placesTaken(cycle: ActiveCycle, tier?: string): number {
  return countSelections(cycle, (s) => HOLDS_PLACE.includes(s.status) && (tier === undefined || s.tier === tier));
}

function countSelections(cycle: ActiveCycle, predicate: (selection: Selection) => boolean): number {
  return Object.values(cycle.selections).filter(predicate).length;
}

function withDecision(cycle: ActiveCycle, decisionId: string): ActiveCycle {
  if (cycle.lastDecisionId === decisionId) return cycle;
  return { ...cycle, decisionCount: cycle.decisionCount + 1, lastDecisionId: decisionId };
}

function nextDecisionId(cycle: ActiveCycle): string {
  return `${cycle.cycleId}/decision-${cycle.decisionCount + 1}`;
}

/** A selection decision implies the window has closed, even in a history that lacks the closing event. */
function closedWindow(cycle: ActiveCycle): ActiveCycle['status'] {
  return cycle.status === 'open' ? 'window-closed' : cycle.status;
}

/** The event recording that the window's deadline passed, when it has and nothing recorded it yet. */
function deadlinePassed(cycle: ActiveCycle, now: string): ApplicationWindowClosed | null {
  if (cycle.status !== 'open' || instant('now', now) < instant('closesAt', cycle.closesAt)) return null;
  return { type: 'ApplicationWindowClosed', data: { closedAt: cycle.closesAt, trigger: 'deadline', reason: null, rulesVersion: cycle.rulesVersion } };
}

function requireWindowClosed(cycle: ActiveCycle, now: string): ApplicationWindowClosed | null {
  const closing = deadlinePassed(cycle, now);
  if (cycle.status === 'open' && !closing) throw illegalState('window-open', 'the application window is still open');
  return closing;
}

function requireCycle(state: ProgramCycleState): ActiveCycle {
  if (state.status === 'none') throw notFound('cycle-not-found', 'no such program cycle');
  return state;
}

function requireOpenCycle(state: ProgramCycleState): ActiveCycle {
  const cycle = requireCycle(state);
  if (cycle.status === 'closed') throw illegalState('cycle-closed', `cycle ${cycle.cycleId} is closed`);
  return cycle;
}

function requireRole(actor: Actor, role: Role): void {
  if (actor.role !== role) throw forbidden('role-not-allowed', `only the ${role} role may do this`, { role: actor.role });
}

function requireText(field: string, value: unknown, code = 'invalid-field'): void {
  if (!isText(value)) throw validation(code, `${field} must be a non-empty string`, { field });
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}

function requireDocument(document: DocumentRef): void {
  if (!/^[0-9a-f]{64}$/i.test(document.sha256) || !isText(document.name) || !Number.isInteger(document.size) || document.size < 0) {
    throw validation('invalid-document', 'a document reference needs a SHA-256 hex digest, a name and a size');
  }
}

function instant(field: string, value: string): number {
  const ms = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw validation('invalid-time', `${field} must be an ISO-8601 instant, got ${String(value)}`, { field });
  return ms;
}

function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

function assertNever(command: never): never {
  throw validation('unknown-command', `unknown command ${(command as { type?: unknown }).type as string}`);
}
