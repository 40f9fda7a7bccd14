import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ServiceAccounts } from '../demo/accounts';
import { Child, cpuSecondsOf, memoryOf, startBare, startService, waitReady } from './children';
import { HttpAnswer, HttpConnection, load, LoadRequest, LoadResult, percentile } from './load';
import { ProfileSummary, summarizeProfile } from './profile';

export interface HttpSizes {
  readonly connections: number;
  readonly warmupRequests: number;
  readonly distinctRequests: number;
  readonly hotRequests: number;
  readonly rywSamples: number;
  readonly profileRequests: number;
  /** Projects drafted through the API after P1 and P2, for the service's memory (P5). */
  readonly memoryProjects: number;
  /** Sequential password sign-ins timed (A6). */
  readonly signIns: number;
  /** Sequential samples of each of a home's API calls (C8). */
  readonly homeSamples: number;
}

export interface LoadFigures extends LoadResult {
  /** CPU the server process used per answered request, in ms (user + system, from /proc). */
  readonly serverCpuMsPerRequest: number;
  /** CPU the bench's own load generator used per request, in ms: it shares the machine's 2 cores. */
  readonly clientCpuMsPerRequest: number;
}

export interface HttpFigures {
  readonly startupMs: number;
  readonly idleRssMb: number;
  readonly distinct: LoadFigures;
  readonly hot: LoadFigures;
  readonly bare: LoadFigures;
  /** Service commands/s (distinct projects) ÷ bare Fastify answers/s, same run. */
  readonly distinctToBareRatio: number;
  readonly hotToBareRatio: number;
  /** Events in each distinct project's stream at the end of the run (the stream is read and folded on each command). */
  readonly distinctStreamLength: number;
  readonly hotStreamLength: number;
  readonly readYourWrites: { samples: number; p50Ms: number; p99Ms: number; maxMs: number; commandP50Ms: number; commandP99Ms: number };
  /** The service's memory after all of the above and `memoryProjects` more drafted through the API, and its peak. */
  readonly afterLoad: { projects: number; rssMb: number; peakRssMb: number; draftsPerSecond: number };
  /** A6: sign-in latency and the time for a revoked grant to be refused. */
  readonly accounts: AccountFigures;
  /** C8: a home's API calls (to-do list, first page of projects) once the service holds every project above. */
  readonly home: HomeFigures;
}

export interface HomeFigures {
  readonly samples: number;
  /** Per person: how many projects their list holds, and each call's p50 / p99 in ms. */
  readonly people: readonly { readonly who: string; readonly projects: number; readonly calls: Readonly<Record<string, { p50Ms: number; p99Ms: number }>> }[];
}

const CYCLE_ID = 'bench-brand-major';
const DRAFT_BODY = {
  cycleId: CYCLE_ID,
  programType: 'brand-major',
  title: '机电一体化技术品牌专业建设项目',
  subject: { kind: 'major', majorCode: '460301', majorName: '机电一体化技术' },
};
const editBody = (i: number) => ({ title: `机电一体化技术品牌专业建设项目（修订 ${i}）` });

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * The bench's people, registered through the service child's API by its first admin (set up with the
 * link its first start logged), before anything is timed: the office and one school per connection.
 */
async function benchPeople(service: Child, applicantKeys: readonly (number | string)[]): Promise<{ accounts: ServiceAccounts; office: string; applicants: string[] }> {
  const link = service.setupLink();
  if (!link) throw new Error(`the service logged no set-up link:\n${service.output()}`);
  const accounts = await ServiceAccounts.withLink({ url: service.baseUrl }, link);
  const office = await accounts.token({ sub: 'bench-office-1', role: 'office', org: '山西省教育厅' });
  const applicants = await Promise.all(applicantKeys.map((n) => accounts.token({ sub: `bench-applicant-${n}`, role: 'applicant', org: `bench-school-${n}`, region: '太原市' })));
  return { accounts, office, applicants };
}

/**
 * A6: sequential password sign-ins (each a scrypt verification and a new session), and how long after
 * a grant is revoked the service refuses the token acting with it.
 */
async function measureAccounts(service: Child, accounts: ServiceAccounts, samples: number): Promise<AccountFigures> {
  const clerk = await accounts.account({ sub: 'bench-clerk', role: 'office', org: '山西省教育厅' });
  const times: number[] = [];
  for (let i = 0; i < samples; i += 1) {
    const started = process.hrtime.bigint();
    const status = await accounts.signInAgain(clerk.personId);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (status !== 200) throw new Error(`sign-in answered ${status}`);
  }
  times.sort((a, b) => a - b);
  const connection = HttpConnection.of(service.baseUrl);
  try {
    const readCycles = () => connection.request({ method: 'GET', path: '/cycles?limit=1', headers: { authorization: `Bearer ${clerk.token}` } });
    await ok(readCycles(), 'the clerk reads');
    await ok(connection.request(post(`/people/${clerk.personId}/grants/${clerk.grantIds[0]}/revoke`, accounts.admin.token, { reason: '调岗' })), 'revoke');
    const revoked = process.hrtime.bigint();
    for (;;) {
      const answer = await readCycles();
      if (answer.status === 403) break;
      if (Number(process.hrtime.bigint() - revoked) / 1e6 > 10_000) throw new Error('a revoked grant was still accepted after 10 s');
    }
    return { signInSamples: samples, signInP50Ms: round2(percentile(times, 50)), signInP99Ms: round2(percentile(times, 99)), revokedRefusedMs: round2(Number(process.hrtime.bigint() - revoked) / 1e6) };
  } finally {
    connection.close();
  }
}

/** The size of a list the console's home must serve fast (C8's goal). */
const HOME_LIST = 10_000;

/** The calls the console's home and project list make, as the person whose home it is. */
const HOME_CALLS: Readonly<Record<string, string>> = {
  'GET /todo': '/todo',
  'GET /projects (first page of 20)': '/projects?limit=20',
  'GET /projects?status=Draft (a to-do item opened)': '/projects?status=Draft&limit=20',
};

/** C8: each home call `samples` times in turn on one keep-alive connection, per person; the list's size from its total. */
async function measureHome(service: Child, people: readonly (readonly [string, string])[], samples: number): Promise<HomeFigures> {
  const connection = HttpConnection.of(service.baseUrl);
  try {
    const measuredPeople = [];
    for (const [who, token] of people) {
      const get = (path: string) => ok(connection.request({ method: 'GET', path, headers: { authorization: `Bearer ${token}` } }), `${who} ${path}`);
      const projects = Number(JSON.parse((await get('/projects?limit=1')).body).total);
      const calls: Record<string, { p50Ms: number; p99Ms: number }> = {};
      for (const [name, path] of Object.entries(HOME_CALLS)) {
        await get(path);
        const times: number[] = [];
        for (let i = 0; i < samples; i += 1) {
          const started = process.hrtime.bigint();
          await get(path);
          times.push(Number(process.hrtime.bigint() - started) / 1e6);
        }
        times.sort((a, b) => a - b);
        calls[name] = { p50Ms: round2(percentile(times, 50)), p99Ms: round2(percentile(times, 99)) };
      }
      measuredPeople.push({ who, projects, calls });
    }
    return { samples, people: measuredPeople };
  } finally {
    connection.close();
  }
}

export interface AccountFigures {
  readonly signInSamples: number;
  readonly signInP50Ms: number;
  readonly signInP99Ms: number;
  /** From the revocation's answer to the first request the service refused with the revoked grant. */
  readonly revokedRefusedMs: number;
}

async function ok(answer: Promise<HttpAnswer>, what: string): Promise<HttpAnswer> {
  const result = await answer;
  if (result.status < 200 || result.status >= 300) throw new Error(`${what}: ${result.status} ${result.body}`);
  return result;
}

const post = (path: string, token: string, body: unknown): LoadRequest => ({ method: 'POST', path, headers: { authorization: `Bearer ${token}` }, body });

/** Opens the cycle every bench project is drafted in; its window is open at the service's now. */
async function openCycle(service: Child, office: string): Promise<void> {
  const connection = HttpConnection.of(service.baseUrl);
  try {
    const day = 24 * 60 * 60 * 1000;
    await ok(
      connection.request(
        post('/cycles', office, {
          id: CYCLE_ID,
          programType: 'brand-major',
          name: '品牌专业 bench',
          label: 'bench',
          opensAt: new Date(Date.now() - day).toISOString(),
          closesAt: new Date(Date.now() + 30 * day).toISOString(),
        }),
      ),
      'open the cycle',
    );
  } finally {
    connection.close();
  }
}

/** Drafts one project per token, concurrently; answers the project ids in token order. */
async function draftProjects(service: Child, tokens: readonly string[]): Promise<string[]> {
  const ids: string[] = new Array(tokens.length);
  const result = await load(service.baseUrl, Math.min(64, tokens.length), tokens.length, (i) => post('/projects', tokens[i], DRAFT_BODY), (i, answer) => {
    if (answer.status === 201) ids[i] = answer.headers.location.replace('/projects/', '');
  });
  if (result.failures > 0) throw new Error(`drafting failed: ${JSON.stringify(result.statuses)}`);
  return ids;
}

async function measured(server: Child, run: () => Promise<LoadResult>): Promise<LoadFigures> {
  const before = cpuSecondsOf(server.pid);
  const client = process.cpuUsage();
  const result = await run();
  const cpu = cpuSecondsOf(server.pid) - before;
  const own = process.cpuUsage(client);
  return {
    ...result,
    serverCpuMsPerRequest: round2((cpu * 1000) / result.requests),
    clientCpuMsPerRequest: round2((own.user + own.system) / 1000 / result.requests),
  };
}

/** Edits, each connection its own project (`ids[c]`, token `tokens[c]`), or all one project when `ids` has one id. */
const editLoad = (server: Child, sizes: HttpSizes, total: number, ids: readonly string[], tokens: readonly string[], offset = 0) =>
  load(server.baseUrl, sizes.connections, total, (i, c) => post(`/projects/${ids[c % ids.length]}/edit`, tokens[c % tokens.length], editBody(offset + i)));

export interface ProfileRun {
  readonly requests: number;
  readonly commandsPerSecond: number;
  readonly summary: ProfileSummary;
  readonly file: string;
}

/**
 * P1 (commands/s, distinct and hot, beside bare Fastify) and P2 (read-your-writes lag), against one
 * service child on a fresh data folder.
 */
export async function measureHttp(dir: string, sizes: HttpSizes, log: (line: string) => void): Promise<HttpFigures> {
  const spawnedAt = process.hrtime.bigint();
  const service = await startService({ dataDir: join(dir, 'http-data') });
  const bare = await startBare();
  try {
    const startupMs = await waitReady(service, { path: '/health', needCaughtUp: true, since: spawnedAt, timeoutMs: 60_000 });
    await waitReady(bare, { path: '/health', needCaughtUp: false, since: spawnedAt, timeoutMs: 60_000 });
    const idleRssMb = memoryOf(service.pid).rssMb;
    log(`accounts: the office and ${sizes.connections + 2} schools registered through the API (not timed)`);
    const people = await benchPeople(service, [...Array.from({ length: sizes.connections }, (_, c) => c), 'hot', 'ryw']);
    log('A6: sequential sign-ins, then a grant revoked');
    const accountFigures = await measureAccounts(service, people.accounts, sizes.signIns);
    const office = people.office;
    const applicants = people.applicants.slice(0, sizes.connections);
    const [hotApplicant, rywApplicant] = people.applicants.slice(sizes.connections);

    await openCycle(service, office);
    const ids = await draftProjects(service, applicants);
    const [hotId] = await draftProjects(service, [hotApplicant]);
    const [rywId] = await draftProjects(service, [rywApplicant]);

    log(`P1: warming up (${sizes.warmupRequests} edits on the service, as many on bare Fastify)`);
    await editLoad(service, sizes, sizes.warmupRequests, ids, applicants);
    await editLoad(bare, sizes, sizes.warmupRequests, ids, applicants);

    log(`P1: ${sizes.distinctRequests} edits over ${sizes.connections} connections, one project each`);
    const distinct = await measured(service, () => editLoad(service, sizes, sizes.distinctRequests, ids, applicants, sizes.warmupRequests));
    log(`P1: ${sizes.distinctRequests} requests to bare Fastify`);
    const bareResult = await measured(bare, () => editLoad(bare, sizes, sizes.distinctRequests, ids, applicants, sizes.warmupRequests));
    log(`P1: ${sizes.hotRequests} edits over ${sizes.connections} connections, all on one project`);
    const hot = await measured(service, () => editLoad(service, sizes, sizes.hotRequests, [hotId], [hotApplicant]));

    const connection = HttpConnection.of(service.baseUrl);
    const streamLength = async (id: string, token: string) =>
      Number(JSON.parse((await ok(connection.request({ method: 'GET', path: `/projects/${id}`, headers: { authorization: `Bearer ${token}` } }), 'read a project')).body).revision) + 1;
    const distinctStreamLength = await streamLength(ids[0], applicants[0]);
    const hotStreamLength = await streamLength(hotId, hotApplicant);

    log(`P2: ${sizes.rywSamples} sequential command + GET /projects?after=<position>`);
    const lags: number[] = [];
    const commands: number[] = [];
    for (let i = 0; i < sizes.rywSamples; i += 1) {
      const sent = process.hrtime.bigint();
      const answer = await ok(connection.request(post(`/projects/${rywId}/edit`, rywApplicant, editBody(i))), 'edit');
      const answered = process.hrtime.bigint();
      const position = answer.headers['x-position'];
      await ok(connection.request({ method: 'GET', path: `/projects?after=${position}&limit=1`, headers: { authorization: `Bearer ${rywApplicant}` } }), 'query after');
      lags.push(Number(process.hrtime.bigint() - answered) / 1e6);
      commands.push(Number(answered - sent) / 1e6);
    }
    connection.close();
    lags.sort((a, b) => a - b);
    commands.sort((a, b) => a - b);

    // Drafted in two steps: C8 measures the homes once the office's list holds 10,000 projects, and again with all of them.
    const drafted = sizes.connections + 2;
    const firstStep = Math.min(sizes.memoryProjects, Math.max(0, HOME_LIST - drafted));
    const draft = async (count: number) => {
      const result = await load(service.baseUrl, sizes.connections, count, (_, c) => post('/projects', applicants[c], DRAFT_BODY));
      if (result.failures > 0) throw new Error(`drafting failed: ${JSON.stringify(result.statuses)}`);
      return result;
    };
    log(`P5: ${firstStep} projects drafted over ${sizes.connections} connections`);
    const firstDrafts = await draft(firstStep);
    log(`C8: a home's API calls, ${sizes.homeSamples} each, with ${drafted + firstStep} projects in the office's list`);
    const homes = [await measureHome(service, [['office', office], ['school', applicants[0]]], sizes.homeSamples)];
    log(`P5: ${sizes.memoryProjects - firstStep} more projects drafted`);
    const moreDrafts = sizes.memoryProjects > firstStep ? await draft(sizes.memoryProjects - firstStep) : firstDrafts;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const memory = memoryOf(service.pid);
    if (sizes.memoryProjects > firstStep) {
      log(`C8: again, with ${drafted + sizes.memoryProjects} projects in the office's list`);
      homes.push(await measureHome(service, [['office', office]], sizes.homeSamples));
    }
    const home = { samples: sizes.homeSamples, people: homes.flatMap((h) => h.people) };
    const steps = moreDrafts === firstDrafts ? [firstDrafts] : [firstDrafts, moreDrafts];
    const okOf = (r: LoadResult) => r.requests - r.failures;
    const drafts = { okPerSecond: Math.round(steps.reduce((n, r) => n + okOf(r), 0) / steps.reduce((t, r) => t + r.seconds, 0)) };

    return {
      startupMs: Math.round(startupMs),
      idleRssMb,
      distinct,
      hot,
      bare: bareResult,
      distinctToBareRatio: round2(distinct.okPerSecond / bareResult.okPerSecond),
      hotToBareRatio: round2(hot.okPerSecond / bareResult.okPerSecond),
      distinctStreamLength,
      hotStreamLength,
      readYourWrites: {
        samples: lags.length,
        p50Ms: round2(percentile(lags, 50)),
        p99Ms: round2(percentile(lags, 99)),
        maxMs: round2(lags[lags.length - 1] ?? 0),
        commandP50Ms: round2(percentile(commands, 50)),
        commandP99Ms: round2(percentile(commands, 99)),
      },
      accounts: accountFigures,
      home,
      afterLoad: { projects: sizes.connections + 2 + sizes.memoryProjects, rssMb: memory.rssMb, peakRssMb: memory.peakRssMb, draftsPerSecond: drafts.okPerSecond },
    };
  } finally {
    await Promise.all([service.stop(), bare.stop()]);
  }
}

/**
 * A separate service child with the profiler hook preloaded: after a warm-up, the V8 CPU profile of
 * the distinct-projects edit load alone. Kept apart so the measured figures carry no profiler.
 */
export async function profileDistinct(profileDir: string, dir: string, sizes: HttpSizes, log: (line: string) => void): Promise<ProfileRun> {
  mkdirSync(profileDir, { recursive: true });
  const file = join(profileDir, 'service-p1.cpuprofile');
  const spawnedAt = process.hrtime.bigint();
  const service = await startService({ dataDir: join(dir, 'profile-data'), profileFile: file });
  try {
    await waitReady(service, { path: '/health', needCaughtUp: true, since: spawnedAt, timeoutMs: 60_000 });
    const { office, applicants } = await benchPeople(service, Array.from({ length: sizes.connections }, (_, c) => c));
    await openCycle(service, office);
    const ids = await draftProjects(service, applicants);
    await editLoad(service, sizes, sizes.warmupRequests, ids, applicants);
    log(`profile: ${sizes.profileRequests} edits on distinct projects under the CPU profiler`);
    service.process.send('profile-start');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const result = await editLoad(service, sizes, sizes.profileRequests, ids, applicants, sizes.warmupRequests);
    service.process.send('profile-stop');
    const deadline = Date.now() + 30_000;
    while (!existsSync(file) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    if (!existsSync(file)) throw new Error('the service wrote no CPU profile');
    return { requests: result.requests, commandsPerSecond: result.okPerSecond, summary: summarizeProfile(file), file };
  } finally {
    await service.stop();
  }
}

/** P1 on another store: the service's edits, distinct and hot, as measureHttp runs them. */
export interface StoreP1Figures {
  readonly distinct: LoadFigures;
  readonly hot: LoadFigures;
}

/**
 * P1 again with the service on the store `env` selects (EVENT_STORE=postgres), on a data folder of its
 * own: the same people, cycle, warm-up and loads as measureHttp, so the two stores' figures stand side by side.
 */
export async function measureP1On(env: Readonly<Record<string, string>>, dir: string, sizes: HttpSizes, log: (line: string) => void): Promise<StoreP1Figures> {
  const spawnedAt = process.hrtime.bigint();
  const service = await startService({ dataDir: dir, env });
  try {
    await waitReady(service, { path: '/health', needCaughtUp: true, since: spawnedAt, timeoutMs: 60_000 });
    const people = await benchPeople(service, [...Array.from({ length: sizes.connections }, (_, c) => c), 'hot']);
    const applicants = people.applicants.slice(0, sizes.connections);
    const [hotApplicant] = people.applicants.slice(sizes.connections);
    await openCycle(service, people.office);
    const ids = await draftProjects(service, applicants);
    const [hotId] = await draftProjects(service, [hotApplicant]);
    log(`P1 (${env.EVENT_STORE}): warming up (${sizes.warmupRequests} edits)`);
    await editLoad(service, sizes, sizes.warmupRequests, ids, applicants);
    log(`P1 (${env.EVENT_STORE}): ${sizes.distinctRequests} edits over ${sizes.connections} connections, one project each`);
    const distinct = await measured(service, () => editLoad(service, sizes, sizes.distinctRequests, ids, applicants, sizes.warmupRequests));
    log(`P1 (${env.EVENT_STORE}): ${sizes.hotRequests} edits over ${sizes.connections} connections, all on one project`);
    const hot = await measured(service, () => editLoad(service, sizes, sizes.hotRequests, [hotId], [hotApplicant]));
    return { distinct, hot };
  } finally {
    await service.stop();
  }
}
