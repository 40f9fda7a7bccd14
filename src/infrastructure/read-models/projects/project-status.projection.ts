import { Project, projectDecider, ProjectState } from '../../../domain/project/project.decider';
import { subjectIdentity } from '../../../domain/project/decide/selection';
import { aggregateScore } from '../../../domain/catalog/rubric';
import { foldedStateProjection, RowValues } from '../../projections/folded-state.projection';

/** The obligations the project missed and has not made up, as the deadline events recorded them. */
const overdueOf = (state: Project): string[] => [
  ...(state.plan.overdue && state.plan.submissions === 0 ? ['construction-plan'] : []),
  ...state.overdueReportYears.filter((y) => !state.reportedYears.includes(y)).map((y) => `annual-report ${y}`),
  ...state.overdueCourseUpdates.filter((y) => !state.courseUpdates.includes(y)).map((y) => `course-update ${y}–${y + 1}`),
  ...state.rectifications.filter((r) => r.overdue && r.outcome === 'open').map((r) => `rectification ${r.rectificationId}`),
];

/** The scores of the reviewers who did not recuse. */
const totalsOf = (state: Project): number[] => state.reviewers.filter((r) => !r.recused && r.score !== null).map((r) => r.score as number);

const tierOf = (state: Project) => state.selection?.tier ?? (state.subject.kind === 'specialty-group' ? (state.subject.tier ?? null) : null);

/**
 * Every project's current stage, program, cycle, applicant, grade and last decision with its reason;
 * beside it, each project's reviewers with their scores (the reviewer queues).
 */
export const projectStatusProjection = foldedStateProjection({
  name: 'project-status',
  // 6: the barring grade of a final evaluation and when it was given; the subject's identity across batches.
  // 7: the review's score under the cycle's aggregate rule, the number of scores, and the cycle's cut-off line (the ranking).
  // 8: the yearly grades of the annual reports (project_performance), and the funds they state used by source.
  // 9: the day each reviewer's score is due (project_reviewers.due_on); the city's recommendation rank.
  version: 9,
  category: 'project',
  decider: projectDecider,
  table: 'project_status',
  columns: {
    cycle_id: 'TEXT',
    program_type: 'TEXT',
    applicant_org: 'TEXT',
    region: 'TEXT',
    title: 'TEXT',
    status: 'TEXT',
    tier: 'TEXT',
    grade: 'TEXT',
    notice_id: 'TEXT',
    notice_ends_on: 'TEXT',
    objections: 'INTEGER',
    open_objections: 'INTEGER',
    plan_due_on: 'TEXT',
    approved_on: 'TEXT',
    construction_ends_on: 'TEXT',
    ban_until: 'TEXT',
    ban_may_reapply: 'INTEGER',
    barring_grade: 'TEXT',
    barred_since: 'TEXT',
    subject_identity: 'TEXT',
    recommendation_rank: 'INTEGER',
    review_score: 'REAL',
    review_count: 'INTEGER',
    cut_off: 'REAL',
    funds_used_central: 'REAL',
    funds_used_provincial: 'REAL',
    funds_used_matching: 'REAL',
    last_decision: 'TEXT',
    last_reason: 'TEXT',
    last_decided_at: 'TEXT',
    overdue: 'TEXT',
  },
  // (applicant_org, ban_until): an applicant's bans are looked up on every draft and submission, and
  // (applicant_org, program_type, subject_identity) its earlier applications of a major or course on every draft.
  // The lists' order is (cycle_id, id): an index ending so serves each list's page without sorting it,
  // unfiltered (or by cycle), by status (the to-do lists count and open them, with or without a cycle),
  // by a school and status (its to-do list) and by region (a city's lists).
  indexes: [
    'applicant_org, ban_until',
    'applicant_org, program_type, subject_identity',
    'cycle_id, id',
    'status, cycle_id, id',
    'applicant_org, status, cycle_id, id',
    'region, cycle_id, id',
    'notice_id',
    'program_type, status',
    'overdue',
    'approved_on',
    'open_objections',
    'cycle_id, review_score',
  ],
  row: (state: ProjectState, event): RowValues => {
    if (state.status === 'None') return { status: 'None' };
    const data = event.data as { reason?: unknown; explanation?: unknown };
    const reason = data.reason ?? data.explanation ?? event.metadata.reason ?? null;
    return {
      cycle_id: state.cycleId,
      program_type: state.programType,
      applicant_org: state.applicantOrg,
      region: state.region,
      title: state.title,
      status: state.status,
      tier: tierOf(state),
      grade: state.evaluations.at(-1)?.grade ?? state.midterm?.grade ?? null,
      notice_id: state.notice?.noticeId ?? null,
      notice_ends_on: state.notice?.endsOn ?? null,
      objections: state.objections.length,
      open_objections: state.objections.filter((o) => o.status === 'open').length,
      plan_due_on: state.approval?.constructionPlanDueOn ?? null,
      approved_on: state.approval?.approvedOn ?? null,
      construction_ends_on: state.construction?.endsOn ?? null,
      ban_until: state.ban?.until ?? null,
      ban_may_reapply: state.ban ? Number(state.ban.mayReapply) : null,
      barring_grade: state.barring?.grade ?? null,
      barred_since: state.barring?.evaluatedAt ?? null,
      subject_identity: state.rules.reapplication ? subjectIdentity(state.subject, state.rules.reapplication.identity) : null,
      recommendation_rank: state.recommendation?.rank ?? null,
      review_score: aggregateScore(totalsOf(state), state.rules.aggregate),
      review_count: totalsOf(state).length,
      cut_off: state.rules.cutOff ?? null,
      funds_used_central: state.fundsUsed?.central ?? null,
      funds_used_provincial: state.fundsUsed?.provincial ?? null,
      funds_used_matching: state.fundsUsed?.matching ?? null,
      last_decision: event.type,
      last_reason: typeof reason === 'string' ? reason : Array.isArray(reason) ? reason.join('; ') : null,
      last_decided_at: String(event.metadata.recordedAt ?? ''),
      overdue: JSON.stringify(overdueOf(state)),
    };
  },
  sideTables: {
    names: ['project_reviewers', 'project_performance'],
    schema: `CREATE TABLE IF NOT EXISTS project_reviewers (
      project_id TEXT NOT NULL, reviewer_id TEXT NOT NULL, reviewer_org TEXT NOT NULL, recused INTEGER NOT NULL, score REAL, due_on TEXT,
      PRIMARY KEY (project_id, reviewer_id));
      CREATE INDEX IF NOT EXISTS project_reviewers_reviewer ON project_reviewers (reviewer_id);
      CREATE TABLE IF NOT EXISTS project_performance (
      project_id TEXT NOT NULL, year INTEGER NOT NULL, grade TEXT NOT NULL, poor INTEGER NOT NULL, PRIMARY KEY (project_id, year));
      CREATE INDEX IF NOT EXISTS project_performance_year ON project_performance (year, poor)`,
    writer: (db) => {
      const clearReviewers = db.prepare('DELETE FROM project_reviewers WHERE project_id = ?');
      const insertReviewer = db.prepare('INSERT INTO project_reviewers (project_id, reviewer_id, reviewer_org, recused, score, due_on) VALUES (?, ?, ?, ?, ?, ?)');
      const clearYears = db.prepare('DELETE FROM project_performance WHERE project_id = ?');
      const insertYear = db.prepare('INSERT INTO project_performance (project_id, year, grade, poor) VALUES (?, ?, ?, ?)');
      return (id, state: ProjectState) => {
        clearReviewers.run(id);
        clearYears.run(id);
        if (state.status === 'None') return;
        for (const r of state.reviewers) insertReviewer.run(id, r.reviewerId, r.reviewerOrg, Number(r.recused), r.score, r.dueOn ?? null);
        for (const y of state.performance ?? []) insertYear.run(id, y.year, y.grade, Number(y.poor));
      };
    },
  },
});
