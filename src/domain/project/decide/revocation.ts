import { addMonthsOn } from '../../beijing-time';
import { text } from '../../checks';
import { illegalState, validation } from '../../errors';
import { fen, isAmount, yuan } from '../../money';
import { OrderFundRecovery, RecordFundRecoveryOverdue, RecordFundsRecovered, RevokeProject, Suspend } from '../project.commands';
import { ProjectEvent } from '../project.events';
import { Project } from '../project.state';
import { date, documentRefs, openRectification, requireStatus, REVOCABLE } from './checks';

/**
 * Suspension, revocation and the recovery of funds (domain.md §5): how a project ends against its
 * applicant, with the ban that follows.
 */

export function suspend(command: Suspend, project: Project, today: string): ProjectEvent[] {
  const { now } = command;
  const { rules, rulesVersion } = project;
  requireStatus(command, project, ['RectificationFailed', 'MidtermEvaluated']);
  let trigger: 'failed-rectification' | 'midterm-below-min-tasks';
  if (project.status === 'RectificationFailed') {
    if (lastRectification(project)?.orderedFrom === 'Accredited') {
      throw illegalState('suspension-not-applicable', 'an accredited project that fails its obligations is revoked, not suspended');
    }
    trigger = 'failed-rectification';
  } else {
    if (!project.midterm?.belowMinTasks) {
      throw illegalState('suspension-not-warranted', 'the mid-term evaluation found enough tasks done; order a rectification first');
    }
    trigger = 'midterm-below-min-tasks';
  }
  return [
    {
      type: 'ProjectSuspended',
      data: {
        trigger,
        reason: text(command.data.reason, 'reason-required', 'the reason'),
        programType: project.programType,
        applicantOrg: project.applicantOrg,
        tasksCompletedPercent: project.midterm?.tasksCompletedPercent ?? null,
        banUntil: addMonthsOn(today, 12 * rules.bans.suspensionYears),
        mayReapply: false,
        suspendedAt: now,
        rulesVersion,
      },
    },
  ];
}

export function revokeProject(command: RevokeProject, project: Project, today: string): ProjectEvent[] {
  const { now, context } = command;
  const { rules, rulesVersion } = project;
  requireStatus(command, project, REVOCABLE);
  const data = command.data;
  const explanation = text(data.explanation, 'explanation-required', 'the explanation');
  const evidence = documentRefs(data.evidence, context, 1, 'evidence-required');
  const banUntil = data.banUntil === undefined ? addMonthsOn(today, 12 * rules.bans.revocationYears) : date(data.banUntil, 'banUntil');
  if (banUntil < today) throw validation('invalid-ban', 'a ban cannot end before today');
  return [
    {
      type: 'ProjectRevoked',
      data: {
        reason: data.reason,
        explanation,
        evidence,
        revokedFrom: project.status,
        openRectificationId: project.status === 'Rectification' ? (openRectification(project)?.rectificationId ?? null) : null,
        programType: project.programType,
        applicantOrg: project.applicantOrg,
        banUntil,
        fundRecoveryRequired: true,
        revokedAt: now,
        rulesVersion,
      },
    },
  ];
}

export function orderFundRecovery(command: OrderFundRecovery, project: Project, today: string): ProjectEvent[] {
  const { now } = command;
  const { rulesVersion } = project;
  requireStatus(command, project, ['Failed', 'Revoked']);
  if (project.fundRecovery) throw illegalState('fund-recovery-already-ordered', 'the recovery of funds is already ordered');
  const { amount } = command.data;
  if (amount <= 0) throw validation('invalid-amount', 'the amount must be more than 0');
  const disbursed = command.context?.fundsDisbursed;
  if (disbursed === undefined) throw validation('context-required', 'what the project’s grants disbursed is required');
  if (fen(amount) > fen(disbursed)) {
    throw illegalState('recovery-exceeds-disbursed', `${disbursed} yuan were disbursed to the project: no more can be recovered`, { disbursed, amount });
  }
  const deadline = date(command.data.deadline, 'deadline');
  if (deadline <= today) throw validation('invalid-deadline', 'the deadline must be after today');
  return [
    {
      type: 'FundRecoveryOrdered',
      data: {
        amount,
        disbursed,
        currency: 'CNY',
        deadline,
        reason: text(command.data.reason, 'reason-required', 'the reason'),
        orderedFrom: project.status,
        orderedAt: now,
        rulesVersion,
      },
    },
  ];
}

export function recordFundsRecovered(command: RecordFundsRecovered, project: Project, today: string): ProjectEvent[] {
  const { now } = command;
  const { rulesVersion } = project;
  const order = project.fundRecovery;
  if (!order) throw illegalState('no-fund-recovery', 'no recovery of funds is ordered');
  const already = order.recovered ?? 0;
  if (fen(already) >= fen(order.amount)) throw illegalState('recovery-complete', `the ${order.amount} yuan ordered are recovered`);
  const { amount } = command.data;
  if (!isAmount(amount)) throw validation('invalid-amount', 'the amount is a positive amount of yuan, to the fen', { field: 'amount' });
  const recoveredOn = date(command.data.recoveredOn, 'recoveredOn');
  if (recoveredOn > today) throw validation('invalid-date', 'money is recorded once returned, not before', { field: 'recoveredOn' });
  const recovered = yuan(fen(already) + fen(amount));
  if (fen(recovered) > fen(order.amount)) {
    throw illegalState('recovery-exceeds-order', `${amount} yuan more would recover ${recovered} of the ${order.amount} ordered`, { ordered: order.amount, recovered: already, outstanding: yuan(fen(order.amount) - fen(already)) });
  }
  const reference = command.data.reference === undefined ? null : text(command.data.reference, 'invalid-field', 'the reference');
  return [
    {
      type: 'FundsRecovered',
      data: { amount, recoveredOn, reference, recovered, ordered: order.amount, complete: fen(recovered) === fen(order.amount), recordedAt: now, rulesVersion },
    },
  ];
}

export function recordFundRecoveryOverdue(command: RecordFundRecoveryOverdue, project: Project, today: string): ProjectEvent[] {
  const { now } = command;
  const order = project.fundRecovery;
  if (!order) throw illegalState('no-fund-recovery', 'no recovery of funds is ordered');
  const recovered = order.recovered ?? 0;
  if (fen(recovered) >= fen(order.amount)) throw illegalState('recovery-complete', `the ${order.amount} yuan ordered are recovered`);
  if (order.overdue) throw illegalState('recovery-already-overdue', 'the recovery is recorded overdue already');
  if (today <= order.deadline) throw illegalState('recovery-not-due', `the recovery is due by ${order.deadline}`, { deadline: order.deadline });
  return [
    {
      type: 'FundRecoveryOverdue',
      data: { deadline: order.deadline, ordered: order.amount, recovered, outstanding: yuan(fen(order.amount) - fen(recovered)), recordedAt: now, rulesVersion: project.rulesVersion },
    },
  ];
}

// ---------------------------------------------------------------------------------------------

const lastRectification = (project: Project) => project.rectifications[project.rectifications.length - 1] ?? null;
