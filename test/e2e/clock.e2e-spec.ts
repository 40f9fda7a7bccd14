import { client } from '../support/http';
import { RunningApp, startTestApp } from '../support/test-app';

describe('simulated clock (CLOCK=simulated)', () => {
  let running: RunningApp;
  let http: ReturnType<typeof client>;
  let office: string;

  beforeAll(async () => {
    running = await startTestApp({ CLOCK: 'simulated', CLOCK_START: '2025-09-01T02:00:00Z' });
    http = client(running);
    office = await http.token({ sub: 'office-1', role: 'office', org: '山西省教育厅' });
  });
  afterAll(() => running.stop());

  it('decides with the simulated time, and fires the deadlines passed when the office moves it', async () => {
    const opened = await http.post('/cycles', office, {
      id: 'sim-2025',
      programType: 'brand-major',
      name: '品牌专业 2025',
      label: '2025',
      opensAt: '2025-09-01T00:00:00+08:00',
      closesAt: '2025-09-15T00:00:00+08:00',
    });
    expect(opened.status).toBe(201);
    const history = await http.get('/audit/streams/cycle-sim-2025/history', office);
    expect(history.body.events[0].recordedAt).toBe('2025-09-01T02:00:00.000Z');

    const moved = await http.post('/clock', office, { to: '2025-09-16T00:00:00Z' });
    expect(moved.status).toBe(200);
    expect(moved.body.now).toBe('2025-09-16T00:00:00.000Z');
    expect(moved.body.deadlines).toEqual([{ status: 'fired', stream: 'cycle-sim-2025', kind: 'application-window-close' }]);
    expect((await http.get('/cycles/sim-2025', office)).body.status).toBe('WindowClosed');
  });

  it('never moves backwards, and only for the office', async () => {
    expect((await http.post('/clock', office, { to: '2024-01-01T00:00:00Z' })).body.code).toBe('clock-backwards');
    const applicant = await http.token({ sub: 'a', role: 'applicant', org: 'school-a' });
    expect((await http.post('/clock', applicant, { to: '2030-01-01T00:00:00Z' })).body.code).toBe('role-not-allowed');
    expect((await http.post('/clock', office, { to: 'tomorrow' })).status).toBe(400);
  });

  it('does not exist on the system clock', async () => {
    const system = await startTestApp();
    try {
      const token = await client(system).token({ sub: 'o', role: 'office', org: 'dept' });
      expect((await client(system).post('/clock', token, { to: '2030-01-01T00:00:00Z' })).status).toBe(404);
    } finally {
      await system.stop();
    }
  });
});
