import { addCalendarDays } from '../../src/domain/calendar';
import { defaultCatalog, isProjectProgramType } from '../../src/domain/catalog/program-catalog';
import { addMonthsOn } from '../../src/domain/project/project.decider';
import { client } from '../support/http';
import { expectOk, FakeClock, on, upload } from '../support/lifecycle';
import { ProjectFlow } from '../support/project-flow';
import { construct, Program, select, selectionTokens } from '../support/selection';
import { RunningApp, startTestApp } from '../support/test-app';

/**
 * Every school-side program played through HTTP alone, each step by the role that owns it: from
 * application to accreditation, and to revocation with fund recovery.
 */
describe('project lifecycles over HTTP', () => {
  const clock = new FakeClock(on('2025-09-01'));
  let running: RunningApp;
  let http: ReturnType<typeof client>;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    running = await startTestApp({}, clock);
    http = client(running);
    Object.assign(tokens, await selectionTokens(running));
  });
  afterAll(() => running.stop());

  const post = async (path: string, token: string, body: unknown, step = path) => expectOk(await http.post(path, token, body), step);
  const status = async (projectId: string) => (await http.get(`/projects/${projectId}`, tokens.office)).body.status as string;

  type Walk = Program;

  const WALKS: Walk[] = [
    { programType: 'secondary-school', subject: () => ({ kind: 'school' }) },
    { programType: 'higher-college', subject: () => ({ kind: 'school' }) },
    {
      programType: 'specialty-group',
      parentCycle: 'higher-college',
      subject: (ids) => ({
        kind: 'specialty-group',
        parentProjectId: ids.parent,
        groupName: '智能制造专业群',
        majors: [
          { code: '460301', name: '机电一体化技术' },
          { code: '460303', name: '工业机器人技术' },
          { code: '460305', name: '智能控制技术' },
        ],
      }),
    },
    { programType: 'brand-major', subject: () => ({ kind: 'major', majorCode: '460301', majorName: '机电一体化技术' }) },
    { programType: 'quality-course', subject: () => ({ kind: 'course', courseName: 'PLC 编程与应用', classHours: 48, semestersTaught: 3 }) },
  ];

  const selectIn = (walk: Walk, school: string, ids: Record<string, string>, year: number) => select(running, clock, tokens, walk, school, ids, year);
  const constructIn = async (projectId: string, school: string, year: number) => {
    const start = await construct(running, clock, tokens, projectId, school, year);
    expect(await status(projectId)).toBe('UnderConstruction');
    return start;
  };

  it.each(WALKS.map((w) => [w.programType, w] as const))('walks a %s project from application to accreditation', async (_name, walk) => {
    const ids: Record<string, string> = {};
    const school = `school-${walk.programType}`;
    if (walk.parentCycle) {
      // A specialty group is applied for by the college whose project it belongs to.
      ids.parent = await selectIn(WALKS[1], school, ids, 2025);
      ids.parentCycle = ids.cycle;
    }
    const projectId = await selectIn(walk, school, ids, 2025);
    expect(await status(projectId)).toBe('Approved');
    const start = await constructIn(projectId, school, 2025);
    const rules = defaultCatalog[walk.programType];
    if (!isProjectProgramType(rules)) throw new Error('not a project program');
    const applicant = tokens[school];
    const report = await upload(running, applicant, '年度报告.pdf');

    clock.set(on('2026-03-01'));
    await post(`/projects/${projectId}/annual-reports`, applicant, { year: 2025, report }, 'annual report');
    clock.set(on(addCalendarDays(addMonthsOn(start, rules.defaultRules.midtermAfterMonths), 5)));
    await post(
      `/projects/${projectId}/midterm-evaluation`,
      tokens.office,
      {
        findings: { targetsAndTasks: '按期推进', useOfFunds: '合规', results: '显著', impact: '良好' },
        grade: rules.defaultRules.gradeScale.passing[0],
        tasksCompletedPercent: 60,
        report,
      },
      'midterm',
    );
    const end = addMonthsOn(start, rules.defaultRules.constructionMonths);
    clock.set(on(addCalendarDays(end, 5)));
    await post(`/projects/${projectId}/final-self-assessment`, applicant, { report }, 'self-assessment');
    clock.set(on(addCalendarDays(end, 20)));
    await post(`/projects/${projectId}/final-evaluation`, tokens.office, { grade: rules.defaultRules.gradeScale.passing[0], findings: '完成建设任务', report }, 'final evaluation');
    clock.set(on(addCalendarDays(end, 30)));
    await post(`/projects/${projectId}/accredit`, tokens.office, {}, 'accredit');
    expect(await status(projectId)).toBe('Accredited');

    const history = await http.get(`/audit/streams/project-${projectId}/history`, tokens.office);
    const types = history.body.events.map((e: { type: string }) => e.type);
    expect(types).toEqual(expect.arrayContaining(['ApplicationDrafted', 'SelectionRecorded', 'PublicNoticeRecorded', 'ProjectApproved', 'ProjectAccredited']));
    expect((await http.get(`/audit/verify?stream=project-${projectId}`, tokens.office)).body.ok).toBe(true);
  });

  it.each(WALKS.filter((w) => !w.parentCycle).map((w) => [w.programType, w] as const))(
    'walks a %s project to revocation with fund recovery',
    async (_name, walk) => {
      const ids: Record<string, string> = {};
      const school = `revoked-${walk.programType}`;
      const projectId = await selectIn(walk, school, ids, 2027);
      await constructIn(projectId, school, 2027);
      // The cycle's provincial funds: a budget, a grant and its first payment, which a recovery may order back.
      clock.set(on('2027-12-01'));
      await post(`/cycles/${ids.cycle}/funds/budget`, tokens.office, { source: 'provincial', amount: 2_000_000, reason: '省级专项资金' }, 'budget');
      const granted = await http.post(`/cycles/${ids.cycle}/funds/grants`, tokens.office, { projectId, year: 2027, source: 'provincial', amount: 1_000_000, reason: '2027 年度建设资金' });
      expect(granted.status).toBe(201);
      const grantId = granted.headers.get('location')!.split('/').pop()!;
      await post(`/cycles/${ids.cycle}/funds/grants/${grantId}/disburse`, tokens.office, { amount: 600_000, disbursedOn: '2027-12-01' }, 'disburse');
      const evidence = await upload(running, tokens.office, '核查报告.pdf');
      clock.set(on('2028-05-01'));
      await post(`/projects/${projectId}/revoke`, tokens.office, { reason: 'fraud', explanation: '年度报告数据造假', evidence: [evidence] }, 'revoke');
      expect(await status(projectId)).toBe('Revoked');
      await post(`/projects/${projectId}/fund-recovery`, tokens.office, { amount: 500000, deadline: '2028-08-01', reason: '收回剩余建设资金' }, 'fund recovery');
      const project = (await http.get(`/projects/${projectId}`, tokens.office)).body;
      expect(project.fundRecovery).toMatchObject({ amount: 500000 });
      expect(project.ban).not.toBeNull();
    },
  );

  it('bars a school whose project was graded 差 from the program’s next cycle (409 applicant-banned, naming the grade and the project), not from the one after', async () => {
    const walk = WALKS[0];
    const school = 'barred-school';
    const ids: Record<string, string> = {};
    const projectId = await selectIn(walk, school, ids, 2029);
    const start = await constructIn(projectId, school, 2029);
    const applicant = tokens[school];
    const report = await upload(running, applicant, '验收报告.pdf');
    const end = addMonthsOn(start, 36);
    clock.set(on(addCalendarDays(end, 5)));
    await post(`/projects/${projectId}/final-self-assessment`, applicant, { report }, 'self-assessment');
    clock.set(on(addCalendarDays(end, 20)));
    await post(`/projects/${projectId}/final-evaluation`, tokens.office, { grade: '差', findings: '建设任务大部分未完成', report }, 'final evaluation');
    expect(await status(projectId)).toBe('Failed');

    const flow = await ProjectFlow.start(running, clock);
    await flow.openCycle('secondary-school-2033', 'secondary-school', 2033);
    await flow.openCycle('secondary-school-2034', 'secondary-school', 2034);
    clock.set(on('2033-09-02'));
    const refused = await http.post('/projects', applicant, flow.draftBody('secondary-school-2033', 'secondary-school', '再次申报'));
    expect([refused.status, refused.body.code]).toEqual([409, 'applicant-banned']);
    expect(refused.body.details).toEqual({ cycleId: 'secondary-school-2033', grade: '差', projectId });
    expect(refused.body.detail).toContain('差');
    clock.set(on('2034-09-02'));
    expect((await http.post('/projects', applicant, flow.draftBody('secondary-school-2034', 'secondary-school', '整改后申报'))).status).toBe(201);
  });
});
