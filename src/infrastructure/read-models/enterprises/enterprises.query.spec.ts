import { randomUUID } from 'node:crypto';
import { ENTERPRISE_FACTS } from '../../../../test/support/registry-facts';
import Database from 'better-sqlite3';
import { FoldedStreams } from '../../../application/folded-streams';
import { handleCommand } from '../../../application/handle-command';
import { enterpriseStream } from '../../../application/streams';
import { defaultCatalog } from '../../../domain/catalog/program-catalog';
import { EnterpriseRules } from '../../../domain/catalog/program-rules';
import { EnterpriseCommand, EnterpriseCommandType, EnterpriseContext } from '../../../domain/enterprise/enterprise.commands';
import { enterpriseDecider } from '../../../domain/enterprise/enterprise.decider';
import { Actor, DocumentRef } from '../../../domain/messages';
import { SqliteEventStore } from '../../event-store/sqlite.event-store';
import { ReadModels } from '../read-models';
import { enterpriseRegistryProjection } from './enterprise-registry.projection';
import { EnterpriseQueries } from './enterprises.query';
import { testCalendar } from '../../../../test/support/test-calendar';

const context: EnterpriseContext = { rules: defaultCatalog.enterprise.defaultRules as EnterpriseRules, rulesVersion: defaultCatalog.enterprise.rulesVersion, ...ENTERPRISE_FACTS, calendar: testCalendar };
const doc = (n: number): DocumentRef => ({ sha256: n.toString(16).padStart(2, '0').repeat(32), name: `doc-${n}.pdf`, size: 1000 + n });
const office: Actor = { id: 'u-office', role: 'office', org: '省教育厅' };
const recommender = (region: string): Actor => ({ id: `u-${region}`, role: 'recommender', org: `${region}发改委`, region });
// Credit codes with their GB 32100 check characters; each enterprise is its own organisation.
const [A, B, C, D] = ['91140100MA0KA0001L', '91140100MA0KB0002F', '91140100MA0KC0003A', '91140100MA0KD00045'];
const REGION: Record<string, string> = { [A]: '太原市', [B]: '大同市', [C]: '太原市', [D]: '太原市' };
const NAME: Record<string, string> = { [A]: 'Delta 科技', [B]: 'Charlie 制造', [C]: 'Bravo 物流', [D]: 'Alpha 软件' };
const staff = (code: string): Actor => ({ id: `u-${code}`, role: 'applicant', org: code, region: REGION[code] });

/** A certified (3-year certificate from 2027-05), B applied only (大同市), C with its three-year plan overdue, D disqualified. */
async function histories(store: SqliteEventStore) {
  const streams = new FoldedStreams(store);
  const run = <T extends EnterpriseCommandType>(code: string, type: T, data: Extract<EnterpriseCommand, { type: T }>['data'], actor: Actor, now: string) =>
    handleCommand(streams, enterpriseDecider, enterpriseStream(code), { type, data, actor, now, context } as EnterpriseCommand, { commandId: randomUUID(), actor, now, rulesVersion: context.rulesVersion });
  const assessment = { opinion: '符合条件', documents: [doc(2)] };
  const apply = (code: string) => {
    const declarations = { registeredAndTaxedInProvince: true, mainBusinessNotEducation: true, noMajorAccident: true, goodCredit: true, noTaxViolation: true };
    return run(code, 'ApplyForIncubation', { enterpriseId: code, name: NAME[code], creditCode: code, region: REGION[code], declarations, documents: [doc(1)] }, staff(code), '2026-03-01T10:00:00+08:00');
  };
  const admit = async (code: string) => {
    await apply(code);
    await run(code, 'Recommend', { opinion: '同意推荐' }, recommender(REGION[code]), '2026-03-10T10:00:00+08:00');
    await run(code, 'RecordJointReview', { outcome: 'passed', departments: ['省发展改革委'], expertAssessment: assessment, reasons: [] }, office, '2026-03-20T10:00:00+08:00');
    await run(code, 'OpenPublicNotice', { startsOn: '2026-04-01' }, office, '2026-04-01T10:00:00+08:00');
    await run(code, 'AdmitToIncubation', {}, office, '2026-04-20T10:00:00+08:00');
  };
  await admit(A);
  await run(A, 'PublishThreeYearPlan', { plan: doc(3) }, staff(A), '2026-06-01T10:00:00+08:00');
  await run(A, 'RequestCertification', { documents: [doc(4)] }, staff(A), '2027-04-21T10:00:00+08:00');
  await run(A, 'RecordCertificationEvaluation', { outcome: 'passed', assessment, reasons: [] }, office, '2027-04-25T10:00:00+08:00');
  await run(A, 'OpenCertificationNotice', { startsOn: '2027-04-26' }, office, '2027-04-26T10:00:00+08:00');
  await run(A, 'Certify', {}, office, '2027-05-06T10:00:00+08:00');
  await apply(B);
  await admit(C);
  await run(C, 'RecordThreeYearPlanOverdue', {}, office, '2026-07-21T10:00:00+08:00');
  await admit(D);
  await run(D, 'Disqualify', { ground: 'fraud', reason: '材料造假', evidence: [doc(5)] }, office, '2026-05-01T10:00:00+08:00');
}

describe('EnterpriseQueries on the enterprise registry', () => {
  const db = new Database(':memory:');
  // The queries only read `db`; the projection is applied by hand, so there is nothing to wait for.
  const queries = new EnterpriseQueries({ db, reach: async () => {}, reachStored: async () => {} } as unknown as ReadModels);
  const ids = (page: { items: Record<string, unknown>[] }) => page.items.map((row) => row.id);

  beforeAll(async () => {
    const store = new SqliteEventStore({ file: ':memory:' });
    await histories(store);
    db.exec(enterpriseRegistryProjection.schema);
    enterpriseRegistryProjection.apply(db, await store.readAll());
    await store.close();
  });
  afterAll(() => db.close());

  it('answers each enterprise’s columns: certificate in force, ban, the overdue column parsed', () => {
    const byId = Object.fromEntries(queries.list(office, {}, {}).items.map((row) => [row.id, row]));
    expect(byId[A]).toMatchObject({ org: A, name: 'Delta 科技', creditCode: A, region: '太原市', status: 'Certified', certificateNo: 1, bannedUntil: null, disqualificationGround: null, overdue: [] });
    expect(Date.parse(String(byId[A].admittedAt))).toBe(Date.parse('2026-04-20T10:00:00+08:00'));
    expect(Date.parse(String(byId[A].certifiedUntil))).toBe(Date.parse('2030-05-06T10:00:00+08:00'));
    expect(byId[B]).toMatchObject({ status: 'Submitted', region: '大同市', admittedAt: null, certificateNo: null, overdue: [] });
    expect(byId[C]).toMatchObject({ status: 'InIncubation', certificateNo: null, overdue: ['three-year-plan'] });
    expect(byId[D]).toMatchObject({ status: 'Disqualified', disqualificationGround: 'fraud', certificateNo: null, overdue: [] });
    expect(Date.parse(String(byId[D].bannedUntil))).toBe(Date.parse('2031-05-01T10:00:00+08:00'));
  });

  it('orders by name, filters by status and region, and pages with the total', () => {
    expect(ids(queries.list(office, {}, {}))).toEqual([D, C, B, A]);
    expect(ids(queries.list(office, { status: 'InIncubation' }, {}))).toEqual([C]);
    expect(ids(queries.list(office, { region: '太原市' }, {}))).toEqual([D, C, A]);
    expect(ids(queries.list(office, { region: '太原市', status: 'Submitted' }, {}))).toEqual([]);
    expect(queries.list(office, {}, { limit: 2, offset: 1 })).toMatchObject({ total: 4, limit: 2, offset: 1, items: [{ id: C }, { id: B }] });
  });

  it.each([
    ['office', office, [D, C, B, A]],
    ['auditor', { id: 'u-audit', role: 'auditor', org: '审计厅' } as Actor, [D, C, B, A]],
    ['enterprise A itself', staff(A), [A]],
    ['recommender of 太原市', recommender('太原市'), [D, C, A]],
    ['recommender of 大同市', recommender('大同市'), [B]],
    ['reviewer', { id: 'r1', role: 'reviewer', org: A } as Actor, []],
  ])('lists to the %s exactly the enterprises it may see, total included', (_who, actor, expected) => {
    const page = queries.list(actor, {}, {});
    expect([ids(page), page.total]).toEqual([expected, expected.length]);
  });

  it('answers an organisation’s own record, within visibility', () => {
    expect(queries.ofOrganisation(staff(A), A).map((row) => row.id)).toEqual([A]);
    expect(queries.ofOrganisation(staff(A), C)).toEqual([]);
    expect(queries.ofOrganisation(office, B).map((row) => [row.id, row.status])).toEqual([[B, 'Submitted']]);
  });

  it('lists the enterprises with something overdue, bounded by visibility', () => {
    expect(queries.overdue(office, {}).items.map((row) => [row.id, row.overdue])).toEqual([[C, ['three-year-plan']]]);
    expect(queries.overdue(recommender('太原市'), {}).total).toBe(1);
    expect(queries.overdue(recommender('大同市'), {}).total).toBe(0);
  });
});
