import { addMonthsOn, annualReportDueOn } from '../../beijing-time';
import { CycleRules } from '../../catalog/program-rules';
import { text, texts } from '../../checks';
import { illegalState, notFound, validation } from '../../errors';
import { fen, isAmount } from '../../money';
import {
  AcceptConstructionPlan,
  DecideChange,
  FundsBySource,
  ProjectContext,
  RecordAnnualReportOverdue,
  RecordConstructionPeriodEnded,
  RecordConstructionPlanOverdue,
  RejectConstructionPlan,
  RequestChange,
  SubmitAnnualReport,
  SubmitConstructionPlan,
} from '../project.commands';
import { ProjectEvent } from '../project.events';
import { addedFunds, Project } from '../project.state';
import { documentRef, documentRefs, IN_CONSTRUCTION, invalidTransition, openRectification, REPORTING, requireStatus, REVOCABLE, within } from './checks';

/**
 * Construction (domain.md §4): the construction plan and task book after approval, the yearly reports,
 * changes to what was approved, and the end of the construction period.
 */

// ---------------------------------------------------------------------------------------------
// The construction plan

/** The approved project's plan due day; a project recognised without construction owes none. */
function planDueOn(project: Project): string {
  const dueOn = project.approval?.constructionPlanDueOn;
  // Stryker disable next-line ConditionalExpression,StringLiteral: unreachable, a project is Approved only after a ProjectApproved, which always carries the plan's due day
  if (!dueOn) throw illegalState('no-construction', 'the project was recognised without construction: no plan is due');
  return dueOn;
}

export function submitConstructionPlan(command: SubmitConstructionPlan, project: Project, today: string): ProjectEvent[] {
  const { now, context } = command;
  const { rulesVersion } = project;
  requireStatus(command, project, ['Approved']);
  const dueOn = planDueOn(project);
  return [
    {
      type: 'ConstructionPlanSubmitted',
      data: {
        plan: documentRef(command.data.plan, context),
        taskBook: documentRef(command.data.taskBook, context),
        dueOn,
        late: today > dueOn,
        submissionNo: project.plan.submissions + 1,
        submittedAt: now,
        rulesVersion,
      },
    },
  ];
}

export function recordConstructionPlanOverdue(command: RecordConstructionPlanOverdue, project: Project, today: string): ProjectEvent[] {
  const { now } = command;
  const { rulesVersion } = project;
  requireStatus(command, project, REVOCABLE);
  // The deadline concerns the first submission; once it is met or recorded, a repeat changes nothing.
  if (project.status !== 'Approved' || project.plan.submissions > 0 || project.plan.overdue) return [];
  const dueOn = planDueOn(project);
  if (today <= dueOn) throw illegalState('not-yet-due', `the construction plan is due by ${dueOn}`, { dueOn });
  return [{ type: 'ConstructionPlanOverdue', data: { dueOn, recordedAt: now, rulesVersion } }];
}

export function acceptConstructionPlan(command: AcceptConstructionPlan, project: Project, today: string): ProjectEvent[] {
  const { now } = command;
  const { rules, rulesVersion } = project;
  requireStatus(command, project, ['PlanSubmitted']);
  return [
    {
      type: 'ConstructionPlanAccepted',
      data: {
        constructionStartsOn: today,
        constructionEndsOn: addMonthsOn(today, rules.constructionMonths),
        midtermDueOn: addMonthsOn(today, rules.midtermAfterMonths),
        annualReportsDue: annualReportsDuring(today, addMonthsOn(today, rules.constructionMonths), rules),
        acceptedAt: now,
        rulesVersion,
      },
    },
  ];
}

export function rejectConstructionPlan(command: RejectConstructionPlan, project: Project): ProjectEvent[] {
  const { now } = command;
  const { rulesVersion } = project;
  requireStatus(command, project, ['PlanSubmitted']);
  return [{ type: 'ConstructionPlanRejected', data: { reasons: texts(command.data.reasons, 'reasons-required', 'reasons', 1), rejectedAt: now, rulesVersion } }];
}

// ---------------------------------------------------------------------------------------------
// Annual reports and changes

export function submitAnnualReport(command: SubmitAnnualReport, project: Project, today: string): ProjectEvent[] {
  const { now, context } = command;
  const { rules, rulesVersion } = project;
  requireStatus(command, project, REPORTING);
  const year = reportYear(command.data.year, project, today);
  if (project.reportedYears.includes(year)) throw illegalState('annual-report-already-submitted', `the report on ${year} is in`, { year });
  const dueOn = annualReportDueOn(year, rules.annualReportDue);
  const fundsUsed = command.data.fundsUsed === undefined ? undefined : fundsUsedIn(command.data.fundsUsed, project, context);
  return [
    {
      type: 'AnnualReportSubmitted',
      data: { year, report: documentRef(command.data.report, context), ...(fundsUsed ? { fundsUsed } : {}), dueOn, late: today > dueOn, submittedAt: now, rulesVersion },
    },
  ];
}

/** The year's use of funds by source: with the years reported before, never more than was paid from the source. */
function fundsUsedIn(used: FundsBySource, project: Project, context: ProjectContext | undefined): FundsBySource {
  const paid = context?.fundsPaidBySource;
  if (paid === undefined) throw validation('context-required', 'what the project’s grants paid is required');
  const total = addedFunds(project.fundsUsed ?? {}, used);
  for (const [source, amount] of Object.entries(used) as ['central' | 'provincial' | 'matching', number][]) {
    if (amount !== 0 && !isAmount(amount)) throw validation('invalid-amount', `fundsUsed.${source} is an amount of yuan, to the fen`, { field: `fundsUsed.${source}` });
    const available = paid[source] ?? 0;
    if (fen(total[source] ?? 0) > fen(available)) {
      throw illegalState('funds-used-exceed-paid', `${total[source]} yuan of ${source} funds would be used in all, more than the ${available} paid`, { source, paid: available, used: total[source] });
    }
  }
  return { ...used };
}

export function recordAnnualReportOverdue(command: RecordAnnualReportOverdue, project: Project, today: string): ProjectEvent[] {
  const { now } = command;
  const { rules, rulesVersion } = project;
  requireStatus(command, project, REPORTING);
  const year = reportYear(command.data.year, project, today);
  if (project.reportedYears.includes(year) || project.overdueReportYears.includes(year)) return [];
  const dueOn = annualReportDueOn(year, rules.annualReportDue);
  if (today <= dueOn) throw illegalState('not-yet-due', `the report on ${year} is due by ${dueOn}`, { dueOn });
  return [{ type: 'AnnualReportOverdue', data: { year, dueOn, recordedAt: now, rulesVersion } }];
}

export function requestChange(command: RequestChange, project: Project): ProjectEvent[] {
  const { now, context } = command;
  const { rulesVersion } = project;
  requireStatus(command, project, IN_CONSTRUCTION);
  return [
    {
      type: 'ChangeRequested',
      data: {
        changeId: `change-${project.changes.length + 1}`,
        description: text(command.data.description, 'description-required', 'the change’s description'),
        documents: documentRefs(command.data.documents, context, 1),
        requestedAt: now,
        rulesVersion,
      },
    },
  ];
}

export function decideChange(command: DecideChange, project: Project): ProjectEvent[] {
  const { now, context } = command;
  const { rulesVersion } = project;
  requireStatus(command, project, REPORTING);
  const change = project.changes.find((c) => c.changeId === command.data.changeId);
  if (!change) throw notFound('change-not-found', 'no such change request', { changeId: command.data.changeId });
  if (change.status !== 'open') throw illegalState('change-already-decided', `the change was ${change.status}`, { status: change.status });
  const { decision } = command.data;
  const data = {
    changeId: change.changeId,
    reason: text(command.data.reason, 'reason-required', 'the reason'),
    expertReview: documentRef(command.data.expertReview, context),
    decidedAt: now,
    rulesVersion,
  };
  return [decision === 'approved' ? { type: 'ChangeApproved', data } : { type: 'ChangeRejected', data }];
}

// ---------------------------------------------------------------------------------------------
// The end of construction

export function recordConstructionPeriodEnded(command: RecordConstructionPeriodEnded, project: Project, today: string): ProjectEvent[] {
  const { now } = command;
  const { rulesVersion } = project;
  requireStatus(command, project, REVOCABLE);
  if (!project.construction) throw invalidTransition(command, project, IN_CONSTRUCTION);
  // Once construction has been left (self-assessed, failed rectification, evaluated, suspended, an
  // accredited course rectifying), its end no longer calls for anything; an end is recorded once.
  const { endsOn } = project.construction;
  const inConstruction = IN_CONSTRUCTION.includes(project.status) && openRectification(project)?.orderedFrom !== 'Accredited';
  if (!inConstruction || project.constructionEndedOn === endsOn) return [];
  if (today <= endsOn) throw illegalState('not-yet-due', `construction runs until ${endsOn}`, { endsOn });
  return [{ type: 'ConstructionPeriodEnded', data: { endsOn, recordedAt: now, rulesVersion } }];
}

// ---------------------------------------------------------------------------------------------

/** The yearly reports construction owes: one on each calendar year it runs in before its final year. */
function annualReportsDuring(startsOn: string, endsOn: string, rules: CycleRules): { year: number; dueOn: string }[] {
  const first = Number(startsOn.slice(0, 4));
  const last = Math.max(first, Number(endsOn.slice(0, 4)) - 1);
  return Array.from({ length: last - first + 1 }, (_, i) => ({ year: first + i, dueOn: annualReportDueOn(first + i, rules.annualReportDue) }));
}

/** Reports are on calendar years from the start of construction to the current year. */
function reportYear(value: number, project: Project, today: string): number {
  const from = Number((project.construction as NonNullable<Project['construction']>).startsOn.slice(0, 4));
  return within(value, 'invalid-year', 'the report year', from, Number(today.slice(0, 4)));
}

