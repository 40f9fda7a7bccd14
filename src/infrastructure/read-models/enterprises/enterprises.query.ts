import { Injectable } from '@nestjs/common';
import { ENTERPRISE_ACCESS } from '../../../domain/enterprise/enterprise.access';
import { Actor } from '../../../domain/messages';
import { Condition, equalities, Page, pageOf, Paging, read, TodoItem, where, withJson } from '../query';
import { ReadModels } from '../read-models';
import { visibleTo } from '../visibility';

/** The filters GET /enterprises takes. */
export interface EnterpriseFilters {
  readonly status?: string;
  readonly region?: string;
}

/** Who sees which enterprises: ENTERPRISE_ACCESS (enterprise.access.ts) on the registry's columns. */
const visibility = (actor: Actor): Condition => visibleTo(ENTERPRISE_ACCESS.see.relations, actor, { org: 'org', region: 'region' });

const COLUMNS = `id, org, name, credit_code AS creditCode, region, status, admitted_at AS admittedAt, certificate_no AS certificateNo,
  certified_until AS certifiedUntil, banned_until AS bannedUntil, disqualification_ground AS disqualificationGround, overdue, revision`;

/** What waits for each role as enterprise statuses (domain.md §6): the city recommends, the office reviews and certifies. */
const ENTERPRISE_WAITING_BY_ROLE: Readonly<Record<string, readonly { kind: string; status: string }[]>> = {
  recommender: [{ kind: 'recommend-enterprise', status: 'Submitted' }],
  office: [
    { kind: 'joint-review', status: 'Recommended' },
    { kind: 'evaluate-certification', status: 'CertificationRequested' },
  ],
};

/** The enterprise registry (enterprise-registry.projection.ts) as the lists read it, bounded by who may see which enterprise. */
@Injectable()
export class EnterpriseQueries {
  constructor(private readonly readModels: ReadModels) {}

  list(actor: Actor, filters: EnterpriseFilters, paging: Paging): Page<Record<string, unknown>> {
    return this.page([visibility(actor), ...equalities({ status: filters.status, region: filters.region })], 'name, id', paging);
  }

  /** The enterprise records of one organisation (its own, as an enterprise is its own organisation). */
  ofOrganisation(actor: Actor, org: string): Record<string, unknown>[] {
    return this.page([visibility(actor), where('org = ?', org)], 'id', { limit: 10 }).items;
  }

  /** The enterprises with a plan or report overdue. */
  overdue(actor: Actor, paging: Paging): Page<Record<string, unknown>> {
    return this.page([visibility(actor), where("overdue <> '[]'")], 'id', paging);
  }

  /** What waits for the actor on enterprises: recommendations, joint reviews, certification, and the plans and reports due. */
  todo(actor: Actor): TodoItem[] {
    const visible = visibility(actor);
    return read('enterprise_registry', () => {
      const db = this.readModels.db;
      const items: TodoItem[] = [];
      for (const { kind, status } of ENTERPRISE_WAITING_BY_ROLE[actor.role] ?? []) {
        const { count } = db.prepare(`SELECT count(*) AS count FROM enterprise_registry WHERE status = ? AND (${visible.sql})`).get(status, ...visible.params) as { count: number };
        if (count > 0) items.push({ subject: 'enterprise', kind, count, dueOn: null, status });
      }
      if (actor.role === 'applicant') {
        // The deadlines table has neither `org` nor `region`: the visibility's columns are the registry's.
        const rows = db
          .prepare(
            `SELECT d.kind, count(*) AS count, min(date(d.due_at, '+8 hours')) AS dueOn FROM deadlines d JOIN enterprise_registry e ON d.stream = 'enterprise-' || e.id
             WHERE d.fired_at IS NULL AND d.kind IN ('three-year-plan-due', 'annual-report-due') AND (${visible.sql}) GROUP BY d.kind ORDER BY dueOn`,
          )
          .all(...visible.params) as { kind: string; count: number; dueOn: string }[];
        items.push(...rows.map((r) => ({ subject: 'enterprise' as const, ...r, status: null })));
      }
      return items;
    });
  }

  private page(conditions: Condition[], orderBy: string, paging: Paging): Page<Record<string, unknown>> {
    return pageOf(this.readModels.db, 'enterprise_registry', COLUMNS, conditions, orderBy, paging, (row) => withJson(row, 'overdue'));
  }
}
