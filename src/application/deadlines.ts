import { annualReportDueOn, chinaDateOf, chinaEndOfDay, chinaYearOf, courseUpdateDueOn } from '../domain/beijing-time';
import type { DeadlineReminded, RemindDeadlineData } from '../domain/reminders/reminders';
import { EnterpriseProgramType, ProgramCatalog } from '../domain/catalog/program-catalog';
import { EnterpriseEvent } from '../domain/enterprise/enterprise.events';
import type { DoorCommands } from './command-doors';
import { Actor } from '../domain/messages';
import { ProgramCycleEvent } from '../domain/program-cycle/program-cycle.events';
import { ProjectEvent } from '../domain/project/project.events';

/**
 * Deadlines as data derived from events. A rule reads the events of one stream category and says
 * which deadlines they set or settle; when the clock passes a deadline the scheduler sends the
 * rule's command on that stream to its aggregate's one handler (which gathers whatever else the
 * command needs, as for a client's), and the event the domain decides
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
  /** What the rule's command needs beyond the key (a reminder: the obligation and when it is due). */
  readonly detail: DeadlineDetail | null;
}

export type DeadlineDetail = Readonly<Record<string, string>>;

export type DeadlineChange =
  | { readonly set: { readonly key: string; readonly dueAt: string; readonly rule: string; readonly calendarVersion?: string; readonly detail?: DeadlineDetail } }
  /** The deadline fired, or the obligation was met first (report submitted, notice ended early). */
  | { readonly clear: { readonly key: string } };

/** A rule of the deadlines of one stream category, firing a command its aggregate's door takes. */
export interface DeadlineRuleOf<Event extends DomainEvent, Category, Command> {
  /** Stream category the rule reads and acts on ('cycle', 'project', 'enterprise'). */
  readonly category: Category;
  /** Unique within the category; a column of the read model. */
  readonly kind: string;
  /** Bump when `derive` changes: the read model is then rebuilt from the log with the new rule. */
  readonly revision?: number;
  /** The configured values `derive` reads: when they change, the read model is rebuilt as for a new revision. */
  readonly parameters?: string;
  /** Pure: the deadlines one event of a stream of the category sets or settles. */
  derive(event: Event, stream: string): readonly DeadlineChange[];
  /**
   * What the scheduler asks of the stream's aggregate: the type and data, as a client would send them,
   * typed as its door takes them; the actor and the time are the scheduler's, the context the handler's.
   */
  command(deadline: Deadline): Command;
  /** DomainError codes that mean the effect has already happened: the deadline is then done, not failed. */
  readonly settledBy?: readonly string[];
  /**
   * The command is decided when the scheduler fires it, not at the due time: a reminder says how many
   * days are really left. Every other rule decides at the due time, so a late firing records when it was due.
   */
  readonly decidedWhenFired?: boolean;
}

/** A deadline rule of any category of `Commands` (the service's aggregates by default). */
export type DeadlineRule<Event extends DomainEvent = DomainEvent, Commands = DoorCommands> = {
  [Category in keyof Commands]: DeadlineRuleOf<Event, Category, Commands[Category]>;
}[keyof Commands];

/** Deadlines fire as the program office would act: the deciders ask that role of these commands. */
export const SYSTEM_ACTOR: Actor = { id: 'scheduler', role: 'office', org: 'system' };

const set = (key: string, dueAt: string, rule: string, calendarVersion?: string, detail?: DeadlineDetail): DeadlineChange => ({
  set: { key, dueAt, rule, ...(calendarVersion ? { calendarVersion } : {}), ...(detail ? { detail } : {}) },
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

// ---------------------------------------------------------------------------------------------
// Reminders (催办): before an obligation falls due, the record's people are told, at each of a few
// thresholds. One reminder deadline per obligation is armed at a time, at the next threshold: the
// reminder it fires (DeadlineReminded, decided when fired) says how many days were left, and arms the
// next threshold below that, so an obligation set with 20 days to go is reminded at once and then 7
// and 1 days ahead, and one fired late after downtime is not followed by the thresholds it slept through.

/** Days ahead of a construction plan, an annual report, a course update, a rectification, a three-year plan. */
export const REMINDER_DAYS: readonly number[] = [30, 7, 1];
/** Days ahead of a certificate's expiry: renewing takes longer than a report. */
export const CERTIFICATE_REMINDER_DAYS: readonly number[] = [90, 30];

const DAY_MS = 24 * 60 * 60 * 1000;
const daysBefore = (iso: string, days: number) => new Date(Date.parse(iso) - days * DAY_MS).toISOString();

/** An obligation whose deadline rule arms reminders: the word it is named by (with the key, when `keyed`) and the thresholds. */
export interface RemindedObligation {
  readonly rule: DeadlineRule;
  readonly obligation: string;
  readonly keyed: boolean;
  /** Days ahead, the largest first. */
  readonly days: readonly number[];
}

/** The reminders of the obligations of one stream category, as one more deadline rule of it. */
function deadlineReminders(category: 'project' | 'enterprise', reminded: readonly RemindedObligation[]): DeadlineRule {
  const thresholds = new Map(reminded.map((r) => [r.obligation, r.days]));
  const arm = (obligation: string, dueAt: string, days: number): DeadlineChange =>
    // The last day to hand in is the Beijing day before the instant it is overdue from.
    set(obligation, daysBefore(dueAt, days), `reminder: ${obligation} due ${dueAt}, ${days} days ahead`, undefined, { obligation, dueAt, dueOn: chinaDateOf(new Date(Date.parse(dueAt) - 1).toISOString()) });
  return {
    category,
    kind: 'deadline-reminder',
    derive: (event, stream) => {
      if (event.type === 'DeadlineReminded') {
        const { obligation, dueAt, daysLeft } = event.data as DeadlineReminded['data'];
        const next = (thresholds.get(obligation.split(' ')[0]) ?? []).find((days) => days < daysLeft);
        return [next === undefined ? clear(obligation) : arm(obligation, dueAt, next)];
      }
      return reminded.flatMap(({ rule, obligation, keyed, days }) =>
        rule.derive(event as never, stream).map((change) => {
          const key = (k: string) => (keyed ? `${obligation} ${k}` : obligation);
          return 'set' in change ? arm(key(change.set.key), change.set.dueAt, days[0]) : clear(key(change.clear.key));
        }),
      );
    },
    command: (deadline) => ({ type: 'RemindDeadline', data: deadline.detail as unknown as RemindDeadlineData }),
    decidedWhenFired: true,
  } as DeadlineRule;
}

// ---------------------------------------------------------------------------------------------
// Enterprises (enterprise-<creditCode>). Their commands take the scheme's rules in force as context,
// which DecideEnterpriseHandler gives them from the configured catalog, as to every enterprise command.

/** The first instant after `iso`: the decider holds an obligation due at an instant overdue only after it. */
const justAfter = (iso: string) => new Date(Date.parse(iso) + 1).toISOString();

const THREE_YEAR_PLAN = 'three-year-plan';

/** The three-year plan is due a number of months after admission (an instant); overdue right after it. */
export const threeYearPlanDue: DeadlineRule<EnterpriseEvent> = {
  category: 'enterprise',
  kind: 'three-year-plan-due',
  derive: (event) => {
    switch (event.type) {
      case 'AdmittedToIncubation': {
        const { threeYearPlanDue: due, threeYearPlanDueMonths, admittedAt, rulesVersion } = event.data;
        const rule = `enterprise.threeYearPlan: due ${due}, ${threeYearPlanDueMonths} months after admission at ${admittedAt} (rules ${rulesVersion})`;
        return [set(THREE_YEAR_PLAN, justAfter(due), rule)];
      }
      case 'ThreeYearPlanPublished':
      case 'ThreeYearPlanOverdue':
      case 'EnterpriseDisqualified':
        return [clear(THREE_YEAR_PLAN)];
      default:
        return [];
    }
  },
  command: () => ({ type: 'RecordThreeYearPlanOverdue', data: {} }),
};

/**
 * The report on `year` is due by `annualReportDueOn` of the scheme's rules, the function and the rules
 * (the configured catalog's) the decider decides an overdue report with, and overdue from the start of
 * the next Beijing day. The decider's due date is what the events record; this one says when to ask.
 */
function armAnnualReport(year: number, enterprise: EnterpriseProgramType): DeadlineChange {
  const dueOn = annualReportDueOn(year, enterprise.defaultRules.annualReportDue);
  return set(String(year), chinaEndOfDay(dueOn), `enterprise.annualReport: report for ${year} due by ${dueOn} (rules ${enterprise.rulesVersion})`);
}

/**
 * The annual report for year Y is due by a date of Y+1 (31 January); keyed by the year. Admission arms
 * the admission year; each report submitted or marked overdue settles its year and arms the year
 * running when that happened (Y+1, or later for a report caught up on): that year's report cannot be
 * settled yet, so a settled deadline is never armed again, and one deadline is armed while the
 * enterprise is admitted (incubating, certified, or after its certificate ran out — the decider still
 * expects reports then), until it is disqualified.
 */
export const annualReportDue = (enterprise: EnterpriseProgramType): DeadlineRule<EnterpriseEvent> => ({
  category: 'enterprise',
  kind: 'annual-report-due',
  // A change of the configured due date re-derives the deadlines, as a new revision of the rule would.
  parameters: JSON.stringify(enterprise.defaultRules.annualReportDue),
  derive: (event) => {
    switch (event.type) {
      case 'AdmittedToIncubation':
        return [armAnnualReport(chinaYearOf(event.data.admittedAt), enterprise)];
      case 'AnnualReportSubmitted':
      case 'AnnualReportOverdue': {
        const { year } = event.data;
        const at = event.type === 'AnnualReportSubmitted' ? event.data.submittedAt : event.data.recordedAt;
        return [clear(String(year)), armAnnualReport(Math.max(year + 1, chinaYearOf(at)), enterprise)];
      }
      case 'EnterpriseDisqualified': {
        // At most the running year and the one before it are armed.
        const year = chinaYearOf(event.data.disqualifiedAt);
        return [clear(String(year - 1)), clear(String(year))];
      }
      default:
        return [];
    }
  },
  command: (deadline) => ({ type: 'RecordAnnualReportOverdue', data: { year: Number(deadline.key) } }),
  // No report is expected: not admitted in the current application round, or the year precedes it.
  settledBy: ['invalid-transition', 'invalid-report-year'],
});

/** A certificate expires at its `validUntil`, unless a renewal supersedes it or a disqualification revokes it. */
export const certificateExpiry: DeadlineRule<EnterpriseEvent> = {
  category: 'enterprise',
  kind: 'certificate-expiry',
  derive: (event) => {
    switch (event.type) {
      case 'EnterpriseCertified': {
        const { certificateNo, validUntil, validityYears, renewalOf, rulesVersion } = event.data;
        const rule = `enterprise.certificate: No. ${certificateNo} valid until ${validUntil}, ${validityYears} years (rules ${rulesVersion})`;
        return [...(renewalOf !== null ? [clear(String(renewalOf))] : []), set(String(certificateNo), validUntil, rule)];
      }
      case 'CertificateExpired':
        return [clear(String(event.data.certificateNo))];
      case 'EnterpriseDisqualified':
        return event.data.revokedCertificateNo !== null ? [clear(String(event.data.revokedCertificateNo))] : [];
      default:
        return [];
    }
  },
  command: () => ({ type: 'RecordCertificateExpired', data: {} }),
};

const MINIMUM_INCUBATION = 'minimum-incubation';

/**
 * Certification may be requested once the minimum incubation is over, at the instant fixed on admission
 * (reached at it, not after it). Recording it is moot once certification was requested or the
 * enterprise disqualified; a later admission (a new round) arms it again.
 */
export const minimumIncubationEnd: DeadlineRule<EnterpriseEvent> = {
  category: 'enterprise',
  kind: 'minimum-incubation-end',
  derive: (event) => {
    switch (event.type) {
      case 'AdmittedToIncubation': {
        const { earliestCertificationAt, minIncubationMonths, admittedAt, rulesVersion } = event.data;
        const rule = `enterprise.minimumIncubation: certification from ${earliestCertificationAt}, ${minIncubationMonths} months after admission at ${admittedAt} (rules ${rulesVersion})`;
        return [set(MINIMUM_INCUBATION, earliestCertificationAt, rule)];
      }
      case 'MinimumIncubationReached':
      case 'CertificationRequested':
      case 'EnterpriseDisqualified':
        return [clear(MINIMUM_INCUBATION)];
      default:
        return [];
    }
  },
  command: () => ({ type: 'RecordMinimumIncubationReached', data: {} }),
};

/** The enterprise scheme's deadlines under the configured catalog's scheme. */
export function enterpriseDeadlineRules(catalog: ProgramCatalog): readonly DeadlineRule[] {
  const enterprise = catalog.enterprise;
  if (enterprise?.lifecycle !== 'enterprise') throw new Error("the catalog has no 'enterprise' program type");
  const annualReport = annualReportDue(enterprise);
  const reminders = deadlineReminders('enterprise', [
    { rule: threeYearPlanDue, obligation: 'three-year-plan', keyed: false, days: REMINDER_DAYS },
    { rule: annualReport, obligation: 'annual-report', keyed: true, days: REMINDER_DAYS },
    { rule: certificateExpiry, obligation: 'certificate', keyed: true, days: CERTIFICATE_REMINDER_DAYS },
  ]);
  return [threeYearPlanDue, annualReport, certificateExpiry, minimumIncubationEnd, reminders];
}

// ---------------------------------------------------------------------------------------------
// Projects (project-<id>). Their rules were copied into the project's first event, so the commands
// need no context beyond their stream; the due dates are in the events that create the obligations, and an obligation
// due on a Beijing date is overdue from the start of the next Beijing day (chinaEndOfDay).

const CONSTRUCTION_PLAN = 'construction-plan';

/** The construction plan and task book are due a number of days after approval (立项). */
export const constructionPlanDue: DeadlineRule<ProjectEvent> = {
  category: 'project',
  kind: 'construction-plan-due',
  derive: (event) => {
    switch (event.type) {
      case 'ProjectApproved':
        return [set(CONSTRUCTION_PLAN, chinaEndOfDay(event.data.constructionPlanDueOn), `project.constructionPlan: due by ${event.data.constructionPlanDueOn} (rules ${event.data.rulesVersion})`)];
      case 'ConstructionPlanSubmitted':
      case 'ConstructionPlanOverdue':
      case 'ProjectRevoked':
      case 'ProjectSuspended':
        return [clear(CONSTRUCTION_PLAN)];
      default:
        return [];
    }
  },
  command: () => ({ type: 'RecordConstructionPlanOverdue', data: {} }),
  settledBy: ['invalid-transition'],
};

/** Each year of construction owes a report by the cycle's date of the next year (31 March): one deadline a year, keyed by it. */
export const projectAnnualReportDue: DeadlineRule<ProjectEvent> = {
  category: 'project',
  kind: 'annual-report-due',
  derive: (event) => {
    switch (event.type) {
      case 'ConstructionPlanAccepted':
        return event.data.annualReportsDue.map(({ year, dueOn }) =>
          set(String(year), chinaEndOfDay(dueOn), `project.annualReport: report on ${year} due by ${dueOn} (rules ${event.data.rulesVersion})`),
        );
      case 'AnnualReportSubmitted':
      case 'AnnualReportOverdue':
        return [clear(String(event.data.year))];
      default:
        return [];
    }
  },
  command: (deadline) => ({ type: 'RecordAnnualReportOverdue', data: { year: Number(deadline.key) } }),
  // A project revoked or suspended owes no more reports.
  settledBy: ['invalid-transition'],
};

/** An accredited quality course is updated every academic year of its service, by 31 August. */
export const courseUpdateDue: DeadlineRule<ProjectEvent> = {
  category: 'project',
  kind: 'course-update-due',
  derive: (event) => {
    switch (event.type) {
      case 'ProjectAccredited': {
        const service = event.data.service;
        if (!service) return [];
        return Array.from({ length: service.lastAcademicYear - service.firstAcademicYear + 1 }, (_, i) => {
          const year = service.firstAcademicYear + i;
          const dueOn = courseUpdateDueOn(year);
          return set(String(year), chinaEndOfDay(dueOn), `project.course: update for ${year}–${year + 1} due by ${dueOn}, ${service.years} years of service (rules ${event.data.rulesVersion})`);
        });
      }
      case 'CourseUpdateSubmitted':
      case 'CourseUpdateOverdue':
        return [clear(String(event.data.academicYear))];
      default:
        return [];
    }
  },
  command: (deadline) => ({ type: 'RecordCourseUpdateOverdue', data: { academicYear: Number(deadline.key) } }),
  settledBy: ['invalid-transition'],
};

/**
 * A rectification (限期整改) is due by its deadline, a Beijing date: overdue from the start of the next
 * day unless its report is in. Keyed by the rectification; a revocation settles the one it leaves open
 * (a ProjectRevoked older than `openRectificationId` does not name it: the decider then answers with
 * nothing). A suspension never finds one open — it follows a failed rectification or a mid-term
 * evaluation, and a rectification is open only while the project is in Rectification — so it settles none.
 */
export const rectificationDue: DeadlineRule<ProjectEvent> = {
  category: 'project',
  kind: 'rectification-due',
  derive: (event) => {
    switch (event.type) {
      case 'RectificationOrdered': {
        const { rectificationId, deadline, maxRectificationMonths, rulesVersion } = event.data;
        return [set(rectificationId, chinaEndOfDay(deadline), `project.rectification: ${rectificationId} due by ${deadline}, at most ${maxRectificationMonths} months (rules ${rulesVersion})`)];
      }
      case 'RectificationSubmitted':
      case 'RectificationOverdue':
      case 'RectificationAccepted':
      case 'RectificationFailed':
        return [clear(event.data.rectificationId)];
      case 'ProjectRevoked':
        return event.data.openRectificationId ? [clear(event.data.openRectificationId)] : [];
      default:
        return [];
    }
  },
  command: (deadline) => ({ type: 'RecordRectificationOverdue', data: { rectificationId: deadline.key } }),
};

const CONSTRUCTION_PERIOD = 'construction-period';

/**
 * Construction ends after its last day (constructionEndsOn, moved by each extension: the same key, so
 * the new end replaces the old one and is due again); the final self-assessment is due from then on.
 */
export const constructionPeriodEnd: DeadlineRule<ProjectEvent> = {
  category: 'project',
  kind: 'construction-period-end',
  derive: (event) => {
    switch (event.type) {
      case 'ConstructionPlanAccepted': {
        const { constructionStartsOn, constructionEndsOn, rulesVersion } = event.data;
        return [set(CONSTRUCTION_PERIOD, chinaEndOfDay(constructionEndsOn), `project.construction: ${constructionStartsOn} through ${constructionEndsOn}, final self-assessment due after it (rules ${rulesVersion})`)];
      }
      case 'EvaluationExtended': {
        const { previousEndsOn, newEndsOn, rulesVersion } = event.data;
        return [set(CONSTRUCTION_PERIOD, chinaEndOfDay(newEndsOn), `project.construction: extended from ${previousEndsOn} through ${newEndsOn}, final self-assessment due after it (rules ${rulesVersion})`)];
      }
      case 'ConstructionPeriodEnded':
      case 'FinalSelfAssessmentSubmitted':
      case 'ProjectRevoked':
      case 'ProjectSuspended':
        return [clear(CONSTRUCTION_PERIOD)];
      default:
        return [];
    }
  },
  command: () => ({ type: 'RecordConstructionPeriodEnded', data: {} }),
  settledBy: ['invalid-transition'],
};

const FUND_RECOVERY = 'fund-recovery';

/** A recovery of funds is due by its deadline, a Beijing date: overdue from the next day unless the money is all back. */
export const fundRecoveryDue: DeadlineRule<ProjectEvent> = {
  category: 'project',
  kind: 'fund-recovery-due',
  derive: (event) => {
    switch (event.type) {
      case 'FundRecoveryOrdered': {
        const { amount, deadline, rulesVersion } = event.data;
        return [set(FUND_RECOVERY, chinaEndOfDay(deadline), `project.fund-recovery: ${amount} yuan due back by ${deadline} (rules ${rulesVersion})`)];
      }
      case 'FundsRecovered':
        return event.data.complete ? [clear(FUND_RECOVERY)] : [];
      case 'FundRecoveryOverdue':
        return [clear(FUND_RECOVERY)];
      default:
        return [];
    }
  },
  command: () => ({ type: 'RecordFundRecoveryOverdue', data: {} }),
  settledBy: ['recovery-complete', 'recovery-already-overdue'],
};

const projectReminders = deadlineReminders('project', [
  { rule: constructionPlanDue, obligation: 'construction-plan', keyed: false, days: REMINDER_DAYS },
  { rule: projectAnnualReportDue, obligation: 'annual-report', keyed: true, days: REMINDER_DAYS },
  { rule: courseUpdateDue, obligation: 'course-update', keyed: true, days: REMINDER_DAYS },
  // One rectification is open at a time: its id need not name the obligation.
  { rule: rectificationDue, obligation: 'rectification', keyed: false, days: REMINDER_DAYS },
]);

export const projectDeadlineRules: readonly DeadlineRule[] = [constructionPlanDue, projectAnnualReportDue, courseUpdateDue, rectificationDue, constructionPeriodEnd, fundRecoveryDue, projectReminders];

/** Every rule the service runs. */
/** Every deadline rule, under the configured catalog. */
export const deadlineRules = (catalog: ProgramCatalog): readonly DeadlineRule[] => [...cycleDeadlineRules, ...enterpriseDeadlineRules(catalog), ...projectDeadlineRules];
