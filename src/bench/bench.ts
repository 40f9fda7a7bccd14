import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpFigures, HttpSizes, measureHttp, measureP1On, profileDistinct, ProfileRun, StoreP1Figures } from './http.bench';
import { LogFigures, LogSizes, measureLog, measureRebuildOnPostgres, PostgresRebuildFigures } from './log.bench';
import { measureStartup, StartupFigures } from './startup.bench';
import { ConsoleFigures, measureConsole } from './console.bench';
import { measureStore, StoreFigures } from './store.bench';

/**
 * `npm run bench [-- --json] [-- --quick] [-- --profile]`: every figure measured side by side in one
 * run on this machine, against the real service started from the production build (dist/main.js)
 * as a child process on a temporary data folder.
 */

interface Sizes extends HttpSizes, LogSizes {
  readonly storeAppendsPerCaller: number;
}

const FULL: Sizes = {
  connections: 64,
  warmupRequests: 3_000,
  distinctRequests: 10_000,
  hotRequests: 640,
  rywSamples: 500,
  profileRequests: 4_000,
  memoryProjects: 100_000,
  signIns: 100,
  homeSamples: 200,
  // 45,000 lifecycles × 21 events + 55,000 drafts × 1 + templates and the long stream: 1,001,093 events.
  logProjects: 100_000,
  fullLifecycleShare: 0.45,
  interleave: 5_000,
  historyEvents: 1_000,
  storeAppendsPerCaller: 200,
};

const QUICK: Sizes = {
  connections: 64,
  warmupRequests: 500,
  distinctRequests: 2_000,
  hotRequests: 192,
  rywSamples: 100,
  profileRequests: 1_000,
  memoryProjects: 2_000,
  signIns: 20,
  homeSamples: 50,
  logProjects: 4_000,
  fullLifecycleShare: 0.45,
  interleave: 2_000,
  historyEvents: 1_000,
  storeAppendsPerCaller: 20,
};

const GOALS = {
  commandsPerSecond: 5_000,
  ratioToBare: 0.25,
  p99Ms: 50,
  readYourWritesP99Ms: 50,
  rebuildEventsPerSecond: 100_000,
  historyMs: 20,
  rssMb: 300,
  startupMs: 3_000,
  // The compressed JavaScript of a console page's first visit (the sign-in page, a role's home).
  consoleFirstRouteKb: 300,
  // A home's API calls with 10,000 projects in its lists (the to-do list, the first page of projects).
  homeP99Ms: 100,
};

/** The pages the first-visit budget is for: where a person first lands. The others are measured and shown. */
const FIRST_PAGES = ['sign-in', 'setup', 'home'];

interface Results {
  readonly date: string;
  readonly seconds: number;
  /** Load averages (1, 5, 15 min) when the bench started and ended: other work on the machine shows here. */
  readonly machine: { cpus: number; node: string; platform: string; loadAtStart: number[]; loadAtEnd: number[] };
  readonly quick: boolean;
  readonly sizes: Sizes;
  readonly http: HttpFigures;
  readonly profile?: Omit<ProfileRun, 'file'> & { file: string };
  readonly log: LogFigures;
  readonly startup: StartupFigures;
  readonly store: StoreFigures;
  readonly console: ConsoleFigures;
  /** P1 and P3 again on PostgreSQL (BENCH_DATABASE_URL), or why they were not measured. */
  readonly postgres: { readonly p1: StoreP1Figures; readonly rebuild: PostgresRebuildFigures } | { readonly skipped: string };
  readonly goals: Record<string, { value: number; goal: string; met: boolean }>;
}

const n = (value: number) => value.toLocaleString('en-US');

function goalsOf(http: HttpFigures, log: LogFigures, startup: StartupFigures): Results['goals'] {
  return {
    'P1 commands/s, distinct projects': { value: http.distinct.okPerSecond, goal: `≥ ${n(GOALS.commandsPerSecond)}`, met: http.distinct.okPerSecond >= GOALS.commandsPerSecond },
    'P1 ratio service/bare': { value: http.distinctToBareRatio, goal: `≥ ${GOALS.ratioToBare}`, met: http.distinctToBareRatio >= GOALS.ratioToBare },
    'P1 p99 ms, distinct projects': { value: http.distinct.p99Ms, goal: `≤ ${GOALS.p99Ms}`, met: http.distinct.p99Ms <= GOALS.p99Ms },
    'P1 p99 ms, hot project': { value: http.hot.p99Ms, goal: `≤ ${GOALS.p99Ms}`, met: http.hot.p99Ms <= GOALS.p99Ms },
    'P2 read-your-write lag p99 ms': { value: http.readYourWrites.p99Ms, goal: `≤ ${GOALS.readYourWritesP99Ms}`, met: http.readYourWrites.p99Ms <= GOALS.readYourWritesP99Ms },
    'P3 rebuild events/s': { value: log.rebuildEventsPerSecond, goal: `≥ ${n(GOALS.rebuildEventsPerSecond)}`, met: log.rebuildEventsPerSecond >= GOALS.rebuildEventsPerSecond },
    'P4 history ms': { value: log.history.historyMs, goal: `≤ ${GOALS.historyMs}`, met: log.history.historyMs <= GOALS.historyMs },
    'P4 stateAsOf ms': { value: Math.max(log.history.stateAsOfRevisionMs, log.history.stateAsOfTimeMs), goal: `≤ ${GOALS.historyMs}`, met: Math.max(log.history.stateAsOfRevisionMs, log.history.stateAsOfTimeMs) <= GOALS.historyMs },
    'P5 RSS MB': { value: http.afterLoad.rssMb, goal: `≤ ${GOALS.rssMb}`, met: http.afterLoad.rssMb <= GOALS.rssMb },
    'P5 start-up ms': { value: startup.firstStartMs, goal: `≤ ${n(GOALS.startupMs)}`, met: startup.firstStartMs <= GOALS.startupMs },
  };
}

function table(r: Results): string {
  const { http, log, startup, store, goals } = r;
  const mark = (key: string) => (goals[key].met ? `goal ${goals[key].goal}: met` : `goal ${goals[key].goal}: MISSED`);
  const rows: [string, string, string][] = [
    ['P1 service, 64 connections, distinct projects: commands/s', n(http.distinct.okPerSecond), mark('P1 commands/s, distinct projects')],
    ['   latency p50 / p99 ms', `${http.distinct.p50Ms} / ${http.distinct.p99Ms}`, mark('P1 p99 ms, distinct projects')],
    ['   non-2xx answers', `${http.distinct.failures} of ${n(http.distinct.requests)}`, ''],
    ['   events per stream at the end', n(http.distinctStreamLength), ''],
    ['   CPU per command, ms: service / load generator', `${http.distinct.serverCpuMsPerRequest} / ${http.distinct.clientCpuMsPerRequest}`, ''],
    ['P1 bare Fastify + class-validator, same load: answers/s', n(http.bare.okPerSecond), ''],
    ['   latency p50 / p99 ms', `${http.bare.p50Ms} / ${http.bare.p99Ms}`, ''],
    ['   CPU per request, ms: bare / load generator', `${http.bare.serverCpuMsPerRequest} / ${http.bare.clientCpuMsPerRequest}`, ''],
    ['P1 ratio service / bare', http.distinctToBareRatio.toFixed(2), mark('P1 ratio service/bare')],
    ['P1 service, 64 connections, one hot project: commands/s', n(http.hot.okPerSecond), ''],
    ['   latency p50 / p99 ms', `${http.hot.p50Ms} / ${http.hot.p99Ms}`, mark('P1 p99 ms, hot project')],
    ['   answers by status', Object.entries(http.hot.statuses).map(([s, c]) => `${s}: ${c}`).join(', '), ''],
    ['   events in the hot stream at the end', n(http.hotStreamLength), ''],
    ['   ratio hot / bare', http.hotToBareRatio.toFixed(2), ''],
    [`P2 read-your-write lag (${http.readYourWrites.samples} sequential), p50 / p99 ms`, `${http.readYourWrites.p50Ms} / ${http.readYourWrites.p99Ms}`, mark('P2 read-your-write lag p99 ms')],
    ['   the command itself, p50 / p99 ms', `${http.readYourWrites.commandP50Ms} / ${http.readYourWrites.commandP99Ms}`, ''],
    [`P3 log: events (${n(log.projects)} projects, ${n(log.streams)} streams), built in s`, `${n(log.events)} in ${log.buildSeconds}`, ''],
    ['P3 raw sequential read + JSON.parse: events/s', n(log.rawReadEventsPerSecond), ''],
    ['P3 projection rebuild (ProjectionRunner, every read model): events/s', n(log.rebuildEventsPerSecond), mark('P3 rebuild events/s')],
    ['   rebuild time, s', String(log.rebuildSeconds), ''],
    ...Object.entries(log.rebuildBreakdown).map(([name, percent]): [string, string, string] => [`   of which ${name}, %`, String(percent), '']),
    ['P3 ratio rebuild / raw read', log.rebuildToRawRatio.toFixed(2), ''],
    ['P3 reactor from no checkpoint over the whole log: events/s', `${n(log.reactorEventsPerSecond)} (${log.reactorSeconds} s)`, ''],
    [`P4 history() of a ${n(log.history.events)}-event stream, ms (median; first call)`, `${log.history.historyMs} (${log.history.coldHistoryMs})`, mark('P4 history ms')],
    ['P4 stateAsOf() by revision / by time, ms', `${log.history.stateAsOfRevisionMs} / ${log.history.stateAsOfTimeMs}`, mark('P4 stateAsOf ms')],
    ['P4 verifyIntegrity, whole log: events/s', `${n(log.verifyEventsPerSecond)}${log.verifiedOk ? '' : ' (NOT OK)'}`, ''],
    [`P5 start-up on the ${n(log.events)}-event log, already projected: ms to /health caughtUp`, n(startup.firstStartMs), mark('P5 start-up ms')],
    ['   RSS then, MB', String(startup.firstStartRssMb), ''],
    [`P5 service RSS after ${n(http.afterLoad.projects)} projects drafted through its API (P1, P2, then ${n(r.sizes.memoryProjects)} more), MB`, String(http.afterLoad.rssMb), mark('P5 RSS MB')],
    ['   peak RSS / right after start, MB', `${http.afterLoad.peakRssMb} / ${http.idleRssMb}`, ''],
    ['   drafts/s while doing so', n(http.afterLoad.draftsPerSecond), ''],
    [`P5 service RSS 3 s after starting on the ${n(log.projects)}-project log, MB`, String(startup.rssMb), ''],
    ['   restart, ms to /health caughtUp / RSS MB', `${n(startup.restartMs)} / ${startup.restartRssMb}`, ''],
    [`A6 password sign-in (${http.accounts.signInSamples} sequential, scrypt), p50 / p99 ms`, `${http.accounts.signInP50Ms} / ${http.accounts.signInP99Ms}`, ''],
    ['A6 a revoked grant refused after, ms', String(http.accounts.revokedRefusedMs), ''],
    ...postgresRows(r, http, log),
    ['store: durable appends/s, 1 sequential caller', n(store.sequentialAppendsPerSecond), ''],
    ['store: durable appends/s, 100 concurrent callers', `${n(store.concurrentAppendsPerSecond)} (${store.commitsForConcurrentRun} commits)`, ''],
    ['raw better-sqlite3: inserts/s, transactions of 100', n(store.rawBatchedInsertsPerSecond), ''],
    ['ratio: store (100 callers) / raw', store.concurrentToRawRatio.toFixed(2), ''],
    ...Object.entries(r.console.firstRouteKb).map(([page, kb]): [string, string, string] => [
      `C7 console, first visit of ${page}: JavaScript KB, gzip`,
      String(kb),
      FIRST_PAGES.includes(page) ? `goal ≤ ${GOALS.consoleFirstRouteKb}: ${kb <= GOALS.consoleFirstRouteKb ? 'met' : 'MISSED'}` : '',
    ]),
    ['   all of the console’s JavaScript, KB gzip', String(r.console.totalKb), ''],
    ...http.home.people.flatMap(({ who, projects, calls }) =>
      Object.entries(calls).map(([call, { p50Ms, p99Ms }]): [string, string, string] => [
        `C8 ${who}’s home, ${n(projects)} projects in the list: ${call}, p50 / p99 ms`,
        `${p50Ms} / ${p99Ms}`,
        projects >= 10_000 ? `goal p99 ≤ ${GOALS.homeP99Ms}: ${p99Ms <= GOALS.homeP99Ms ? 'met' : 'MISSED'}` : '',
      ]),
    ),
  ];
  const w0 = Math.max(...rows.map((row) => row[0].length));
  const w1 = Math.max(...rows.map((row) => row[1].length));
  const lines = [
    `${r.date}, ${r.machine.cpus} cores, Node ${r.machine.node}, load average ${r.machine.loadAtStart.join(' ')} at the start and ${r.machine.loadAtEnd.join(' ')} at the end, ${r.seconds} s${r.quick ? ', QUICK sizes' : ''}`,
    '',
    ...rows.map(([name, value, goal]) => `${name.padEnd(w0)}  ${value.padStart(w1)}  ${goal}`.trimEnd()),
  ];
  if (r.profile) {
    const p = r.profile;
    lines.push('', `CPU profile of the service, ${n(p.requests)} edits on distinct projects (${n(p.commandsPerSecond)}/s under the profiler), busy ${n(p.summary.busyMs)} ms of ${n(p.summary.sampledMs)} ms sampled:`);
    lines.push('  self time by area:');
    for (const line of p.summary.byArea) lines.push(`    ${String(line.percent).padStart(5)} %  ${line.name}`);
    lines.push('  self time by function:');
    for (const line of p.summary.topSelf) lines.push(`    ${String(line.percent).padStart(5)} %  ${line.name}`);
    lines.push('  service functions, inclusive (synchronous work below them):');
    for (const line of p.summary.serviceInclusive) lines.push(`    ${String(line.percent).padStart(5)} %  ${line.name}`);
    lines.push('  native code (SQLite, syscalls; blocking the event loop) by the service function calling it:');
    for (const line of p.summary.nativeByCaller) lines.push(`    ${String(line.percent).padStart(5)} %  ${line.name}`);
    lines.push(`  profile: ${p.file}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The PostgreSQL server the bench measures against: BENCH_DATABASE_URL, or the local one the tests use. */
const BENCH_DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** P1 with the service on PostgreSQL, and P3's rebuild from it, run after the SQLite figures on the same log. */
async function measurePostgres(dir: string, sizes: Sizes, log: (line: string) => void): Promise<Results['postgres']> {
  const { Client } = await import('pg');
  const probe = new Client({ connectionString: BENCH_DATABASE_URL, connectionTimeoutMillis: 3000 });
  try {
    await probe.connect();
  } catch (error) {
    log(`PostgreSQL at ${BENCH_DATABASE_URL} not reachable (${(error as Error).message}): its figures are skipped`);
    return { skipped: `PostgreSQL not reachable: ${(error as Error).message}` };
  } finally {
    await probe.end().catch(() => undefined);
  }
  const schema = `bench_p1_${Date.now()}`;
  try {
    const p1 = await measureP1On({ EVENT_STORE: 'postgres', DATABASE_URL: BENCH_DATABASE_URL, DATABASE_SCHEMA: schema }, join(dir, 'http-data-postgres'), sizes, log);
    const rebuild = await measureRebuildOnPostgres(join(dir, 'log-data'), BENCH_DATABASE_URL, log);
    return { p1, rebuild };
  } finally {
    const client = new Client({ connectionString: BENCH_DATABASE_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  }
}

function postgresRows(r: Results, http: HttpFigures, log: LogFigures): [string, string, string][] {
  if ('skipped' in r.postgres) return [['PostgreSQL figures', r.postgres.skipped, '']];
  const { p1, rebuild } = r.postgres;
  return [
    ['P1 on PostgreSQL, 64 connections, distinct projects: commands/s', n(p1.distinct.okPerSecond), ''],
    ['   latency p50 / p99 ms', `${p1.distinct.p50Ms} / ${p1.distinct.p99Ms}`, ''],
    ['   ratio PostgreSQL / SQLite', (p1.distinct.okPerSecond / http.distinct.okPerSecond).toFixed(2), ''],
    ['P1 on PostgreSQL, one hot project: commands/s, p99 ms', `${n(p1.hot.okPerSecond)}, ${p1.hot.p99Ms}`, ''],
    [`P3 on PostgreSQL: the ${n(rebuild.events)}-event log copied through the adapter, events/s`, `${n(rebuild.copyEventsPerSecond)} (${rebuild.copySeconds} s)`, ''],
    ['P3 projection rebuild from PostgreSQL: events/s', `${n(rebuild.rebuildEventsPerSecond)} (${rebuild.rebuildSeconds} s)`, ''],
    ['   ratio PostgreSQL / SQLite', (rebuild.rebuildEventsPerSecond / log.rebuildEventsPerSecond).toFixed(2), ''],
  ];
}

async function main() {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const quick = args.includes('--quick');
  const sizes = quick ? QUICK : FULL;
  const started = Date.now();
  const log = (line: string) => process.stderr.write(`[${String(Math.round((Date.now() - started) / 1000)).padStart(4)} s] ${line}\n`);
  const dir = mkdtempSync(join(tmpdir(), 'als-bench-'));
  const cleanUp = () => rmSync(dir, { recursive: true, force: true });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      cleanUp();
      process.exit(130);
    });
  }
  const loadAtStart = loadavg().map((l) => Math.round(l * 100) / 100);
  try {
    log(`bench${quick ? ' (quick)' : ''}: data in ${dir}`);
    log('store: appends through SqliteEventStore beside raw better-sqlite3');
    const store = await measureStore(dir, sizes.storeAppendsPerCaller);
    const consoleFigures = measureConsole();
    const http = await measureHttp(dir, sizes, log);
    const p1Missed =
      http.distinct.okPerSecond < GOALS.commandsPerSecond || http.distinctToBareRatio < GOALS.ratioToBare || http.distinct.p99Ms > GOALS.p99Ms || http.hot.p99Ms > GOALS.p99Ms;
    let profile: ProfileRun | undefined;
    if (!args.includes('--no-profile') && (p1Missed || args.includes('--profile'))) {
      // Kept after the run, outside the temporary folder, for a closer look (e.g. in Chrome DevTools).
      profile = await profileDistinct(mkdtempSync(join(tmpdir(), 'als-bench-profile-')), dir, sizes, log);
    }
    const logFigures = await measureLog(join(dir, 'log-data'), sizes, log);
    const startup = await measureStartup(join(dir, 'log-data'), log);
    const postgres = await measurePostgres(dir, sizes, log);
    const results: Results = {
      date: new Date().toISOString(),
      seconds: Math.round((Date.now() - started) / 1000),
      machine: { cpus: cpus().length, node: process.version, platform: `${process.platform} ${process.arch}`, loadAtStart, loadAtEnd: loadavg().map((l) => Math.round(l * 100) / 100) },
      quick,
      sizes,
      http,
      ...(profile ? { profile } : {}),
      log: logFigures,
      startup,
      store,
      console: consoleFigures,
      postgres,
      goals: goalsOf(http, logFigures, startup),
    };
    log(`bench: done in ${Math.round((Date.now() - started) / 1000)} s`);
    process.stdout.write(json ? `${JSON.stringify(results)}\n` : table(results));
  } finally {
    cleanUp();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
