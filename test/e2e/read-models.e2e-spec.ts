import { defaultCatalog } from '../../src/domain/catalog/program-catalog';
import { projectionsFor, ReadModels } from '../../src/infrastructure/read-models/read-models';
import { creditCodeFor } from '../support/accounts';
import { client } from '../support/http';
import { expectOk, FakeClock, on, upload } from '../support/lifecycle';
import { RunningApp, startTestApp } from '../support/test-app';

/** The daily questions of each user, answered by the read models, each filtered by who asks. */
/** The credit codes the registry holds the two schools of 太原市 under. */
const SCHOOL_A = creditCodeFor('school-a');
const SCHOOL_B = creditCodeFor('school-b');

describe('read models over HTTP, by visibility', () => {
  const clock = new FakeClock(on('2025-09-02'));
  let running: RunningApp;
  let http: ReturnType<typeof client>;
  const t: Record<string, string> = {};
  const projects: Record<string, string> = {};
  let lastPosition = '0';
  const CYCLE = 'bm-visibility';

  const post = async (path: string, token: string, body: unknown) => {
    const answer = expectOk(await http.post(path, token, body), path);
    lastPosition = answer.position ?? lastPosition;
    return answer;
  };
  const ids = (page: { items: { id?: string; projectId?: string }[] }) => page.items.map((i) => i.id ?? i.projectId).sort();

  beforeAll(async () => {
    running = await startTestApp({}, clock);
    http = client(running);
    t.office = await http.token({ sub: 'office-1', role: 'office', org: '山西省教育厅' });
    t.auditor = await http.token({ sub: 'audit-1', role: 'auditor', org: '省审计厅' });
    t.taiyuan = await http.token({ sub: 'ty', role: 'recommender', org: '太原市教育局', region: '太原市' });
    t.datong = await http.token({ sub: 'dt', role: 'recommender', org: '大同市教育局', region: '大同市' });
    t.expert1 = await http.token({ sub: 'expert-1', role: 'reviewer', org: 'university-1' });
    t.expert2 = await http.token({ sub: 'expert-2', role: 'reviewer', org: 'university-2' });
    t.expert3 = await http.token({ sub: 'expert-3', role: 'reviewer', org: 'university-3' });
    t.a = await http.token({ sub: 'a', role: 'applicant', org: 'school-a', region: '太原市' });
    t.b = await http.token({ sub: 'b', role: 'applicant', org: 'school-b', region: '太原市' });
    t.c = await http.token({ sub: 'c', role: 'applicant', org: 'school-c', region: '大同市' });

    clock.set(on('2025-09-01'));
    await post('/cycles', t.office, { id: CYCLE, programType: 'brand-major', name: '品牌专业 2025', label: '2025', opensAt: '2025-09-01T00:00:00+08:00', closesAt: '2025-09-15T00:00:00+08:00' });
    clock.set(on('2025-09-02'));
    for (const school of ['a', 'b', 'c']) {
      const drafted = await http.post('/projects', t[school], { cycleId: CYCLE, programType: 'brand-major', title: `${school} 品牌专业`, subject: { kind: 'major', majorCode: '460301', majorName: '机电一体化技术' } });
      projects[school] = drafted.headers.get('location')!.split('/').pop()!;
      const [form, authenticity, commitment] = await Promise.all(['申报书.pdf', '真实性声明.pdf', '承诺书.pdf'].map((n) => upload(running, t[school], n)));
      await post(`/projects/${projects[school]}/submit`, t[school], { applicationForm: form, declarations: { authenticity, commitment } });
    }
    clock.set(on('2025-09-20'));
    for (const [school, recommender] of [['a', 'taiyuan'], ['b', 'taiyuan'], ['c', 'datong']]) {
      await post(`/projects/${projects[school]}/formal-check`, t[recommender], { result: 'passed' });
      await post(`/projects/${projects[school]}/recommend`, t[recommender], { rank: school === 'b' ? 2 : 1 });
    }
    for (const school of ['a', 'b', 'c']) {
      for (let n = 1; n <= 3; n += 1) {
        await post(`/projects/${projects[school]}/reviewers`, t.office, { reviewerId: `expert-${n}`, reviewerOrg: `university-${n}`, declaredRelations: [] });
      }
    }
    clock.set(on('2025-10-10'));
    await post(`/projects/${projects.a}/scores`, t.expert1, { score: 88, comments: '优' });
  });
  afterAll(() => running.stop());

  it('shows each role the projects it may see', async () => {
    const seen = async (token: string) => ids((await http.get(`/projects?cycleId=${CYCLE}&after=${lastPosition}`, token)).body);
    const all = [projects.a, projects.b, projects.c].sort();
    expect(await seen(t.office)).toEqual(all);
    expect(await seen(t.auditor)).toEqual(all);
    expect(await seen(t.a)).toEqual([projects.a]);
    expect(await seen(t.taiyuan)).toEqual([projects.a, projects.b].sort());
    expect(await seen(t.datong)).toEqual([projects.c]);
    expect(await seen(t.expert1)).toEqual(all);
    const outsider = await http.token({ sub: 'expert-9', role: 'reviewer', org: 'university-9' });
    expect(await seen(outsider)).toEqual([]);
  });

  it('tells a project’s stage, applicant, last decision and reason, with filters and paging', async () => {
    const page = (await http.get(`/projects?cycleId=${CYCLE}&status=UnderReview&limit=2&offset=0&after=${lastPosition}`, t.office)).body;
    expect(page.total).toBe(3);
    expect(page.items).toHaveLength(2);
    expect(page.items[0]).toMatchObject({ cycleId: CYCLE, programType: 'brand-major', status: 'UnderReview', lastDecision: expect.any(String), overdue: [] });
    const bad = await http.get('/projects?limit=100000', t.office);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('limit');
  });

  it('answers an organisation’s portfolio to itself, the office and auditors only', async () => {
    const own = (await http.get(`/organisations/${SCHOOL_A}/portfolio?after=${lastPosition}`, t.a)).body;
    expect(ids(own.projects)).toEqual([projects.a]);
    expect((await http.get(`/organisations/${SCHOOL_A}/portfolio`, t.b)).body.code).toBe('not-own-organisation');
    expect(ids((await http.get(`/organisations/${SCHOOL_B}/portfolio`, t.office)).body.projects)).toEqual([projects.b]);
    expect(ids((await http.get(`/organisations/${SCHOOL_B}/portfolio`, t.auditor)).body.projects)).toEqual([projects.b]);
    expect((await http.get(`/organisations/${SCHOOL_A}/portfolio`, t.expert1)).status).toBe(403);
    // Recommenders, of the school's own city or another, read the project lists, not portfolios.
    for (const recommender of [t.taiyuan, t.datong]) {
      const refused = await http.get(`/organisations/${SCHOOL_A}/portfolio`, recommender);
      expect([refused.status, refused.body.code]).toEqual([403, 'role-not-allowed']);
    }
  });

  it('gives a reviewer its queue with pending and submitted scores, and no one else’s', async () => {
    const queue = (await http.get(`/reviewers/expert-1/queue?after=${lastPosition}`, t.expert1)).body;
    expect(queue).toMatchObject({ reviewerId: 'expert-1', pending: 2, submitted: 1, total: 3 });
    expect(queue.items.find((i: { projectId: string }) => i.projectId === projects.a)).toMatchObject({ state: 'submitted', score: 88 });
    // Assigned on 20 September: each score is due 14 days on, the catalog's default.
    expect(queue.items.map((i: { dueOn: string }) => i.dueOn)).toEqual(['2025-10-04', '2025-10-04', '2025-10-04']);
    expect((await http.get('/reviewers/expert-1/queue', t.expert2)).body.code).toBe('not-own-queue');
    expect((await http.get('/reviewers/expert-1/queue', t.a)).status).toBe(403);
    expect((await http.get('/reviewers/expert-2/queue', t.office)).body).toMatchObject({ pending: 3, submitted: 0 });
  });

  it('counts the cycle’s projects per stage on its dashboard', async () => {
    const dashboard = (await http.get(`/cycles/${CYCLE}/dashboard?after=${lastPosition}`, t.a)).body;
    expect(dashboard).toMatchObject({ applications: 3, quota: 200, placesTaken: 0, projectsPerStage: { UnderReview: 3 } });
  });

  it('lists the public notices open now with their projects and objection counts, never the objector', async () => {
    for (const school of ['a', 'b', 'c']) {
      for (let n = school === 'a' ? 2 : 1; n <= 3; n += 1) {
        await post(`/projects/${projects[school]}/scores`, t[`expert${n}`], { score: 80, comments: '良' });
      }
    }
    clock.set(on('2025-10-15'));
    await post(`/cycles/${CYCLE}/shortlist`, t.office, { shortlisted: [{ projectId: projects.a }, { projectId: projects.b }], notSelected: [{ projectId: projects.c, reason: '得分未达入围线' }], reason: '评审会议纪要' });
    clock.set(on('2025-10-16'));
    await post(`/cycles/${CYCLE}/open-notice`, t.office, { startsOn: '2025-10-16' });
    const evidence = await upload(running, t.c, '举报材料.pdf');
    await post(`/projects/${projects.a}/objections`, t.c, { objector: { name: '王某', contact: '13800000000' }, grounds: '申报数据不实', evidence: [evidence] });
    // The public reads the notices without signing in, the applicants named as the registry names them.
    const notices = (await http.get(`/notices?after=${lastPosition}`)).body;
    expect(notices.total).toBe(1);
    expect(notices.items[0].projects.find((p: { id: string }) => p.id === projects.a)).toMatchObject({ applicantOrg: SCHOOL_A, applicantName: 'school-a', objections: 1 });
    expect((await http.get(`/notices?after=${lastPosition}`, t.b)).body).toEqual(notices);
    expect(notices.items[0]).toMatchObject({ cycleId: CYCLE, endsOn: '2025-10-22', projectCount: 2, objections: 1 });
    expect(notices.items[0].projects.map((p: { id: string }) => p.id).sort()).toEqual([projects.a, projects.b].sort());
    expect(JSON.stringify(notices)).not.toContain('王某');
    expect(JSON.stringify((await http.get(`/projects?after=${lastPosition}`, t.auditor)).body)).not.toContain('13800000000');
  });

  it('answers the public 120 times a minute from one address, then 429 with Retry-After', async () => {
    let answered = 0;
    let refused: Awaited<ReturnType<typeof http.get>> | undefined;
    for (let i = 0; i < 130 && !refused; i += 1) {
      const answer = await http.get('/notices');
      if (answer.status === 200) answered += 1;
      else refused = answer;
    }
    // The notices test before this one asked twice already.
    expect(answered).toBe(118);
    expect([refused?.status, refused?.body.code, refused?.headers.get('content-type')]).toEqual([429, 'rate-limited', expect.stringMatching(/^application\/problem\+json/)]);
    expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('rebuilds every read model identical to the live one', async () => {
    const { db, runner } = running.app.get(ReadModels);
    await running.app.get(ReadModels).reach(BigInt(lastPosition));
    const dump = () => Object.fromEntries(projectionsFor(defaultCatalog).flatMap((p) => p.tables).map((table) => [table, db.prepare(`SELECT * FROM "${table}" ORDER BY 1, 2`).all()]));
    const live = dump();
    expect((live.project_status as unknown[]).length).toBe(3);
    await runner.rebuild();
    expect(dump()).toEqual(live);
  });

  it('lists overdue obligations by visibility (none yet)', async () => {
    const overdue = (await http.get(`/overdue?after=${lastPosition}`, t.office)).body;
    expect(overdue.projects.total).toBe(0);
    expect(overdue.enterprises.total).toBe(0);
  });
});

describe('dead-letter view', () => {
  it('is the office’s, and empty when every reaction succeeded', async () => {
    const running = await startTestApp();
    try {
      const http = client(running);
      const office = await http.token({ sub: 'o', role: 'office', org: 'dept' });
      expect((await http.get('/reactions/failures', office)).body).toEqual({ items: [], retrying: 0, dead: 0 });
      const auditor = await http.token({ sub: 'au', role: 'auditor', org: 'audit' });
      expect((await http.get('/reactions/failures', auditor)).status).toBe(403);
    } finally {
      await running.stop();
    }
  });
});

describe('enterprise registry and overdue list, by visibility', () => {
  it('shows each role the enterprises it may see', async () => {
    const clock = new FakeClock('2025-03-03T09:00:00+08:00');
    const running = await startTestApp({}, clock);
    try {
      const http = client(running);
      const as = (sub: string, role: 'applicant' | 'recommender' | 'reviewer' | 'office' | 'auditor', org: string, region?: string) =>
        http.token({ sub, role, org, ...(region ? { region } : {}) });
      const TAIYUAN_CO = '91140100MA0GRXXX15';
      const DATONG_CO = '91140200MA0HC5B3DY';
      const enterprise = (sub: string, creditCode: string, region: string) => http.token({ sub, role: 'applicant', org: creditCode, region, grants: ['enterprise-admin'] });
      const taiyuanCo = await enterprise('ty-co', TAIYUAN_CO, '太原市');
      const datongCo = await enterprise('dt-co', DATONG_CO, '大同市');
      let position = '0';
      for (const [token, creditCode, region] of [[taiyuanCo, TAIYUAN_CO, '太原市'], [datongCo, DATONG_CO, '大同市']]) {
        const document = await upload(running, token, '申报材料.pdf');
        const applied = expectOk(
          await http.post('/enterprises', token, {
            creditCode,
            name: `${region}某企业`,
            region,
            declarations: { registeredAndTaxedInProvince: true, mainBusinessNotEducation: true, noMajorAccident: true, goodCredit: true, noTaxViolation: true },
            documents: [document],
          }),
          'apply',
        );
        position = applied.position;
      }
      const seen = async (token: string) => ((await http.get(`/enterprises?after=${position}`, token)).body.items as { org: string }[]).map((e) => e.org).sort();
      expect(await seen(await as('o', 'office', 'dept'))).toEqual([TAIYUAN_CO, DATONG_CO].sort());
      expect(await seen(await as('au', 'auditor', 'audit'))).toEqual([TAIYUAN_CO, DATONG_CO].sort());
      expect(await seen(taiyuanCo)).toEqual([TAIYUAN_CO]);
      expect(await seen(await as('r', 'recommender', '大同市发展改革委', '大同市'))).toEqual([DATONG_CO]);
      expect(await seen(await as('e', 'reviewer', 'experts'))).toEqual([]);
      const filtered = (await http.get(`/enterprises?status=Submitted&region=太原市`, await as('o', 'office', 'dept'))).body;
      expect(filtered).toMatchObject({ total: 1, items: [{ org: TAIYUAN_CO, status: 'Submitted', overdue: [] }] });
      const overdue = (await http.get(`/overdue?after=${position}`, datongCo)).body;
      expect(overdue).toMatchObject({ projects: { total: 0 }, enterprises: { total: 0 } });
    } finally {
      await running.stop();
    }
  });
});
