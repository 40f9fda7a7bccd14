import { Injectable } from '@nestjs/common';
import { FUND_SOURCES } from '../../../domain/funding/funding.commands';
import { FUNDING_VISIBILITY } from '../../../domain/funding/funding.access';
import { Actor } from '../../../domain/messages';
import { sumOf } from '../../../domain/money';
import { Condition, equalities, read } from '../query';
import { ReadModels } from '../read-models';
import { visibleTo } from '../visibility';

/** The groupings GET /funding answers by, as columns of project_status; a school and a project also have their names. */
export const FUNDING_GROUPS = { program: 'p.program_type', city: 'p.region', school: 'p.applicant_org', project: 'p.id' } as const;
export type FundingGroup = keyof typeof FUNDING_GROUPS;

export interface FundingFilters {
  readonly cycleId?: string;
  readonly programType?: string;
  readonly year?: number;
}

/** The name a group's row carries: the school's, or the project's title. */
const NAME_OF: Partial<Record<FundingGroup, string>> = { school: '(SELECT name FROM organisations WHERE credit_code = p.applicant_org)', project: 'p.title' };

/** Funding per program, city, school or project: what is granted and paid by source, over the grants the actor may see. */
@Injectable()
export class FundingQueries {
  constructor(private readonly readModels: ReadModels) {}

  by(actor: Actor, group: FundingGroup, filters: FundingFilters) {
    const visible = visibleTo(FUNDING_VISIBILITY, actor, { org: 'p.applicant_org', region: 'p.region', project: 'p.id' });
    const conditions: Condition[] = [visible, ...equalities({ 'g.cycle_id': filters.cycleId, 'p.program_type': filters.programType, 'g.year': filters.year })];
    const sql = conditions.map((c) => c.sql).join(' AND ');
    const params = conditions.flatMap((c) => c.params);
    const key = FUNDING_GROUPS[group];
    const from = `FROM fund_grants g JOIN project_status p ON p.id = g.project_id WHERE ${sql}`;
    const [rows, counts, uses] = read('fund_grants', () => [
      this.readModels.db.prepare(`SELECT ${key} AS key, g.source, sum(g.amount * 100) AS granted, sum(g.disbursed * 100) AS disbursed ${from} GROUP BY ${key}, g.source`).all(...params),
      this.readModels.db
        .prepare(
          `SELECT ${key} AS key, count(DISTINCT g.project_id) AS projects, ${NAME_OF[group] ?? 'NULL'} AS name
           ${from} GROUP BY ${key} ORDER BY ${key}`,
        )
        .all(...params),
      // The use the annual reports state is of all years: the projects granted within the filters, once each.
      this.readModels.db
        .prepare(
          `SELECT ${key} AS key, sum(p.funds_used_central * 100) AS central, sum(p.funds_used_provincial * 100) AS provincial, sum(p.funds_used_matching * 100) AS matching
           FROM project_status p WHERE p.id IN (SELECT g.project_id ${from}) GROUP BY ${key}`,
        )
        .all(...params),
    ]) as [{ key: string; source: string; granted: number; disbursed: number }[], { key: string; projects: number; name: string | null }[], Record<string, number | string | null>[]];
    // A program's budgets are the office's published decisions: they are shown whoever reads.
    const budgets =
      group === 'program'
        ? (read('cycle_funds', () =>
            this.readModels.db
              .prepare(`SELECT c.program_type AS key, sum(f.amount * 100) AS budget FROM cycle_funds f JOIN cycle_dashboard c ON c.id = f.cycle_id WHERE ${filters.cycleId === undefined ? '1' : 'f.cycle_id = ?'} GROUP BY c.program_type`)
              .all(...(filters.cycleId === undefined ? [] : [filters.cycleId])),
          ) as { key: string; budget: number }[])
        : [];
    const zero = () => Object.fromEntries(FUND_SOURCES.map((source) => [source, 0])) as Record<string, number>;
    const items = counts.map(({ key: k, projects, name }) => {
      const own = rows.filter((r) => r.key === k);
      const granted = zero();
      const disbursed = zero();
      // Sums were taken in fen (×100, rounded here), as the decider adds amounts.
      for (const r of own) {
        granted[r.source] = Math.round(r.granted) / 100;
        disbursed[r.source] = Math.round(r.disbursed) / 100;
      }
      return {
        [group]: k,
        ...(group in NAME_OF ? { name } : {}),
        ...(group === 'program' ? { budget: Math.round(budgets.find((b) => b.key === k)?.budget ?? 0) / 100 } : {}),
        granted,
        disbursed,
        used: Object.fromEntries(FUND_SOURCES.map((source) => [source, Math.round(Number(uses.find((u) => u.key === k)?.[source] ?? 0)) / 100])),
        total: { granted: sumOf(Object.values(granted)), disbursed: sumOf(Object.values(disbursed)) },
        projects,
      };
    });
    return { by: group, items };
  }
}
