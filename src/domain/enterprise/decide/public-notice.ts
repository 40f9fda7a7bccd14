import { addCalendarDays, chinaDateOf, chinaStartOfDay, isIsoDate, noticeEnd } from '../../calendar';
import { documentRef, text } from '../../checks';
import { illegalState, notFound, validation } from '../../errors';
import { FileObjection, OpenCertificationNotice, OpenPublicNotice, ResolveObjection } from '../enterprise.commands';
import { EnterpriseEvent, NoticeStage, ObjectionRejectionReason } from '../enterprise.events';
import { EnterpriseState } from '../enterprise.state';
import { documentRefs, invalidTransition, requireStatus } from './checks';

/**
 * The two public notices (公示, domain.md §6), before admission and before certification, and the
 * objections filed against them: an upheld objection refuses what the notice announced.
 */

/** Opens the admission notice (OpenPublicNotice) or the certification notice (OpenCertificationNotice). */
export function openNotice(command: OpenPublicNotice | OpenCertificationNotice, state: EnterpriseState): EnterpriseEvent[] {
  const { rules, rulesVersion } = command.context;
  const stage: NoticeStage = command.type === 'OpenPublicNotice' ? 'admission' : 'certification';
  requireStatus(command, state, stage === 'admission' ? 'JointlyReviewed' : 'CertificationEvaluated');
  const { calendar } = command.context;
  if (!calendar) throw validation('context-required', 'a notice is counted with the working-day calendar');
  const { startsOn } = command.data;
  if (!isIsoDate(startsOn)) throw validation('invalid-date', `startsOn must be a YYYY-MM-DD date, got ${startsOn}`);
  const today = chinaDateOf(command.now);
  if (startsOn < today) throw validation('notice-start-in-past', `a notice cannot start before today (${today})`);
  // From the start of its first day to the end of its last, Beijing time, as many days as the rules prescribe.
  const endsOn = noticeEnd(calendar, startsOn, rules.publicNotice);
  const startsAt = chinaStartOfDay(startsOn);
  const endsAt = chinaStartOfDay(addCalendarDays(endsOn, 1));
  return [
    {
      type: 'PublicNoticeOpened',
      data: {
        stage,
        noticeNo: state.noticeCount + 1,
        startsAt,
        endsAt,
        length: rules.publicNotice.length,
        unit: rules.publicNotice.unit,
        calendarVersion: calendar.version,
        notice: command.data.notice === undefined ? null : documentRef(command.data.notice),
        rulesVersion,
      },
    },
  ];
}

export function fileObjection(command: FileObjection, state: EnterpriseState, nowT: number): EnterpriseEvent[] {
  const { now } = command;
  if (state.status !== 'InPublicNotice' || state.notice === null) throw invalidTransition(command, state, 'InPublicNotice');
  const data = command.data;
  const objectionId = text(data.objectionId, 'objection-id-required', 'the objection id');
  if (state.objections.some((o) => o.objectionId === objectionId)) {
    throw illegalState('objection-already-filed', 'an objection with this id exists', { objectionId });
  }
  // Blank name or contact makes the objection anonymous, hence inadmissible.
  const objector = { name: data.objector.name.trim(), contact: data.objector.contact.trim() };
  const evidence = documentRefs(data.evidence, 0);
  const filed = {
    objectionId,
    noticeNo: state.notice.noticeNo,
    stage: state.notice.stage,
    objector,
    grounds: text(data.grounds, 'grounds-required', 'the grounds of the objection'),
    evidence,
    filedAt: now,
  };
  const rejection: ObjectionRejectionReason[] = [];
  if (objector.name === '' || objector.contact === '') rejection.push('anonymous');
  if (evidence.length === 0) rejection.push('no-evidence');
  if (nowT < Date.parse(state.notice.startsAt)) rejection.push('before-notice');
  if (nowT >= Date.parse(state.notice.endsAt)) rejection.push('late');
  return rejection.length > 0
    ? [{ type: 'ObjectionRejected', data: { ...filed, reasons: rejection } }]
    : [{ type: 'ObjectionFiled', data: filed }];
}

export function resolveObjection(command: ResolveObjection, state: EnterpriseState): EnterpriseEvent[] {
  const { rulesVersion } = command.context;
  const data = command.data;
  const objection = state.objections.find((o) => o.objectionId === data.objectionId);
  if (!objection) throw notFound('objection-not-found', 'no such objection', { objectionId: data.objectionId });
  if (objection.status !== 'open') {
    throw illegalState('objection-already-resolved', 'the objection is no longer open', { status: objection.status });
  }
  const resolution = {
    objectionId: objection.objectionId,
    reason: text(data.reason, 'reason-required', 'the reason'),
    evidence: documentRefs(data.evidence, 0),
    rulesVersion,
  };
  if (data.outcome === 'dismissed') return [{ type: 'ObjectionDismissed', data: resolution }];
  const events: EnterpriseEvent[] = [{ type: 'ObjectionUpheld', data: resolution }];
  // An upheld objection ends the notice it was filed under; one filed under an earlier notice
  // only closes the record.
  if (state.status === 'InPublicNotice' && state.notice?.noticeNo === objection.noticeNo) {
    events.push(
      objection.stage === 'admission'
        ? {
            type: 'AdmissionRefusedAfterObjection',
            data: { applicationNo: state.applicationNo, objectionId: objection.objectionId, reason: resolution.reason, rulesVersion },
          }
        : {
            type: 'CertificationRefusedAfterObjection',
            data: {
              // Stryker disable next-line StringLiteral: a request is always on record during the certification notice, so the fallback is never used
              kind: state.certification?.kind ?? 'initial',
              objectionId: objection.objectionId,
              reason: resolution.reason,
              rulesVersion,
            },
          },
    );
  }
  return events;
}

