import Database from 'better-sqlite3';
import { AccessSubject, Relation, RoleRelations, shortfall } from '../../domain/access';
import { ENTERPRISE_ACCESS } from '../../domain/enterprise/enterprise.access';
import { Actor, ROLES } from '../../domain/messages';
import { PROGRAM_CYCLE_ACCESS } from '../../domain/program-cycle/program-cycle.access';
import { PROJECT_ACCESS } from '../../domain/project/project.access';
import { pageOf } from './query';
import { AccessColumns, visibleTo } from './visibility';

/**
 * The lists read the policies' relations as SQL: for every relation and every kind of actor, the rows
 * the condition selects are exactly the records the in-memory reading (domain/access.ts) lets the
 * actor see, over records that differ in organisation, city, and reviewers assigned or recused.
 */
describe('visibility: each relation as SQL selects what it selects in memory', () => {
  const db = new Database(':memory:');
  db.exec(`CREATE TABLE records (id TEXT PRIMARY KEY, org TEXT, region TEXT, person TEXT);
    CREATE TABLE reviewers (record_id TEXT, reviewer_id TEXT, recused INTEGER)`);

  interface Row extends AccessSubject {
    readonly id: string;
  }
  const ROWS: Row[] = [];
  let n = 0;
  for (const org of ['school-a', 'school-b', null]) {
    for (const region of ['太原市', '大同市', null]) {
      for (const reviewers of [[], [{ reviewerId: 'expert-1', recused: false }], [{ reviewerId: 'expert-1', recused: true }], [{ reviewerId: 'expert-2', recused: false }, { reviewerId: 'expert-1', recused: false }]]) {
        n += 1;
        ROWS.push({ id: `r${n}`, org, region, reviewers, person: n % 2 ? 'expert-1' : 'expert-2' });
      }
    }
  }
  const insert = db.prepare('INSERT INTO records VALUES (?, ?, ?, ?)');
  const assign = db.prepare('INSERT INTO reviewers VALUES (?, ?, ?)');
  for (const row of ROWS) {
    insert.run(row.id, row.org, row.region, row.person);
    for (const r of row.reviewers ?? []) assign.run(row.id, r.reviewerId, Number(r.recused));
  }
  afterAll(() => db.close());

  const COLUMNS: AccessColumns = { org: 'org', region: 'region', person: 'person', reviewers: { id: 'records.id', table: 'reviewers', record: 'record_id', reviewer: 'reviewer_id', recused: 'recused' } };

  const ACTORS: Actor[] = [
    ...ROLES.flatMap((role) => [
      { id: 'expert-1', role, org: 'school-a', region: '太原市' },
      { id: 'expert-1', role, org: 'school-b', region: '大同市' },
      { id: 'expert-2', role, org: 'univ-2' },
      { id: 'expert-9', role, org: 'school-a', region: '' },
    ]),
  ];
  const RELATIONS: Relation[] = ['any', 'none', 'own-organisation', 'own-region', 'assigned-reviewer', 'impartial-reviewer', 'self'];

  const selected = (relations: RoleRelations, actor: Actor) =>
    pageOf(db, 'records', 'id', [visibleTo(relations, actor, COLUMNS)], 'id', { limit: 500 }, (row) => row.id as string).items.sort();
  const seen = (relations: RoleRelations, actor: Actor) => ROWS.filter((row) => shortfall(relations, actor, row) === null).map((row) => row.id).sort();
  const every = (relation: Relation): RoleRelations => Object.fromEntries(ROLES.map((role) => [role, relation])) as unknown as RoleRelations;

  it.each(RELATIONS)('%s', (relation) => {
    for (const actor of ACTORS) {
      expect([actor, selected(every(relation), actor)]).toEqual([actor, seen(every(relation), actor)]);
    }
  });

  it.each([
    ['project', PROJECT_ACCESS.see.relations],
    ['enterprise', ENTERPRISE_ACCESS.see.relations],
    ['cycle', PROGRAM_CYCLE_ACCESS.see.relations],
  ] as const)('the %s policy', (_name, relations) => {
    for (const actor of ACTORS) expect([actor, selected(relations, actor)]).toEqual([actor, seen(relations, actor)]);
  });

  it('refuses to read a relation on a table that lacks its columns', () => {
    expect(() => visibleTo(every('assigned-reviewer'), ACTORS[0], { org: 'org', region: 'region' })).toThrow(/needs the reviewers columns/);
  });
});
