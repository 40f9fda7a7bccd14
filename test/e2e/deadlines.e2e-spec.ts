import { addCalendarDays } from '../../src/domain/calendar';
import { ReadModels } from '../../src/infrastructure/read-models/read-models';
import { DeadlinesService } from '../../src/infrastructure/scheduling/deadlines.service';
import { client } from '../support/http';
import { expectOk, FakeClock, on, upload } from '../support/lifecycle';
import { construct, select, selectionTokens } from '../support/selection';
import { RunningApp, startTestApp } from '../support/test-app';

/**
 * The clock runs through whole construction and service periods while applicants miss every
 * obligation: each deadline becomes its explicit event exactly once, whatever the number of ticks.
 */
describe('deadlines through construction and service', () => {
  const clock = new FakeClock(on('2025-09-01'));
  let running: RunningApp;
  let http: ReturnType<typeof client>;
  let tokens: Record<string, string>;

  beforeAll(async () => {
    running = await startTestApp({}, clock);
    http = client(running);
    tokens = await selectionTokens(running);
  });
  afterAll(() => running.stop());

  /** Lets the read models see everything, then lets the scheduler look, twice: a second look must find nothing new. */
  async function tick() {
    const readModels = running.app.get(ReadModels);
    await readModels.reach((await readModels.store.status()).lastPosition);
    const first = await running.app.get(DeadlinesService).scheduler.tick();
    await readModels.reach((await readModels.store.status()).lastPosition);
    const second = await running.app.get(DeadlinesService).scheduler.tick();
    expect(second.filter((o) => o.status === 'fired')).toEqual([]);
    return first;
  }

  /** Moves the clock a month at a time from `from` to `to`, ticking at each step. */
  async function runMonths(from: string, to: string) {
    for (let day = from; day <= to; day = addCalendarDays(day, 30)) {
      clock.set(on(day));
      await tick();
    }
  }

  const eventsOf = async (projectId: string) => (await http.get(`/audit/streams/project-${projectId}/history`, tokens.office)).body.events as { type: string; data: any; reason: string }[];
  const count = (events: { type: string }[], type: string) => events.filter((e) => e.type === type).length;

  it('records a missed construction plan and every missed annual report once, with the rule that fired', async () => {
    const ids: Record<string, string> = {};
    const projectId = await select(running, clock, tokens, { programType: 'brand-major', subject: () => ({ kind: 'major', majorCode: '460301', majorName: '机电一体化技术' }) }, 'late-school', ids, 2025);
    const approved = (await http.get(`/projects/${projectId}`, tokens.office)).body;
    const due = approved.approval.constructionPlanDueOn as string;

    clock.set(on(due));
    await tick();
    expect(count(await eventsOf(projectId), 'ConstructionPlanOverdue')).toBe(0);
    await runMonths(addCalendarDays(due, 1), addCalendarDays(due, 40));
    let events = await eventsOf(projectId);
    expect(count(events, 'ConstructionPlanOverdue')).toBe(1);
    const overdue = events.find((e) => e.type === 'ConstructionPlanOverdue')!;
    expect(overdue.reason).toMatch(/project\.constructionPlan: due by/);
    const list = (await http.get('/overdue', tokens.office)).body;
    expect(list.projects.items.find((p: { id: string }) => p.id === projectId).overdue).toEqual(['construction-plan']);

    // The plan comes late; construction then runs three years without a single report.
    const applicant = tokens['late-school'];
    const [plan, taskBook] = await Promise.all([upload(running, applicant, '建设方案.pdf'), upload(running, applicant, '任务书.pdf')]);
    clock.set(on('2026-01-05'));
    expectOk(await http.post(`/projects/${projectId}/construction-plan`, applicant, { plan, taskBook }), 'late plan');
    clock.set(on('2026-01-10'));
    expectOk(await http.post(`/projects/${projectId}/construction-plan/accept`, tokens.office, {}), 'accept');
    await runMonths('2026-01-11', '2029-06-30');
    events = await eventsOf(projectId);
    const reports = events.filter((e) => e.type === 'AnnualReportOverdue').map((e) => e.data.year);
    expect(reports).toEqual([2026, 2027, 2028]);
    expect(count(events, 'ConstructionPlanOverdue')).toBe(1);
    const overdueNow = (await http.get('/overdue', tokens.office)).body.projects.items.find((p: { id: string }) => p.id === projectId).overdue;
    expect(overdueNow).toEqual(['annual-report 2026', 'annual-report 2027', 'annual-report 2028']);
  });

  it('records each missed yearly update of an accredited course once over its years of service', async () => {
    const ids: Record<string, string> = {};
    const program = { programType: 'quality-course', subject: () => ({ kind: 'course', courseName: 'PLC 编程与应用', classHours: 48, semestersTaught: 3 }) };
    const projectId = await select(running, clock, tokens, program, 'course-school', ids, 2030);
    await construct(running, clock, tokens, projectId, 'course-school', 2030);
    const applicant = tokens['course-school'];
    const report = await upload(running, applicant, '自评报告.pdf');
    const project = (await http.get(`/projects/${projectId}`, tokens.office)).body;
    const end = project.construction.endsOn as string;
    clock.set(on(addCalendarDays(end, 5)));
    expectOk(await http.post(`/projects/${projectId}/final-self-assessment`, applicant, { report }), 'self-assessment');
    clock.set(on(addCalendarDays(end, 20)));
    expectOk(await http.post(`/projects/${projectId}/final-evaluation`, tokens.office, { grade: '通过', findings: '完成建设任务', report }), 'evaluation');
    clock.set(on(addCalendarDays(end, 30)));
    expectOk(await http.post(`/projects/${projectId}/accredit`, tokens.office, {}), 'accredit');
    const service = (await http.get(`/projects/${projectId}`, tokens.office)).body.accreditation.service;

    await runMonths(addCalendarDays(end, 31), `${service.lastAcademicYear + 1}-10-01`);
    const events = await eventsOf(projectId);
    const years = events.filter((e) => e.type === 'CourseUpdateOverdue').map((e) => e.data.academicYear);
    expect(years).toEqual(Array.from({ length: service.lastAcademicYear - service.firstAcademicYear + 1 }, (_, i) => service.firstAcademicYear + i));
    expect(years.length).toBe(5);
  });
});
