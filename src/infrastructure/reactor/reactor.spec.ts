import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { RECOMMENDATION_FACTS, reviewerFacts, SCHOOL_FACTS } from '../../../test/support/registry-facts';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStore } from '../../application/event-store';
import { FoldedStreams } from '../../application/folded-streams';
import { handleCommand, readState } from '../../application/handle-command';
import { cycleStream, projectStream } from '../../application/streams';
import { defaultCatalog } from '../../domain/catalog/program-catalog';
import { Actor, DocumentRef } from '../../domain/messages';
import { programCycleDecider } from '../../domain/program-cycle/program-cycle.decider';
import { projectDecider } from '../../domain/project/project.decider';
import { SqliteEventStore } from '../event-store/sqlite.event-store';
import { ProjectionRunner } from '../projections/projection-runner';
import { loadConfig } from '../../config';
import { doorsOn, senderOn } from '../../../test/support/command-doors';
import { Reactor } from './reactor';
import { ReactorService } from './reactor.service';
import { Metrics } from '../metrics/metrics';

const office: Actor = { id: 'office-1', role: 'office', org: '省教育厅' };
const applicant = (school: string): Actor => ({ id: `${school}-user`, role: 'applicant', org: school, region: '太原市' });
const recommender: Actor = { id: 'ty', role: 'recommender', org: '太原市教育局', region: '太原市' };
const doc = (n: number): DocumentRef => ({ sha256: n.toString(16).padStart(64, '0'), name: `${n}.pdf`, size: 100 + n });
const at = (day: string) => `${day}T10:00:00+08:00`;
const CYCLE = 'bm-2025';

describe('Reactor', () => {
  let dir: string;
  let store: SqliteEventStore;
  /** This process's cache of folded streams, which its handlers and its reads share. */
  let streams: FoldedStreams;
  let n = 0;
  const run = async (stream: string, decider: typeof projectDecider | typeof programCycleDecider, actor: Actor, now: string, command: { type: string; data: unknown; context?: unknown }) =>
    handleCommand(streams, decider as never, stream, { ...command, actor, now } as never, { commandId: `c${(n += 1)}`, actor, now });

  /** A brand-major project of `school` with its three scores in, and its cycle's window closed. */
  async function reviewed(school: string): Promise<string> {
    const projectId = `p-${school}`;
    const { state: cycle } = await readState(streams, programCycleDecider, cycleStream(CYCLE));
    if (cycle.status === 'None') throw new Error('no cycle');
    const context = { cycle: { id: CYCLE, programType: 'brand-major', rules: cycle.rules, rulesVersion: cycle.rulesVersion, windowOpen: true, closesAt: cycle.closesAt }, ...SCHOOL_FACTS };
    const p = projectStream(projectId);
    await run(p, projectDecider, applicant(school), at('2025-09-02'), { type: 'DraftApplication', data: { projectId, cycleId: CYCLE, programType: 'brand-major', title: school, subject: { kind: 'major', majorCode: '460301', majorName: '机电一体化技术' } }, context });
    await run(cycleStream(CYCLE), programCycleDecider, applicant(school), at('2025-09-05'), { type: 'RegisterApplication', data: { projectId, applicantOrg: school, region: '太原市' } });
    await run(p, projectDecider, applicant(school), at('2025-09-05'), { type: 'SubmitApplication', data: { applicationForm: doc(1), declarations: { authenticity: doc(2), commitment: doc(3) } }, context });
    await run(p, projectDecider, recommender, at('2025-09-20'), { type: 'RecordFormalCheck', data: { result: 'passed' }, context });
    const rank = Number(school.replace(/\D/g, '')) || 1;
    await run(cycleStream(CYCLE), programCycleDecider, recommender, at('2025-09-20'), { type: 'RegisterRecommendation', data: { projectId, recommenderOrg: recommender.org, rank } });
    await run(p, projectDecider, recommender, at('2025-09-20'), { type: 'Recommend', data: { rank }, context: RECOMMENDATION_FACTS });
    for (let r = 1; r <= 3; r += 1) {
      await run(p, projectDecider, office, at('2025-10-08'), { type: 'AssignReviewer', data: { reviewerId: `expert-${r}`, reviewerOrg: `university-${r}`, declaredRelations: [] }, context: reviewerFacts(`university-${r}`) });
      await run(p, projectDecider, { id: `expert-${r}`, role: 'reviewer', org: `university-${r}` }, at('2025-10-10'), { type: 'ScoreReview', data: { score: 80 + r, comments: '良' } });
    }
    return projectId;
  }

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'als-reactor-'));
    store = new SqliteEventStore({ file: join(dir, 'events.db'), pollIntervalMs: 10 });
    streams = new FoldedStreams(store);
    const programType = defaultCatalog['brand-major'];
    if (programType.lifecycle !== 'project') throw new Error('brand-major is a project program');
    await run(cycleStream(CYCLE), programCycleDecider, office, at('2025-09-01'), {
      type: 'OpenCycle',
      data: { cycleId: CYCLE, programType: 'brand-major', name: '品牌专业 2025', label: '2025', rules: programType.defaultRules, rulesVersion: programType.rulesVersion, opensAt: '2025-09-01T00:00:00+08:00', closesAt: '2025-09-15T00:00:00+08:00' },
      context: { programType },
    });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const clock = { now: () => new Date('2025-10-15T03:00:00Z') };
  /** A reactor sending its reactions to the aggregates' handlers over `over`'s cache: this process's by default. */
  const reactor = (db = ProjectionRunner.openDatabase(join(dir, 'reactor.db')), options: Partial<ConstructorParameters<typeof Reactor>[0]> = {}, over = streams) =>
    new Reactor({ store, db, clock, doors: doorsOn({ streams: over, clock }), cycleOf: async (id) => (id.startsWith('p-') ? CYCLE : undefined), retryMs: 10, ...options });
  const service = () => new ReactorService(store, clock, loadConfig({ DATA_DIR: dir }), streams, senderOn({ streams, clock }), new Metrics());
  const until = async (condition: () => Promise<boolean>) => {
    for (let i = 0; i < 500 && !(await condition()); i += 1) await new Promise((r) => setTimeout(r, 10));
    expect(await condition()).toBe(true);
  };
  const typesOf = async (projectId: string) => (await store.readStream(projectStream(projectId))).map((e) => e.type);

  it('completes on restart the effects of a cycle decision written just before a crash, once', async () => {
    const a = await reviewed('school-1');
    const b = await reviewed('school-2');
    // The office's shortlist is on the cycle's stream; the process dies before any project hears of it.
    await run(cycleStream(CYCLE), programCycleDecider, office, at('2025-10-15'), {
      type: 'Shortlist',
      data: { shortlisted: [{ projectId: a }], notSelected: [{ projectId: b, reason: '得分未达入围线' }], reason: '评审会议纪要' },
      context: { reviewIncomplete: [] },
    });
    expect((await readState(streams, projectDecider, projectStream(a))).state.status).toBe('UnderReview');

    const first = reactor();
    first.start();
    await until(async () => (await readState(streams, projectDecider, projectStream(b))).state.status === 'NotSelected');
    expect((await readState(streams, projectDecider, projectStream(a))).state.status).toBe('Shortlisted');
    await first.stop();

    // A second instance from no checkpoint at all reacts to everything again: nothing is written twice.
    const again = reactor(ProjectionRunner.openDatabase(join(dir, 'other-instance.db')));
    again.start();
    await until(async () => again.checkpoint === (await store.status()).lastPosition);
    await again.stop();
    expect((await typesOf(a)).filter((t) => t === 'SelectionRecorded')).toHaveLength(1);
    expect((await typesOf(b)).filter((t) => t === 'SelectionRecorded')).toHaveLength(1);
    const [selection] = (await store.readStream(projectStream(a))).filter((e) => e.type === 'SelectionRecorded');
    expect(selection.metadata).toMatchObject({ actor: office, causationId: expect.any(String) });
  });

  it('retries a failing reaction with backoff and dead-letters it for the office, without blocking the rest', async () => {
    const a = await reviewed('school-1');
    const db = ProjectionRunner.openDatabase(join(dir, 'reactor.db'));
    const worker = reactor(db, { maxAttempts: 3, clock: { now: () => new Date() } });
    // A decision naming a project that cannot take it (never drafted), next to one that can.
    const cause = (await store.append(cycleStream(CYCLE), [
      { id: '00000000-0000-4000-8000-000000000001', type: 'ProjectShortlisted', data: { decisionId: 'd-x', projectId: 'ghost', tier: null, reason: 'x', rulesVersion: 'v', quota: 200, placesTaken: 1, tierQuota: null, tierPlacesTaken: null, decidedAt: at('2025-10-15') }, metadata: { actor: office as never, recordedAt: at('2025-10-15') } },
      { id: '00000000-0000-4000-8000-000000000002', type: 'ProjectShortlisted', data: { decisionId: 'd-x', projectId: a, tier: null, reason: 'x', rulesVersion: 'v', quota: 200, placesTaken: 2, tierQuota: null, tierPlacesTaken: null, decidedAt: at('2025-10-15') }, metadata: { actor: office as never, recordedAt: at('2025-10-15') } },
    ], 'any')).position;
    worker.start(5);
    await until(async () => (await readState(streams, projectDecider, projectStream(a))).state.status === 'Shortlisted');
    await until(async () => worker.failures().some((f) => f.dead));
    await worker.stop();
    const [failure] = worker.failures();
    expect(failure).toMatchObject({ stream: 'project-ghost', command: 'RecordSelection', attempts: 3, dead: true, nextAttemptAt: null });
    expect(failure.error).toMatch(/project-not-found|not been drafted|None/);
    // The failure did not hold the checkpoint back: the reactor went on past the decision that caused it.
    expect(worker.checkpoint! > cause).toBe(true);
  });

  it('as part of the service, keeps its checkpoint in DATA_DIR/reactor.db, apart from the read models, and resumes from it', async () => {
    const first = service();
    first.onApplicationBootstrap();
    const { lastPosition } = await store.status();
    await until(async () => first.reactor.checkpoint === lastPosition);
    await first.onApplicationShutdown();
    expect(existsSync(join(dir, 'reactor.db'))).toBe(true);
    expect(existsSync(join(dir, 'read-models.db'))).toBe(false);
    const again = service();
    expect(again.reactor.checkpoint).toBe(lastPosition);
    await again.onApplicationShutdown();
  });

  it('moves the checkpoint and the failed reactions of an earlier version out of read-models.db, once', async () => {
    // Earlier versions kept the reactor's tables in the read-model database.
    const readModels = ProjectionRunner.openDatabase(join(dir, 'read-models.db'));
    const earlier = reactor(readModels, { maxAttempts: 1, clock: { now: () => new Date() } });
    earlier.start();
    const { lastPosition } = await store.status();
    await until(async () => earlier.checkpoint === lastPosition);
    await earlier.stop();
    readModels
      .prepare('INSERT INTO reactor_failures (command_id, reaction, error, attempts, next_attempt_at, dead) VALUES (?, ?, ?, ?, ?, ?)')
      .run('dead-1', JSON.stringify({ reaction: { stream: 'project-x', command: { type: 'RecordApproval' }, causationId: 'e-1' }, decidedAt: at('2025-10-01') }), 'illegal-state: gone', 1, null, 1);
    readModels.close();

    const moved = service();
    expect(moved.reactor.checkpoint).toBe(lastPosition);
    expect(moved.reactor.failures()).toMatchObject([{ commandId: 'dead-1', stream: 'project-x', dead: true }]);
    await moved.onApplicationShutdown();
    const left = ProjectionRunner.openDatabase(join(dir, 'read-models.db'));
    expect(left.prepare("SELECT name FROM sqlite_master WHERE name LIKE 'reactor%'").all()).toEqual([]);
    left.close();
    const again = service();
    expect(again.reactor.failures()).toHaveLength(1);
    await again.onApplicationShutdown();
  });

  it('as two processes on one reactor.db: both react, each effect is written once, the shared checkpoint never moves back, and a held lock stops neither', async () => {
    const projects = [await reviewed('school-1'), await reviewed('school-2'), await reviewed('school-3')];
    await run(cycleStream(CYCLE), programCycleDecider, office, at('2025-10-15'), {
      type: 'Shortlist',
      data: { shortlisted: projects.slice(0, 2).map((projectId) => ({ projectId })), notSelected: [{ projectId: projects[2], reason: '得分未达入围线' }], reason: '评审会议纪要' },
      context: { reviewIncomplete: [] },
    });
    // The other process: its own store connection, delivering one event at a time and slowly, so it
    // lags behind this one, and its own connection to reactor.db.
    const otherStore = new SqliteEventStore({ file: join(dir, 'events.db'), pollIntervalMs: 10, subscriptionBatchSize: 1 });
    const readModelsOf = () => ProjectionRunner.openDatabase(join(dir, 'reactor.db'));
    // The shared checkpoint as it stands after each batch either instance has handled.
    const seen: bigint[] = [];
    const handled = new Map<string, bigint>();
    const watched = (name: string, inner: SqliteEventStore, pauseMs: number): EventStore => ({
      append: (...args) => inner.append(...args),
      readStream: (...args) => inner.readStream(...args),
      readAll: (...args) => inner.readAll(...args),
      status: () => inner.status(),
      close: () => inner.close(),
      subscribeToAll: (options) =>
        inner.subscribeToAll({
          ...options,
          onEvents: async (events) => {
            await new Promise((resolve) => setTimeout(resolve, pauseMs));
            await options.onEvents(events);
            seen.push(one.checkpoint!);
            handled.set(name, events[events.length - 1].position);
          },
        }),
    });
    // Each process has its own cache of folded streams over its own connection.
    const oneStore = watched('one', store, 0);
    const twoStore = watched('two', otherStore, 5);
    const one = reactor(readModelsOf(), { store: oneStore }, new FoldedStreams(oneStore));
    const two = reactor(readModelsOf(), { store: twoStore }, new FoldedStreams(twoStore));
    // A third connection keeps reactor.db locked for longer than SQLite's own wait.
    const locker = new Database(join(dir, 'reactor.db'));
    locker.exec('BEGIN IMMEDIATE');
    one.start();
    two.start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    locker.exec('COMMIT');
    locker.close();
    try {
      await until(async () => (await typesOf(projects[2])).includes('SelectionRecorded') && one.checkpoint === (await store.status()).lastPosition);
      // The lagging instance goes on to the end.
      await until(async () => handled.get('two') === (await store.status()).lastPosition);
    } finally {
      await Promise.all([one.stop(), two.stop()]);
      await otherStore.close();
    }
    expect(seen[seen.length - 1]).toBe((await store.status()).lastPosition);
    expect(seen).toEqual([...seen].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
    for (const projectId of projects) expect((await typesOf(projectId)).filter((t) => t === 'SelectionRecorded')).toHaveLength(1);
    expect([one.failures(), two.failures()]).toEqual([[], []]);
  });
});
