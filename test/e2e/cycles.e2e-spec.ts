import { client } from '../support/http';
import { RunningApp, startTestApp } from '../support/test-app';

describe('cycles over HTTP', () => {
  let running: RunningApp;
  let http: ReturnType<typeof client>;
  let office: string;
  let applicant: string;

  const openBody = (id: string) => ({
    id,
    programType: 'brand-major',
    name: '品牌专业 2021 batch',
    label: '2021',
    opensAt: '2021-03-01T00:00:00+08:00',
    closesAt: '2031-04-01T00:00:00+08:00',
  });

  beforeAll(async () => {
    running = await startTestApp();
    http = client(running);
    office = await http.token({ sub: 'office-1', role: 'office', org: '山西省教育厅' });
    applicant = await http.token({ sub: 'a-1', role: 'applicant', org: 'school-1', region: '太原市' });
  });
  afterAll(() => running.stop());

  it('opens a cycle with the catalog defaults: 201, Location, ETag, position', async () => {
    const result = await http.post('/cycles', office, openBody('bm-2021'));
    expect(result.status).toBe(201);
    expect(result.headers.get('location')).toBe('/cycles/bm-2021');
    expect(result.headers.get('etag')).toBe('"0"');
    expect(result.body).toMatchObject({ stream: 'cycle-bm-2021', revision: 0, events: ['CycleOpened'], repeated: false });
    expect(result.headers.get('x-position')).toBe(result.body.position);

    const read = await http.get('/cycles/bm-2021', office);
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe('"0"');
    expect(read.body).toMatchObject({ id: 'bm-2021', status: 'Open', programType: 'brand-major', rules: { quota: 200 }, rulesVersion: 'brand-major/2026.2' });
  });

  it('opens a cycle with every rule its own, each recorded under the cycle’s rules version; an inconsistent rule is 400 with its code, writing nothing', async () => {
    const rules = {
      quota: 50,
      tiers: [{ name: 'A', quota: 10 }],
      perApplicantLimit: 2,
      perRecommenderLimit: 6,
      formalCheckDays: 14,
      minReviewers: 5,
      reviewDays: 10,
      publicNotice: { length: 7, unit: 'calendar-days' },
      constructionPlanDueDays: 45,
      constructionMonths: 24,
      annualReportDue: { month: 4, day: 15 },
      midtermAfterMonths: 12,
      maxRectificationMonths: 6,
      midtermMinTasksPercent: 40,
      gradeScale: { grades: ['优秀', '良好', '合格', '不合格'], passing: ['优秀', '良好', '合格'], deferring: [], barring: ['不合格'] },
      schoolKinds: ['高职'],
      bans: { suspensionYears: 10, revocationYears: 3 },
      reapplication: null,
      withoutConstruction: false,
      performance: { poorGrades: ['不合格'], consequences: [{ poorYears: 2, actions: ['warning'] }], grantReductionPercent: 0 },
    };
    const opened = await http.post('/cycles', office, { ...openBody('bm-own-rules'), rules, rulesVersion: 'brand-major/2021-own' });
    expect(opened.status).toBe(201);
    const read = await http.get('/cycles/bm-own-rules', office);
    expect(read.body.rulesVersion).toBe('brand-major/2021-own');
    expect(read.body.rules).toEqual({ ...rules });

    const before = (await http.get('/health')).body.store.lastPosition;
    const badScale = { ...rules.gradeScale, barring: ['差'] };
    const refused = await http.post('/cycles', office, { ...openBody('bm-bad-scale'), rules: { gradeScale: badScale }, rulesVersion: 'brand-major/2021-bad' });
    expect([refused.status, refused.body.code]).toEqual([400, 'invalid-grade-scale']);
    const late = await http.post('/cycles', office, { ...openBody('bm-bad-midterm'), rules: { constructionMonths: 12, midtermAfterMonths: 18 }, rulesVersion: 'brand-major/2021-bad' });
    expect([late.status, late.body.code]).toEqual([400, 'invalid-rules']);
    expect((await http.get('/health')).body.store.lastPosition).toBe(before);
    expect((await http.get('/cycles/bm-bad-scale', office)).status).toBe(404);
  });

  it('answers a retried Idempotency-Key with the first outcome, even concurrently', async () => {
    const headers = { 'idempotency-key': 'open-course-2022' };
    const body = { ...openBody('ignored'), programType: 'quality-course' };
    delete (body as { id?: string }).id;
    const results = await Promise.all([1, 2, 3].map(() => http.post('/cycles', office, body, headers)));
    const locations = new Set(results.map((r) => r.headers.get('location')));
    expect(locations.size).toBe(1);
    expect(new Set(results.map((r) => r.body.position)).size).toBe(1);
    const again = await http.post('/cycles', office, body, headers);
    expect(again.body).toMatchObject({ repeated: true, position: results[0].body.position });
  });

  it('forbids an applicant to open a cycle, writing nothing', async () => {
    const result = await http.post('/cycles', applicant, openBody('by-applicant'));
    expect(result.status).toBe(403);
    expect(result.body).toMatchObject({ code: 'role-not-allowed' });
    expect((await http.get('/cycles/by-applicant', office)).status).toBe(404);
  });

  it('refuses unknown fields and wrong types field by field', async () => {
    const result = await http.post('/cycles', office, { ...openBody('bad'), quota: 5, rules: { quota: 'many' } });
    expect(result.status).toBe(400);
    expect(result.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(result.body.code).toBe('validation-failed');
    const fields = result.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['quota', 'rules.quota']));
  });

  it('refuses malformed JSON, a non-JSON body and an oversized body', async () => {
    const malformed = await http.request('POST', '/cycles', { token: office, raw: '{"id": ', headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('malformed-json');
    const text = await http.request('POST', '/cycles', { token: office, raw: 'hello', headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(415);
    const huge = await http.post('/cycles', office, { ...openBody('huge'), name: 'x'.repeat(300 * 1024) });
    expect(huge.status).toBe(413);
    expect(huge.body.code).toBe('payload-too-large');
  });

  it('fails a stale If-Match with 412 and writes nothing', async () => {
    await http.post('/cycles', office, openBody('bm-stale'));
    const stale = await http.post('/cycles/bm-stale/close-window', office, { reason: 'early close' }, { 'if-match': '"5"' });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ code: 'revision-mismatch', currentRevision: 0 });
    expect((await http.get('/cycles/bm-stale', office)).body.status).toBe('Open');
    const fresh = await http.post('/cycles/bm-stale/close-window', office, { reason: 'early close' }, { 'if-match': '"0"' });
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('etag')).toBe('"1"');
  });

  it('answers 404 for an unknown cycle and 409 for an invalid transition', async () => {
    expect((await http.get('/cycles/nope', office)).body.code).toBe('cycle-not-found');
    const again = await http.post('/cycles', office, openBody('bm-2021'));
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('cycle-already-open');
  });
});

describe('cycle dashboards (read side)', () => {
  let running: RunningApp;
  let http: ReturnType<typeof client>;
  let office: string;

  beforeAll(async () => {
    running = await startTestApp();
    http = client(running);
    office = await http.token({ sub: 'office-1', role: 'office', org: '山西省教育厅' });
  });
  afterAll(() => running.stop());

  it('shows a write to a GET right after the POST, given the position the POST answered', async () => {
    const opened = await http.post('/cycles', office, {
      id: 'hc-2026',
      programType: 'higher-college',
      name: '省级双高 phase 2',
      label: '2026–2029',
      opensAt: '2026-01-01T00:00:00+08:00',
      closesAt: '2036-01-01T00:00:00+08:00',
      rules: { quota: 10, tiers: [{ name: 'A', quota: 3 }, { name: 'B', quota: 7 }] },
      rulesVersion: 'higher-college/2026.1',
    });
    expect(opened.body).toMatchObject({ revision: 0 });
    const dashboard = await http.get(`/cycles/hc-2026/dashboard?after=${opened.body.position}`, office);
    expect(dashboard.status).toBe(200);
    expect(dashboard.body).toMatchObject({
      id: 'hc-2026',
      programType: 'higher-college',
      status: 'Open',
      quota: 10,
      placesTaken: 0,
      remaining: 10,
      tiers: [
        { tier: 'A', quota: 3, taken: 0, remaining: 3 },
        { tier: 'B', quota: 7, taken: 0, remaining: 7 },
      ],
    });
    const list = await http.get(`/cycles?programType=higher-college&after=${opened.body.position}`, office);
    expect(list.body).toMatchObject({ total: 1, items: [{ id: 'hc-2026' }] });
  });

  it('answers a clear error when the read models do not reach the position in time', async () => {
    const result = await http.get('/cycles?after=999999', office);
    expect(result.status).toBe(503);
    expect(result.body).toMatchObject({ code: 'read-model-behind', position: '999999' });
    expect(result.body.detail).toMatch(/have not reached position 999999/);
  });

  it('reports the projection lag in /health', async () => {
    const health = await http.get('/health');
    expect(health.body.projections).toMatchObject({ behindEvents: 0, caughtUp: true });
    expect(health.body.projections.checkpoint).toBe(health.body.store.lastPosition);
  });

  it('rebuilds the read models on the office’s request only', async () => {
    const applicant = await http.token({ sub: 'a', role: 'applicant', org: 'school-1' });
    expect((await http.post('/read-models/rebuild', applicant)).status).toBe(403);
    const before = (await http.get('/cycles', office)).body;
    const rebuilt = await http.post('/read-models/rebuild', office);
    expect(rebuilt.status).toBe(200);
    expect((await http.get('/cycles', office)).body).toEqual(before);
  });
});
