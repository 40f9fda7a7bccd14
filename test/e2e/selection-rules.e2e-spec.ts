import { FakeClock, on } from '../support/lifecycle';
import { select, selectionTokens } from '../support/selection';
import { ProjectFlow } from '../support/project-flow';
import { RunningApp, startTestApp } from '../support/test-app';

/** The selection rules as the sources state them, over HTTP (domain.md §3). */
describe('selection rules over HTTP', () => {
  const clock = new FakeClock(on('2030-09-01'));
  let running: RunningApp;
  let flow: ProjectFlow;

  beforeAll(async () => {
    running = await startTestApp({}, clock);
    flow = await ProjectFlow.start(running, clock);
  });
  afterAll(() => running.stop());

  const reviewer = (n: number) => flow.account({ sub: `expert-${n}`, role: 'reviewer', org: `university-${n}` });

  it('shortlists only once every assigned reviewer who has not recused has scored (409 scores-outstanding), or with the office’s override and its reason', async () => {
    await flow.openCycle('scores-2030', 'brand-major', 2030);
    const school = await flow.token({ sub: 'scores-school-user', role: 'applicant', org: 'scores-school', region: '太原市' });
    const recommender = await flow.token({ sub: 'ty-1', role: 'recommender', org: '太原市教育局', region: '太原市' });
    clock.set(on('2030-09-02'));
    const projectId = await flow.draft(school, 'scores-2030', 'brand-major', '机电一体化技术品牌专业');
    const scoring = await Promise.all([1, 2, 3].map(async (n) => ({ id: (await reviewer(n)).personId, org: `university-${n}`, token: (await reviewer(n)).token })));
    await flow.review(2030, [{ id: projectId, applicant: school }], recommender, scoring);
    // A fourth expert is assigned and has not scored: the minimum of 3 is met, the panel is not complete.
    const late = await reviewer(4);
    await flow.ok(flow.http.post(`/projects/${projectId}/reviewers`, flow.office, { reviewerId: late.personId, reviewerOrg: 'university-4', declaredRelations: [] }), 'assign a fourth');

    clock.set(on('2030-10-15'));
    const decision = { shortlisted: [{ projectId }], notSelected: [], reason: '评审会议纪要' };
    const waiting = await flow.http.post('/cycles/scores-2030/shortlist', flow.office, decision);
    expect([waiting.status, waiting.body.code, waiting.body.details]).toEqual([409, 'scores-outstanding', { projectId }]);
    expect(await flow.status(projectId)).toBe('UnderReview');

    const override = '第四位专家因病未能按期评分，评审委员会同意按已有三份评分决定';
    await flow.ok(flow.http.post('/cycles/scores-2030/shortlist', flow.office, { ...decision, shortlisted: [{ projectId, scoresOverride: override }] }), 'shortlist with the override');
    expect(await flow.status(projectId)).toBe('Shortlisted');
    const history = (await flow.http.get('/audit/streams/cycle-scores-2030/history', flow.office)).body.events;
    expect(history.find((e: { type: string }) => e.type === 'ProjectShortlisted').data).toMatchObject({ projectId, scoresOverride: override });
  });

  it('files the specialty group of a college not selected itself where the cycle lets groups stand alone, and refuses it (409 parent-project-ended) where it does not', async () => {
    const college = await flow.token({ sub: 'standalone-college-user', role: 'applicant', org: 'standalone-college', region: '太原市', schoolKind: '高职' });
    await flow.openCycle('colleges-2031', 'higher-college', 2031);
    // The groups' window runs on past the colleges' selection.
    const groupWindow = { opensAt: '2031-09-01T00:00:00+08:00', closesAt: '2031-11-30T00:00:00+08:00' };
    await flow.openCycle('groups-2031', 'specialty-group', 2031, {
      ...groupWindow,
      parentCycleId: 'colleges-2031',
      rules: { specialtyGroup: { minMajors: 3, maxMajors: 5, standaloneGroups: true } },
      rulesVersion: 'specialty-group/2031-standalone',
    });
    await flow.openCycle('groups-strict-2031', 'specialty-group', 2031, { ...groupWindow, parentCycleId: 'colleges-2031' });
    clock.set(on('2031-09-02'));
    const collegeProject = await flow.draft(college, 'colleges-2031', 'higher-college', '高水平学校建设');
    const recommender = await flow.token({ sub: 'ty-1', role: 'recommender', org: '太原市教育局', region: '太原市' });
    const scoring = await Promise.all([1, 2, 3].map(async (n) => ({ id: (await reviewer(n)).personId, org: `university-${n}`, token: (await reviewer(n)).token })));
    await flow.review(2031, [{ id: collegeProject, applicant: college }], recommender, scoring);
    clock.set(on('2031-10-15'));
    await flow.ok(
      flow.http.post('/cycles/colleges-2031/shortlist', flow.office, { shortlisted: [], notSelected: [{ projectId: collegeProject, reason: '学校整体评审未入围' }], reason: '评审会议纪要' }),
      'the college not selected',
    );
    expect(await flow.status(collegeProject)).toBe('NotSelected');

    const group = (cycleId: string) => ({
      cycleId,
      programType: 'specialty-group',
      title: '智能制造专业群',
      subject: {
        kind: 'specialty-group',
        parentProjectId: collegeProject,
        groupName: '智能制造专业群',
        majors: [
          { code: '460301', name: '机电一体化技术' },
          { code: '460303', name: '工业机器人技术' },
          { code: '460305', name: '智能控制技术' },
        ],
      },
    });
    const strict = await flow.http.post('/projects', college, group('groups-strict-2031'));
    expect([strict.status, strict.body.code, strict.body.details]).toEqual([409, 'parent-project-ended', { status: 'NotSelected' }]);
    const standalone = await flow.http.post('/projects', college, group('groups-2031'));
    expect(standalone.status).toBe(201);
  });

  it('refuses a major selected in an earlier batch when its school applies again (409 already-selected); another major applies', async () => {
    const tokens = await selectionTokens(running);
    const ids: Record<string, string> = {};
    const selected = await select(running, clock, tokens, { programType: 'brand-major', subject: () => ({ kind: 'major', majorCode: '460301', majorName: '机电一体化技术' }) }, 'selected-school', ids, 2032);
    expect(await flow.status(selected)).toBe('Approved');
    await flow.openCycle('majors-2033', 'brand-major', 2033);
    clock.set(on('2033-09-02'));
    const school = tokens['selected-school'];
    const again = await flow.http.post('/projects', school, { cycleId: 'majors-2033', programType: 'brand-major', title: '再次申报', subject: { kind: 'major', majorCode: '460301', majorName: '机电一体化技术' } });
    expect([again.status, again.body.code, again.body.details]).toEqual([409, 'already-selected', { projectId: selected, cycleId: ids.cycle }]);
    const other = await flow.http.post('/projects', school, { cycleId: 'majors-2033', programType: 'brand-major', title: '另一个专业', subject: { kind: 'major', majorCode: '460303', majorName: '工业机器人技术' } });
    expect(other.status).toBe(201);
  });

  it('lets a course not selected apply again only with a statement of what changed (400 changes-statement-required), and records it', async () => {
    const school = await flow.token({ sub: 'course-school-user', role: 'applicant', org: 'course-school', region: '太原市' });
    const recommender = await flow.token({ sub: 'ty-1', role: 'recommender', org: '太原市教育局', region: '太原市' });
    const course = { kind: 'course', courseName: '数控编程与加工', classHours: 64, semestersTaught: 4 };
    await flow.openCycle('courses-2034', 'quality-course', 2034);
    clock.set(on('2034-09-02'));
    const first = (await flow.ok(flow.http.post('/projects', school, { cycleId: 'courses-2034', programType: 'quality-course', title: '数控编程与加工', subject: course }), 'draft the course')).headers.get('location')!.split('/').pop()!;
    const scoring = await Promise.all([1, 2, 3].map(async (n) => ({ id: (await reviewer(n)).personId, org: `university-${n}`, token: (await reviewer(n)).token })));
    await flow.review(2034, [{ id: first, applicant: school }], recommender, scoring);
    clock.set(on('2034-10-15'));
    await flow.ok(flow.http.post('/cycles/courses-2034/shortlist', flow.office, { shortlisted: [], notSelected: [{ projectId: first, reason: '评分未达入围线' }], reason: '评审会议纪要' }), 'not selected');
    expect(await flow.status(first)).toBe('NotSelected');

    await flow.openCycle('courses-2035', 'quality-course', 2035);
    clock.set(on('2035-09-02'));
    // The same course, its name spaced differently.
    const body = { cycleId: 'courses-2035', programType: 'quality-course', title: '数控编程与加工（改版）', subject: { ...course, courseName: '数控编程 与加工' } };
    const unstated = await flow.http.post('/projects', school, body);
    expect([unstated.status, unstated.body.code, unstated.body.details]).toEqual([400, 'changes-statement-required', { earlierProjectIds: [first] }]);
    const changes = '按专家意见重构课程内容，新增虚拟仿真实训模块12个，线上学习人数由800增至3200';
    const stated = await flow.ok(flow.http.post('/projects', school, { ...body, changesSinceLastApplication: changes }), 'apply again with the statement');
    const projectId = stated.headers.get('location')!.split('/').pop()!;
    const history = (await flow.http.get(`/audit/streams/project-${projectId}/history`, flow.office)).body.events;
    expect(history[0].data.reapplication).toEqual({ earlierProjectIds: [first], changes });
  });
});
