import { randomUUID } from 'node:crypto';
import { creditCodeFor } from '../support/accounts';
import { rmSync } from 'node:fs';
import { addCalendarDays } from '../../src/domain/calendar';
import { defaultCatalog, isProjectProgramType } from '../../src/domain/catalog/program-catalog';
import { addMonthsOn } from '../../src/domain/project/project.decider';
import { EVENT_STORE } from '../../src/application/event-store';
import { ReadModels } from '../../src/infrastructure/read-models/read-models';
import { ReactorService } from '../../src/infrastructure/reactor/reactor.service';
import { EsdbTestServer } from '../support/esdb-test-server';
import { client } from '../support/http';
import { expectOk, FakeClock, on, upload } from '../support/lifecycle';
import { RunningApp, startTestApp } from '../support/test-app';

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The places of a walk where the drop-and-resume test breaks the server's subscriptions. */
type Step = 'submitted' | 'reviewed' | 'shortlisted' | 'notice-opened' | 'approved' | 'constructing' | 'evaluated';

/**
 * The whole service — command path, read models, reactor and audit API — on the EventStoreDB adapter,
 * against the in-process Streams API server (test/support/esdb-test-server.ts), played over HTTP.
 */
describe.each([true, false])('the service on EventStoreDB (in-process Streams API server, batch append %s)', (batchAppend) => {
  const clock = new FakeClock(on('2025-09-01'));
  let server: EsdbTestServer | undefined;
  let running: RunningApp | undefined;
  let http: ReturnType<typeof client>;
  const tokens: Record<string, string> = {};
  const rules = (() => {
    const catalogued = defaultCatalog['brand-major'];
    if (!isProjectProgramType(catalogued)) throw new Error('brand-major is a project program');
    return catalogued;
  })();

  /** A shutdown that never ends fails its test instead of holding jest. */
  const SHUTDOWN_BOUND_MS = 10_000;
  let stopped = false;
  const bounded = <T>(promise: Promise<T>, ms: number, what: string) =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${what}: not done after ${ms} ms`)), ms);
      promise.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });

  beforeAll(async () => {
    server = await EsdbTestServer.start({ batchAppend });
    running = await startTestApp(
      { EVENT_STORE: 'esdb', EVENTSTORE_CONNECTION_STRING: server.connectionString, ...(process.env.E2E_LOG_LEVEL ? { LOG_LEVEL: process.env.E2E_LOG_LEVEL } : {}) },
      clock,
    );
    http = client(running);
    tokens.office = await http.token({ sub: 'office-1', role: 'office', org: '山西省教育厅' });
    tokens.auditor = await http.token({ sub: 'audit-1', role: 'auditor', org: '省审计厅' });
    tokens.recommender = await http.token({ sub: 'ty-1', role: 'recommender', org: '太原市教育局', region: '太原市' });
    for (let n = 1; n <= 3; n += 1) tokens[`reviewer${n}`] = await http.token({ sub: `expert-${n}`, role: 'reviewer', org: `university-${n}` });
  });
  afterAll(async () => {
    // The app first: its shutdown stops the projection runner and the reactor and disposes the ESDB
    // client; then the server, whatever happened, which also frees the client's channel.
    try {
      if (running && !stopped) await bounded(running.stop(), SHUTDOWN_BOUND_MS, 'the app to stop');
    } finally {
      if (running) rmSync(running.config.dataDir, { recursive: true, force: true });
      await server?.stop();
    }
  });

  /** Each command's answer: its position, and how many subscriptions the server had seen start by then. */
  const answered: { position: bigint; starts: number }[] = [];
  /**
   * While `retrying` is on, each command carries an Idempotency-Key and is sent again after a 500: the
   * answer to a call that raced the client's channel reset after a drop (see the last tests); its
   * events' ids derive from the key, so a retry never writes twice.
   */
  const retrying = { on: false, retries: 0 };
  const post = async (path: string, token: string, body: unknown, step = path) => {
    const key = randomUUID();
    let result = await http.post(path, token, body, retrying.on ? { 'idempotency-key': key } : undefined);
    for (let attempt = 1; retrying.on && result.status === 500 && attempt <= 3; attempt += 1) {
      retrying.retries += 1;
      result = await http.post(path, token, body, { 'idempotency-key': key });
    }
    const answer = expectOk(result, step);
    if (answer?.position) answered.push({ position: BigInt(answer.position), starts: server!.subscriptionStarts.length });
    return answer;
  };
  const storePosition = async () => {
    const health = (await http.get('/health')).body;
    return health.store.lastPosition as string;
  };

  /** One brand-major project from application to accreditation, each step by its owner; `at` runs between steps. */
  async function walk(school: string, year: number, at: (step: Step) => Promise<void> = async () => undefined) {
    const cycleId = `brand-major-${school}-${year}`;
    const applicant = await http.token({ sub: `${school}-user`, role: 'applicant', org: school, region: '太原市' });
    clock.set(on(`${year}-09-01`));
    await post('/cycles', tokens.office, {
      id: cycleId,
      programType: 'brand-major',
      name: `品牌专业 ${year}`,
      label: String(year),
      opensAt: `${year}-09-01T00:00:00+08:00`,
      closesAt: `${year}-09-15T00:00:00+08:00`,
    });
    clock.set(on(`${year}-09-02`));
    const drafted = await http.post('/projects', applicant, { cycleId, programType: 'brand-major', title: `${school} 机电一体化技术`, subject: { kind: 'major', majorCode: '460301', majorName: '机电一体化技术' } });
    expectOk(drafted, 'draft');
    const projectId = drafted.headers.get('location')!.split('/').pop()!;
    const [form, authenticity, commitment] = await Promise.all(['申报书.pdf', '真实性声明.pdf', '承诺书.pdf'].map((n) => upload(running!, applicant, n)));
    clock.set(on(`${year}-09-05`));
    await post(`/projects/${projectId}/submit`, applicant, { applicationForm: form, declarations: { authenticity, commitment } });
    await at('submitted');
    clock.set(on(`${year}-09-20`));
    await post(`/projects/${projectId}/formal-check`, tokens.recommender, { result: 'passed' });
    await post(`/projects/${projectId}/recommend`, tokens.recommender, { rank: 1 });
    for (let n = 1; n <= 3; n += 1) {
      await post(`/projects/${projectId}/reviewers`, tokens.office, { reviewerId: `expert-${n}`, reviewerOrg: `university-${n}`, declaredRelations: [] });
    }
    clock.set(on(`${year}-10-10`));
    for (let n = 1; n <= 3; n += 1) await post(`/projects/${projectId}/scores`, tokens[`reviewer${n}`], { score: 80 + n, comments: `评审意见 ${n}` });
    await at('reviewed');
    clock.set(on(`${year}-10-15`));
    await post(`/cycles/${cycleId}/shortlist`, tokens.office, { shortlisted: [{ projectId }], notSelected: [], reason: '评审会议纪要' });
    await at('shortlisted');
    clock.set(on(`${year}-10-16`));
    await post(`/cycles/${cycleId}/open-notice`, tokens.office, { startsOn: `${year}-10-16` });
    await at('notice-opened');
    const noticeId = (await http.get(`/cycles/${cycleId}`, tokens.office)).body.selections[projectId].noticeId;
    clock.set(on(`${year}-10-31`));
    await post(`/cycles/${cycleId}/end-notice`, tokens.office, { noticeId });
    await post(`/cycles/${cycleId}/approve`, tokens.office, { projectIds: [projectId], reason: '公示无异议，予以立项' });
    await at('approved');

    const [plan, taskBook] = await Promise.all([upload(running!, applicant, '建设方案.pdf'), upload(running!, applicant, '任务书.pdf')]);
    clock.set(on(`${year}-11-10`));
    await post(`/projects/${projectId}/construction-plan`, applicant, { plan, taskBook }, 'plan');
    clock.set(on(`${year}-11-20`));
    await post(`/projects/${projectId}/construction-plan/accept`, tokens.office, {}, 'accept plan');
    await at('constructing');
    const start = `${year}-11-20`;
    const report = await upload(running!, applicant, '年度报告.pdf');
    clock.set(on(`${year + 1}-03-01`));
    await post(`/projects/${projectId}/annual-reports`, applicant, { year, report }, 'annual report');
    clock.set(on(addCalendarDays(addMonthsOn(start, rules.defaultRules.midtermAfterMonths), 5)));
    const grade = rules.defaultRules.gradeScale.passing[0];
    await post(
      `/projects/${projectId}/midterm-evaluation`,
      tokens.office,
      { findings: { targetsAndTasks: '按期推进', useOfFunds: '合规', results: '显著', impact: '良好' }, grade, tasksCompletedPercent: 60, report },
      'midterm',
    );
    await at('evaluated');
    const end = addMonthsOn(start, rules.defaultRules.constructionMonths);
    clock.set(on(addCalendarDays(end, 5)));
    await post(`/projects/${projectId}/final-self-assessment`, applicant, { report }, 'self-assessment');
    clock.set(on(addCalendarDays(end, 20)));
    await post(`/projects/${projectId}/final-evaluation`, tokens.office, { grade, findings: '完成建设任务', report }, 'final evaluation');
    clock.set(on(addCalendarDays(end, 30)));
    await post(`/projects/${projectId}/accredit`, tokens.office, {}, 'accredit');
    return { projectId, cycleId, school };
  }

  /** The read models and the reactor at the store's last position, and one project's stream as the audit API gives it. */
  async function checkAt(walked: { projectId: string; cycleId: string; school: string }) {
    const { projectId, cycleId, school } = walked;
    const last = await storePosition();
    expect(last).toMatch(/^\d+$/);

    const dashboard = await http.get(`/cycles/${cycleId}/dashboard?after=${last}`, tokens.office);
    expect(dashboard.status).toBe(200);
    expect(dashboard.body).toMatchObject({ id: cycleId, programType: 'brand-major', applications: 1, approved: 1, placesTaken: 1, projectsPerStage: { Accredited: 1 } });

    const history = await http.get(`/audit/streams/project-${projectId}/history`, tokens.auditor);
    expect(history.status).toBe(200);
    const types: string[] = history.body.events.map((e: { type: string }) => e.type);
    expect(types).toEqual(expect.arrayContaining(['ApplicationDrafted', 'ApplicationSubmitted', 'SelectionRecorded', 'PublicNoticeRecorded', 'ProjectApproved', 'ProjectAccredited']));
    // Each cross-stream effect once: carried inline by the command and again by the reactor, written once.
    const count = (type: string) => types.filter((t) => t === type).length;
    expect(count('SelectionRecorded')).toBe(1);
    expect(count('PublicNoticeRecorded')).toBe(1);
    expect(count('ProjectApproved')).toBe(1);
    expect(count('ProjectAccredited')).toBe(1);
    const revisions = history.body.events.map((e: { revision: number }) => e.revision);
    expect(revisions).toEqual(revisions.map((_: number, i: number) => i));

    // The project read model holds the stream's last revision: no event skipped, none applied twice.
    const listed = (await http.get(`/projects?cycleId=${cycleId}&after=${last}`, tokens.office)).body;
    expect(listed.total).toBe(1);
    expect(listed.items[0]).toMatchObject({ id: projectId, status: 'Accredited', applicantOrg: creditCodeFor(school), revision: revisions.length - 1 });

    const readModels = running!.app.get(ReadModels);
    const reactor = running!.app.get(ReactorService).reactor;
    expect(readModels.runner.position?.toString()).toBe(last);
    await until(() => reactor.checkpoint?.toString() === last, `the reactor's checkpoint at ${last}`);
    expect((await http.get('/reactions/failures', tokens.office)).body).toEqual({ items: [], retrying: 0, dead: 0 });
    return { last, types };
  }

  it('answers /health with the esdb adapter', async () => {
    const health = await http.get('/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', store: { adapter: 'esdb', ok: true } });
  });

  it('walks a brand-major project from application to accreditation: read models, reactor and audit on esdb', async () => {
    const walked = await walk('esdb-school', 2025);
    const { last } = await checkAt(walked);

    const verified = await http.get('/audit/verify', tokens.auditor);
    expect(verified.status).toBe(200);
    expect(verified.body.ok).toBe(true);
    expect((await http.get(`/audit/verify?stream=project-${walked.projectId}`, tokens.auditor)).body.ok).toBe(true);
    expect((await http.get(`/audit/verify?stream=cycle-${walked.cycleId}`, tokens.auditor)).body.ok).toBe(true);

    const health = (await http.get('/health')).body;
    expect(health).toMatchObject({ status: 'ok', store: { adapter: 'esdb', ok: true, lastPosition: last }, projections: { checkpoint: last, caughtUp: true } });
  });

  it('resumes the projections and the reactor after the server drops their subscriptions, with no gap and no duplicate', async () => {
    const starts = server!.subscriptionStarts;
    await until(() => server!.liveSubscriptions === 2, 'the projection runner and the reactor subscribed');
    const before = starts.length;
    /** For each drop: how many subscription starts the server had seen, and how many commands had answered. */
    const drops: { starts: number; answered: number }[] = [];
    const drop = async (step: Step) => {
      // Both subscriptions back from the previous drop before the next one.
      await until(() => starts.length >= before + drops.length * 2 && server!.liveSubscriptions === 2, `both subscriptions back before dropping at ${step}`);
      expect(server!.dropSubscriptions()).toBe(2);
      drops.push({ starts: starts.length, answered: answered.length });
      // At once, a command of its own (a cycle of another program): the adapter resubscribes after
      // 100 ms, so it is written while nothing listens and the resumed subscriptions must catch up
      // with it. The walk's next commands follow.
      const n = drops.length;
      await post('/cycles', tokens.office, { id: `quality-course-gap-${n}`, programType: 'quality-course', name: `精品课程 ${n}`, label: `gap ${n}`, opensAt: '2040-09-01T00:00:00+08:00', closesAt: '2040-09-15T00:00:00+08:00' }, `cycle written in drop ${n}`);
    };
    retrying.on = true;
    let walked: Awaited<ReturnType<typeof walk>>;
    try {
      // Dropped before and after each decision a reaction carries to the project, and mid-construction.
      walked = await walk('dropped-school', 2027, async (step) => {
        if (step !== 'submitted') await drop(step);
      });
    } finally {
      retrying.on = false;
    }
    await until(() => starts.length >= before + drops.length * 2 && server!.liveSubscriptions === 2, 'both subscriptions back after the last drop');
    expect(drops).toHaveLength(6);
    expect(starts).toHaveLength(before + drops.length * 2);
    // Each resubscription started after the last event it had taken, never from the beginning again.
    expect(starts.slice(before).every((s) => typeof s === 'bigint')).toBe(true);
    // Commands were written and answered while the subscriptions were down (before either came back).
    const writtenWhileDown = drops.filter((d) => answered[d.answered].starts === d.starts);
    expect(writtenWhileDown.length).toBeGreaterThanOrEqual(1);

    const { last } = await checkAt(walked);

    // The whole log through the audit API: each event once, in one growing order, its chain intact.
    const exported = await fetch(`${running!.url}/audit/export`, { headers: { authorization: `Bearer ${tokens.auditor}` } });
    const events = (await exported.text())
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { id: string; stream: string; type: string; position: string });
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    const positions = events.map((e) => BigInt(e.position));
    expect(positions.every((p, i) => i === 0 || p > positions[i - 1])).toBe(true);
    expect(events[events.length - 1].position).toBe(last);
    for (const type of ['SelectionRecorded', 'PublicNoticeRecorded', 'ProjectApproved']) {
      const perProject = events.filter((e) => e.type === type).map((e) => e.stream);
      expect(perProject.sort()).toEqual(expect.arrayContaining([`project-${walked.projectId}`]));
      expect(new Set(perProject).size).toBe(perProject.length);
    }
    expect((await http.get('/audit/verify', tokens.auditor)).body.ok).toBe(true);

    // The brand-major cycles on the dashboards list, each with its one project, and every cycle written
    // during a drop.
    const cycles = (await http.get(`/cycles?programType=brand-major&after=${last}`, tokens.office)).body;
    expect(cycles.items.map((c: { id: string }) => c.id)).toContain(walked.cycleId);
    expect(cycles.items.every((c: { approved: number; placesTaken: number }) => c.approved === 1 && c.placesTaken === 1)).toBe(true);
    const gapCycles = (await http.get(`/cycles?programType=quality-course&limit=50&after=${last}`, tokens.office)).body;
    expect(gapCycles.items.map((c: { id: string }) => c.id).sort()).toEqual(drops.map((_, i) => `quality-course-gap-${i + 1}`).sort());
    expect(gapCycles.items.every((c: { revision: number; applications: number }) => c.revision === 0 && c.applications === 0)).toBe(true);
  });

  it('answers queries that race the client\'s channel reset after a subscription drop', async () => {
    // @eventstore/db-client closes its one shared gRPC channel when any call ends UNAVAILABLE or
    // CANCELLED — a subscription the server drops included — and a call started on that channel
    // meanwhile fails with "14 UNAVAILABLE: Channel closed before call started". The adapter sends such
    // a call once more; no query or command may answer 500.
    const cycleId = 'brand-major-esdb-school-2025';
    const starts = server!.subscriptionStarts;
    let expected = starts.length;
    const failures: string[] = [];
    for (let round = 0; round < 6; round += 1) {
      // Both open: the projection runner's and the reactor's.
      await until(() => starts.length >= expected && server!.liveSubscriptions === 2, 'both subscriptions open');
      expect(server!.dropSubscriptions()).toBe(2);
      expected += 2;
      // Reads spread over the first 12 ms after the drop, while the client learns of it.
      const answers = await Promise.all(
        Array.from({ length: 12 }, async (_, i) => {
          if (i > 0) await sleep(i);
          return http.get(`/cycles/${cycleId}`, tokens.office);
        }),
      );
      for (const answer of answers) if (answer.status >= 500) failures.push(`round ${round}: ${answer.status} ${answer.body?.code}`);
    }
    await until(() => starts.length >= expected && server!.liveSubscriptions === 2, 'both subscriptions back');
    expect(failures).toEqual([]);
  });

  it('answers 503 store-unavailable while an election outlasts the append budget, and writes again after it', async () => {
    // The service's adapter keeps its 10 s budget; the test shortens it on the instance.
    const store = running!.app.get(EVENT_STORE) as unknown as { retryBudgetMs: number };
    const budget = store.retryBudgetMs;
    store.retryBudgetMs = 300;
    const cycle = (n: string) => ({ id: `quality-course-election-${n}`, programType: 'quality-course', name: `精品课程 ${n}`, label: n, opensAt: '2041-09-01T00:00:00+08:00', closesAt: '2041-09-15T00:00:00+08:00' });
    try {
      server!.startElection();
      const refused = await http.post('/cycles', tokens.office, cycle('during'));
      expect(refused.status).toBe(503);
      expect(refused.body).toMatchObject({ code: 'store-unavailable' });
      expect((await http.get('/health')).body.store.ok).toBe(true); // reads go on during an election
      server!.electLeader(0);
      expectOk(await http.post('/cycles', tokens.office, cycle('during')), 'the same command after the election');
      expect((await http.get(`/cycles/quality-course-election-during`, tokens.office)).status).toBe(200);
    } finally {
      server!.electLeader(0);
      store.retryBudgetMs = budget;
    }
  });

  it("says in /health that the event store's clock is far ahead, and goes on writing", async () => {
    server!.clockOffsetMs = 20_000; // this machine's clock 20 s behind the server's: past the 10 s append deadline
    try {
      await post('/cycles', tokens.office, { id: 'quality-course-skew', programType: 'quality-course', name: '精品课程 skew', label: 'skew', opensAt: '2042-09-01T00:00:00+08:00', closesAt: '2042-09-15T00:00:00+08:00' }, 'a cycle with the clocks apart');
      await until(async () => (await http.get('/health')).body.store.clockSkewMs !== undefined, 'the skew in /health');
      const health = (await http.get('/health')).body;
      expect(health.status).toBe('ok');
      expect(health.store.clockSkewMs).toBeGreaterThan(19_000);
      expect(health.store.clockSkewMs).toBeLessThan(21_000);
      expect(health.store.detail).toMatch(/clock is \d+ ms ahead of this machine's/);
    } finally {
      server!.clockOffsetMs = 0;
    }
  });

  it('shuts down within 10 s, stopping its subscriptions and disposing its ESDB client', async () => {
    // The client's dispose() waits for every gRPC read it opened to finish: a read left before its end
    // (as status() once did, from inside its backwards $all read) would keep app.close() from returning.
    expect((await http.get('/health')).body.store.lastPosition).toMatch(/^\d+$/); // the store read at least once
    await sleep(200);
    stopped = true; // whatever happens here, afterAll does not wait for it again
    await bounded(running!.app.close(), SHUTDOWN_BOUND_MS, 'app.close()');
  });
});
