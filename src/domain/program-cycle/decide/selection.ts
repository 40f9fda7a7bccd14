import { chinaDateOf, chinaEndOfDay, isIsoDate } from '../../beijing-time';
import { noticeEnd } from '../../calendar';
import { documentRef, own } from '../../checks';
import { illegalState, notFound, validation } from '../../errors';
import { ApproveList, CloseCycle, EndPublicNotice, OpenPublicNotice, RemoveFromList, Shortlist } from '../program-cycle.commands';
import { ProgramCycleEvent, ProjectNotSelected, ProjectShortlisted } from '../program-cycle.events';
import { countSelections, placesTaken, ProgramCycleState } from '../program-cycle.state';
import { instant, nextDecisionId, requireCycle, requireOpenCycle, requireText, requireWindowClosed } from './checks';

/**
 * Selection on the cycle's one stream, so its quota holds however many act at once: the shortlist
 * within the quota and the tiers' quotas, the public notice (公示) and its end, removals from the list,
 * the approval (立项), and closing the cycle when nothing is pending.
 */

export function shortlist(command: Shortlist, state: ProgramCycleState): ProgramCycleEvent[] {
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
  const outstanding = new Set(command.context.scoresOutstanding ?? []);
  const tiers = cycle.rules.tiers;
  for (const { projectId, tier, scoresOverride } of shortlisted) {
    // Without recommendation the province designates from what it checked and reviewed: the scores below hold it.
    if (!cycle.rules.withoutRecommendation && !own(cycle.recommendations, projectId)) throw illegalState('not-recommended', `project ${projectId} was not recommended`);
    if (incomplete.has(projectId)) throw illegalState('review-incomplete', `project ${projectId} still lacks review scores`);
    // Every assigned reviewer who has not recused scores first, unless the office decides without them and says why.
    if (scoresOverride !== undefined) requireText('scoresOverride', scoresOverride, 'reason-required');
    if (outstanding.has(projectId) && scoresOverride === undefined) {
      throw illegalState('scores-outstanding', `project ${projectId} waits for the scores of assigned reviewers; shortlisting without them needs scoresOverride with a reason`, { projectId });
    }
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
  for (const { projectId, tier, scoresOverride } of shortlisted) {
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
        ...(scoresOverride !== undefined && outstanding.has(projectId) ? { scoresOverride } : {}),
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

export function openPublicNotice(command: OpenPublicNotice, state: ProgramCycleState): ProgramCycleEvent[] {
  const cycle = requireOpenCycle(state);
  const { calendar } = command.context;
  const { startsOn, document } = command.data;
  if (!isIsoDate(startsOn)) throw validation('invalid-date', `startsOn must be a YYYY-MM-DD date, got ${startsOn}`);
  if (startsOn < chinaDateOf(command.now)) throw validation('notice-start-in-past', `a notice cannot start before today (${chinaDateOf(command.now)})`);
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
        document: document === undefined ? null : documentRef(document),
        openedAt: command.now,
      },
    },
  ];
}

export function removeFromList(command: RemoveFromList, state: ProgramCycleState): ProgramCycleEvent[] {
  const cycle = requireOpenCycle(state);
  const { projectId, reason, objectionId } = command.data;
  requireText('reason', reason, 'reason-required');
  if (objectionId !== undefined) requireText('objectionId', objectionId);
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

export function endPublicNotice(command: EndPublicNotice, state: ProgramCycleState): ProgramCycleEvent[] {
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

export function approveList(command: ApproveList, state: ProgramCycleState): ProgramCycleEvent[] {
  const cycle = requireOpenCycle(state);
  const { projectIds, reason, document } = command.data;
  requireText('reason', reason, 'reason-required');
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
        document: document === undefined ? null : documentRef(document),
        approvedAt: command.now,
      },
    },
  ];
}

export function closeCycle(command: CloseCycle, state: ProgramCycleState): ProgramCycleEvent[] {
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
