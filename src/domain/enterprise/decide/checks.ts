import { DOCUMENTS, documentRef, invalidTransition as refusedIn, listOf, text, texts } from '../../checks';
import { illegalState, validation } from '../../errors';
import { DocumentRef } from '../../messages';
import { EnterpriseCommand, ExpertAssessment, Outcome } from '../enterprise.commands';
import { NoticeStage } from '../enterprise.events';
import { EnterpriseState, EnterpriseStatus } from '../enterprise.state';

/** The checks the enterprise's commands share, across its lifecycle phases. */

// ---------------------------------------------------------------------------------------------
// Status

/** Nothing in progress: no application, or the last round ended without admission or in disqualification. */
export const TERMINAL: readonly EnterpriseStatus[] = [
  // Stryker disable next-line StringLiteral: the commands that ask (Disqualify, ReportMaterialChange) are refused on an unwritten stream before they look
  'None',
  'NotAdmitted',
  'Disqualified',
];

export function invalidTransition(command: EnterpriseCommand, state: EnterpriseState, expected: string) {
  return refusedIn('enterprise', command.type, state.status, expected);
}

export function requireStatus(command: EnterpriseCommand, state: EnterpriseState, ...allowed: EnterpriseStatus[]) {
  if (!allowed.includes(state.status)) throw invalidTransition(command, state, allowed.join(' | '));
}

export function requireNotice(command: EnterpriseCommand, state: EnterpriseState, stage: NoticeStage) {
  if (state.status !== 'InPublicNotice' || state.notice?.stage !== stage) {
    throw invalidTransition(command, state, `InPublicNotice (${stage})`);
  }
  return state.notice;
}

export function requireNoticeEndedWithoutObjection(state: EnterpriseState, notice: NonNullable<EnterpriseState['notice']>, nowT: number) {
  if (nowT < Date.parse(notice.endsAt)) throw illegalState('notice-not-ended', 'the public notice has not ended', { endsAt: notice.endsAt });
  const open = state.objections.filter((o) => o.noticeNo === notice.noticeNo && o.status === 'open').map((o) => o.objectionId);
  if (open.length > 0) throw illegalState('objection-open', 'objections to the notice are still open', { objections: open });
}

// ---------------------------------------------------------------------------------------------
// Data

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Milliseconds of an ISO-8601 instant with its offset; deadlines are Beijing dates or instants (beijing-time.ts).
 * The deadlines and periods are reckoned in these milliseconds: one that is not an instant is refused rather than reckoned as NaN.
 */
export function instant(iso: string, field: string): number {
  const t = ISO_INSTANT.test(iso) ? Date.parse(iso) : NaN;
  if (Number.isNaN(t)) throw validation('invalid-time', `${field} is not an ISO-8601 instant`, { field });
  return t;
}

export function documentRefs(value: readonly DocumentRef[] | undefined, min: number, code = 'documents-required'): DocumentRef[] {
  return listOf(value, min, code, DOCUMENTS, documentRef);
}

export function expertAssessment(a: ExpertAssessment): ExpertAssessment {
  return { opinion: text(a.opinion, 'assessment-required', 'the expert opinion'), documents: documentRefs(a.documents, 1) };
}

export function reasons(value: readonly string[] | undefined, result: Outcome): string[] {
  return texts(value, 'reasons-required', 'reasons', result === 'failed' ? 1 : 0);
}
