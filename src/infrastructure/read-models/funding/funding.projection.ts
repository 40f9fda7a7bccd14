import { fundsDecider, FundsState } from '../../../domain/funding/funding.decider';
import { foldedStateProjection, RowValues } from '../../projections/folded-state.projection';

/**
 * Each cycle's money (funds-<cycleId>): its budgets by source, and beside them every grant with what it
 * has paid. The grants join project_status on their project for the program, the city and the school.
 */
export const fundingProjection = foldedStateProjection({
  name: 'funding',
  version: 1,
  category: 'funds',
  decider: fundsDecider,
  table: 'cycle_funds',
  columns: { budget_central: 'REAL', budget_provincial: 'REAL' },
  row: (state: FundsState): RowValues => ({ budget_central: state.budgets.central ?? null, budget_provincial: state.budgets.provincial ?? null }),
  sideTables: {
    names: ['fund_grants'],
    schema: `CREATE TABLE IF NOT EXISTS fund_grants (
      cycle_id TEXT NOT NULL, grant_id TEXT NOT NULL, project_id TEXT NOT NULL, year INTEGER NOT NULL, source TEXT NOT NULL,
      amount REAL NOT NULL, disbursed REAL NOT NULL, PRIMARY KEY (cycle_id, grant_id));
      CREATE INDEX IF NOT EXISTS fund_grants_project ON fund_grants (project_id)`,
    writer: (db) => {
      const clear = db.prepare('DELETE FROM fund_grants WHERE cycle_id = ?');
      const insert = db.prepare('INSERT INTO fund_grants (cycle_id, grant_id, project_id, year, source, amount, disbursed) VALUES (?, ?, ?, ?, ?, ?, ?)');
      return (cycleId, state: FundsState) => {
        clear.run(cycleId);
        for (const [grantId, g] of Object.entries(state.grants)) insert.run(cycleId, grantId, g.projectId, g.year, g.source, g.amount, g.disbursed);
      };
    },
  },
});
