import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { WRITE_BUDGET_MS } from '../../src/infrastructure/projections/sqlite-busy';
import { Answer, Client, freePort, Service, sleep, startService } from '../support/service-processes';
import { playSelection } from '../support/selection-load';
import { TEST_CATALOG_FILE } from '../support/test-app';
import { TEST_CALENDAR_FILE } from '../support/test-calendar';

/**
 * Two real service processes on one data folder (events.db, read-models.db, reactor.db and the
 * documents shared), started together and driven at once (test/support/selection-load.ts): drafts,
 * submissions, recommendations, reviews and shortlists spread over both, with the same commands sent to
 * both at the same moment, while a third writer now and then keeps each file locked for longer than
 * SQLite's own wait. Nothing may answer 5xx, both read sides must end at the same position with the same
 * answers, every cross-stream effect must be written once, and the hash chain must verify. Last, the
 * store kept locked for longer than a write may wait: 503 store-busy, nothing written, taken when sent again.
 */

const YEAR = 2025;

/**
 * A third writer on the shared files, as a backup or a rebuild script would be: now and then it takes
 * the write lock of each file and keeps it for longer than SQLite's own busy wait, so the services'
 * retries of a locked commit, of a projection batch and of the reactor's bookkeeping all run.
 */
function holdLocksNowAndThen(dataDir: string, holdMs: number, everyMs: number): { stop: () => Promise<number> } {
  const files = ['events.db', 'read-models.db', 'reactor.db'].map((name) => new Database(join(dataDir, name), { timeout: 5000 }));
  let stopped = false;
  let held = 0;
  const loop = (async () => {
    for (let turn = 0; !stopped; turn += 1) {
      await sleep(everyMs);
      const db = files[turn % files.length];
      db.exec('BEGIN IMMEDIATE');
      held += 1;
      await sleep(holdMs);
      db.exec('COMMIT');
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      for (const db of files) db.close();
      return held;
    },
  };
}

describe('two service processes on one data folder', () => {
  let dataDir: string;
  let services: Service[] = [];
  const client = new Client(() => services);
  const { call, callOnce, ok } = {
    call: client.call.bind(client),
    callOnce: client.callOnce.bind(client),
    ok: client.ok.bind(client),
  };

  afterAll(async () => {
    for (const service of services) if (service.child.exitCode === null) service.child.kill('SIGKILL');
    await Promise.all(services.map((s) => s.exited));
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers every command without a 5xx, both read sides end equal with each effect once and the chain intact, and a store locked past the budget answers 503 store-busy', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'als-two-processes-'));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATA_DIR: dataDir,
      CLOCK: 'simulated',
      CLOCK_START: '2025-09-01T01:00:00Z',
      // Both schedulers look for passed deadlines all the time, racing each other to fire them.
      SCHEDULER_INTERVAL_MS: '200',
      LOG_LEVEL: 'warn',
      // Many batches of one program, and years past the announced holidays (test-app.ts).
      PROGRAM_CATALOG_FILE: TEST_CATALOG_FILE,
      CALENDAR_FILE: TEST_CALENDAR_FILE,
    };
    delete env.EVENT_STORE;
    // Started together: they create the files and their tables at the same moment.
    const [portA, portB] = [await freePort(), await freePort()];
    services = [startService('A', env, portA), startService('B', env, portB)];
    const [a, b] = services;
    await Promise.all(services.map((s) => client.healthy(s, 30_000)));
    const started = Date.now();

    // The people, through the API of one process: both share accounts.db, so their tokens work on either.
    const setupLink = a.output.map((line) => /"setupUrl":"([^"]+)"/.exec(line)?.[1]).find(Boolean);
    if (!setupLink) throw new Error(`service A logged no set-up link:\n${a.output.join('\n')}`);
    let locks: ReturnType<typeof holdLocksNowAndThen> | undefined;
    let locksHeld = 0;
    const { accounts, office, last } = await playSelection(client, () => services, setupLink, {
      year: YEAR,
      orgs: 20,
      projectsPerOrg: 3,
      quota: 24,
      region: '太原市',
      concurrency: 24,
      between: async (phase) => {
        if (phase === 'drafted') locks = holdLocksNowAndThen(dataDir, 300, 150);
        if (phase === 'decided') locksHeld = (await locks?.stop()) ?? 0;
      },
    });
    expect(locksHeld).toBeGreaterThan(3);
    const CYCLE = `brand-major-processes-${YEAR}`;

    expect(client.unanswered).toEqual([]);
    expect(client.serverErrors()).toEqual([]);
    const byStatus = client.answers.reduce<Record<number, number>>((c, r) => ({ ...c, [r.status]: (c[r.status] ?? 0) + 1 }), {});
    process.stdout.write(
      `two processes: ${client.answers.length} answers ${JSON.stringify(byStatus)} (${client.conflictsResent} concurrency conflicts sent again, ${locksHeld} locks held by a third writer), log ${last} events, ${Date.now() - started} ms of load\n`,
    );

    expect(services.map((s) => s.errors)).toEqual([[], []]);

    // A command that cannot get the store's lock within the budget (a third writer keeps it) is
    // answered 503 store-busy, never 500, and writes nothing; sent again once the lock is free, it is taken.
    const blocker = new Database(join(dataDir, 'events.db'), { timeout: 5000 });
    blocker.exec('BEGIN IMMEDIATE');
    const release = sleep(WRITE_BUDGET_MS + 1500).then(() => {
      blocker.exec('COMMIT');
      blocker.close();
    });
    const key = { 'idempotency-key': randomUUID() };
    const opening = { id: `${CYCLE}-busy`, programType: 'brand-major', name: '品牌专业 busy', label: 'busy', opensAt: `${YEAR + 1}-09-01T00:00:00+08:00`, closesAt: `${YEAR + 1}-09-15T00:00:00+08:00` };
    const busy = await callOnce(b, 'POST', '/cycles', office, opening, key);
    expect([busy.status, busy.headers?.get('content-type'), busy.body.code]).toEqual([503, 'application/problem+json; charset=utf-8', 'store-busy']);
    await release;
    expect((await call(a, 'GET', '/health')).body.store.lastPosition).toBe(last);
    ok(await call(a, 'POST', '/cycles', office, opening, key), 'open the cycle once the lock is free');
    expect(services[1].errors.map((line) => JSON.parse(line).reqId)).toEqual([busy.headers?.get('x-request-id')]);

    // A grant revoked through one process is refused by the other within a second (its read models follow the store).
    const clerk = await accounts.account({ sub: 'revoked-clerk', role: 'office', org: '山西省教育厅' });
    ok(await call(b, 'GET', '/cycles', clerk.token), 'the clerk reads through B');
    ok(await call(a, 'POST', `/people/${clerk.personId}/grants/${clerk.grantIds[0]}/revoke`, accounts.admin.token, { reason: '调岗' }), 'revoke through A');
    const revokedAt = performance.now();
    let refusedOnB: Answer | undefined;
    while (performance.now() - revokedAt < 3000) {
      const answer = await callOnce(b, 'GET', '/cycles', clerk.token);
      if (answer.status !== 200) {
        refusedOnB = answer;
        break;
      }
      await sleep(10);
    }
    const refusedAfterMs = performance.now() - revokedAt;
    expect([refusedOnB?.status, refusedOnB?.body.code]).toEqual([403, 'grant-revoked']);
    expect(refusedAfterMs).toBeLessThan(1000);
    process.stdout.write(`two processes: a grant revoked through A was refused by B after ${refusedAfterMs.toFixed(0)} ms\n`);

    // A clean stop: Nest closes everything on SIGTERM, then ends the process with that signal.
    for (const s of services) s.child.kill('SIGTERM');
    expect(await Promise.all(services.map((s) => s.exited))).toEqual([0, 1].map(() => ({ code: null, signal: 'SIGTERM' })));
    expect(services[0].errors).toEqual([]);
  });
});
