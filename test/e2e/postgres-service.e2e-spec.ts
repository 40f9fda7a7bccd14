import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { FirstStart } from '../../src/infrastructure/accounts/first-start.service';
import { ReadModels } from '../../src/infrastructure/read-models/read-models';
import { FakeClock, on } from '../support/lifecycle';
import { dropSchema, freshSchema, TEST_DATABASE_URL } from '../support/postgres-test-db';
import { ProjectFlow } from '../support/project-flow';
import { RunningApp, startTestApp } from '../support/test-app';

/**
 * The whole service on EVENT_STORE=postgres against the real PostgreSQL server: a project played through
 * selection over HTTP, its events in the database, the audit's verification of the log, and a second
 * service on a fresh data folder that rebuilds every read model from the same store.
 */
describe('the service on PostgreSQL', () => {
  const schema = freshSchema('service');
  const env = { EVENT_STORE: 'postgres', DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema };
  const clock = new FakeClock(on('2027-09-01'));
  let running: RunningApp;
  let flow: ProjectFlow;
  let projectId: string;

  beforeAll(async () => {
    running = await startTestApp(env, clock);
    flow = await ProjectFlow.start(running, clock);
    await flow.openCycle('pg-2027', 'brand-major', 2027);
    clock.set(on('2027-09-02'));
    const school = await flow.token({ sub: 'pg-school', role: 'applicant', org: '太原市数据库职业学校', region: '太原市' });
    const recommender = await flow.token({ sub: 'pg-ty', role: 'recommender', org: '太原市教育局', region: '太原市' });
    const reviewers = await Promise.all([1, 2, 3].map(async (n) => flow.account({ sub: `pg-expert-${n}`, role: 'reviewer', org: `university-${n}` })));
    projectId = await flow.draft(school, 'pg-2027', 'brand-major', '机电一体化技术（PostgreSQL）');
    await flow.review(
      2027,
      [{ id: projectId, applicant: school }],
      recommender,
      reviewers.map((r) => ({ id: r.personId, org: r.org, token: r.token })),
    );
  });
  afterAll(async () => {
    await running?.stop();
    await dropSchema(schema);
  });

  it('does not start when the server cannot be reached', async () => {
    await expect(startTestApp({ ...env, DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test' }, clock)).rejects.toThrow(/ECONNREFUSED|connect/);
  });

  it('keeps the events in PostgreSQL, in one gapless order, and says so in /health', async () => {
    expect(await flow.status(projectId)).toBe('UnderReview');
    const health = (await flow.http.get('/health', flow.office)).body;
    expect(health.store).toMatchObject({ adapter: 'postgres', ok: true });
    const client = new Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      const { rows } = await client.query(`SELECT count(*)::int AS events, max(position)::text AS last, min(position)::text AS first FROM "${schema}".events`);
      expect(rows[0].last).toBe(health.store.lastPosition);
      expect(Number(rows[0].last) - Number(rows[0].first) + 1).toBe(rows[0].events);
      const project = await client.query(`SELECT type FROM "${schema}".events WHERE stream = $1 ORDER BY revision`, [`project-${projectId}`]);
      expect(project.rows.map((r: { type: string }) => r.type).slice(0, 3)).toEqual(['ApplicationDrafted', 'ApplicationSubmitted', 'FormalCheckPassed']);
    } finally {
      await client.end();
    }
  });

  it('verifies the whole log, its hash chains and its consecutive positions', async () => {
    const auditor = await flow.token({ sub: 'pg-auditor', role: 'auditor', org: '省审计厅' });
    const verified = await flow.http.get('/audit/verify', auditor);
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ ok: true });
    expect(verified.body.findings.filter((f: { severity: string }) => f.severity === 'error')).toEqual([]);
  });

  it('serves the same records from a second service that rebuilt its read models from the same store', async () => {
    // A second instance with a data folder of its own, not there yet: its read models are built from PostgreSQL alone.
    const fresh = join(mkdtempSync(join(tmpdir(), 'als-pg-second-')), 'data');
    const second = await startTestApp({ ...env, DATA_DIR: fresh }, clock);
    try {
      const readModels = second.app.get(ReadModels);
      await readModels.reach((await readModels.store.status()).lastPosition);
      const row = (db: ReadModels['db']) => db.prepare('SELECT status, title FROM project_status WHERE id = ?').get(projectId);
      expect(row(readModels.db)).toEqual({ status: 'UnderReview', title: '机电一体化技术（PostgreSQL）' });
      expect(row(readModels.db)).toEqual(row(running.app.get(ReadModels).db));
      expect(second.config.dataDir).not.toBe(running.config.dataDir);
      // The application form uploaded through the first instance is read through the second, with the office's token made on the
      // first: the accounts are in the store too, so the second printed no set-up link of its own.
      expect(second.app.get(FirstStart).setupLink).toBeUndefined();
      const form = await fetch(`${second.url}/documents/${flow.docs.form.sha256}`, { headers: { authorization: `Bearer ${flow.office}` } });
      expect(form.status).toBe(200);
      expect(Buffer.from(await form.arrayBuffer()).length).toBe(flow.docs.form.size);
      expect(readdirSync(second.config.dataDir)).not.toContain('documents');
    } finally {
      await second.stop();
      rmSync(dirname(fresh), { recursive: true, force: true });
    }
  });
});
