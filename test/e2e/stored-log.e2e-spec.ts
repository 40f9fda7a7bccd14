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
 * "Stored events are forever": the logs written by earlier landed releases (commits 3a2f73d and 12ef2a6,
 * each its own demo played at --scale 16 against its own service; see test/fixtures/README.md) are each
 * loaded into a fresh store with their ids, metadata and positions, folded with today's deciders, and
 * served by today's service. Every stream must fold to the state the old code folded it to, and the hash
 * chain must hold.
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

type RecordedState = { status: string; reviewers?: { reviewerId: string }[] };
type Recorded = Record<string, { revision: number; state: unknown }>;

const logOf = (commit: string): StoredEvent[] =>
  gunzipSync(readFileSync(join(FIXTURES, `log-${commit}.ndjson.gz`)))
    .toString('utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as StoredEvent);
const statesOf = (commit: string): Record<string, { revision: number; state: RecordedState }> => JSON.parse(readFileSync(join(FIXTURES, `states-${commit}.json`), 'utf8'));

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
function documentsOf(log: readonly StoredEvent[], stream: string) {
  const submitted = log.filter((e) => e.stream === stream && e.type === 'ApplicationSubmitted').at(-1);
  return submitted ? { applicationForm: submitted.data.applicationForm, attachments: submitted.data.attachments } : { applicationForm: null, attachments: [] };
}

/**
 * A project's `barring`, added to the state since 3a2f73d (a barring grade bars the unit from the program's
 * next cycle): folded from the log's own events, the grade and time of its last final evaluation when that
 * evaluation barred, none otherwise. No event changed.
 */
function barringOf(log: readonly StoredEvent[], stream: string) {
  const evaluated = log.filter((e) => e.stream === stream && e.type === 'FinalEvaluated').at(-1);
  return evaluated?.data.barsNextCycle ? { grade: evaluated.data.grade, evaluatedAt: evaluated.data.evaluatedAt } : null;
}

/**
 * Each reviewer's `dueOn`, added to a project's reviewers since 12ef2a6 (the day an expert's score is due):
 * folded from the log's own events, the day (Beijing) of the reviewer's last assignment and the rules'
 * `reviewDays` the project was drafted under, or the 14 days of rules written before `reviewDays`
 * existed (as all of both logs' rules are). No event changed.
 */
function reviewersOf(log: readonly StoredEvent[], stream: string, reviewers: readonly { reviewerId: string }[]) {
  const drafted = log.find((e) => e.stream === stream && e.type === 'ApplicationDrafted');
  const reviewDays = (drafted?.data.rules as { reviewDays?: number } | undefined)?.reviewDays ?? REVIEW_DAYS_UNSET;
  return reviewers.map((reviewer) => {
    const assigned = log.filter((e) => e.stream === stream && e.type === 'ReviewerAssigned' && e.data.reviewerId === reviewer.reviewerId).at(-1)!;
    return { ...reviewer, dueOn: addCalendarDays(chinaDateOf(String(assigned.data.assignedAt)), reviewDays) };
  });
}

/** The event types (`category/Type`) the log of every fixture holds: every program, selection, notices, objections, construction, evaluation, revocation and enterprises. */
const EVERY_FIXTURE_TYPES = [
  'cycle/CycleOpened', 'cycle/ProjectShortlisted', 'cycle/ProjectNotSelected', 'cycle/PublicNoticeOpened', 'cycle/ProjectRemovedFromList', 'cycle/ListApproved',
  'project/ApplicationWithdrawn', 'project/ReviewerRecused', 'project/ObjectionUpheld', 'project/ObjectionDismissed', 'project/ConstructionPlanRejected',
  'project/RectificationOrdered', 'project/FinalEvaluated', 'project/ProjectAccredited', 'project/ProjectRevoked', 'project/FundRecoveryOrdered',
  'enterprise/EnterpriseCertified', 'enterprise/EnterpriseDisqualified', 'enterprise/IncubationApplicationNotRecommended',
];

interface Fixture {
  /** The commit that wrote the log and folded the states. */
  readonly commit: string;
  readonly log: readonly StoredEvent[];
  /** The recorded states, with the fields the current code adds on purpose derived from the log's own events. */
  readonly recorded: Recorded;
  /** The event types (`category/Type`) the log must hold. */
  readonly types: readonly string[];
  /** The people the service is asked for once started on the log: keys the log has no person of. */
  readonly auditor: string;
  readonly office: string;
  /** The events (`stream:type`, a person's stream as `person`) the service writes after the log's for those two accounts, and nothing else. */
  readonly writtenAfter: readonly string[];
}

/** The log written by 3a2f73d: before people had accounts, so the first admin's set-up registers the office, the admin and their grant. */
function fixture3a2f73d(): Fixture {
  const log = logOf('3a2f73d');
  const recorded: Recorded = Object.fromEntries(
    Object.entries(statesOf('3a2f73d')).map(([stream, { revision, state }]) => [
      stream,
      {
        revision,
        state: stream.startsWith('cycle-')
          ? { ...state, status: CYCLE_STATUS_SINCE_API_2[state.status] ?? `unmapped ${state.status}` }
          : stream.startsWith('project-')
            ? { ...state, documents: documentsOf(log, stream), ...(state.status === 'None' ? {} : { barring: barringOf(log, stream), reviewers: reviewersOf(log, stream, state.reviewers ?? []) }) }
            : state,
      },
    ]),
  );
  return {
    commit: '3a2f73d',
    log,
    recorded,
    types: EVERY_FIXTURE_TYPES,
    auditor: 'auditor-1',
    office: 'office-1',
    writtenAfter: [
      'registry-organisations:OrganisationRegistered',
      'person:PersonRegistered',
      'person:RoleGranted',
      'person:PersonRegistered',
      'person:RoleGranted',
      'person:PersonRegistered',
      'person:RoleGranted',
    ],
  };
}

/**
 * The log written by 12ef2a6: people with accounts (the office, its first admin and the demo's people are
 * in the log), funds, yearly performance and brand majors scored by a rubric.
 */
function fixture12ef2a6(): Fixture {
  const log = logOf('12ef2a6');
  // Since 12ef2a6 only each reviewer's `dueOn` was added to the states its events fold to.
  const recorded: Recorded = Object.fromEntries(
    Object.entries(statesOf('12ef2a6')).map(([stream, { revision, state }]) => [
      stream,
      { revision, state: stream.startsWith('project-') && state.reviewers ? { ...state, reviewers: reviewersOf(log, stream, state.reviewers) } : state },
    ]),
  );
  return {
    commit: '12ef2a6',
    log,
    recorded,
    types: [
      ...EVERY_FIXTURE_TYPES,
      'program/QuotaAllocated', 'funds/BudgetSet', 'funds/FundsGranted', 'funds/FundsDisbursed', 'project/FundsRecovered',
      'project/AnnualReportGraded', 'project/PerformanceWarningIssued', 'project/NextYearGrantReduced',
      'registry/OrganisationRegistered', 'person/PersonRegistered', 'person/RoleGranted',
    ],
    // The log has an auditor-1 and an office-1 of the demo's: the test asks for people it does not hold.
    auditor: 'stored-log-auditor',
    office: 'stored-log-office',
    // The office and its first admin are in the log already: the set-up link only gives the admin a login.
    writtenAfter: ['person:PersonRegistered', 'person:RoleGranted', 'person:PersonRegistered', 'person:RoleGranted'],
  };
}

const categoryOf = (stream: string) => stream.slice(0, stream.indexOf('-'));
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

describe.each([fixture3a2f73d(), fixture12ef2a6()])('the log written by $commit, replayed by the current code', (fixture) => {
  const { log, recorded } = fixture;
  const projectStreams = Object.keys(recorded).filter((stream) => categoryOf(stream) === 'project');
  const enterpriseStreams = Object.keys(recorded).filter((stream) => categoryOf(stream) === 'enterprise');
  const lastPosition = log[log.length - 1].position;
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
    for (const type of fixture.types) {
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
    /** The events written after the fixture's: the accounts of an auditor and an office clerk (and of the office's first admin where the log has none), and nothing else. */
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
      // The logins are not in the log: the first start on it prints a set-up link for the office's first admin.
      auditor = await http.token({ sub: fixture.auditor, role: 'auditor', org: '省审计厅' });
      office = await http.token({ sub: fixture.office, role: 'office', org: '山西省教育厅' });
      accountEvents = (await exportedAs(office)).slice(log.length);
      head = accountEvents.at(-1)!.position;
    });

    it('writes after the fixture only the accounts it was asked for', () => {
      expect(accountEvents.map((e) => `${e.stream.replace(/^person-.*/, 'person')}:${e.type}`)).toEqual(fixture.writtenAfter);
    });
    afterAll(() => running?.stop());

    it('verifies the hash chain of the whole log intact', async () => {
      const verified = await http.get('/audit/verify', auditor);
      expect(verified.status).toBe(200);
      const newStreams = new Set(accountEvents.map((e) => e.stream).filter((stream) => !(stream in recorded))).size;
      expect(verified.body).toMatchObject({ ok: true, checkedEvents: log.length + accountEvents.length, checkedStreams: Object.keys(recorded).length + newStreams, lastPosition: head });
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
