import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { randomUUID } from 'node:crypto';
import { EVENT_STORE, EventStore } from '../../src/application/event-store';
import { Metrics } from '../../src/infrastructure/metrics/metrics';
import { ReadModels } from '../../src/infrastructure/read-models/read-models';
import { FakeClock, on } from '../support/lifecycle';
import { ProjectFlow } from '../support/project-flow';
import { RunningApp, startTestApp } from '../support/test-app';

/** The value of one series of GET /metrics (0 when the series is not there yet). */
function valueOf(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

/** What whoever runs the service watches: /metrics, the probes, the security headers, a graceful stop. */
describe('operations', () => {
  const clock = new FakeClock(on('2027-09-01'));
  let running: RunningApp;
  let flow: ProjectFlow;
  const metrics = async () => {
    const answer = await fetch(`${running.url}/metrics`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return answer.text();
  };

  beforeAll(async () => {
    running = await startTestApp({}, clock);
    flow = await ProjectFlow.start(running, clock);
  });
  afterAll(() => running.stop());

  it('counts requests by method, route pattern and status, with their latency, never by path', async () => {
    const series = 'als_http_requests_total{method="GET",route="/health",status="200"}';
    const before = valueOf(await metrics(), series);
    await fetch(`${running.url}/health`);
    await fetch(`${running.url}/health`);
    const unknownId = randomUUID();
    expect((await flow.http.get(`/projects/${unknownId}`, flow.office)).status).toBe(404);
    const text = await metrics();
    expect(valueOf(text, series)).toBe(before + 2);
    expect(valueOf(text, 'als_http_requests_total{method="GET",route="/projects/:id",status="404"}')).toBe(1);
    expect(valueOf(text, 'als_http_request_duration_seconds_count{method="GET",route="/health",status="200"}')).toBe(before + 2);
    expect(text).not.toContain(unknownId);
    expect(valueOf(text, 'als_http_requests_in_flight')).toBe(1);
  });

  it('counts a request its client abandons before the answer as no longer in flight', async () => {
    const { port } = new URL(running.url);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    // Headers and a tenth of the body, then the connection closed.
    socket.write('POST /auth/sign-in HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"login":');
    const metricsOf = running.app.get(Metrics);
    for (let waited = 0; metricsOf.inFlight === 0 && waited < 2000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(metricsOf.inFlight).toBe(1);
    socket.destroy();
    for (let waited = 0; metricsOf.inFlight > 0 && waited < 2000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    const text = await metrics();
    // Only the scrape itself is in flight now.
    expect(valueOf(text, 'als_http_requests_in_flight')).toBe(1);
    expect(valueOf(text, 'als_http_requests_abandoned_total')).toBe(1);
  });

  it('counts commands by stream category, type and outcome, their appends and the group commits', async () => {
    await flow.openCycle('ops-2027', 'brand-major', 2027);
    clock.set(on('2027-09-02'));
    const school = await flow.token({ sub: 'ops-school', role: 'applicant', org: '太原市运维职业学校', region: '太原市' });
    const projectId = await flow.draft(school, 'ops-2027', 'brand-major', '运维专业');
    expect((await flow.http.post(`/projects/${projectId}/submit`, school, flow.submitBody())).status).toBe(200);
    // Submitted again: the decider refuses it.
    const refused = await flow.http.post(`/projects/${projectId}/submit`, school, flow.submitBody());
    expect([refused.status, refused.body.code]).toEqual([409, 'invalid-transition']);
    const text = await metrics();
    expect(valueOf(text, 'als_commands_total{category="cycle",type="OpenCycle",outcome="written"}')).toBe(1);
    expect(valueOf(text, 'als_commands_total{category="project",type="DraftApplication",outcome="written"}')).toBe(1);
    expect(valueOf(text, 'als_commands_total{category="project",type="SubmitApplication",outcome="written"}')).toBe(1);
    expect(valueOf(text, 'als_commands_total{category="project",type="SubmitApplication",outcome="refused"}')).toBe(1);
    expect(valueOf(text, 'als_command_duration_seconds_count{category="project"}')).toBeGreaterThanOrEqual(2);
    expect(valueOf(text, 'als_event_store_append_duration_seconds_count')).toBeGreaterThanOrEqual(2);
    expect(valueOf(text, 'als_event_store_group_commit_appends_count')).toBeGreaterThanOrEqual(1);
    expect(valueOf(text, 'als_event_store_group_commit_appends_sum')).toBeGreaterThanOrEqual(valueOf(text, 'als_event_store_group_commit_appends_count'));
  });

  it('tells how far each projection is behind the log, and the reactor’s failed reactions', async () => {
    const readModels = running.app.get(ReadModels);
    await readModels.reach((await readModels.store.status()).lastPosition);
    const text = await metrics();
    for (const projection of ['project-status', 'notifications', 'deadlines']) expect(text).toContain(`als_projection_behind_events{projection="${projection}"} 0`);
    expect(valueOf(text, 'als_reactor_failed_reactions{state="dead"}')).toBe(0);
    expect(text).toContain('als_reactor_failed_reactions{state="retrying"} 0');
    expect(text).toContain('als_reactor_failed_attempts_total 0');
  });

  it('sends the security headers with every answer, a content security policy the console works under', async () => {
    for (const path of ['/health', '/console/', '/metrics']) {
      const answer = await fetch(`${running.url}${path}`);
      const policy = answer.headers.get('content-security-policy') ?? '';
      expect([path, policy]).toEqual([path, expect.stringContaining("script-src 'self'")]);
      expect(policy).toContain("frame-ancestors 'none'");
      expect(policy).toContain("object-src 'none'");
      expect(policy).not.toContain('upgrade-insecure-requests');
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
      expect(answer.headers.get('x-powered-by')).toBeNull();
    }
  });

  it('is live while the process answers, and ready only while the store answers and the read models keep up', async () => {
    expect(await (await fetch(`${running.url}/health/live`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${running.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', reasons: [], behindEvents: 0 });

    // The projections stopped while 1,001 events arrive: the instance is live, not ready.
    const readModels = running.app.get(ReadModels);
    await readModels.runner.stop();
    const store = running.app.get<EventStore>(EVENT_STORE);
    await store.append(`ops-${randomUUID()}`, Array.from({ length: 1001 }, (_, i) => ({ id: randomUUID(), type: 'OperationsProbe', data: { i }, metadata: {} })), 'no_stream');
    const behind = await fetch(`${running.url}/health/ready`);
    expect(behind.status).toBe(503);
    expect(await behind.json()).toEqual({ status: 'not-ready', reasons: ['the read models are 1001 events behind the log (at most 1000)'], behindEvents: 1001 });
    expect((await fetch(`${running.url}/health/live`)).status).toBe(200);
  });
});

describe('a graceful stop', () => {
  it('answers the command in flight before the stores close, and says so in the log', async () => {
    const lines: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      const clock = new FakeClock(on('2027-09-01'));
      const running = await startTestApp({ LOG_LEVEL: 'info' }, clock);
      // Start-up is brief: Nest's line per module and route stays at debug.
      expect(lines.join('')).not.toMatch(/Mapped \{|dependencies initialized/);
      const flow = await ProjectFlow.start(running, clock);
      const body = JSON.stringify({ id: 'stop-2027', programType: 'brand-major', name: '品牌专业 2027', label: '2027', opensAt: '2027-09-01T00:00:00+08:00', closesAt: '2027-09-15T00:00:00+08:00' });
      const { port } = new URL(running.url);
      // The request's headers and half its body arrive; the stop is asked for; then the rest of the body.
      const answered = new Promise<{ status: number; body: string }>((resolve, reject) => {
        const request = httpRequest({ host: '127.0.0.1', port, path: '/cycles', method: 'POST', headers: { authorization: `Bearer ${flow.office}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (response) => {
          let text = '';
          response.on('data', (chunk) => (text += chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
        });
        request.on('error', reject);
        request.write(body.slice(0, 20));
        void (async () => {
          const metrics = running.app.get(Metrics);
          while (metrics.inFlight === 0) await new Promise((r) => setTimeout(r, 5));
          stopped = running.stop();
          await new Promise((r) => setTimeout(r, 150));
          request.end(body.slice(20));
        })();
      });
      let stopped: Promise<void> | undefined;
      const { status } = await answered;
      expect(status).toBe(201);
      await stopped;
      const said = lines.join('');
      expect(said).toContain('"msg":"stopping: finishing 1 request in flight"');
      expect(said).toMatch(/"msg":"every request in flight answered in \d+ ms; closing the stores"/);
    } finally {
      spy.mockRestore();
    }
  });
});
