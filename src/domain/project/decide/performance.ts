import { text } from '../../checks';
import { illegalState, validation } from '../../errors';
import { GradeAnnualReport } from '../project.commands';
import { ProjectEvent } from '../project.events';
import { Project } from '../project.state';
import { documentRef, openRectification, requireStatus, REPORTING } from './checks';
import { orderRectification, rectifiableIn } from './evaluation';
import { revokeProject } from './revocation';

/**
 * Yearly performance (年度绩效评价, 有进有出): the office grades each year's annual report on the cycle's
 * grade scale, and a run of poor years has the consequences the cycle's rules set, each an event of its
 * own with the reason and the rules version: a warning, a reduced grant for the next year, a
 * rectification, the project's removal. The grade lists the consequences it had.
 */
export function gradeAnnualReport(command: GradeAnnualReport, project: Project, today: string): ProjectEvent[] {
  const { now, context } = command;
  const { rules, rulesVersion } = project;
  requireStatus(command, project, REPORTING);
  const { year } = command.data;
  if (!project.reportedYears.includes(year)) throw illegalState('annual-report-missing', `the report on ${year} is not in`, { year });
  if ((project.performance ?? []).some((y) => y.year === year)) throw illegalState('annual-report-already-graded', `the report on ${year} is graded`, { year });
  const grade = command.data.grade;
  if (!rules.gradeScale.grades.includes(grade)) throw validation('unknown-grade', `the cycle grades with ${rules.gradeScale.grades.join('、')}`, { field: 'grade', grades: rules.gradeScale.grades });
  const reason = text(command.data.reason, 'reason-required', 'the reason');
  const report = documentRef(command.data.report, context);
  const performance = rules.performance ?? null;
  const scale = rules.gradeScale;
  const poorGrades = performance?.poorGrades ?? scale.grades.filter((g) => !scale.passing.includes(g) && !scale.deferring.includes(g));
  const poor = performance !== null && poorGrades.includes(grade);
  const run = poor ? poorYearsEndingAt(project, year - 1) + 1 : 0;
  // The consequences of the longest run the rules name that this one reaches.
  const reached = (performance?.consequences ?? []).filter((c) => c.poorYears <= run).sort((a, b) => b.poorYears - a.poorYears)[0];
  // A rectification is ordered where one may be and none is open: a project rectifying goes on with its own,
  // one past construction (self-assessed, say) has the grade on record for the office to act on.
  const actions = (reached?.actions ?? []).filter((a) => a !== 'rectification' || (!openRectification(project) && rectifiableIn(project).includes(project.status)));
  const events: ProjectEvent[] = [{ type: 'AnnualReportGraded', data: { year, grade, poor, poorYearsInRow: run, actions, reason, report, gradedAt: now, rulesVersion } }];
  const why = `${year} 年度绩效评价为“${grade}”，连续 ${run} 年不达标：${reason}`;
  for (const action of actions) {
    switch (action) {
      case 'warning':
        events.push({ type: 'PerformanceWarningIssued', data: { year, poorYearsInRow: run, reason: why, issuedAt: now, rulesVersion } });
        break;
      case 'reduced-grant':
        events.push({ type: 'NextYearGrantReduced', data: { year: year + 1, percent: performance!.grantReductionPercent, reason: why, reducedAt: now, rulesVersion } });
        break;
      case 'rectification': {
        const terms = command.data.rectification;
        if (!terms) throw validation('rectification-terms-required', `${run} poor years in a row order a rectification: give its findings and deadline`, { field: 'rectification' });
        events.push(...orderRectification({ ...command, type: 'OrderRectification', data: terms }, project, today));
        break;
      }
      case 'removal':
        events.push(...revokeProject({ ...command, type: 'RevokeProject', data: { reason: 'poor-performance', explanation: why, evidence: [report] } }, project, today));
        break;
    }
  }
  return events;
}

/** The poor years in a row ending at `year`: a year not graded, or not poor, ends the run. */
function poorYearsEndingAt(project: Project, year: number): number {
  const graded = new Map((project.performance ?? []).map((y) => [y.year, y.poor]));
  let run = 0;
  while (graded.get(year - run) === true) run += 1;
  return run;
}
