import { Event } from '../messages';

/**
 * A reminder (催办) that an obligation falls due: the deadline scheduler, acting as the office, issues
 * one at each threshold before a construction plan, an annual report, a course update, a rectification
 * or a three-year plan is due, and before a certificate expires. It is a fact of the record's history
 * like any other (the school was told, and when), and it changes nothing else about the record.
 */
export interface RemindDeadlineData {
  /** What falls due, as the deadline names it: 'construction-plan', 'annual-report 2027', 'certificate 2027001'. */
  readonly obligation: string;
  /** The instant it is due at (overdue from then on). */
  readonly dueAt: string;
  /** The last day it may be handed in (Beijing date), or the certificate's last valid day. */
  readonly dueOn: string;
}

export type DeadlineReminded = Event<
  'DeadlineReminded',
  RemindDeadlineData & {
    /** Whole days left when the reminder was given, rounded up. */
    readonly daysLeft: number;
    readonly remindedAt: string;
  }
>;

const DAY_MS = 24 * 60 * 60 * 1000;

/** The reminder given at `now`; none once the obligation is due (its overdue event tells then). */
export function remindDeadline(data: RemindDeadlineData, now: string): DeadlineReminded[] {
  const left = Date.parse(data.dueAt) - Date.parse(now);
  if (!(left > 0)) return [];
  const { obligation, dueAt, dueOn } = data;
  return [{ type: 'DeadlineReminded', data: { obligation, dueAt, dueOn, daysLeft: Math.ceil(left / DAY_MS), remindedAt: now } }];
}
