import { Injectable } from '@nestjs/common';
import { Actor } from '../../../domain/messages';
import { PROGRAM_CYCLE_ACCESS } from '../../../domain/program-cycle/program-cycle.access';
import { Condition, equalities, Page, pageOf, Paging, where, withJson } from '../query';
import { ReadModels } from '../read-models';
import { visibleTo } from '../visibility';

/** Who sees which cycles: PROGRAM_CYCLE_ACCESS (program-cycle.access.ts); a cycle row has no organisation or city. */
const visibility = (actor: Actor): Condition => visibleTo(PROGRAM_CYCLE_ACCESS.see.relations, actor, {});

const COLUMNS = `id, program_type AS programType, name, label, status, quota, places_taken AS placesTaken, approved, applications, tiers,
  opens_at AS opensAt, closes_at AS closesAt, revision`;

function toDashboard(row: Record<string, unknown>) {
  return { ...withJson(row, 'tiers'), remaining: Number(row.quota) - Number(row.placesTaken) };
}

/** The cycle dashboards (cycle-dashboard.projection.ts): status, quota used and remaining, per tier. */
@Injectable()
export class CycleQueries {
  constructor(private readonly readModels: ReadModels) {}

  /** The cycles, the latest opened first, of one program type when it is given. */
  list(actor: Actor, filters: { readonly programType?: string }, paging: Paging): Page<Record<string, unknown>> {
    return pageOf(this.readModels.db, 'cycle_dashboard', COLUMNS, [visibility(actor), ...equalities({ program_type: filters.programType })], 'opens_at DESC, id', paging, toDashboard);
  }

  /** One cycle's dashboard, or undefined when the read models hold no such cycle (or the actor may not see it). */
  dashboard(actor: Actor, cycleId: string): Record<string, unknown> | undefined {
    return pageOf(this.readModels.db, 'cycle_dashboard', COLUMNS, [visibility(actor), where('id = ?', cycleId)], 'id', { limit: 1 }, toDashboard).items[0];
  }
}
