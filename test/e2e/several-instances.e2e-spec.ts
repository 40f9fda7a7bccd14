import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropSchema, freshSchema, TEST_DATABASE_URL } from '../support/postgres-test-db';
import { playSelection } from '../support/selection-load';
import { Client, freePort, Service, startService } from '../support/service-processes';
import { TEST_CATALOG_FILE } from '../support/test-app';
import { TEST_CALENDAR_FILE } from '../support/test-calendar';

/**
 * Three real service processes on one PostgreSQL store, each with a data folder (and read models) of its
 * own, as instances on three machines would run: the selection of test/support/selection-load.ts played
 * through all three at once, one of them killed (SIGKILL) after the reviews while the others go on
 * serving. Nothing may answer 5xx, the two left end at the same position with the same answers, each
 * cross-stream effect and each deadline's event is written once, and the hash chain verifies.
 */
describe('three service processes on one PostgreSQL store', () => {
  const schema = freshSchema('instances');
  const dataDirs = ['A', 'B', 'C'].map((name) => mkdtempSync(join(tmpdir(), `als-instance-${name}-`)));
  let services: Service[] = [];
  let killed: Service | undefined;
  const live = () => services.filter((s) => s !== killed);
  const client = new Client(() => services);

  afterAll(async () => {
    for (const service of services) if (service.child.exitCode === null && service.child.signalCode === null) service.child.kill('SIGKILL');
    await Promise.all(services.map((s) => s.exited));
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
    await dropSchema(schema);
  });

  it('serves one selection through all three without a 5xx, one killed midway, the others ending equal with each effect once', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      EVENT_STORE: 'postgres',
      DATABASE_URL: TEST_DATABASE_URL,
      DATABASE_SCHEMA: schema,
      CLOCK: 'simulated',
      CLOCK_START: '2026-09-01T01:00:00Z',
      // Every scheduler looks for passed deadlines all the time, racing the others to fire them.
      SCHEDULER_INTERVAL_MS: '200',
      LOG_LEVEL: 'warn',
      PROGRAM_CATALOG_FILE: TEST_CATALOG_FILE,
      CALENDAR_FILE: TEST_CALENDAR_FILE,
    };
    // Started together: they make the store's tables at the same moment.
    const ports = [await freePort(), await freePort(), await freePort()];
    services = ['A', 'B', 'C'].map((name, i) => startService(name, { ...env, DATA_DIR: dataDirs[i] }, ports[i]));
    await Promise.all(services.map((s) => client.healthy(s, 30_000)));
    const started = Date.now();

    // Started together before anyone had an account, each printed a set-up link for the one first admin.
    const links = services.map((s) => s.output.map((line) => /"setupUrl":"([^"]+)"/.exec(line)?.[1]).find(Boolean));
    expect(links.every(Boolean)).toBe(true);
    const { last } = await playSelection(client, live, links[1]!, {
      year: 2026,
      orgs: 12,
      projectsPerOrg: 3,
      quota: 18,
      region: '太原市',
      concurrency: 24,
      between: async (phase) => {
        if (phase !== 'scored') return;
        // An instance lost in the middle of the day: the others take its share from here on.
        killed = services[2];
        killed.child.kill('SIGKILL');
        expect(await killed.exited).toEqual({ code: null, signal: 'SIGKILL' });
      },
    });

    // The one killed answered nothing after it died, and was asked nothing more.
    expect(client.unanswered).toEqual([]);
    expect(client.serverErrors()).toEqual([]);
    expect(live().map((s) => s.errors)).toEqual([[], []]);
    const byStatus = client.answers.reduce<Record<number, number>>((c, r) => ({ ...c, [r.status]: (c[r.status] ?? 0) + 1 }), {});
    process.stdout.write(`three instances on PostgreSQL: ${client.answers.length} answers ${JSON.stringify(byStatus)} (${client.conflictsResent} conflicts sent again), log ${last} events, ${Date.now() - started} ms\n`);
  });
});
