import { join } from 'node:path';
import Database from 'better-sqlite3';
import { client } from '../support/http';
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
      actor: { id: 'office-1', role: 'office', org: '山西省教育厅' },
      rulesVersion: 'secondary-school/2020.1',
      stateAfter: { status: 'open', cycleId: 'audit-a' },
    });
    expect(typeof opened.recordedAt).toBe('string');
    const closed = rest.find((e: { type: string }) => e.type === 'CycleClosed');
    expect(closed).toMatchObject({ reason: 'closing audit-a', stateAfter: { status: 'closed' } });
  });

  it('replays a stream as of a revision and as of a time', async () => {
    const atZero = await http.get('/audit/streams/cycle-audit-a/state?revision=0', auditor);
    expect(atZero.body).toMatchObject({ revision: 0, state: { status: 'open' } });
    const before = await http.get('/audit/streams/cycle-audit-a/state?time=2000-01-01T00:00:00Z', auditor);
    expect(before.body).toMatchObject({ revision: -1, state: { status: 'none' } });
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
    expect(clean.body).toMatchObject({ ok: true, checkedStreams: 2 });
    const raw = new Database(join(running.config.dataDir, 'events.db'));
    raw.prepare(`UPDATE events SET data = json_set(data, '$.reason', 'rewritten') WHERE stream = 'cycle-audit-b' AND type = 'CycleClosed'`).run();
    raw.close();
    const broken = await http.get('/audit/verify', auditor);
    expect(broken.body).toMatchObject({ ok: false, firstBroken: { stream: 'cycle-audit-b', reason: 'hash does not match the event content' } });
    expect((await http.get('/audit/verify?stream=cycle-audit-a', auditor)).body.ok).toBe(true);
  });
});
