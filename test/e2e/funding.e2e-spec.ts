import { ReadModels } from '../../src/infrastructure/read-models/read-models';
import { DeadlinesService } from '../../src/infrastructure/scheduling/deadlines.service';
import { Accounts } from '../support/accounts';
import { client, HttpResult } from '../support/http';
import { expectOk, FakeClock, on, upload } from '../support/lifecycle';
import { construct, select, selectionTokens } from '../support/selection';
import { RunningApp, startTestApp } from '../support/test-app';

/** A cycle's money over HTTP: budget, grants and payments within it, and a recovery to its end (clause 二十四). */
describe('funding', () => {
  const clock = new FakeClock(on('2033-09-01'));
  let running: RunningApp;
  let http: ReturnType<typeof client>;
  let tokens: Record<string, string>;

  beforeAll(async () => {
    running = await startTestApp({}, clock);
    http = client(running);
    tokens = await selectionTokens(running);
  });
  afterAll(() => running.stop());

  const refused = (result: HttpResult, status: number, code: string) => {
    expect([result.status, result.body.code, result.headers.get('content-type')]).toEqual([status, code, expect.stringContaining('application/problem+json')]);
    return result.body;
  };

  it('grants within the budget, pays within the grant, and recovers no more than was paid, to the end of the recovery', async () => {
    const ids: Record<string, string> = {};
    const projectId = await select(running, clock, tokens, { programType: 'brand-major', subject: () => ({ kind: 'major', majorCode: '460301', majorName: '机电一体化技术' }) }, 'funded-school', ids, 2033);
    await construct(running, clock, tokens, projectId, 'funded-school', 2033);
    const cycle = ids.cycle;
    const funds = `/cycles/${cycle}/funds`;
    clock.set(on('2033-12-01'));

    const grant = (amount: number, source = 'provincial', project = projectId) => http.post(`${funds}/grants`, tokens.office, { projectId: project, year: 2034, source, amount, reason: '2034 年度建设资金' });
    refused(await grant(100_000), 409, 'budget-not-set');
    expectOk(await http.post(`${funds}/budget`, tokens.office, { source: 'provincial', amount: 1_000_000, reason: '晋财教〔2033〕8号' }), 'budget');
    const first = await grant(600_000);
    expect(first.status).toBe(201);
    const grantId = first.headers.get('location')!.split('/').pop()!;
    expect((await http.get(first.headers.get('location')!, tokens.office)).body).toMatchObject({ grantId, projectId, year: 2034, source: 'provincial', amount: 600_000, disbursed: 0 });
    expect(refused(await grant(400_000.01), 409, 'budget-exceeded').details).toEqual({ source: 'provincial', budget: 1_000_000, granted: 600_000, requested: 400_000.01, left: 400_000 });
    expectOk(await grant(2_000_000, 'matching'), 'the school’s matching funds');
    refused(await grant(1, 'provincial', 'no-such-project'), 404, 'project-not-found');
    refused(await http.post(`${funds}/budget`, tokens.office, { source: 'provincial', amount: 500_000, reason: '压减' }), 409, 'budget-below-granted');
    // Bad input is refused at the edge, naming the field: a thousandth of a yuan, an unknown source.
    expect(refused(await grant(10.001), 400, 'validation-failed').errors[0].field).toBe('amount');
    expect(refused(await grant(10, 'lottery'), 400, 'validation-failed').errors[0].field).toBe('source');

    const pay = (amount: number, disbursedOn = '2033-12-01') => http.post(`${funds}/grants/${grantId}/disburse`, tokens.office, { amount, disbursedOn, reference: '晋财教〔2033〕12号' });
    expectOk(await pay(250_000), 'first payment');
    expect(refused(await pay(350_000.01), 409, 'disbursement-exceeds-grant').details).toMatchObject({ left: 350_000 });
    refused(await pay(1, '2033-12-02'), 400, 'invalid-date');
    refused(await http.post(`${funds}/grants/no-such-grant/disburse`, tokens.office, { amount: 1, disbursedOn: '2033-12-01' }), 404, 'grant-not-found');

    const ledger = await http.get(funds, tokens.office);
    expect(ledger.status).toBe(200);
    expect(ledger.body).toMatchObject({
      cycleId: cycle,
      budgets: { central: null, provincial: 1_000_000 },
      granted: { central: 0, provincial: 600_000, matching: 2_000_000 },
      disbursed: { central: 0, provincial: 250_000, matching: 0 },
      left: { central: null, provincial: 400_000 },
    });
    expect(ledger.body.grants).toHaveLength(2);
    const auditor = await (await Accounts.of(running)).token({ sub: 'funds-auditor', role: 'auditor', org: '省审计厅' });
    expect((await http.get(funds, auditor)).status).toBe(200);
    refused(await http.get(funds, tokens['funded-school']), 403, 'role-not-allowed');
    refused(await http.post(`${funds}/budget`, tokens['funded-school'], { source: 'provincial', amount: 9_000_000, reason: '自定' }), 403, 'role-not-allowed');

    // Revoked: nothing more is paid, and at most the 250,000 paid is ordered back.
    const evidence = await upload(running, tokens.office, '核查报告.pdf');
    clock.set(on('2034-03-01'));
    expectOk(await http.post(`/projects/${projectId}/revoke`, tokens.office, { reason: 'fraud', explanation: '年度报告数据造假', evidence: [evidence] }), 'revoke');
    refused(await pay(1, '2034-03-01'), 409, 'project-ended');
    expect(refused(await http.post(`/projects/${projectId}/fund-recovery`, tokens.office, { amount: 250_000.01, deadline: '2034-06-30', reason: '追回' }), 409, 'recovery-exceeds-disbursed').details).toEqual({ disbursed: 250_000, amount: 250_000.01 });
    expectOk(await http.post(`/projects/${projectId}/fund-recovery`, tokens.office, { amount: 250_000, deadline: '2034-06-30', reason: '项目撤销，追回已拨付的省级专项资金' }), 'order recovery');
    clock.set(on('2034-05-01'));
    expectOk(await http.post(`/projects/${projectId}/fund-recovery/recovered`, tokens.office, { amount: 100_000, recoveredOn: '2034-05-01', reference: '缴款书 14000034000123' }), 'part returned');
    refused(await http.post(`/projects/${projectId}/fund-recovery/recovered`, tokens.office, { amount: 150_000.01, recoveredOn: '2034-05-01' }), 409, 'recovery-exceeds-order');

    // The deadline passes with 150,000 outstanding: the scheduler records the recovery overdue, once.
    clock.set(on('2034-07-01'));
    const readModels = running.app.get(ReadModels);
    await readModels.reach((await readModels.store.status()).lastPosition);
    const fired = await running.app.get(DeadlinesService).scheduler.tick();
    expect(fired.filter((f) => f.status === 'fired').map((f) => f.status === 'fired' && f.deadline.kind)).toContain('fund-recovery-due');
    const project = (await http.get(`/projects/${projectId}`, tokens.office)).body;
    expect(project.fundRecovery).toEqual({ amount: 250_000, deadline: '2034-06-30', recovered: 100_000, overdue: true });
    const history = (await http.get(`/audit/streams/project-${projectId}/history`, tokens.office)).body.events as { type: string; data: Record<string, unknown> }[];
    expect(history.filter((e) => e.type === 'FundRecoveryOverdue').map((e) => e.data.outstanding)).toEqual([150_000]);
    // Money returned late still counts, and ends the recovery.
    expectOk(await http.post(`/projects/${projectId}/fund-recovery/recovered`, tokens.office, { amount: 150_000, recoveredOn: '2034-07-01' }), 'the rest, late');
    expect((await http.get(`/projects/${projectId}`, tokens.office)).body.fundRecovery).toMatchObject({ recovered: 250_000, overdue: true });
  });

  it('grades each annual report; a poor year warns and caps the next year’s grants at 80%; the figures read per program, city and school, and export as CSV', async () => {
    const ids: Record<string, string> = {};
    const projectId = await select(running, clock, tokens, { programType: 'brand-major', subject: () => ({ kind: 'major', majorCode: '460302', majorName: '数控技术' }) }, 'graded-school', ids, 2035);
    await construct(running, clock, tokens, projectId, 'graded-school', 2035);
    const school = tokens['graded-school'];
    const funds = `/cycles/${ids.cycle}/funds`;
    clock.set(on('2035-12-01'));
    expectOk(await http.post(`${funds}/budget`, tokens.office, { source: 'provincial', amount: 10_000_000, reason: '专项资金' }), 'budget');
    const granted = await http.post(`${funds}/grants`, tokens.office, { projectId, year: 2035, source: 'provincial', amount: 1_000_000, reason: '2035 年度' });
    expectOk(granted, '2035 grant');
    expectOk(await http.post(`${granted.headers.get('location')}/disburse`, tokens.office, { amount: 500_000, disbursedOn: '2035-12-01' }), 'payment');
    expectOk(await http.post(`${funds}/grants`, tokens.office, { projectId, year: 2035, source: 'matching', amount: 300_000, reason: '学校配套' }), 'matching');

    clock.set(on('2036-03-01'));
    const report = await upload(running, school, '2035年度报告.pdf');
    // The report states the year's use of funds: never more than was paid from the source.
    expect(refused(await http.post(`/projects/${projectId}/annual-reports`, school, { year: 2035, report, fundsUsed: { provincial: 500_000.01 } }), 409, 'funds-used-exceed-paid').details).toEqual({
      source: 'provincial',
      paid: 500_000,
      used: 500_000.01,
    });
    expectOk(await http.post(`/projects/${projectId}/annual-reports`, school, { year: 2035, report, fundsUsed: { provincial: 300_000 } }), 'annual report');
    const evaluation = await upload(running, tokens.office, '年度绩效评价报告.pdf');
    clock.set(on('2036-04-01'));
    const grade = (body: Record<string, unknown>) => http.post(`/projects/${projectId}/annual-reports/grade`, tokens.office, { year: 2035, reason: '年度绩效评价专家组意见', report: evaluation, ...body });
    expect(refused(await grade({ grade: '优' }), 400, 'unknown-grade').details).toMatchObject({ grades: ['优秀', '良好', '通过', '不通过'] });
    refused(await http.post(`/projects/${projectId}/annual-reports/grade`, school, { year: 2035, grade: '优秀', reason: '自评', report: evaluation }), 403, 'role-not-allowed');
    const graded = await grade({ grade: '不通过' });
    expect([graded.status, graded.body.events]).toEqual([200, ['AnnualReportGraded', 'PerformanceWarningIssued', 'NextYearGrantReduced']]);
    refused(await grade({ grade: '良好' }), 409, 'annual-report-already-graded');

    // 2036's public grants: at most 80% of 2035's 1,000,000; the school's matching funds as before.
    const grant2036 = (amount: number, source = 'provincial') => http.post(`${funds}/grants`, tokens.office, { projectId, year: 2036, source, amount, reason: '2036 年度' });
    expect(refused(await grant2036(800_000.01), 409, 'grant-reduced').details).toMatchObject({ year: 2036, percent: 20, previousYear: 1_000_000, cap: 800_000 });
    expectOk(await grant2036(800_000), '2036 grant within the cap');
    expectOk(await grant2036(300_000, 'matching'), '2036 matching');

    const performance = await http.get(`/performance?cycleId=${ids.cycle}`, tokens.office);
    expect(performance.body.items).toEqual([expect.objectContaining({ projectId, year: 2035, grade: '不通过', poor: true, applicantName: 'graded-school' })]);
    expect((await http.get(`/performance?cycleId=${ids.cycle}&poor=false`, tokens.office)).body.items).toEqual([]);
    expect((await http.get(`/performance?cycleId=${ids.cycle}`, school)).body.total).toBe(1);

    const byProgram = (await http.get(`/funding?cycleId=${ids.cycle}`, tokens.office)).body;
    expect(byProgram).toEqual({
      by: 'program',
      items: [
        {
          program: 'brand-major',
          budget: 10_000_000,
          granted: { central: 0, provincial: 1_800_000, matching: 600_000 },
          disbursed: { central: 0, provincial: 500_000, matching: 0 },
          used: { central: 0, provincial: 300_000, matching: 0 },
          total: { granted: 2_400_000, disbursed: 500_000 },
          projects: 1,
        },
      ],
    });
    const bySchool = (await http.get(`/funding?by=school&cycleId=${ids.cycle}`, school)).body.items;
    expect(bySchool).toEqual([expect.objectContaining({ name: 'graded-school', total: { granted: 2_400_000, disbursed: 500_000 } })]);
    expect((await http.get(`/funding?by=city&cycleId=${ids.cycle}`, tokens.recommender)).body.items).toEqual([expect.objectContaining({ city: '太原市', projects: 1 })]);
    // Another school's people see none of it; a reviewer neither.
    const other = await (await Accounts.of(running)).token({ sub: 'other-school-user', role: 'applicant', org: 'other-school' });
    expect((await http.get(`/funding?cycleId=${ids.cycle}`, other)).body.items).toEqual([]);
    expect((await http.get(`/funding?cycleId=${ids.cycle}`, tokens.reviewer1)).body.items).toEqual([]);
    refused(await http.get('/funding?by=district', tokens.office), 400, 'validation-failed');

    const csv = await http.get(`/funding?by=school&cycleId=${ids.cycle}&format=csv`, tokens.office);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent('资金-按学校.csv')}`);
    const text = String(csv.body);
    expect(text.startsWith('统一社会信用代码,单位名称,项目数,中央财政·已安排,省级财政·已安排,学校配套·已安排')).toBe(true);
    // The file starts with a byte-order mark, so a spreadsheet reads it as UTF-8.
    const bytes = Buffer.from(await (await fetch(`${running.url}/funding?by=school&cycleId=${ids.cycle}&format=csv`, { headers: { authorization: `Bearer ${tokens.office}` } })).arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(text).toContain(',graded-school,1,0,1800000,600000,0,500000,0');
  });
});
