import { Injectable } from '@nestjs/common';
import { Actor } from '../../../domain/messages';
import { PROJECT_ACCESS, PUBLISHED_WHILE } from '../../../domain/project/project.access';
import { Condition, equalities, Page, pageOf, Paging, read, TodoItem, where, withJson } from '../query';
import { ReadModels } from '../read-models';
import { visibleTo } from '../visibility';

/** The filters GET /projects takes; each one given narrows the list by equality. */
export interface ProjectFilters {
  readonly cycleId?: string;
  readonly status?: string;
  readonly programType?: string;
  readonly region?: string;
  readonly applicantOrg?: string;
  /** Only the projects with a deadline of this kind not yet met (OBLIGATIONS). */
  readonly due?: string;
}

/** Who sees which projects: PROJECT_ACCESS (project.access.ts) on the columns of `table` as the query names it. */
const visibility = (actor: Actor, table = 'project_status'): Condition =>
  visibleTo(PROJECT_ACCESS.see.relations, actor, {
    org: `${table}.applicant_org`,
    project: `${table}.id`,
    region: `${table}.region`,
    reviewers: { id: `${table}.id`, table: 'project_reviewers', record: 'project_id', reviewer: 'reviewer_id', recused: 'recused' },
  });

/** What a public notice publishes of a project to everyone signed in (project.access.ts). */
const PUBLISHED = `status = '${PUBLISHED_WHILE}'`;

const COLUMNS = `id, cycle_id AS cycleId, program_type AS programType, applicant_org AS applicantOrg, region, title, status, tier, grade,
  recommendation_rank AS recommendationRank, notice_id AS noticeId, notice_ends_on AS noticeEndsOn, objections, open_objections AS openObjections, plan_due_on AS planDueOn,
  construction_ends_on AS constructionEndsOn, ban_until AS banUntil, last_decision AS lastDecision, last_reason AS lastReason,
  last_decided_at AS lastDecidedAt, overdue, revision,
  (SELECT name FROM organisations WHERE credit_code = project_status.applicant_org) AS applicantName`;

const QUEUE_COLUMNS = `p.id AS projectId, p.title, p.cycle_id AS cycleId, p.program_type AS programType, p.status, r.recused, r.score, r.due_on AS dueOn,
  CASE WHEN r.recused = 1 THEN 'recused' WHEN r.score IS NULL THEN 'pending' ELSE 'submitted' END AS state`;

const NOTICES = `(SELECT notice_id AS noticeId, cycle_id AS cycleId, program_type AS programType, max(notice_ends_on) AS endsOn,
  count(*) AS projectCount, sum(objections) AS objections FROM project_status WHERE ${PUBLISHED} GROUP BY cycle_id, notice_id)`;

/** What waits for each role, as project statuses: the kind of work, the status it is in, and when it is due. */
const WAITING_BY_ROLE: Readonly<Record<string, readonly { kind: string; status: string; due?: string }[]>> = {
  applicant: [
    // A draft is due when its cycle's window closes (Beijing day).
    { kind: 'submit-application', status: 'Draft', due: "date(c.closes_at, '+8 hours')" },
    { kind: 'revise-application', status: 'Returned' },
  ],
  recommender: [
    // The formal check is due within the rules' days after the window closed.
    // (The rules are each project's, copied from its cycle: one project of the cycle tells them.)
    { kind: 'formal-check', status: 'Submitted', due: "date(c.closes_at, '+8 hours', '+' || (SELECT json_extract(state, '$.rules.formalCheckDays') FROM project_status WHERE id = g.one) || ' days')" },
    { kind: 'recommend', status: 'FormallyChecked' },
  ],
  office: [
    { kind: 'assign-reviewers', status: 'Recommended' },
    { kind: 'decide-construction-plan', status: 'PlanSubmitted' },
  ],
};

/** The deadlines of a project its applicant meets by handing something in. */
export const OBLIGATIONS = ['construction-plan-due', 'annual-report-due', 'course-update-due', 'rectification-due'] as const;

/** The project-status read model (project-status.projection.ts) as the lists read it, each bounded by who may see what. */
@Injectable()
export class ProjectQueries {
  constructor(private readonly readModels: ReadModels) {}

  list(actor: Actor, filters: ProjectFilters, paging: Paging): Page<Record<string, unknown>> {
    const { cycleId, status, programType, region, applicantOrg, due } = filters;
    const owing = due === undefined ? [] : [where("'project-' || project_status.id IN (SELECT stream FROM deadlines WHERE kind = ? AND fired_at IS NULL)", due)];
    return this.page(
      [visibility(actor), ...equalities({ cycle_id: cycleId, status, program_type: programType, region, applicant_org: applicantOrg }), ...owing],
      paging,
    );
  }

  /** The projects with an obligation missed and not made up. */
  overdue(actor: Actor, paging: Paging): Page<Record<string, unknown>> {
    return this.page([visibility(actor), where("overdue <> '[]'")], paging);
  }

  /** Each expert's work in a cycle: projects assigned (not recused), scored, pending, and recusals. */
  expertProgress(cycleId: string): Record<string, unknown>[] {
    return read('project_reviewers', () =>
      this.readModels.db
        .prepare(
          `SELECT r.reviewer_id AS reviewerId, (SELECT name FROM people WHERE id = r.reviewer_id) AS name, r.reviewer_org AS organisationId,
             sum(r.recused = 0) AS assigned, sum(r.recused = 0 AND r.score IS NOT NULL) AS scored, sum(r.recused = 0 AND r.score IS NULL) AS pending, sum(r.recused) AS recused
           FROM project_reviewers r JOIN project_status p ON p.id = r.project_id WHERE p.cycle_id = ? GROUP BY r.reviewer_id ORDER BY r.reviewer_id`,
        )
        .all(cycleId),
    ) as Record<string, unknown>[];
  }

  /** The yearly grades of the annual reports the actor may see (年度绩效), by year and project. */
  performance(actor: Actor, filters: { readonly cycleId?: string; readonly programType?: string; readonly year?: number; readonly poor?: boolean }, paging: Paging): Page<Record<string, unknown>> {
    return pageOf(
      this.readModels.db,
      'project_performance y JOIN project_status p ON p.id = y.project_id',
      `y.project_id AS projectId, p.title, p.cycle_id AS cycleId, p.program_type AS programType, p.applicant_org AS applicantOrg,
       (SELECT name FROM organisations WHERE credit_code = p.applicant_org) AS applicantName, p.region, p.status, y.year, y.grade, y.poor`,
      [
        visibility(actor, 'p'),
        ...equalities({ 'p.cycle_id': filters.cycleId, 'p.program_type': filters.programType, 'y.year': filters.year, 'y.poor': filters.poor === undefined ? undefined : Number(filters.poor) }),
      ],
      'y.year DESC, p.id',
      paging,
      (row) => ({ ...row, poor: row.poor === 1 }),
    );
  }

  /** A reviewer's assignments, pending first, with its counts of pending and submitted scores. */
  reviewerQueue(actor: Actor, reviewerId: string, paging: Paging) {
    const page = pageOf(
      this.readModels.db,
      'project_reviewers r JOIN project_status p ON p.id = r.project_id',
      QUEUE_COLUMNS,
      [where('r.reviewer_id = ?', reviewerId), visibility(actor, 'p')],
      // Not `state`: inside the query that name is project_status's own column (the folded state), not the alias.
      '(r.recused = 0 AND r.score IS NULL) DESC, p.id',
      paging,
      (row) => ({ ...row, recused: row.recused === 1 }),
    );
    const counts = read('project_reviewers', () =>
      this.readModels.db
        .prepare('SELECT sum(recused = 0 AND score IS NULL) AS pending, sum(recused = 0 AND score IS NOT NULL) AS submitted FROM project_reviewers WHERE reviewer_id = ?')
        .get(reviewerId),
    ) as { pending: number | null; submitted: number | null };
    return { reviewerId, pending: counts.pending ?? 0, submitted: counts.submitted ?? 0, ...page };
  }

  /** What waits for the actor now, by kind, with counts and the earliest due day; kinds with nothing waiting are left out. */
  todo(actor: Actor): TodoItem[] {
    const visible = visibility(actor, 'p');
    return read('project_status', () => {
      const db = this.readModels.db;
      const items: TodoItem[] = [];
      for (const { kind, status, due } of WAITING_BY_ROLE[actor.role] ?? []) {
        // Counted per cycle first (an index's range), then each cycle's due day once.
        const row = db
          .prepare(
            `SELECT sum(g.count) AS count, min(${due ?? 'NULL'}) AS dueOn
             FROM (SELECT cycle_id, count(*) AS count, min(id) AS one FROM project_status p WHERE p.status = ? AND (${visible.sql}) GROUP BY cycle_id) g
             LEFT JOIN cycle_dashboard c ON c.id = g.cycle_id`,
          )
          .get(status, ...visible.params) as { count: number | null; dueOn: string | null };
        if (row.count) items.push({ subject: 'project', kind, count: row.count, dueOn: row.dueOn, status });
      }
      if (actor.role === 'applicant') {
        const rows = db
          .prepare(
            `SELECT d.kind, count(*) AS count, min(date(d.due_at, '+8 hours')) AS dueOn FROM deadlines d JOIN project_status p ON d.stream = 'project-' || p.id
             WHERE d.fired_at IS NULL AND d.kind IN (${OBLIGATIONS.map(() => '?').join(', ')}) AND (${visible.sql}) GROUP BY d.kind ORDER BY dueOn`,
          )
          .all(...OBLIGATIONS, ...visible.params) as { kind: string; count: number; dueOn: string }[];
        items.push(...rows.map((r) => ({ subject: 'project' as const, ...r, status: null })));
      }
      if (actor.role === 'reviewer') {
        const { count } = db
          .prepare(`SELECT count(*) AS count FROM project_reviewers r JOIN project_status p ON p.id = r.project_id WHERE r.reviewer_id = ? AND r.recused = 0 AND r.score IS NULL AND (${visible.sql})`)
          .get(actor.id, ...visible.params) as { count: number };
        if (count > 0) items.push({ subject: 'project', kind: 'score-review', count, dueOn: null, status: null });
      }
      if (actor.role === 'office') {
        const { count } = db.prepare('SELECT count(*) AS count FROM project_status WHERE open_objections > 0').get() as { count: number };
        if (count > 0) items.push({ subject: 'project', kind: 'resolve-objections', count, dueOn: null, status: 'InPublicNotice' });
      }
      const { overdue } = db.prepare(`SELECT count(*) AS overdue FROM project_status p WHERE p.overdue <> '[]' AND (${visible.sql})`).get(...visible.params) as { overdue: number };
      if (overdue > 0 && actor.role !== 'reviewer') items.push({ subject: 'project', kind: 'overdue', count: overdue, dueOn: null, status: null });
      return items;
    });
  }

  /** The public notices open now with their projects: what a notice publishes to everyone, never who objected. */
  notices(paging: Paging, only?: { cycleId: string; noticeId: string }) {
    // Each cycle numbers its own notices: a notice is a cycle's and a notice id.
    const conditions = only ? [where('cycleId = ? AND noticeId = ?', only.cycleId, only.noticeId)] : [];
    const page = pageOf(this.readModels.db, NOTICES, '*', conditions, 'endsOn, cycleId, noticeId', paging, (row) => row);
    const items = read('project_status', () => {
      const projectsOf = this.readModels.db.prepare(
        `SELECT p.id, p.title, p.applicant_org AS applicantOrg, o.name AS applicantName, p.tier, p.objections, p.open_objections AS openObjections
         FROM project_status p LEFT JOIN organisations o ON o.credit_code = p.applicant_org
         WHERE p.${PUBLISHED} AND p.cycle_id = ? AND p.notice_id = ? ORDER BY p.id`,
      );
      return page.items.map((notice) => ({ ...notice, projects: projectsOf.all(notice.cycleId, notice.noticeId) }));
    });
    return { ...page, items };
  }

  /**
   * The published results: each cycle's approved projects, by applicant name, and whether one was
   * revoked since. Only what the cycle's approval published, to anyone.
   */
  results(paging: Paging) {
    const cycles = `(SELECT p.cycle_id AS cycleId, p.program_type AS programType, c.name, c.label, max(p.approved_on) AS approvedOn, count(*) AS projectCount
      FROM project_status p LEFT JOIN cycle_dashboard c ON c.id = p.cycle_id WHERE p.approved_on IS NOT NULL GROUP BY p.cycle_id)`;
    const page = pageOf(this.readModels.db, cycles, '*', [], 'approvedOn DESC, cycleId', paging, (row) => row);
    const items = read('project_status', () => {
      const projectsOf = this.readModels.db.prepare(
        `SELECT p.id, p.title, p.applicant_org AS applicantOrg, o.name AS applicantName, p.tier, p.approved_on AS approvedOn, p.status = 'Revoked' AS revoked
         FROM project_status p LEFT JOIN organisations o ON o.credit_code = p.applicant_org
         WHERE p.cycle_id = ? AND p.approved_on IS NOT NULL ORDER BY p.tier, o.name, p.id`,
      );
      return page.items.map((cycle) => ({ ...cycle, projects: projectsOf.all(cycle.cycleId).map((p) => ({ ...(p as object), revoked: (p as { revoked: number }).revoked === 1 })) }));
    });
    return { ...page, items };
  }

  /** A cycle's name, from its dashboard. */
  cycleName(cycleId: string): string | null {
    const row = read('cycle_dashboard', () => this.readModels.db.prepare('SELECT name FROM cycle_dashboard WHERE id = ?').get(cycleId)) as { name: string } | undefined;
    return row?.name ?? null;
  }

  /** How many of a cycle's projects are at each stage. */
  /** A program's projects across all its cycles: approved (立项, whatever came after), accredited (or recognised without construction), revoked. */
  programTotals(programType: string): { approved: number; accredited: number; revoked: number } {
    return read('project_status', () =>
      this.readModels.db
        .prepare(
          `SELECT count(approved_on) AS approved, coalesce(sum(status IN ('Accredited', 'Recognised')), 0) AS accredited, coalesce(sum(status = 'Revoked'), 0) AS revoked
           FROM project_status WHERE program_type = ?`,
        )
        .get(programType),
    ) as { approved: number; accredited: number; revoked: number };
  }

  /**
   * A cycle's applications ranked by their review score (highest first; those without a score last),
   * with a shared rank for equal scores, whether each falls within the quota's places and whether it is
   * below the cycle's cut-off line.
   */
  ranking(cycleId: string, quota: number): { cutOff: number | null; items: Record<string, unknown>[] } {
    const rows = read('project_status', () =>
      this.readModels.db
        .prepare(
          `SELECT p.id AS projectId, p.title, p.applicant_org AS applicantOrg, o.name AS applicantName, p.region, p.status, p.tier,
             p.review_score AS score, p.review_count AS scores, p.cut_off AS cutOff
           FROM project_status p LEFT JOIN organisations o ON o.credit_code = p.applicant_org
           WHERE p.cycle_id = ? AND p.status != 'None' ORDER BY p.review_score IS NULL, p.review_score DESC, p.id`,
        )
        .all(cycleId),
    ) as { projectId: string; score: number | null; cutOff: number | null }[];
    const cutOff = rows[0]?.cutOff ?? null;
    let rank = 0;
    const items = rows.map(({ cutOff: _, ...row }, index) => {
      if (row.score !== null && (index === 0 || rows[index - 1].score !== row.score)) rank = index + 1;
      const ranked = row.score === null ? null : rank;
      return { ...row, rank: ranked, withinQuota: ranked !== null && ranked <= quota, belowCutOff: cutOff !== null && row.score !== null && row.score < cutOff };
    });
    return { cutOff, items };
  }

  perStage(cycleId: string): Record<string, number> {
    const stages = read('project_status', () =>
      this.readModels.db.prepare('SELECT status, count(*) AS n FROM project_status WHERE cycle_id = ? GROUP BY status ORDER BY status').all(cycleId),
    ) as { status: string; n: number }[];
    return Object.fromEntries(stages.map((s) => [s.status, s.n]));
  }

  private page(conditions: Condition[], paging: Paging): Page<Record<string, unknown>> {
    // The applicant's name is a subquery of the page's rows alone: the count stays on project_status.
    return pageOf(this.readModels.db, 'project_status', COLUMNS, conditions, 'cycle_id, id', paging, (row) => withJson(row, 'overdue'));
  }
}
