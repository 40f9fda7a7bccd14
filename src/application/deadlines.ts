import { Decider } from '../domain/decider';
import { Actor } from '../domain/messages';
import { ProgramCycleEvent } from '../domain/program-cycle/program-cycle.events';

/**
 * Deadlines as data derived from events. A rule reads the events of one stream category and says
 * which deadlines they set or settle; when the clock passes a deadline the scheduler issues the
 * rule's command on that stream, through the one command path, and the event the domain decides
 * (…Overdue, …Expired, PublicNoticeEnded) settles the deadline in turn. Nothing but events records
 * that a deadline fired, so restarts and several instances agree.
 */

type DomainEvent = { readonly type: string; readonly data: unknown };

/** A deadline of one stream, as the deadlines read model holds it. */
export interface Deadline {
  readonly stream: string;
  readonly kind: string;
  /** Names one occurrence within the stream (a notice id, a report year): a key is due once. */
  readonly key: string;
  /** ISO-8601 instant, UTC. */
  readonly dueAt: string;
  /** The rule that set it, for people: recorded with the event that fires it. */
  readonly rule: string;
  /** The working-day calendar the due time was computed with, when one was. */
  readonly calendarVersion: string | null;
}

export type DeadlineChange =
  | { readonly set: { readonly key: string; readonly dueAt: string; readonly rule: string; readonly calendarVersion?: string } }
  /** The deadline fired, or the obligation was met first (report submitted, notice ended early). */
  | { readonly clear: { readonly key: string } };

/** What the scheduler asks of the stream's decider; the actor and the time are the scheduler's. */
export interface DeadlineCommand {
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
  /** What the command needs beyond its stream, as the command path's callers would give it. */
  readonly context?: unknown;
}

export interface DeadlineRule<Event extends DomainEvent = DomainEvent> {
  /** Stream category the rule reads and acts on ('cycle', 'project', 'enterprise'). */
  readonly category: string;
  /** Unique within the category; a column of the read model. */
  readonly kind: string;
  /** Bump when `derive` changes: the read model is then rebuilt from the log with the new rule. */
  readonly revision?: number;
  /** Pure: the deadlines one event of a stream of the category sets or settles. */
  derive(event: Event, stream: string): readonly DeadlineChange[];
  command(deadline: Deadline): DeadlineCommand;
  /** DomainError codes that mean the effect has already happened: the deadline is then done, not failed. */
  readonly settledBy?: readonly string[];
}

/** A decider as the scheduler drives it: any state, commands built by the rules. */
export type SchedulingDecider = Decider<
  unknown,
  DeadlineCommand & { readonly actor: Actor; readonly now: string },
  DomainEvent
>;

/** Deadlines fire as the program office would act: the deciders ask that role of these commands. */
export const SYSTEM_ACTOR: Actor = { id: 'scheduler', role: 'office', org: 'system' };

const set = (key: string, dueAt: string, rule: string, calendarVersion?: string): DeadlineChange => ({
  set: { key, dueAt, rule, ...(calendarVersion ? { calendarVersion } : {}) },
});
const clear = (key: string): DeadlineChange => ({ clear: { key } });

const WINDOW = 'application-window';

/** The cycle's application window closes at its deadline (recorded with trigger 'deadline'). */
export const applicationWindowClose: DeadlineRule<ProgramCycleEvent> = {
  category: 'cycle',
  kind: 'application-window-close',
  derive: (event) => {
    switch (event.type) {
      case 'CycleOpened':
        return [set(WINDOW, event.data.closesAt, `cycle.applicationWindow: closes ${event.data.closesAt} (rules ${event.data.rulesVersion})`)];
      case 'ApplicationWindowClosed':
        return [clear(WINDOW)];
      default:
        return [];
    }
  },
  command: () => ({ type: 'CloseApplicationWindow', data: {} }),
};

/** A public notice (公示) ends at the end of its last day, counted in working or calendar days. */
export const publicNoticeEnd: DeadlineRule<ProgramCycleEvent> = {
  category: 'cycle',
  kind: 'public-notice-end',
  derive: (event) => {
    switch (event.type) {
      case 'PublicNoticeOpened': {
        const { noticeId, endsAt, length, unit, startsOn, endsOn, calendarVersion, rulesVersion } = event.data;
        const rule = `cycle.publicNotice: ${length} ${unit} from ${startsOn} to ${endsOn} (rules ${rulesVersion})`;
        // Only a working-day count depends on the holiday data; calendar days are the same in every version.
        return [set(noticeId, endsAt, rule, unit === 'working-days' ? calendarVersion : undefined)];
      }
      case 'PublicNoticeEnded':
        return [clear(event.data.noticeId)];
      default:
        return [];
    }
  },
  command: (deadline) => ({ type: 'EndPublicNotice', data: { noticeId: deadline.key } }),
};

export const cycleDeadlineRules: readonly DeadlineRule[] = [applicationWindowClose, publicNoticeEnd];

/** Every rule the service runs; project and enterprise rules join here as their deciders arrive. */
export const DEADLINE_RULES: readonly DeadlineRule[] = [...cycleDeadlineRules];
