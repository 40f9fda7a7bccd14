import { addMonthsAt } from '../../beijing-time';
import { text } from '../../checks';
import { Disqualify } from '../enterprise.commands';
import { EnterpriseEvent } from '../enterprise.events';
import { currentCertificate, EnterpriseState } from '../enterprise.state';
import { documentRefs, invalidTransition, TERMINAL } from './checks';

/**
 * Disqualification (domain.md §6): at any stage of a round in progress or of certification, with
 * evidence; it revokes the certificate in force and bans the enterprise for the rules' years.
 */

export function disqualify(command: Disqualify, state: EnterpriseState): EnterpriseEvent[] {
  const { now } = command;
  const { rules, rulesVersion } = command.context;
  if (TERMINAL.includes(state.status)) throw invalidTransition(command, state, 'a non-terminal state');
  const data = command.data;
  return [
    {
      type: 'EnterpriseDisqualified',
      data: {
        ground: data.ground,
        reason: text(data.reason, 'reason-required', 'the reason'),
        evidence: documentRefs(data.evidence, 1, 'evidence-required'),
        disqualifiedAt: now,
        bannedUntil: addMonthsAt(now, rules.disqualificationBanYears * 12),
        banYears: rules.disqualificationBanYears,
        revokedCertificateNo: currentCertificate(state)?.certificateNo ?? null,
        rulesVersion,
      },
    },
  ];
}

