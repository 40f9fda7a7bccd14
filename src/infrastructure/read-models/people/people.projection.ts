import { Organisation } from '../../../domain/organisation/organisation';
import { registryDecider } from '../../../domain/organisation/registry.decider';
import { RegistryState } from '../../../domain/organisation/registry.state';
import { personDecider } from '../../../domain/person/person.decider';
import { PersonState } from '../../../domain/person/person.state';
import { foldedStateProjection, RowValues } from '../../projections/folded-state.projection';

/**
 * Table `people` with `grants` beside it: each person, folded with the domain's own evolve, and the
 * grants they hold now. A request's actor is read from here (people.query.ts), so a revoked grant is
 * refused as soon as the read models include the revocation, on every instance that shares them.
 */
export const peopleProjection = foldedStateProjection({
  name: 'people',
  version: 1,
  category: 'person',
  decider: personDecider,
  table: 'people',
  columns: { name: 'TEXT', organisation_id: 'TEXT', email: 'TEXT', status: 'TEXT', expert: 'TEXT' },
  indexes: ['organisation_id'],
  row: (state: PersonState): RowValues =>
    state.status === 'None'
      ? { status: 'None' }
      : { name: state.name, organisation_id: state.organisationId, email: state.email, status: state.status, expert: state.expert && JSON.stringify(state.expert) },
  sideTables: {
    names: ['grants'],
    schema: `CREATE TABLE IF NOT EXISTS grants (
      grant_id TEXT PRIMARY KEY, person_id TEXT NOT NULL, kind TEXT NOT NULL, organisation_id TEXT NOT NULL,
      project_id TEXT, granted_at TEXT NOT NULL, granted_by TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS grants_person ON grants (person_id)`,
    writer: (db) => {
      const clear = db.prepare('DELETE FROM grants WHERE person_id = ?');
      const insert = db.prepare('INSERT INTO grants (grant_id, person_id, kind, organisation_id, project_id, granted_at, granted_by) VALUES (?, ?, ?, ?, ?, ?, ?)');
      return (personId, state: PersonState) => {
        clear.run(personId);
        if (state.status === 'None') return;
        for (const g of state.grants) insert.run(g.grantId, personId, g.kind, g.organisationId, g.projectId, g.grantedAt, g.grantedBy);
      };
    },
  },
});

function organisationRow(organisation: Organisation): unknown[] {
  return [
    organisation.creditCode,
    organisation.kind,
    organisation.name,
    'city' in organisation ? organisation.city : null,
    organisation.kind === 'school' ? organisation.schoolKind : organisation.kind === 'bureau' ? organisation.bureauKind : organisation.kind === 'department' ? organisation.departmentKind : null,
  ];
}

/** Table `organisations`: the registry (one stream), one row per organisation, rewritten when the registry changes. */
export const organisationsProjection = foldedStateProjection({
  name: 'organisations',
  version: 1,
  category: 'registry',
  decider: registryDecider,
  table: 'registry',
  columns: { organisation_count: 'INTEGER' },
  row: (state: RegistryState): RowValues => ({ organisation_count: Object.keys(state.organisations).length }),
  sideTables: {
    names: ['organisations'],
    schema: `CREATE TABLE IF NOT EXISTS organisations (
      credit_code TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL, city TEXT, sub_kind TEXT);
      CREATE INDEX IF NOT EXISTS organisations_kind ON organisations (kind, city)`,
    writer: (db) => {
      const clear = db.prepare('DELETE FROM organisations');
      const insert = db.prepare('INSERT INTO organisations (credit_code, kind, name, city, sub_kind) VALUES (?, ?, ?, ?, ?)');
      return (_id, state: RegistryState) => {
        clear.run();
        for (const organisation of Object.values(state.organisations)) insert.run(...organisationRow(organisation));
      };
    },
  },
});
