import { placesTaken, programCycleDecider } from '../../../domain/program-cycle/program-cycle.decider';
import { foldedStateProjection, RowValues } from '../../projections/folded-state.projection';

/** Each cycle's quota used and remaining (per tier where tiers exist), with its status and notices. */
export const cycleDashboardProjection = foldedStateProjection({
  name: 'cycle-dashboard',
  // 2: the cycle's status is PascalCase, as every record's.
  version: 2,
  category: 'cycle',
  decider: programCycleDecider,
  table: 'cycle_dashboard',
  columns: {
    program_type: 'TEXT',
    name: 'TEXT',
    label: 'TEXT',
    status: 'TEXT',
    quota: 'INTEGER',
    places_taken: 'INTEGER',
    approved: 'INTEGER',
    applications: 'INTEGER',
    tiers: 'TEXT',
    opens_at: 'TEXT',
    closes_at: 'TEXT',
  },
  indexes: ['program_type'],
  row: (state): RowValues => {
    if (state.status === 'None') return { status: 'None' };
    const taken = placesTaken(state);
    return {
      program_type: state.programType,
      name: state.name,
      label: state.label,
      status: state.status,
      quota: state.rules.quota,
      places_taken: taken,
      approved: Object.values(state.selections).filter((s) => s.status === 'approved').length,
      applications: Object.keys(state.applications).length,
      tiers: JSON.stringify(
        state.rules.tiers.map((tier) => ({ tier: tier.name, quota: tier.quota, taken: placesTaken(state, tier.name), remaining: tier.quota - placesTaken(state, tier.name) })),
      ),
      opens_at: state.opensAt,
      closes_at: state.closesAt,
    };
  },
});
