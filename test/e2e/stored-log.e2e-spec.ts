import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DECIDERS } from '../../src/application/aggregates';
import { JsonObject } from '../../src/application/event-store';
import { addCalendarDays, chinaDateOf } from '../../src/domain/beijing-time';
import { REVIEW_DAYS_UNSET } from '../../src/domain/catalog/program-rules';
import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite.event-store';
import { ReactorService } from '../../src/infrastructure/reactor/reactor.service';
import { client } from '../support/http';
import { RunningApp, startTestApp } from '../support/test-app';

/**
 * "Stored events are forever": the log written by the previous landed release (commit 3a2f73d, its
 * demo played at --scale 16; see test/fixtures/README.md) is loaded into a fresh store with its ids,
 * metadata and positions, folded with today's deciders, and served by today's service. Every stream
 * must fold to the state the old code folded it to, and the hash chain must hold.
 */
const FIXTURES = join(__dirname, '..', 'fixtures');

interface StoredEvent {
  readonly id: string;
  readonly stream: string;
  readonly revision: number;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
  readonly position: string;
}

const log: StoredEvent[] = gunzipSync(readFileSync(join(FIXTURES, 'log-3a2f73d.ndjson.gz')))
  .toString('utf8')
  .split('\n')
  .filter((line) => line.length > 0)
  .map((line) => JSON.parse(line) as StoredEvent);
/**
 * A cycle's status, renamed since 3a2f73d to the one casing of every record's status (API version 2): the
 * events are unchanged, the state folded from them names the same status in PascalCase.
 */
const CYCLE_STATUS_SINCE_API_2: Readonly<Record<string, string>> = { none: 'None', open: 'Open', 'window-closed': 'WindowClosed', closed: 'Closed' };

/**
 * A project's `documents`, added to the state since 3a2f73d (the documents a draft keeps for the head
 * to submit): folded from the log's own events, they are those of the project's last submission, or
 * none before one. No event changed.
 */
function documentsOf(stream: string) {
  const submitted = log.filter((e) => e.stream === stream && e.type === 'ApplicationSubmitted').at(-1);
  return submitted ? { applicationForm: submitted.data.applicationForm, attachments: submitted.data.attachments } : { applicationForm: null, attachments: [] };
}

/**
 * A project's `barring`, added to the state since 3a2f73d (a barring grade bars the unit from the program's
 * next cycle): folded from the log's own events, the grade and time of its last final evaluation when that
 * evaluation barred, none otherwise. No event changed.
 */
function barringOf(stream: string) {
  const evaluated = log.filter((e) => e.stream === stream && e.type === 'FinalEvaluated').at(-1);
  return evaluated?.data.barsNextCycle ? { grade: evaluated.data.grade, evaluatedAt: evaluated.data.evaluatedAt } : null;
}

/**
 * Each reviewer's `dueOn`, added to a project's reviewers since 3a2f73d (the day an expert's score is due):
 * folded from the log's own events, the day (Beijing) of the reviewer's last assignment and the 14 days of
 * rules written before `reviewDays` existed. No event changed.
 */
function reviewersOf(stream: string, reviewers: readonly { reviewerId: string }[]) {
  return reviewers.map((reviewer) => {
    const assigned = log.filter((e) => e.stream === stream && e.type === 'ReviewerAssigned' && e.data.reviewerId === reviewer.reviewerId).at(-1)!;
    return { ...reviewer, dueOn: addCalendarDays(chinaDateOf(String(assigned.data.assignedAt)), REVIEW_DAYS_UNSET) };
  });
}

const asRecorded: Record<string, { revision: number; state: { status: string; reviewers?: { reviewerId: string }[] } }> = JSON.parse(readFileSync(join(FIXTURES, 'states-3a2f73d.json'), 'utf8'));
const recorded: Record<string, { revision: number; state: unknown }> = Object.fromEntries(
  Object.entries(asRecorded).map(([stream, { revision, state }]) => [
    stream,
    {
      revision,
      state: stream.startsWith('cycle-')
        ? { ...state, status: CYCLE_STATUS_SINCE_API_2[state.status] ?? `unmapped ${state.status}` }
        : stream.startsWith('project-')
          ? { ...state, documents: documentsOf(stream), ...(state.status === 'None' ? {} : { barring: barringOf(stream), reviewers: reviewersOf(stream, state.reviewers ?? []) }) }
          : state,
    },
  ]),
);

const categoryOf = (stream: string) => stream.slice(0, stream.indexOf('-'));
const projectStreams = Object.keys(recorded).filter((stream) => categoryOf(stream) === 'project');
const enterpriseStreams = Object.keys(recorded).filter((stream) => categoryOf(stream) === 'enterprise');
const lastPosition = log[log.length - 1].position;
/** The states as JSON holds them: what the old code's fold was recorded as. */
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

/** Consecutive events of one stream, as one command appended them (or near enough: the order is what matters). */
function runsOf(events: readonly StoredEvent[]): StoredEvent[][] {
  const runs: StoredEvent[][] = [];
  for (const event of events) {
    const last = runs[runs.length - 1];
    if (last && last[0].stream === event.stream) last.push(event);
    else runs.push([event]);
  }
  return runs;
}

describe('the log written by 3a2f73d, replayed by the current code', () => {
  let dataDir: string;
  let store: SqliteEventStore | undefined;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'als-stored-log-'));
    store = new SqliteEventStore({ file: join(dataDir, 'events.db') });
    // Appended in the order of the log, each run at the revision it was stored at: the store gives
    // the next position, so a fresh store puts every event back at the position it had.
    const results = await Promise.all(
      runsOf(log).map((run) =>
        store!.append(
          run[0].stream,
          run.map(({ id, type, data, metadata }) => ({ id, type, data, metadata })),
          run[0].revision === 0 ? 'no_stream' : run[0].revision - 1,
        ),
      ),
    );
    expect(results[results.length - 1].position.toString()).toBe(lastPosition);
  });

  afterAll(async () => {
    await store?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is a log of every program, selection, notices, objections, construction, evaluation, revocation and enterprises', () => {
    const types = new Set(log.map((e) => `${categoryOf(e.stream)}/${e.type}`));
    for (const type of [
      'cycle/CycleOpened', 'cycle/ProjectShortlisted', 'cycle/ProjectNotSelected', 'cycle/PublicNoticeOpened', 'cycle/ProjectRemovedFromList', 'cycle/ListApproved',
      'project/ApplicationWithdrawn', 'project/ReviewerRecused', 'project/ObjectionUpheld', 'project/ObjectionDismissed', 'project/ConstructionPlanRejected',
      'project/RectificationOrdered', 'project/FinalEvaluated', 'project/ProjectAccredited', 'project/ProjectRevoked', 'project/FundRecoveryOrdered',
      'enterprise/EnterpriseCertified', 'enterprise/EnterpriseDisqualified', 'enterprise/IncubationApplicationNotRecommended',
    ]) {
      expect(types).toContain(type);
    }
    const programs = new Set(log.filter((e) => e.type === 'CycleOpened').map((e) => e.data.programType));
    expect([...programs].sort()).toEqual(['brand-major', 'higher-college', 'quality-course', 'secondary-school', 'specialty-group']);
    expect(new Set(log.map((e) => e.stream)).size).toBe(Object.keys(recorded).length);
  });

  it('is stored again exactly: ids, streams, revisions, types, data, metadata and positions', async () => {
    const stored = await store!.readAll();
    expect(stored.map((e) => ({ id: e.id, stream: e.stream, revision: e.revision, type: e.type, data: e.data, metadata: e.metadata, position: e.position.toString() }))).toEqual(log);
  });

  it('folds every stream with the current deciders to the state and revision the old code folded it to', async () => {
    const differences: string[] = [];
    for (const [stream, expected] of Object.entries(recorded)) {
      const decider = DECIDERS[categoryOf(stream) as keyof typeof DECIDERS];
      expect(decider).toBeDefined();
      const events = await store!.readStream(stream);
      const evolve = decider.evolve as (state: unknown, event: { type: string; data: unknown }) => unknown;
      const state = events.reduce((s, e) => evolve(s, { type: e.type, data: e.data }), decider.initialState as unknown);
      if (events[events.length - 1].revision !== expected.revision) differences.push(`${stream}: revision ${events[events.length - 1].revision}, recorded ${expected.revision}`);
      differences.push(...differencesBetween(asJson(state), expected.state, stream));
    }
    // Every difference is listed, added fields included: an additive change is a decision to record
    // here (and in test/fixtures/README.md), not something this test lets through on its own.
    expect(differences).toEqual([]);
  });

  describe('served by the current service on that data folder', () => {
    let running: RunningApp;
    let http: ReturnType<typeof client>;
    let auditor: string;
    let office: string;
    /** The events written after the fixture's: the accounts of the office's first admin, an auditor and an office clerk, and nothing else. */
    let accountEvents: StoredEvent[];
    /** The log's last position once those accounts were made. */
    let head: string;
    const exportedAs = async (token: string) => {
      const response = await fetch(`${running.url}/audit/export`, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(200);
      return (await response.text()).trim().split('\n').map((line) => JSON.parse(line) as StoredEvent);
    };

    beforeAll(async () => {
      await store!.close();
      store = undefined;
      const clockStart = String(log[log.length - 1].metadata.recordedAt);
      running = await startTestApp({ DATA_DIR: dataDir, CLOCK: 'simulated', CLOCK_START: clockStart });
      http = client(running);
      // A log an earlier release wrote has no accounts: the first start prints a set-up link for them.
      auditor = await http.token({ sub: 'auditor-1', role: 'auditor', org: '省审计厅' });
      office = await http.token({ sub: 'office-1', role: 'office', org: '山西省教育厅' });
      accountEvents = (await exportedAs(office)).slice(log.length);
      head = accountEvents.at(-1)!.position;
    });

    it('writes after the fixture only the accounts it was asked for', () => {
      expect(accountEvents.map((e) => `${e.stream.replace(/^person-.*/, 'person')}:${e.type}`)).toEqual([
        'registry-organisations:OrganisationRegistered',
        'person:PersonRegistered',
        'person:RoleGranted',
        'person:PersonRegistered',
        'person:RoleGranted',
        'person:PersonRegistered',
        'person:RoleGranted',
      ]);
    });
    afterAll(() => running?.stop());

    it('verifies the hash chain of the whole log intact', async () => {
      const verified = await http.get('/audit/verify', auditor);
      expect(verified.status).toBe(200);
      const accountStreams = new Set(accountEvents.map((e) => e.stream)).size;
      expect(verified.body).toMatchObject({ ok: true, checkedEvents: log.length + accountEvents.length, checkedStreams: Object.keys(recorded).length + accountStreams, lastPosition: head });
      expect(verified.body.firstBroken).toBeUndefined();
    });

    it('exports the stored events unchanged to the office (which is shown objectors)', async () => {
      const exported = (await exportedAs(office)).slice(0, log.length);
      // The fields a stored event has; an export line may carry more.
      expect(exported.map(({ id, stream, revision, type, data, metadata, position }) => ({ id, stream, revision, type, data, metadata, position }))).toEqual(log);
    });

    it('rebuilds the project and enterprise read models to the statuses of the folded states', async () => {
      const projects = await http.get(`/projects?limit=500&after=${lastPosition}`, auditor);
      expect(projects.status).toBe(200);
      const listed = Object.fromEntries(projects.body.items.map((p: { id: string; status: string; revision: number }) => [`project-${p.id}`, { status: p.status, revision: p.revision }]));
      expect(listed).toEqual(Object.fromEntries(projectStreams.map((s) => [s, { status: (recorded[s].state as { status: string }).status, revision: recorded[s].revision }])));

      const enterprises = await http.get(`/enterprises?limit=500&after=${lastPosition}`, auditor);
      expect(enterprises.status).toBe(200);
      const registry = Object.fromEntries(enterprises.body.items.map((e: { id: string; status: string }) => [`enterprise-${e.id}`, e.status]));
      expect(registry).toEqual(Object.fromEntries(enterpriseStreams.map((s) => [s, (recorded[s].state as { status: string }).status])));
    });

    it('answers each project, folded from its stream, with the status of the fixture', async () => {
      for (const stream of projectStreams) {
        const answer = await http.get(`/projects/${stream.slice('project-'.length)}`, auditor);
        expect({ stream, http: answer.status, status: answer.body.status }).toEqual({ stream, http: 200, status: (recorded[stream].state as { status: string }).status });
      }
    });

    it('reacts to the whole log again (a fresh folder has no reactor checkpoint) and writes nothing: every reaction finds itself done', async () => {
      const reactor = running.app.get(ReactorService).reactor;
      const deadline = Date.now() + 30_000;
      while (reactor.checkpoint?.toString() !== head && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(reactor.checkpoint?.toString()).toBe(head);
      const failures = await http.get('/reactions/failures', office);
      expect(failures.body.items).toEqual([]);
      const verified = await http.get('/audit/verify', auditor);
      expect(verified.body).toMatchObject({ ok: true, checkedEvents: log.length + accountEvents.length, lastPosition: head });
    });
  });
});

/** Where two JSON values differ, one line a path: a field added, removed or changed. */
function differencesBetween(actual: unknown, expected: unknown, path: string): string[] {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  if (Array.isArray(actual) && Array.isArray(expected)) {
    const lengths = actual.length === expected.length ? [] : [`${path}: ${actual.length} items, recorded ${expected.length}`];
    const common = Math.min(actual.length, expected.length);
    return [...lengths, ...Array.from({ length: common }, (_, i) => differencesBetween(actual[i], expected[i], `${path}[${i}]`)).flat()];
  }
  if (isObject(actual) && isObject(expected) && !Array.isArray(actual) && !Array.isArray(expected)) {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])];
    return keys.flatMap((key) => {
      if (!(key in expected)) return [`${path}.${key}: added (${JSON.stringify(actual[key])})`];
      if (!(key in actual)) return [`${path}.${key}: missing (recorded ${JSON.stringify(expected[key])})`];
      return differencesBetween(actual[key], expected[key], `${path}.${key}`);
    });
  }
  return JSON.stringify(actual) === JSON.stringify(expected) ? [] : [`${path}: ${JSON.stringify(actual)}, recorded ${JSON.stringify(expected)}`];
}
