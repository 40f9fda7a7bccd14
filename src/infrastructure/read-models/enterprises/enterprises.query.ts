import { Injectable } from '@nestjs/common';
import { ENTERPRISE_ACCESS } from '../../../domain/enterprise/enterprise.access';
import { Actor } from '../../../domain/messages';
import { Condition, equalities, Page, pageOf, Paging, where, withJson } from '../query';
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

  private page(conditions: Condition[], orderBy: string, paging: Paging): Page<Record<string, unknown>> {
    return pageOf(this.readModels.db, 'enterprise_registry', COLUMNS, conditions, orderBy, paging, (row) => withJson(row, 'overdue'));
  }
}
