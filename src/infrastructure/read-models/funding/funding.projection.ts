import type Database from 'better-sqlite3';
import { categoryOf } from '../../../application/audit';
import { RecordedEvent } from '../../../application/event-store';
import { idInStream } from '../../../application/streams';
import { FundsEvent } from '../../../domain/funding/funding.events';
import { preparedOnce, Projection } from '../../projections/projection';

const statements = preparedOnce((db) => ({
  budget: db.prepare(`INSERT INTO cycle_funds (cycle_id, source, amount) VALUES (?, ?, ?) ON CONFLICT (cycle_id, source) DO UPDATE SET amount = excluded.amount`),
  grant: db.prepare('INSERT OR IGNORE INTO fund_grants (cycle_id, grant_id, project_id, year, source, amount, disbursed) VALUES (?, ?, ?, ?, ?, ?, 0)'),
  // The event carries what the grant has paid in all: applying it twice sets the same.
  disburse: db.prepare('UPDATE fund_grants SET disbursed = ? WHERE cycle_id = ? AND grant_id = ?'),
}));

/**
 * Each cycle's money (funds-<cycleId>), event by event: `cycle_funds` holds the budget of each source,
 * `fund_grants` every grant with what it has paid. The grants join project_status on their project for
 * the program, the city and the school. Each event writes its own row only, so a cycle of many grants
 * costs no more per event than one of few.
 */
export const fundingProjection: Projection = {
  name: 'funding',
  version: 1,
  tables: ['cycle_funds', 'fund_grants'],
  schema: `CREATE TABLE IF NOT EXISTS cycle_funds (cycle_id TEXT NOT NULL, source TEXT NOT NULL, amount REAL NOT NULL, PRIMARY KEY (cycle_id, source)) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS fund_grants (
      cycle_id TEXT NOT NULL, grant_id TEXT NOT NULL, project_id TEXT NOT NULL, year INTEGER NOT NULL, source TEXT NOT NULL,
      amount REAL NOT NULL, disbursed REAL NOT NULL, PRIMARY KEY (cycle_id, grant_id));
    CREATE INDEX IF NOT EXISTS fund_grants_project ON fund_grants (project_id)`,
  apply(db: Database.Database, events: readonly RecordedEvent[]) {
    const s = statements(db);
    for (const recorded of events) {
      if (categoryOf(recorded.stream) !== 'funds') continue;
      const cycleId = idInStream(recorded.stream);
      const event = { type: recorded.type, data: recorded.data } as FundsEvent;
      switch (event.type) {
        case 'BudgetSet':
          s.budget.run(cycleId, event.data.source, event.data.amount);
          break;
        case 'FundsGranted':
          s.grant.run(cycleId, event.data.grantId, event.data.projectId, event.data.year, event.data.source, event.data.amount);
          break;
        case 'FundsDisbursed':
          s.disburse.run(event.data.disbursed, cycleId, event.data.grantId);
          break;
      }
    }
  },
};
