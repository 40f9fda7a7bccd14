import { isProjectProgramType, validateCycleRules } from '../../catalog/program-catalog';
import { isText, own } from '../../checks';
import { forbidden, illegalState, notFound, validation } from '../../errors';
import { CloseApplicationWindow, OpenCycle, RegisterApplication, RegisterRecommendation, ReleaseRegistration } from '../program-cycle.commands';
import { ProgramCycleEvent } from '../program-cycle.events';
import { ProgramCycleState } from '../program-cycle.state';
import { deadlinePassed, instant, requireCycle, requireOpenCycle, requireText, roleNotAllowed } from './checks';

/**
 * The cycle and its application window: the office opens it under a full copy of the rules; while the
 * window is open, applications and recommendations are registered within the per-applicant and
 * per-recommender limits (and given back when the project refuses them); it closes at its deadline or
 * earlier with a reason.
 */

export function openCycle(command: OpenCycle, state: ProgramCycleState): ProgramCycleEvent[] {
  if (state.status !== 'None') throw illegalState('cycle-already-open', `cycle ${state.cycleId} is already open`);
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

export function closeApplicationWindow(command: CloseApplicationWindow, state: ProgramCycleState): ProgramCycleEvent[] {
  const cycle = requireCycle(state);
  if (cycle.status !== 'Open') return [];
  const due = deadlinePassed(cycle, command.now);
  if (due) return [due];
  const reason = command.data.reason;
  if (!isText(reason)) throw validation('reason-required', 'closing the window before its deadline needs a reason');
  return [{ type: 'ApplicationWindowClosed', data: { closedAt: command.now, trigger: 'office', reason, rulesVersion: cycle.rulesVersion } }];
}

export function registerApplication(command: RegisterApplication, state: ProgramCycleState): ProgramCycleEvent[] {
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
  if (cycle.status !== 'Open' || now >= instant('closesAt', cycle.closesAt)) {
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

export function releaseRegistration(command: ReleaseRegistration, state: ProgramCycleState): ProgramCycleEvent[] {
  const cycle = requireCycle(state);
  const { projectId, registration, reason } = command.data;
  requireText('reason', reason, 'reason-required');
  const held = registration === 'application' ? own(cycle.applications, projectId) : own(cycle.recommendations, projectId);
  if (!held) return [];
  // The one command whose role is the registration's: the role table lets any role ask.
  const role = registration === 'application' ? 'applicant' : 'recommender';
  if (command.actor.role !== role) throw roleNotAllowed(command.actor, role);
  const holder = registration === 'application' ? (held as { applicantOrg: string }).applicantOrg : (held as { recommenderOrg: string }).recommenderOrg;
  if (command.actor.org !== holder) throw forbidden('not-own-organisation', 'only the organisation that registered may release the registration');
  return [{ type: 'RegistrationReleased', data: { projectId, registration, reason, releasedAt: command.now } }];
}

export function registerRecommendation(command: RegisterRecommendation, state: ProgramCycleState): ProgramCycleEvent[] {
  const cycle = requireOpenCycle(state);
  const { projectId, recommenderOrg, rank } = command.data;
  requireText('projectId', projectId);
  requireText('recommenderOrg', recommenderOrg);
  const limit = cycle.rules.perRecommenderLimit;
  if (rank < 1 || rank > limit) {
    throw validation('invalid-rank', `a rank is from 1 to ${limit}`, { rank, limit });
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
