import { academicYearOf, addMonthsOn, courseUpdateDueOn } from '../../beijing-time';
import { CycleRules, MIDTERM_MIN_TASKS_PERCENT_UNSET } from '../../catalog/program-rules';
import { text, texts } from '../../checks';
import { illegalState, notFound, validation } from '../../errors';
import {
  AcceptRectification,
  Accredit,
  FailRectification,
  GrantExtension,
  MidtermFindings,
  OrderRectification,
  RecordCourseUpdateOverdue,
  RecordFinalEvaluation,
  RecordMidtermEvaluation,
  RecordRectificationOverdue,
  SubmitCourseUpdate,
  SubmitFinalSelfAssessment,
  SubmitRectification,
} from '../project.commands';
import { ProjectEvent, ProjectStatus } from '../project.events';
import { Project, ProjectRectification } from '../project.state';
import { date, documentRef, documentRefs, invalidTransition, openRectification, optionalDocument, requireStatus, within } from './checks';

/**
 * Evaluation (domain.md §4): the mid-term evaluation and the rectifications it or a missed obligation
 * orders, the final self-assessment, extensions, the final evaluation and accreditation, and an
 * accredited course's yearly updates during its service.
 */

// ---------------------------------------------------------------------------------------------
// The mid-term evaluation

export function recordMidtermEvaluation(command: RecordMidtermEvaluation, project: Project): ProjectEvent[] {
  const { now, context } = command;
  const { rules, rulesVersion } = project;
  requireStatus(command, project, ['UnderConstruction', 'Extended']);
  if (project.midterm) throw illegalState('midterm-already-recorded', 'the mid-term evaluation is recorded');
  const f = command.data.findings;
  const findings: MidtermFindings = {
    targetsAndTasks: text(f.targetsAndTasks, 'findings-required', 'the finding on targets and tasks'),
    useOfFunds: text(f.useOfFunds, 'findings-required', 'the finding on the use of funds'),
    results: text(f.results, 'findings-required', 'the finding on results'),
    impact: text(f.impact, 'findings-required', 'the finding on impact'),
  };
  const { tasksCompletedPercent } = command.data;
  if (tasksCompletedPercent < 0 || tasksCompletedPercent > 100) throw validation('invalid-percent', 'the share of tasks completed must be from 0 to 100');
  const minTasksPercent = rules.midtermMinTasksPercent ?? MIDTERM_MIN_TASKS_PERCENT_UNSET;
  return [
    {
      type: 'MidtermEvaluated',
      data: {
        findings,
        grade: gradeOf(command.data.grade, rules),
        gradeScale: rules.gradeScale,
        tasksCompletedPercent,
        minTasksPercent,
        belowMinTasks: tasksCompletedPercent < minTasksPercent,
        report: documentRef(command.data.report, context),
        evaluatedAt: now,
        rulesVersion,
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Rectification

/** Where a rectification may be ordered: during construction; an accredited course too, as it owes yearly updates. */
export function rectifiableIn(project: Project): readonly ProjectStatus[] {
  return ['UnderConstruction', 'MidtermEvaluated', 'Extended', ...(project.subject.kind === 'course' ? (['Accredited'] as const) : [])];
}

export function orderRectification(command: OrderRectification, project: Project, today: string): ProjectEvent[] {
  const { now } = command;
  const { rules, rulesVersion } = project;
  requireStatus(command, project, rectifiableIn(project));
  const findings = texts(command.data.findings, 'findings-required', 'findings', 1);
  const deadline = date(command.data.deadline, 'deadline');
  if (deadline <= today) throw validation('invalid-deadline', 'the deadline must be after today');
  const latest = addMonthsOn(today, rules.maxRectificationMonths);
  if (deadline > latest) {
    throw validation('rectification-deadline-too-far', `a rectification lasts at most ${rules.maxRectificationMonths} months (until ${latest})`, { latest });
  }
  return [
    {
      type: 'RectificationOrdered',
      data: {
        rectificationId: `rectification-${project.rectifications.length + 1}`,
        findings,
        deadline,
        maxRectificationMonths: rules.maxRectificationMonths,
        orderedFrom: project.status,
        orderedAt: now,
        rulesVersion,
      },
    },
  ];
}

export function submitRectification(command: SubmitRectification, project: Project, today: string): ProjectEvent[] {
  const { now, context } = command;
  const { rulesVersion } = project;
  requireStatus(command, project, ['Rectification']);
  const rectification = openRectification(project) as ProjectRectification;
  if (rectification.submitted) throw illegalState('rectification-already-submitted', 'the rectification report is in');
  if (today > rectification.deadline) {
    throw illegalState('rectification-deadline-passed', `the rectification was due by ${rectification.deadline}`, { deadline: rectification.deadline });
  }
  return [
    {
      type: 'RectificationSubmitted',
      data: { rectificationId: rectification.rectificationId, report: documentRef(command.data.report, context), submittedAt: now, rulesVersion },
    },
  ];
}

export function acceptRectification(command: AcceptRectification, project: Project): ProjectEvent[] {
  const { now } = command;
  const { rulesVersion } = project;
  requireStatus(command, project, ['Rectification']);
  const rectification = openRectification(project) as ProjectRectification;
  if (!rectification.submitted) throw illegalState('rectification-not-submitted', 'nothing has been submitted to accept');
  return [
    {
      type: 'RectificationAccepted',
      data: { rectificationId: rectification.rectificationId, reason: text(command.data.reason, 'reason-required', 'the reason'), decidedAt: now, rulesVersion },
    },
  ];
}

export function recordRectificationOverdue(command: RecordRectificationOverdue, project: Project, today: string): ProjectEvent[] {
  const { now } = command;
  const { rulesVersion } = project;
  const rectificationId = text(command.data.rectificationId, 'invalid-field', 'the rectification id');
  const rectification = project.rectifications.find((r) => r.rectificationId === rectificationId);
  if (!rectification) throw notFound('rectification-not-found', 'no such rectification', { rectificationId });
  // Only an open rectification of a project still rectifying can be missed, and only once; a
  // revoked project's rectification ends with it.
  const open = rectification.outcome === 'open' && project.status === 'Rectification';
  if (!open || rectification.submitted || rectification.overdue) return [];
  const { deadline } = rectification;
  if (today <= deadline) throw illegalState('not-yet-due', `the rectification is due by ${deadline}`, { deadline });
  return [{ type: 'RectificationOverdue', data: { rectificationId, deadline, recordedAt: now, rulesVersion } }];
}

export function failRectification(command: FailRectification, project: Project, today: string): ProjectEvent[] {
  const { now } = command;
  const { rulesVersion } = project;
  requireStatus(command, project, ['Rectification']);
  const rectification = openRectification(project) as ProjectRectification;
  if (!rectification.submitted && today <= rectification.deadline) {
    throw illegalState('rectification-pending', `the applicant has until ${rectification.deadline}`, { deadline: rectification.deadline });
  }
  return [
    {
      type: 'RectificationFailed',
      data: {
        rectificationId: rectification.rectificationId,
        reason: text(command.data.reason, 'reason-required', 'the reason'),
        submitted: rectification.submitted,
        decidedAt: now,
        rulesVersion,
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// The final evaluation and accreditation

export function submitFinalSelfAssessment(command: SubmitFinalSelfAssessment, project: Project, today: string): ProjectEvent[] {
  const { now, context } = command;
  const { rulesVersion } = project;
  requireStatus(command, project, ['UnderConstruction', 'MidtermEvaluated', 'Extended', 'Deferred']);
  const endsOn = (project.construction as NonNullable<Project['construction']>).endsOn;
  if (project.status !== 'Deferred' && today < endsOn) {
    throw illegalState('construction-not-ended', `construction runs until ${endsOn}`, { endsOn });
  }
  return [
    {
      type: 'FinalSelfAssessmentSubmitted',
      data: {
        report: documentRef(command.data.report, context),
        constructionEndsOn: endsOn,
        submissionNo: project.selfAssessments + 1,
        submittedAt: now,
        rulesVersion,
      },
    },
  ];
}

export function grantExtension(command: GrantExtension, project: Project, today: string): ProjectEvent[] {
  const { now, context } = command;
  const { rulesVersion } = project;
  requireStatus(command, project, ['UnderConstruction', 'MidtermEvaluated', 'Extended', 'Deferred']);
  const previousEndsOn = (project.construction as NonNullable<Project['construction']>).endsOn;
  const newEndsOn = date(command.data.newEndsOn, 'newEndsOn');
  if (newEndsOn <= previousEndsOn || newEndsOn <= today) {
    throw validation('invalid-extension', `the new end must be after ${previousEndsOn > today ? previousEndsOn : today}`, { previousEndsOn });
  }
  return [
    {
      type: 'EvaluationExtended',
      data: {
        previousEndsOn,
        newEndsOn,
        reason: text(command.data.reason, 'reason-required', 'the reason'),
        request: documentRef(command.data.request, context),
        grantedAt: now,
        rulesVersion,
      },
    },
  ];
}

export function recordFinalEvaluation(command: RecordFinalEvaluation, project: Project): ProjectEvent[] {
  const { now, context } = command;
  const { rules, rulesVersion } = project;
  requireStatus(command, project, ['FinalSelfAssessed', 'Deferred']);
  // Stryker disable next-line ConditionalExpression,StringLiteral: unreachable, FinalSelfAssessed and Deferred are reached only through a self-assessment, which counts one
  if (project.selfAssessments === 0) throw illegalState('self-assessment-missing', 'the final self-assessment is not in');
  const grade = gradeOf(command.data.grade, rules);
  const scale = rules.gradeScale;
  const outcome = scale.passing.includes(grade) ? 'passed' : scale.deferring.includes(grade) ? 'deferred' : 'failed';
  return [
    {
      type: 'FinalEvaluated',
      data: {
        evaluationNo: project.evaluations.length + 1,
        grade,
        gradeScale: scale,
        outcome,
        barsNextCycle: scale.barring.includes(grade),
        findings: text(command.data.findings, 'findings-required', 'the findings'),
        report: documentRef(command.data.report, context),
        rectifications: project.rectifications.map((r) => ({ rectificationId: r.rectificationId, outcome: r.outcome })),
        evaluatedAt: now,
        rulesVersion,
      },
    },
  ];
}

export function accredit(command: Accredit, project: Project, today: string): ProjectEvent[] {
  const { now, context } = command;
  const { rules, rulesVersion } = project;
  requireStatus(command, project, ['FinalEvaluated']);
  const last = project.evaluations[project.evaluations.length - 1];
  // Stryker disable next-line ConditionalExpression,OptionalChaining,StringLiteral: unreachable, a project is FinalEvaluated only after an evaluation that passed
  if (last?.outcome !== 'passed') throw illegalState('not-passed', 'only a passing grade leads to accreditation');
  const course = project.subject.kind === 'course' ? rules.course : undefined;
  const first = academicYearOf(today);
  return [
    {
      type: 'ProjectAccredited',
      data: {
        grade: last.grade,
        accreditedOn: today,
        service: course ? { years: course.serviceYears, firstAcademicYear: first, lastAcademicYear: first + course.serviceYears - 1 } : null,
        document: optionalDocument(command.data.document, context),
        accreditedAt: now,
        rulesVersion,
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// An accredited course's service

export function submitCourseUpdate(command: SubmitCourseUpdate, project: Project, today: string): ProjectEvent[] {
  const { now, context } = command;
  const { rulesVersion } = project;
  const academicYear = serviceYear(command.type, command.data.academicYear, project, today);
  const duringService =
    project.status === 'Accredited' || (project.status === 'Rectification' && openRectification(project)?.orderedFrom === 'Accredited');
  if (!duringService) throw invalidTransition(command, project, ['Accredited']);
  if (project.courseUpdates.includes(academicYear)) {
    throw illegalState('course-update-already-submitted', `the update for ${academicYear}–${academicYear + 1} is in`, { academicYear });
  }
  const dueOn = courseUpdateDueOn(academicYear);
  return [
    {
      type: 'CourseUpdateSubmitted',
      data: {
        academicYear,
        summary: text(command.data.summary, 'summary-required', 'the summary of the update'),
        documents: documentRefs(command.data.documents, context, 1),
        dueOn,
        late: today > dueOn,
        submittedAt: now,
        rulesVersion,
      },
    },
  ];
}

export function recordCourseUpdateOverdue(command: RecordCourseUpdateOverdue, project: Project, today: string): ProjectEvent[] {
  const { now } = command;
  const { rulesVersion } = project;
  const academicYear = serviceYear(command.type, command.data.academicYear, project, today);
  if (project.status === 'Revoked') throw invalidTransition(command, project, ['Accredited']);
  if (project.courseUpdates.includes(academicYear) || project.overdueCourseUpdates.includes(academicYear)) return [];
  const dueOn = courseUpdateDueOn(academicYear);
  if (today <= dueOn) throw illegalState('not-yet-due', `the update for ${academicYear}–${academicYear + 1} is due by ${dueOn}`, { dueOn });
  return [{ type: 'CourseUpdateOverdue', data: { academicYear, dueOn, recordedAt: now, rulesVersion } }];
}

// ---------------------------------------------------------------------------------------------

function gradeOf(value: string, rules: CycleRules): string {
  if (!rules.gradeScale.grades.includes(value)) {
    throw validation('unknown-grade', `the grade must be one of ${rules.gradeScale.grades.join(', ')}`, { grades: [...rules.gradeScale.grades] });
  }
  return value;
}

/** An academic year of an accredited course's service obligation that has begun. */
function serviceYear(type: string, value: number, project: Project, today: string): number {
  if (project.subject.kind !== 'course') throw illegalState('not-a-course', `${type} applies to quality courses only`);
  const service = project.accreditation?.service;
  if (!service) throw illegalState('not-in-service', 'the course has no service obligation until it is accredited');
  const academicYear = within(value, 'academic-year-out-of-service', 'the academic year', service.firstAcademicYear, service.lastAcademicYear);
  if (academicYear > academicYearOf(today)) throw validation('academic-year-not-started', `${academicYear}–${academicYear + 1} has not begun`);
  return academicYear;
}

