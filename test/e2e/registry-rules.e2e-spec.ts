import { FakeClock, on } from '../support/lifecycle';
import { ProjectFlow } from '../support/project-flow';
import { RunningApp, startTestApp } from '../support/test-app';

/**
 * The registry decides what an applicant is: a school's kind says which programs it applies to, its
 * 校长/法人 signs off each submission, and its kind says which city bureau recommends it.
 */
describe('the registry in the selection', () => {
  const clock = new FakeClock(on('2026-09-01'));
  let running: RunningApp;
  let flow: ProjectFlow;

  beforeAll(async () => {
    running = await startTestApp({}, clock);
    flow = await ProjectFlow.start(running, clock);
    await flow.openCycle('secondary-2026', 'secondary-school', 2026);
    await flow.openCycle('major-2026', 'brand-major', 2026);
  });
  afterAll(() => running.stop());

  const expectRefused = (result: { status: number; headers: Headers; body: any }, status: number, code: string) => {
    expect({ status: result.status, code: result.body?.code }).toEqual({ status, code });
    expect(result.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  };

  it('takes a secondary-school application from a 中职 and a 技工学校, not from a 高职, and writes nothing for the refusal', async () => {
    const college = await flow.token({ sub: 'college-admin', role: 'applicant', org: '山西机电职业技术学院', schoolKind: '高职' });
    const before = await flow.lastPosition();
    const refused = await flow.http.post('/projects', college, flow.draftBody('secondary-2026', 'secondary-school', '高水平中职'));
    expectRefused(refused, 403, 'school-kind-not-eligible');
    expect(refused.body.details).toEqual({ schoolKind: '高职', eligible: ['中职', '技工学校'] });
    expect(await flow.lastPosition()).toBe(before);

    const technical = await flow.token({ sub: 'technical-admin', role: 'applicant', org: '山西省机电技师学院', schoolKind: '技工学校' });
    const secondary = await flow.token({ sub: 'secondary-admin', role: 'applicant', org: '太原市财贸学校', schoolKind: '中职' });
    expect(await flow.status(await flow.draft(technical, 'secondary-2026', 'secondary-school', '高水平技工学校'))).toBe('Draft');
    expect(await flow.status(await flow.draft(secondary, 'secondary-2026', 'secondary-school', '高水平中职学校'))).toBe('Draft');
  });

  it('refuses a draft from an organisation that is not a school, whatever role it holds', async () => {
    const enterprise = await flow.account({ sub: 'enterprise-admin', role: 'applicant', org: '91140100MA0GXXGM12', grants: ['enterprise-admin'] });
    expectRefused(await flow.http.post('/projects', enterprise.token, flow.draftBody('major-2026', 'brand-major', '企业的品牌专业')), 403, 'not-a-school');
  });

  it('lets the project lead draft and the 校长 sign off: the lead alone cannot submit', async () => {
    const schoolAdmin = await flow.account({ sub: 'tyvtc-admin', role: 'applicant', org: '太原旅游职业学院', schoolKind: '高职', grants: ['school-admin'] });
    const lead = await flow.token({ sub: 'tyvtc-lead', role: 'applicant', org: '太原旅游职业学院', grants: ['project-lead'], grantedBy: schoolAdmin });
    const head = await flow.token({ sub: 'tyvtc-head', role: 'applicant', org: '太原旅游职业学院', grants: ['school-head'], grantedBy: schoolAdmin });
    clock.set(on('2026-09-02'));
    const projectId = await flow.draft(lead, 'major-2026', 'brand-major', '酒店管理品牌专业');
    clock.set(on('2026-09-05'));
    const before = await flow.etag(projectId);
    const refused = await flow.submit(lead, projectId);
    expectRefused(refused, 403, 'sign-off-required');
    expect(refused.body.detail).toMatch(/校长\/法人/);
    expectRefused(await flow.submit(schoolAdmin.token, projectId), 403, 'sign-off-required');
    expect(await flow.etag(projectId)).toBe(before);
    await flow.ok(flow.submit(head, projectId), 'the head submits');
    expect(await flow.status(projectId)).toBe('Submitted');
    // A school's head signs off for their own school only.
    const otherHead = await flow.token({ sub: 'other-head', role: 'applicant', org: '太原市财贸学校' });
    const otherProject = await flow.draft(lead, 'major-2026', 'brand-major', '烹饪工艺品牌专业');
    expectRefused(await flow.submit(otherHead, otherProject), 403, 'not-own-organisation');
  });

  it('keeps a lead of one project to that project: it acts on it and reads it, and nothing else of the school', async () => {
    clock.set(on('2026-09-02'));
    const schoolAdmin = await flow.account({ sub: 'tyvtc-admin', role: 'applicant', org: '太原旅游职业学院', schoolKind: '高职', grants: ['school-admin'] });
    const mine = await flow.draft(schoolAdmin.token, 'major-2026', 'brand-major', '旅游管理品牌专业');
    const other = await flow.draft(schoolAdmin.token, 'major-2026', 'brand-major', '导游品牌专业');
    const lead = await flow.token({ sub: 'tyvtc-tourism-lead', role: 'applicant', org: '太原旅游职业学院', grants: ['project-lead'], projectId: mine, grantedBy: schoolAdmin });
    await flow.ok(flow.http.post(`/projects/${mine}/edit`, lead, { title: '旅游管理品牌专业（修订）' }), 'the lead edits its project');
    expect((await flow.http.get(`/projects/${mine}`, lead)).body.title).toBe('旅游管理品牌专业（修订）');
    const before = await flow.etag(other);
    expectRefused(await flow.http.post(`/projects/${other}/edit`, lead, { title: '别人的项目' }), 403, 'not-own-project');
    expectRefused(await flow.http.get(`/projects/${other}`, lead), 403, 'not-own-project');
    expect(await flow.etag(other)).toBe(before);
    expectRefused(await flow.http.post('/projects', lead, flow.draftBody('major-2026', 'brand-major', '另起一个')), 403, 'not-own-project');
    const listed = await flow.http.get('/projects', lead);
    expect(listed.body.items.map((p: { id: string }) => p.id)).toEqual([mine]);
    // The school's admin, whose grant is the whole school's, lists both (and the school's earlier ones).
    expect((await flow.http.get('/projects', schoolAdmin.token)).body.items.map((p: { id: string }) => p.id)).toEqual(expect.arrayContaining([mine, other]));
  });

  it('has a city’s 人社局 recommend its 技工学校 and its 教育局 every other school', async () => {
    clock.set(on('2026-09-02'));
    const technical = await flow.token({ sub: 'technical-admin', role: 'applicant', org: '山西省机电技师学院', schoolKind: '技工学校' });
    const vocational = await flow.token({ sub: 'secondary-admin', role: 'applicant', org: '太原市财贸学校', schoolKind: '中职' });
    const technicalProject = await flow.draft(technical, 'major-2026', 'brand-major', '数控加工品牌专业');
    const vocationalProject = await flow.draft(vocational, 'major-2026', 'brand-major', '会计事务品牌专业');
    clock.set(on('2026-09-05'));
    await flow.ok(flow.submit(technical, technicalProject), 'submit 技工学校');
    await flow.ok(flow.submit(vocational, vocationalProject), 'submit 中职');
    const education = await flow.token({ sub: 'ty-education', role: 'recommender', org: '太原市教育局', region: '太原市' });
    const labour = await flow.token({ sub: 'ty-labour', role: 'recommender', org: '太原市人社局', region: '太原市' });
    clock.set(on('2026-09-20'));
    for (const projectId of [technicalProject, vocationalProject]) await flow.ok(flow.http.post(`/projects/${projectId}/formal-check`, education, { result: 'passed' }), 'formal check');

    const before = await flow.etag(technicalProject);
    const wrong = await flow.http.post(`/projects/${technicalProject}/recommend`, education, { rank: 1 });
    expectRefused(wrong, 403, 'wrong-bureau');
    expect(wrong.body.details).toEqual({ expected: '人社局' });
    expectRefused(await flow.http.post(`/projects/${vocationalProject}/recommend`, labour, { rank: 1 }), 403, 'wrong-bureau');
    expect(await flow.etag(technicalProject)).toBe(before);

    await flow.ok(flow.http.post(`/projects/${technicalProject}/recommend`, labour, { rank: 1 }), '人社局 recommends the 技工学校');
    await flow.ok(flow.http.post(`/projects/${vocationalProject}/recommend`, education, { rank: 1 }), '教育局 recommends the 中职');
    expect([await flow.status(technicalProject), await flow.status(vocationalProject)]).toEqual(['Recommended', 'Recommended']);
  });

  it('lets a cycle name its own school kinds, and refuses kinds the registry does not know', async () => {
    const refused = await flow.http.post('/cycles', flow.office, {
      id: 'major-2026-bad', programType: 'brand-major', name: '品牌专业', label: '2026', opensAt: '2026-09-01T00:00:00+08:00', closesAt: '2026-09-15T00:00:00+08:00',
      rules: { schoolKinds: ['大学'] }, rulesVersion: 'brand-major/2026.x',
    });
    expectRefused(refused, 400, 'validation-failed');
    await flow.openCycle('major-2026-colleges', 'brand-major', 2026, { rules: { schoolKinds: ['高职'] }, rulesVersion: 'brand-major/2026.colleges' });
    const vocational = await flow.token({ sub: 'secondary-admin', role: 'applicant', org: '太原市财贸学校', schoolKind: '中职' });
    expectRefused(await flow.http.post('/projects', vocational, flow.draftBody('major-2026-colleges', 'brand-major', '只收高职')), 403, 'school-kind-not-eligible');
  });
});
