import { annualReportDueOn, chinaDateOf, chinaYearOf } from '../../beijing-time';
import { documentRef, text } from '../../checks';
import { illegalState, validation } from '../../errors';
import {
  EnterpriseCommand,
  PublishThreeYearPlan,
  RecordAnnualReportOverdue,
  RecordMinimumIncubationReached,
  RecordThreeYearPlanOverdue,
  ReportMaterialChange,
  SubmitAnnualReport,
} from '../enterprise.commands';
import { EnterpriseEvent } from '../enterprise.events';
import { EnterpriseIncubation, EnterpriseState } from '../enterprise.state';
import { documentRefs, invalidTransition, requireStatus, TERMINAL } from './checks';

/**
 * Incubation (domain.md §6): the three-year plan, the minimum incubation period, the yearly reports an
 * admitted enterprise owes (incubating, certified or after its certificate ran out), and the material
 * changes it reports at any stage of a round in progress.
 */

export function publishThreeYearPlan(command: PublishThreeYearPlan, state: EnterpriseState, nowT: number): EnterpriseEvent[] {
  const { now } = command;
  requireStatus(command, state, 'InIncubation');
  const incubation = state.incubation;
  if (incubation === null) throw invalidTransition(command, state, 'InIncubation');
  if (incubation.threeYearPlan !== null) {
    throw illegalState('three-year-plan-already-published', 'the three-year plan was already published');
  }
  return [
    {
      type: 'ThreeYearPlanPublished',
      data: {
        plan: documentRef(command.data.plan),
        publishedAt: now,
        due: incubation.threeYearPlanDue,
        late: nowT > Date.parse(incubation.threeYearPlanDue),
      },
    },
  ];
}

export function recordThreeYearPlanOverdue(command: RecordThreeYearPlanOverdue, state: EnterpriseState, nowT: number): EnterpriseEvent[] {
  const { now } = command;
  const incubation = owedIncubation(command, state);
  if (incubation === null) return [];
  if (incubation.threeYearPlan !== null || incubation.threeYearPlanOverdue) return [];
  if (nowT <= Date.parse(incubation.threeYearPlanDue)) {
    throw illegalState('not-yet-due', 'the three-year plan is not due yet', { due: incubation.threeYearPlanDue });
  }
  return [{ type: 'ThreeYearPlanOverdue', data: { due: incubation.threeYearPlanDue, recordedAt: now } }];
}

export function recordMinimumIncubationReached(command: RecordMinimumIncubationReached, state: EnterpriseState, nowT: number): EnterpriseEvent[] {
  const { now } = command;
  const { rulesVersion } = command.context;
  const incubation = owedIncubation(command, state);
  if (incubation === null) return [];
  // Recorded once, and only while incubating: once certification is requested the minimum is moot.
  if (incubation.minimumIncubationReached || state.status !== 'InIncubation') return [];
  const { earliestCertificationAt } = incubation;
  if (nowT < Date.parse(earliestCertificationAt)) {
    throw illegalState('not-yet-due', 'the minimum incubation period is not over', { earliestCertificationAt });
  }
  return [{ type: 'MinimumIncubationReached', data: { earliestCertificationAt, recordedAt: now, rulesVersion } }];
}

export function submitAnnualReport(command: SubmitAnnualReport, state: EnterpriseState): EnterpriseEvent[] {
  const { now } = command;
  const { rules, rulesVersion } = command.context;
  const incubation = admitted(state);
  if (incubation === null) throw invalidTransition(command, state, 'admitted to incubation');
  const year = reportYear(command.data.year, incubation, now);
  if (incubation.annualReports.some((r) => r.year === year && r.status === 'submitted')) {
    throw illegalState('annual-report-already-submitted', `the annual report for ${year} was already submitted`, { year });
  }
  const due = annualReportDueOn(year, rules.annualReportDue);
  return [
    {
      type: 'AnnualReportSubmitted',
      data: { year, report: documentRef(command.data.report), submittedAt: now, due, late: chinaDateOf(now) > due, rulesVersion },
    },
  ];
}

export function recordAnnualReportOverdue(command: RecordAnnualReportOverdue, state: EnterpriseState): EnterpriseEvent[] {
  const { now } = command;
  const { rules, rulesVersion } = command.context;
  const incubation = owedIncubation(command, state);
  if (incubation === null) return [];
  const year = reportYear(command.data.year, incubation, now);
  if (incubation.annualReports.some((r) => r.year === year)) return [];
  const due = annualReportDueOn(year, rules.annualReportDue);
  if (chinaDateOf(now) <= due) throw illegalState('not-yet-due', `the annual report for ${year} is not due yet`, { due });
  return [{ type: 'AnnualReportOverdue', data: { year, due, recordedAt: now, rulesVersion } }];
}

export function reportMaterialChange(command: ReportMaterialChange, state: EnterpriseState): EnterpriseEvent[] {
  const { now } = command;
  if (TERMINAL.includes(state.status)) throw invalidTransition(command, state, 'an application in progress or admitted');
  const data = command.data;
  const newName = data.kind === 'rename' || data.newName !== undefined ? text(data.newName, 'new-name-required', 'the new name') : undefined;
  const newRegion =
    data.kind === 'relocation' || data.newRegion !== undefined ? text(data.newRegion, 'new-region-required', 'the new region') : undefined;
  return [
    {
      type: 'MaterialChangeReported',
      data: {
        kind: data.kind,
        details: text(data.details, 'details-required', 'the details of the change'),
        documents: documentRefs(data.documents, 0),
        reportedAt: now,
        ...(newName !== undefined ? { newName } : {}),
        ...(newRegion !== undefined ? { newRegion } : {}),
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------

/** Admitted in the current round and not disqualified: the obligations of incubation apply. */
function admitted(state: EnterpriseState): EnterpriseIncubation | null {
  return state.status === 'Disqualified' ? null : state.incubation;
}

/** The incubation whose obligation a deadline records: null once a disqualification ended it, refused when never admitted. */
function owedIncubation(command: EnterpriseCommand, state: EnterpriseState): EnterpriseIncubation | null {
  const incubation = admitted(state);
  if (incubation === null && state.status !== 'Disqualified') throw invalidTransition(command, state, 'admitted to incubation');
  return incubation;
}

/** A report covers a finished year in which the enterprise was admitted. */
function reportYear(value: number, incubation: EnterpriseIncubation, now: string): number {
  const first = chinaYearOf(incubation.admittedAt);
  const current = chinaYearOf(now);
  if (value < first || value >= current) {
    throw validation('invalid-report-year', `the year must be a finished year from ${first} on`, { first, last: current - 1 });
  }
  return value;
}

