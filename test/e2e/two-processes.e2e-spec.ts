import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Accounts, Who } from '../support/accounts';
import { WRITE_BUDGET_MS } from '../../src/infrastructure/projections/sqlite-busy';
import { TEST_CATALOG_FILE } from '../support/test-app';
import { TEST_CALENDAR_FILE } from '../support/test-calendar';

/**
 * Two real service processes on one data folder (events.db, read-models.db, reactor.db and the
 * documents shared), started together and driven at once: drafts, submissions, recommendations,
 * reviews and shortlists spread over both, with the same commands sent to both at the same moment,
 * while a third writer now and then keeps each file locked for longer than SQLite's own wait.
 * Nothing may answer 5xx, both read sides must end at the same position with the same answers, every
 * cross-stream effect must be written once, and the hash chain must verify. Last, the store kept
 * locked for longer than a write may wait: 503 store-busy, nothing written, taken when sent again.
 */

const ROOT = join(__dirname, '..', '..');
const YEAR = 2025;
const CYCLE = `brand-major-two-processes-${YEAR}`;
const ORGS = 20;
const PROJECTS_PER_ORG = 3;
const QUOTA = 24;
const REGION = '太原市';
/** Requests in flight at once, over both processes. */
const CONCURRENCY = 24;

interface Service {
  readonly name: string;
  readonly url: string;
  readonly child: ChildProcess;
  readonly output: string[];
  /** Lines the service logged at error level or above, or wrote other than as a log line. */
  readonly errors: string[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

interface Answer {
  readonly service: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly body: any;
  readonly headers?: Headers;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

function startService(name: string, env: NodeJS.ProcessEnv, port: number): Service {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
    cwd: ROOT,
    env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const errors: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      output.push(line);
      if (output.length > 200) output.shift();
      // Pino levels: 50 error, 60 fatal; anything not JSON is a crash's own text.
      let level = 60;
      try {
        level = Number(JSON.parse(line).level);
      } catch {
        // not a log line
      }
      if (level >= 50) errors.push(line);
    }
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { name, url: `http://127.0.0.1:${port}`, child, output, errors, exited };
}

/** Runs the tasks with at most `limit` in flight. */
async function inParallel<T>(tasks: readonly (() => Promise<T>)[], limit = CONCURRENCY): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const on = (date: string) => `${date}T10:00:00+08:00`;
const PDF = (label: string) => Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from(`${label}\n`.repeat(20))]);

describe('two service processes on one data folder', () => {
  let dataDir: string;
  let services: Service[] = [];
  const answers: Answer[] = [];
  /** Requests that got no HTTP answer at all (connection refused or reset, timeout). */
  const unanswered: string[] = [];
  /** 409 concurrency-conflict answers, each sent again as the problem asks. */
  let conflictsResent = 0;

  /**
   * Sends a request as a client would: a 409 concurrency-conflict (the stream kept changing under the
   * service's own retries, here because the other process wrote it) is sent again, a few times.
   */
  async function call(service: Service, method: string, path: string, token?: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    for (let resend = 0; ; resend += 1) {
      const answer = await callOnce(service, method, path, token, body, headers);
      if (answer.status !== 409 || answer.body?.code !== 'concurrency-conflict' || resend === 5) return answer;
      conflictsResent += 1;
      await sleep(10 + Math.random() * 40);
    }
  }

  async function callOnce(service: Service, method: string, path: string, token?: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const init: RequestInit = { method, headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) }, signal: AbortSignal.timeout(30_000) };
    if (body instanceof FormData) init.body = body;
    else if (body !== undefined) {
      init.body = JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] = 'application/json';
    }
    try {
      const response = await fetch(`${service.url}${path}`, init);
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON
      }
      const answer = { service: service.name, method, path, status: response.status, body: parsed, headers: response.headers };
      answers.push(answer);
      return answer;
    } catch (error) {
      unanswered.push(`${service.name} ${method} ${path}: ${(error as Error).message}`);
      return { service: service.name, method, path, status: 0, body: undefined };
    }
  }

  const ok = (answer: Answer, step: string) => {
    if (answer.status >= 200 && answer.status < 300) return answer;
    const log = answer.status >= 500 ? `\n${services.find((s) => s.name === answer.service)?.output.slice(-5).join('\n')}` : '';
    throw new Error(`${step} on ${answer.service}: ${answer.status} ${JSON.stringify(answer.body)}${log}`);
  };

  async function healthy(service: Service, timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      try {
        const response = await fetch(`${service.url}/health`, { signal: AbortSignal.timeout(1000) });
        await response.arrayBuffer();
        if (response.status === 200) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > until) throw new Error(`${service.name} did not become healthy:\n${service.output.join('\n')}`);
      await sleep(100);
    }
  }

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
    await Promise.all(services.map((s) => healthy(s, 30_000)));
    const started = Date.now();
    const other = (s: Service) => (s === a ? b : a);
    const pick = (n: number) => services[n % 2];

    // The people, through the API of one process: both share accounts.db, so their tokens work on either.
    const setupLink = a.output.map((line) => /"setupUrl":"([^"]+)"/.exec(line)?.[1]).find(Boolean);
    if (!setupLink) throw new Error(`service A logged no set-up link:\n${a.output.join('\n')}`);
    const accounts = await Accounts.withLink({ url: a.url }, setupLink);
    const token = (who: Who) => accounts.token(who);
    const office = await token({ sub: 'office-1', role: 'office', org: '山西省教育厅' });
    const auditor = await token({ sub: 'auditor-1', role: 'auditor', org: '山西省审计厅' });
    const recommender = await token({ sub: 'ty-1', role: 'recommender', org: '太原市教育局', region: REGION });
    const reviewers = await Promise.all(
      [1, 2, 3].map(async (n) => {
        const expert = await accounts.account({ sub: `expert-${n}`, role: 'reviewer', org: `university-${n}` });
        return { id: expert.personId, org: expert.org, token: expert.token };
      }),
    );
    const applicants = await Promise.all(
      Array.from({ length: ORGS }, async (_, i) => {
        const school = await accounts.account({ sub: `school-${i}-user`, role: 'applicant', org: `school-${i}`, region: REGION });
        return { org: school.org, token: school.token };
      }),
    );
    /** Each process has its own simulated clock: both are moved to the same instant. */
    const clockTo = async (date: string) => {
      for (const s of await Promise.all(services.map((s) => call(s, 'POST', '/clock', office, { to: on(date) })))) ok(s, `clock to ${date}`);
    };

    ok(
      await call(a, 'POST', '/cycles', office, {
        id: CYCLE,
        programType: 'brand-major',
        name: `品牌专业 ${YEAR}`,
        label: String(YEAR),
        opensAt: `${YEAR}-09-01T00:00:00+08:00`,
        closesAt: `${YEAR}-09-15T00:00:00+08:00`,
        rules: { quota: QUOTA, perRecommenderLimit: ORGS * PROJECTS_PER_ORG },
        rulesVersion: 'brand-major/two-processes',
      }),
      'open the cycle',
    );
    await clockTo(`${YEAR}-09-02`);

    // Documents are files in the shared folder: uploaded to one process, cited through the other.
    const uploads = await Promise.all(
      ['申报书.pdf', '真实性声明.pdf', '承诺书.pdf'].map(async (name, i) => {
        const form = new FormData();
        form.append('file', new Blob([PDF(name)], { type: 'application/pdf' }), name);
        const body = ok(await call(pick(i), 'POST', '/documents', office, form), `upload ${name}`).body;
        return { sha256: body.sha256, name: body.name, size: body.size, mediaType: body.mediaType };
      }),
    );
    const [form, authenticity, commitment] = uploads;

    // Drafts through both; some drafted with one Idempotency-Key sent to both processes at once.
    const drafts = applicants.flatMap((applicant, i) => Array.from({ length: PROJECTS_PER_ORG }, (_, k) => ({ applicant, n: i * PROJECTS_PER_ORG + k })));
    const projects = await inParallel(
      drafts.map(({ applicant, n }) => async () => {
        const body = { cycleId: CYCLE, programType: 'brand-major', title: `${applicant.org} 品牌专业 ${n}`, subject: { kind: 'major', majorCode: '460301', majorName: '机电一体化技术' } };
        const service = pick(n);
        let drafted: Answer;
        if (n % 5 === 0) {
          const key = { 'idempotency-key': randomUUID() };
          const [one, two] = await Promise.all([call(service, 'POST', '/projects', applicant.token, body, key), call(other(service), 'POST', '/projects', applicant.token, body, key)]);
          ok(one, `draft ${n}`);
          ok(two, `draft ${n} again`);
          expect(two.headers!.get('location')).toBe(one.headers!.get('location'));
          drafted = one;
        } else {
          drafted = ok(await call(service, 'POST', '/projects', applicant.token, body), `draft ${n}`);
        }
        const id = drafted.headers!.get('location')!.split('/').pop()!;
        // Read-your-writes on the process that did not write.
        const listed = ok(await call(other(service), 'GET', `/projects?cycleId=${CYCLE}&applicantOrg=${applicant.org}&after=${drafted.body.position}`, applicant.token), `list after draft ${n}`);
        expect(listed.body.items.map((p: { id: string }) => p.id)).toContain(id);
        return { id, n, applicant };
      }),
    );

    const locks = holdLocksNowAndThen(dataDir, 300, 150);

    // Submissions register on the one cycle stream from both processes; every third is sent to both
    // at once with one Idempotency-Key (a client trying again through the other instance): both
    // answer the one submission.
    await clockTo(`${YEAR}-09-05`);
    const submitBody = { applicationForm: form, declarations: { authenticity, commitment } };
    await inParallel(
      projects.map((p) => async () => {
        const path = `/projects/${p.id}/submit`;
        if (p.n % 3 !== 0) return void ok(await call(pick(p.n + 1), 'POST', path, p.applicant.token, submitBody), `submit ${p.n}`);
        const key = { 'idempotency-key': randomUUID() };
        const both = await Promise.all(services.map((s) => call(s, 'POST', path, p.applicant.token, submitBody, key)));
        for (const r of both) ok(r, `submit ${p.n} through ${r.service}`);
        expect(both.map((r) => [r.body.revision, r.body.position])).toEqual([0, 1].map(() => [both[0].body.revision, both[0].body.position]));
      }),
    );

    // Formal check, ranked recommendation (on the cycle stream again) and three reviewers per project.
    await clockTo(`${YEAR}-09-20`);
    await inParallel(
      projects.map((p, index) => async () => {
        const s = pick(index);
        ok(await call(s, 'POST', `/projects/${p.id}/formal-check`, recommender, { result: 'passed' }), `formal check ${p.n}`);
        ok(await call(other(s), 'POST', `/projects/${p.id}/recommend`, recommender, { rank: index + 1 }), `recommend ${p.n}`);
        for (const [k, r] of reviewers.entries()) {
          ok(await call(pick(index + k), 'POST', `/projects/${p.id}/reviewers`, office, { reviewerId: r.id, reviewerOrg: r.org, declaredRelations: [] }), `assign ${r.id} to ${p.n}`);
        }
      }),
    );
    await clockTo(`${YEAR}-10-10`);
    await inParallel(
      projects.flatMap((p, index) =>
        reviewers.map((r, k) => async () => void ok(await call(pick(index + k + 1), 'POST', `/projects/${p.id}/scores`, r.token, { score: 70 + ((index * 7 + k) % 30), comments: `评审意见 ${k + 1}` }), `score ${p.n} by ${r.id}`)),
      ),
    );

    // Shortlists of three, each sent to both processes at the same moment: within the quota one of
    // the two is taken and the other finds the projects decided; beyond it, both are refused.
    await clockTo(`${YEAR}-10-15`);
    const groups = Array.from({ length: projects.length / 3 }, (_, g) => projects.slice(g * 3, g * 3 + 3));
    const shortlisting = await inParallel(
      groups.map((group, g) => async () => {
        const body = { shortlisted: group.map((p) => ({ projectId: p.id })), notSelected: [], reason: `评审会议纪要 ${g + 1}` };
        return Promise.all(services.map((s) => call(s, 'POST', `/cycles/${CYCLE}/shortlist`, office, body)));
      }),
    );
    for (const pair of shortlisting) {
      expect(pair.filter((r) => r.status === 200).length).toBeLessThanOrEqual(1);
      for (const refused of pair.filter((r) => r.status !== 200)) {
        expect([refused.status, ['already-decided', 'quota-exceeded'].includes(refused.body.code)]).toEqual([409, true]);
      }
    }
    const taken = shortlisting.filter((pair) => pair.some((r) => r.status === 200)).length;
    expect(taken).toBe(QUOTA / 3);
    // The rest are not selected, again through both at once.
    const cycle = ok(await call(b, 'GET', `/cycles/${CYCLE}`, office), 'read the cycle').body;
    const undecided = projects.filter((p) => !cycle.selections[p.id]);
    expect(undecided).toHaveLength(projects.length - QUOTA);
    await inParallel(
      undecided.map((p) => async () => {
        const body = { shortlisted: [], notSelected: [{ projectId: p.id, reason: '评审得分未达入围线' }], reason: '评审会议纪要' };
        const both = await Promise.all(services.map((s) => call(s, 'POST', `/cycles/${CYCLE}/shortlist`, office, body)));
        expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
      }),
    );

    const locksHeld = await locks.stop();
    expect(locksHeld).toBeGreaterThan(3);

    // Both read sides reach the end of the log, the same for both.
    const until = Date.now() + 15_000;
    let health: Answer[];
    for (;;) {
      health = await Promise.all(services.map((s) => call(s, 'GET', '/health')));
      const done = health.every((h) => h.status === 200 && h.body.projections.caughtUp && h.body.projections.checkpoint === h.body.store.lastPosition);
      if (done && health[0].body.store.lastPosition === health[1].body.store.lastPosition) break;
      if (Date.now() > until) throw new Error(`the read sides did not catch up: ${JSON.stringify(health.map((h) => [h.status, h.body]))}`);
      await sleep(100);
    }
    const last = health[0].body.store.lastPosition as string;
    expect(health.map((h) => h.body.projections.checkpoint)).toEqual([last, last]);

    const statuses = await Promise.all(
      services.map(async (s) => {
        const page = ok(await call(s, 'GET', `/projects?cycleId=${CYCLE}&limit=500&after=${last}`, office), `list on ${s.name}`).body;
        return Object.fromEntries(page.items.map((p: { id: string; status: string }) => [p.id, p.status])) as Record<string, string>;
      }),
    );
    expect(statuses[1]).toEqual(statuses[0]);
    const counts = Object.values(statuses[0]).reduce<Record<string, number>>((c, s) => ({ ...c, [s]: (c[s] ?? 0) + 1 }), {});
    expect(counts).toEqual({ Shortlisted: QUOTA, NotSelected: projects.length - QUOTA });
    // The read model says what each stream says, on both processes.
    await inParallel(
      projects.flatMap((p) => services.map((s) => async () => expect([p.id, ok(await call(s, 'GET', `/projects/${p.id}`, office), 'read').body.status]).toEqual([p.id, statuses[0][p.id]]))),
    );
    const dashboards = await Promise.all(services.map(async (s) => ok(await call(s, 'GET', `/cycles/${CYCLE}/dashboard?after=${last}`, office), 'dashboard').body));
    expect(dashboards[1]).toEqual(dashboards[0]);

    // Each cross-stream effect once: one SelectionRecorded per project, one window closing on the cycle.
    await inParallel(
      projects.map((p) => async () => {
        const history = ok(await call(pick(p.n), 'GET', `/audit/streams/project-${p.id}/history`, auditor), 'history').body;
        const types: string[] = history.events.map((e: { type: string }) => e.type);
        expect([p.id, types.filter((t) => t === 'SelectionRecorded').length, types.filter((t) => t === 'ApplicationSubmitted').length]).toEqual([p.id, 1, 1]);
      }),
    );
    const cycleTypes: string[] = ok(await call(a, 'GET', `/audit/streams/cycle-${CYCLE}/history`, auditor), 'cycle history').body.events.map((e: { type: string }) => e.type);
    expect(cycleTypes.filter((t) => t === 'ApplicationWindowClosed')).toHaveLength(1);
    expect(cycleTypes.filter((t) => t === 'ApplicationRegistered')).toHaveLength(projects.length);
    expect(cycleTypes.filter((t) => t === 'ProjectShortlisted')).toHaveLength(QUOTA);

    for (const s of services) {
      const verified = ok(await call(s, 'GET', '/audit/verify', auditor), `verify on ${s.name}`).body;
      expect(verified).toMatchObject({ ok: true, checkedEvents: Number(last) });
    }
    const failures = await Promise.all(services.map(async (s) => ok(await call(s, 'GET', '/reactions/failures', office), 'failures').body));
    expect(failures.map((f) => f.dead)).toEqual([0, 0]);

    expect(unanswered).toEqual([]);
    expect(answers.filter((r) => r.status >= 500).map((r) => `${r.service} ${r.method} ${r.path} ${r.status} ${JSON.stringify(r.body)}`)).toEqual([]);
    const byStatus = answers.reduce<Record<number, number>>((c, r) => ({ ...c, [r.status]: (c[r.status] ?? 0) + 1 }), {});
    process.stdout.write(
      `two processes: ${answers.length} answers ${JSON.stringify(byStatus)} (${conflictsResent} concurrency conflicts sent again, ${locksHeld} locks held by a third writer), log ${last} events, ${Date.now() - started} ms of load\n`,
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
