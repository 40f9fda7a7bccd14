import { join } from 'node:path';
import { creditCodeFor } from '../support/accounts';
import Database from 'better-sqlite3';
import { client } from '../support/http';
import { expectOk, FakeClock, on } from '../support/lifecycle';
import { ProjectFlow } from '../support/project-flow';
import { selectionTokens } from '../support/selection';
import { RunningApp, startTestApp } from '../support/test-app';

describe('audit API', () => {
  let running: RunningApp;
  let http: ReturnType<typeof client>;
  let office: string;
  let auditor: string;

  beforeAll(async () => {
    running = await startTestApp();
    http = client(running);
    office = await http.token({ sub: 'office-1', role: 'office', org: '山西省教育厅' });
    auditor = await http.token({ sub: 'auditor-1', role: 'auditor', org: '省审计厅' });
    for (const id of ['audit-a', 'audit-b']) {
      await http.post('/cycles', office, {
        id,
        programType: 'secondary-school',
        name: `高水平中职 ${id}`,
        label: '2020',
        opensAt: '2020-09-01T00:00:00+08:00',
        closesAt: '2020-10-01T00:00:00+08:00',
      });
      await http.post(`/cycles/${id}/close`, office, { reason: `closing ${id}` });
    }
  });
  afterAll(() => running.stop());

  it('tells the history of a stream with actor, reason, time, rules version and the state after each event', async () => {
    const result = await http.get('/audit/streams/cycle-audit-a/history', auditor);
    expect(result.status).toBe(200);
    const [opened, ...rest] = result.body.events;
    expect(opened).toMatchObject({
      revision: 0,
      type: 'CycleOpened',
      actor: { id: 'office-1', role: 'office', org: running.config.office.creditCode },
      rulesVersion: 'secondary-school/2026.1',
      stateAfter: { status: 'Open', cycleId: 'audit-a' },
    });
    expect(typeof opened.recordedAt).toBe('string');
    const closed = rest.find((e: { type: string }) => e.type === 'CycleClosed');
    expect(closed).toMatchObject({ reason: 'closing audit-a', stateAfter: { status: 'Closed' } });
  });

  it('replays a stream as of a revision and as of a time', async () => {
    const atZero = await http.get('/audit/streams/cycle-audit-a/state?revision=0', auditor);
    expect(atZero.body).toMatchObject({ revision: 0, state: { status: 'Open' } });
    const before = await http.get('/audit/streams/cycle-audit-a/state?time=2000-01-01T00:00:00Z', auditor);
    expect(before.body).toMatchObject({ revision: -1, state: { status: 'None' } });
    const both = await http.get('/audit/streams/cycle-audit-a/state?time=2000-01-01T00:00:00Z&revision=1', auditor);
    expect(both.status).toBe(400);
  });

  it('exports the log as NDJSON, one event a line', async () => {
    const response = await fetch(`${running.url}/audit/export`, { headers: { authorization: `Bearer ${auditor}` } });
    expect(response.headers.get('content-type')).toMatch(/application\/x-ndjson/);
    const lines = (await response.text()).trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.length).toBeGreaterThanOrEqual(4);
    expect(lines.map((e) => e.position)).toEqual(lines.map((_, i) => String(i + 1)));
    expect(lines[0].metadata.hash).toMatch(/^[0-9a-f]{64}$/);
    const one = await fetch(`${running.url}/audit/export?stream=cycle-audit-b`, { headers: { authorization: `Bearer ${auditor}` } });
    expect((await one.text()).trim().split('\n').every((line) => JSON.parse(line).stream === 'cycle-audit-b')).toBe(true);
  });

  it('is closed to applicants and reviewers', async () => {
    const applicant = await http.token({ sub: 'a', role: 'applicant', org: 'school-1' });
    expect((await http.get('/audit/verify', applicant)).body.code).toBe('role-not-allowed');
    const reviewer = await http.token({ sub: 'r', role: 'reviewer', org: 'expert' });
    expect((await http.get('/audit/streams/cycle-audit-a/history', reviewer)).status).toBe(403);
  });

  it('verifies the whole log, then finds an event altered directly in the SQLite file', async () => {
    const clean = await http.get('/audit/verify', auditor);
    // The two cycles, the registry and the streams of the people who act here.
    const exportedStreams = new Set((await (await fetch(`${running.url}/audit/export`, { headers: { authorization: `Bearer ${auditor}` } })).text()).trim().split('\n').map((line) => JSON.parse(line).stream));
    expect([...exportedStreams].filter((stream) => stream.startsWith('cycle-')).sort()).toEqual(['cycle-audit-a', 'cycle-audit-b']);
    expect(clean.body).toMatchObject({ ok: true, checkedStreams: exportedStreams.size });
    // No signing key is configured here: the answer says so plainly, as a warning.
    expect(clean.body.findings).toEqual([expect.objectContaining({ code: 'no-signed-checkpoint', severity: 'warning', message: expect.stringMatching(/no signed checkpoint.*cannot be detected/) })]);
    expect(clean.body.checkpoints).toMatchObject({ latest: null, trusted: 0 });
    expect(((await http.post('/audit/checkpoints', auditor, {})).body.code)).toBe('no-signing-key');
    const raw = new Database(join(running.config.dataDir, 'events.db'));
    raw.prepare(`UPDATE events SET data = json_set(data, '$.reason', 'rewritten') WHERE stream = 'cycle-audit-b' AND type = 'CycleClosed'`).run();
    raw.close();
    const broken = await http.get('/audit/verify', auditor);
    expect(broken.body).toMatchObject({ ok: false, firstBroken: { stream: 'cycle-audit-b', reason: 'hash does not match the event content' } });
    expect(broken.body.findings.map((f: { code: string }) => f.code)).toEqual(['stream-chain-broken', 'no-signed-checkpoint']);
    expect((await http.get('/audit/verify?stream=cycle-audit-a', auditor)).body.ok).toBe(true);
  });
});

/**
 * Issue 12: an objector is named to the office alone. The audit views showed who filed an objection
 * through the envelope (`metadata.actor`, and the command id, which carries the user id when an
 * Idempotency-Key is sent); now only the office sees it there.
 */
describe('audit views of objections', () => {
  const clock = new FakeClock(on('2025-09-01'));
  const OBJECTOR = { sub: 'objector-7', role: 'applicant' as const, org: '晋中某职业学校', region: '晋中市' };
  /** The objector's school as the registry holds it: the actor's organisation. */
  const OBJECTOR_ORG = creditCodeFor(OBJECTOR.org);
  const IDENTITY = [OBJECTOR.sub, OBJECTOR_ORG, OBJECTOR.region, '王某', '13800000000', '赵某', 'zhao@example.com'];
  /**
   * The events that are about the objections: the registry's and the people's own streams name every
   * registered person and school to auditors by design (who could do what); who objected is not there.
   */
  const aboutRecords = (lines: { stream: string }[]) => lines.filter((line) => line.stream !== 'registry-organisations' && !line.stream.startsWith('person-'));
  const TAIZHONG = '91140100MA0GRXXX15';
  let running: RunningApp;
  let http: ReturnType<typeof client>;
  let office: string;
  let auditor: string;
  let projectStream: string;
  const enterpriseStream = `enterprise-${TAIZHONG}`;

  const leaks = (body: unknown) => IDENTITY.filter((text) => JSON.stringify(body).includes(text));
  const exported = async (token: string, stream?: string) => {
    const response = await fetch(`${running.url}/audit/export${stream ? `?stream=${stream}` : ''}`, { headers: { authorization: `Bearer ${token}` } });
    return (await response.text()).trim().split('\n').map((line) => JSON.parse(line));
  };

  beforeAll(async () => {
    running = await startTestApp({}, clock);
    http = client(running);
    const flow = await ProjectFlow.start(running, clock);
    const tokens = await selectionTokens(running);
    office = tokens.office;
    auditor = await http.token({ sub: 'auditor-1', role: 'auditor', org: '省审计厅' });
    const objector = await http.token(OBJECTOR);
    const post = async (path: string, token: string, body: unknown, headers?: Record<string, string>) => expectOk(await http.post(path, token, body, headers), path);

    // A project in its public notice, objected to (admissibly, then without evidence), the objection dismissed.
    const applicant = await http.token({ sub: 'school-1-user', role: 'applicant', org: 'school-1', region: '太原市' });
    await flow.openCycle('objections-2025', 'secondary-school', 2025);
    clock.set(on('2025-09-02'));
    const projectId = await flow.draft(applicant, 'objections-2025', 'secondary-school', '高水平中职 异议');
    projectStream = `project-${projectId}`;
    await flow.review(2025, [{ id: projectId, applicant }], tokens.recommender, [1, 2, 3].map((n) => ({ id: `expert-${n}`, org: `university-${n}`, token: tokens[`reviewer${n}`] })));
    clock.set(on('2025-10-15'));
    await post('/cycles/objections-2025/shortlist', office, { shortlisted: [{ projectId }], notSelected: [], reason: '评审会议纪要' });
    await flow.openNotice('objections-2025', '2025-10-16');
    clock.set(on('2025-10-17'));
    const filed = await post(`/projects/${projectId}/objections`, objector, { objector: { name: '王某', contact: '13800000000' }, grounds: '申报数据不实', evidence: [flow.docs.evidence] }, { 'idempotency-key': 'objection-1' });
    expect(filed.events).toEqual(['ObjectionFiled']);
    clock.set('2025-10-17T11:00:00+08:00');
    const rejected = await post(`/projects/${projectId}/objections`, objector, { objector: { name: '王某', contact: '13800000000' }, grounds: '没有证据', evidence: [] });
    expect(rejected.events).toEqual(['ObjectionRejected']);
    clock.set(on('2025-10-18'));
    await post(`/projects/${projectId}/objections/${filed.objectionId}/resolve`, office, { outcome: 'dismissed', reason: '经核查不属实' });

    // An enterprise in its admission notice, objected to by the same person, the objection dismissed.
    const enterprise = await http.token({ sub: 'tz-1', role: 'applicant', org: TAIZHONG, orgName: '太原重工股份有限公司', region: '太原市', grants: ['enterprise-admin'] });
    const recommender = await http.token({ sub: 'rec-ty', role: 'recommender', org: '太原市发展改革委', region: '太原市' });
    const doc = flow.docs.form;
    const declarations = { registeredAndTaxedInProvince: true, mainBusinessNotEducation: true, noMajorAccident: true, goodCredit: true, noTaxViolation: true };
    await post('/enterprises', enterprise, { creditCode: TAIZHONG, name: '太原重工股份有限公司', region: '太原市', declarations, documents: [doc] });
    await post(`/enterprises/${TAIZHONG}/recommend`, recommender, { opinion: '同意推荐', documents: [doc] });
    await post(`/enterprises/${TAIZHONG}/joint-review`, office, { outcome: 'passed', departments: ['省发展改革委', '省教育厅'], expertAssessment: { opinion: '同意', documents: [doc] } });
    clock.set(on('2025-10-20'));
    await post(`/enterprises/${TAIZHONG}/open-notice`, office, { startsOn: '2025-10-20', notice: doc });
    clock.set(on('2025-10-21'));
    const enterpriseObjection = await post(`/enterprises/${TAIZHONG}/objections`, objector, { objector: { name: '赵某', contact: 'zhao@example.com' }, grounds: '合作院校数量不实', evidence: [doc] }, { 'idempotency-key': 'objection-2' });
    await post(`/enterprises/${TAIZHONG}/objections/${enterpriseObjection.objectionId}/resolve`, office, { outcome: 'dismissed', reason: '经核查属实' });
  });
  afterAll(() => running.stop());

  it("hides the objector's actor and identity from an auditor's history, keeping that, when and with what outcome", async () => {
    for (const stream of [projectStream, enterpriseStream]) {
      const seen = await http.get(`/audit/streams/${stream}/history`, auditor);
      expect(seen.status).toBe(200);
      expect(leaks(seen.body)).toEqual([]);
      const types = seen.body.events.map((e: { type: string }) => e.type);
      expect(types).toEqual(expect.arrayContaining(['ObjectionFiled', 'ObjectionDismissed']));
      const filed = seen.body.events.find((e: { type: string }) => e.type === 'ObjectionFiled');
      expect(filed).toMatchObject({ actor: { redacted: true }, data: { objector: { redacted: true }, filedAt: expect.any(String) }, recordedAt: expect.any(String) });
      expect(filed.actor).toEqual({ redacted: true });
      const dismissed = seen.body.events.find((e: { type: string }) => e.type === 'ObjectionDismissed');
      expect(dismissed).toMatchObject({ actor: { id: 'office-1', role: 'office' }, data: { objectionId: filed.data.objectionId } });
      expect(dismissed.stateAfter.objections).toContainEqual(expect.objectContaining({ objectionId: filed.data.objectionId, status: 'dismissed' }));
    }
    const project = await http.get(`/audit/streams/${projectStream}/history`, auditor);
    expect(project.body.events.find((e: { type: string }) => e.type === 'ObjectionRejected')).toMatchObject({ actor: { redacted: true }, data: { reasons: ['no-evidence'], objector: { redacted: true } } });
  });

  it("shows the office who objected, in the history and in the envelope's command id", async () => {
    for (const stream of [projectStream, enterpriseStream]) {
      const seen = await http.get(`/audit/streams/${stream}/history`, office);
      const filed = seen.body.events.find((e: { type: string }) => e.type === 'ObjectionFiled');
      expect(filed.actor).toEqual({ id: OBJECTOR.sub, role: 'applicant', org: OBJECTOR_ORG, region: OBJECTOR.region });
      expect(filed.data.objector.name).toMatch(/王某|赵某/);
    }
    const lines = await exported(office, projectStream);
    const filed = lines.find((e) => e.type === 'ObjectionFiled');
    expect(filed.metadata.commandId).toBe(`${OBJECTOR.sub}:objection-1`);
    expect(filed.redacted).toBeUndefined();
    expect(leaks(lines)).toEqual(expect.arrayContaining([OBJECTOR.sub, OBJECTOR_ORG, OBJECTOR.region]));
  });

  it('replays the state as of the objection without naming the objector, to the auditor', async () => {
    const history = (await http.get(`/audit/streams/${projectStream}/history`, office)).body.events;
    const revisionOf = (type: string) => history.find((e: { type: string }) => e.type === type).revision;
    const cases = [
      { query: `revision=${revisionOf('ObjectionFiled')}`, revision: revisionOf('ObjectionFiled'), objections: ['open'] },
      { query: 'time=2025-10-17T10:30:00%2B08:00', revision: revisionOf('ObjectionFiled'), objections: ['open'] },
      { query: 'time=2025-10-17T12:00:00%2B08:00', revision: revisionOf('ObjectionRejected'), objections: ['open', 'rejected'] },
    ];
    for (const { query, revision, objections } of cases) {
      const asOf = await http.get(`/audit/streams/${projectStream}/state?${query}`, auditor);
      expect(asOf.status).toBe(200);
      expect(asOf.body).toMatchObject({ revision, state: { status: 'InPublicNotice' } });
      expect(asOf.body.state.objections.map((o: { status: string }) => o.status)).toEqual(objections);
      expect(leaks(asOf.body)).toEqual([]);
    }
  });

  it("exports the log to an auditor with the objector's envelope and identity redacted, the chain links kept", async () => {
    const lines = await exported(auditor);
    expect(leaks(aboutRecords(lines))).toEqual([]);
    const objections = lines.filter((e) => e.type === 'ObjectionFiled' || e.type === 'ObjectionRejected');
    expect(objections).toHaveLength(3);
    for (const line of objections) {
      expect(line.metadata.actor).toEqual({ redacted: true });
      expect(line.metadata.commandId).toBeUndefined();
      expect(line.metadata).toMatchObject({ recordedAt: expect.any(String), hash: expect.stringMatching(/^[0-9a-f]{64}$/), prevHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect(line.redacted).toEqual(expect.arrayContaining(['data.objector', 'metadata.actor', 'metadata.commandId', 'metadata.correlationId', 'metadata.causationId']));
    }
    // Everything else is as stored: the office's own decisions name the office.
    expect(lines.find((e) => e.type === 'ObjectionDismissed').metadata.actor).toMatchObject({ id: 'office-1' });
    const officeLines = await exported(office);
    expect(officeLines).toHaveLength(lines.length);
  });

  it('verifies the stored, unredacted events', async () => {
    const verified = await http.get('/audit/verify', auditor);
    expect(verified.body).toMatchObject({ ok: true, checkedStreams: expect.any(Number) });
    expect(verified.body.checkedEvents).toBe((await exported(office)).length);
    expect((await http.get(`/audit/verify?stream=${projectStream}`, auditor)).body).toMatchObject({ ok: true, findings: [] });
  });
});
