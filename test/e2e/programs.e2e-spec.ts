import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { client, HttpResult } from '../support/http';
import { FakeClock, on, upload } from '../support/lifecycle';
import { select, selectionTokens } from '../support/selection';
import { RunningApp, startTestApp } from '../support/test-app';

const cycleBody = (id: string, programType: string, quota?: number) => ({
  id,
  programType,
  name: `${programType} ${id}`,
  label: id,
  opensAt: '2027-09-01T00:00:00+08:00',
  closesAt: '2027-09-15T00:00:00+08:00',
  ...(quota === undefined ? {} : { rules: { quota }, rulesVersion: `${programType}/${id}` }),
});

const outcome = (result: HttpResult) => [result.status, result.status < 300 ? 'ok' : result.body.code];

describe('programs across their batches, on the plan’s targets', () => {
  const clock = new FakeClock(on('2027-08-01'));
  let running: RunningApp;
  let http: ReturnType<typeof client>;
  let office: string;
  let applicant: string;

  beforeAll(async () => {
    running = await startTestApp({ PROGRAM_CATALOG_FILE: '' }, clock);
    http = client(running);
    office = await http.token({ sub: 'office-1', role: 'office', org: '山西省教育厅' });
    applicant = await http.token({ sub: 'a-1', role: 'applicant', org: 'school-1', region: '太原市' });
  });
  afterAll(() => running.stop());

  it('lists the catalog’s programs with the plan’s targets (60, 10, 200, 200; none for groups and enterprises)', async () => {
    const programs = await http.get('/programs', applicant);
    expect(programs.status).toBe(200);
    const targets = Object.fromEntries(programs.body.items.map((p: { code: string; target: number | null }) => [p.code, p.target]));
    expect(targets).toEqual({ 'secondary-school': 60, 'higher-college': 10, 'specialty-group': null, 'brand-major': 200, 'quality-course': 200, enterprise: null });
  });

  it('refuses a batch whose quota would give more places than the target (409 program-target-exceeded), writing no cycle; the office raises the target with a reason', async () => {
    expect(outcome(await http.post('/cycles', office, cycleBody('bm-a', 'brand-major', 150)))).toEqual([201, 'ok']);
    // The catalog's default quota is the full target: a second batch left at the default does not fit.
    const over = await http.post('/cycles', office, cycleBody('bm-b', 'brand-major'));
    expect(outcome(over)).toEqual([409, 'program-target-exceeded']);
    expect(over.body.details).toEqual({ target: 200, given: 150, quota: 200, left: 50 });
    expect((await http.get('/cycles/bm-b', office)).status).toBe(404);
    expect(outcome(await http.post('/cycles', office, cycleBody('bm-b', 'brand-major', 50)))).toEqual([201, 'ok']);
    expect(outcome(await http.post('/cycles', office, cycleBody('bm-c', 'brand-major', 1)))).toEqual([409, 'program-target-exceeded']);

    expect(outcome(await http.post('/programs/brand-major/raise-target', applicant, { target: 250, reason: '扩大' }))).toEqual([403, 'role-not-allowed']);
    expect(outcome(await http.post('/programs/brand-major/raise-target', office, { target: 180, reason: '缩小' }))).toEqual([400, 'target-not-raised']);
    expect(outcome(await http.post('/programs/brand-major/raise-target', office, { target: 250 }))).toEqual([400, 'validation-failed']);
    expect(outcome(await http.post('/programs/specialty-group/raise-target', office, { target: 30, reason: '扩大' }))).toEqual([409, 'program-without-target']);
    expect(outcome(await http.post('/programs/no-such/raise-target', office, { target: 30, reason: '扩大' }))).toEqual([404, 'unknown-program-type']);
    expect(outcome(await http.post('/programs/brand-major/raise-target', office, { target: 250, reason: '省政府同意扩大品牌专业建设规模' }))).toEqual([200, 'ok']);
    expect(outcome(await http.post('/cycles', office, cycleBody('bm-c', 'brand-major', 50)))).toEqual([201, 'ok']);

    const dashboard = await http.get('/programs/brand-major', office);
    expect(dashboard.body).toMatchObject({ code: 'brand-major', target: 250, catalogTarget: 200, quotasGiven: 250, placesLeft: 0 });
    expect(dashboard.body.cycles.map((c: { id: string; quota: number }) => [c.id, c.quota]).sort()).toEqual([['bm-a', 150], ['bm-b', 50], ['bm-c', 50]]);
    const history = (await http.get('/audit/streams/program-brand-major/history', office)).body.events;
    expect(history.map((e: { type: string }) => e.type)).toEqual(['QuotaAllocated', 'QuotaAllocated', 'ProgramTargetRaised', 'QuotaAllocated']);
    expect(history[2].data).toMatchObject({ from: 200, to: 250, reason: '省政府同意扩大品牌专业建设规模' });
  });

  it('gives a target’s last places to one of several batches opened at once', async () => {
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => http.post('/cycles', office, cycleBody(`ss-${n}`, 'secondary-school', 40))));
    const tally = results.map(outcome).map(String).sort();
    expect(tally).toEqual(['201,ok', '409,program-target-exceeded', '409,program-target-exceeded', '409,program-target-exceeded', '409,program-target-exceeded']);
    const dashboard = (await http.get('/programs/secondary-school', office)).body;
    expect([dashboard.quotasGiven, dashboard.placesLeft]).toEqual([40, 20]);
  });

  it('counts a program’s projects approved, accredited and revoked across its batches', async () => {
    const tokens = await selectionTokens(running);
    const ids: Record<string, string> = {};
    const projectId = await select(running, clock, tokens, { programType: 'quality-course', subject: () => ({ kind: 'course', courseName: 'PLC 编程与应用', classHours: 48, semestersTaught: 3 }) }, 'course-school', ids, 2027);
    expect((await http.get('/programs/quality-course', office)).body.projects).toEqual({ approved: 1, accredited: 0, revoked: 0 });
    const evidence = await upload(running, office, '核查报告.pdf');
    const revoked = await http.post(`/projects/${projectId}/revoke`, office, { reason: 'fraud', explanation: '申报数据造假', evidence: [evidence] });
    expect(revoked.status).toBe(200);
    const dashboard = await http.get(`/programs/quality-course?after=${revoked.body.position}`, office);
    expect(dashboard.body).toMatchObject({ target: 200, quotasGiven: 200, placesLeft: 0, projects: { approved: 1, accredited: 0, revoked: 1 } });
  });
});

describe('the built-in program types restated by the catalog file', () => {
  const folder = mkdtempSync(join(tmpdir(), 'als-catalog-'));
  const file = join(folder, 'catalog.json');
  let running: RunningApp;
  let http: ReturnType<typeof client>;
  let office: string;

  beforeAll(async () => {
    writeFileSync(
      file,
      JSON.stringify([
        { code: 'enterprise', rulesVersion: 'enterprise/2027.1', defaultRules: { certificateValidityYears: 4 } },
        { code: 'brand-major', rulesVersion: 'brand-major/2027.1', target: 300, defaultRules: { bans: { suspensionYears: 100, revocationYears: 3 } } },
      ]),
    );
    running = await startTestApp({ PROGRAM_CATALOG_FILE: file }, new FakeClock(on('2027-08-01')));
    http = client(running);
    office = await http.token({ sub: 'office-1', role: 'office', org: '山西省教育厅' });
  });
  afterAll(async () => {
    await running.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('runs new cycles and the enterprise scheme under the restated rules and their own version', async () => {
    const programs = (await http.get('/programs', office)).body.items;
    const enterprise = programs.find((p: { code: string }) => p.code === 'enterprise');
    expect(enterprise).toMatchObject({ rulesVersion: 'enterprise/2027.1', defaultRules: { certificateValidityYears: 4, disqualificationBanYears: 5 } });
    expect(programs.find((p: { code: string }) => p.code === 'brand-major')).toMatchObject({ target: 300, rulesVersion: 'brand-major/2027.1' });

    expect((await http.post('/cycles', office, cycleBody('bm-2027', 'brand-major'))).status).toBe(201);
    const cycle = (await http.get('/cycles/bm-2027', office)).body;
    expect([cycle.rulesVersion, cycle.rules.bans, cycle.rules.quota]).toEqual(['brand-major/2027.1', { suspensionYears: 100, revocationYears: 3 }, 200]);
  });
});
