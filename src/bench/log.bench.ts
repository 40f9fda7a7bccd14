import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DECIDERS } from '../application/aggregates';
import { DeciderRegistry, history, stateAsOf, verifyIntegrity } from '../application/audit';
import { defaultCatalog } from '../domain/catalog/program-catalog';
import { EventStore, JsonObject, NewEvent, RecordedEvent } from '../application/event-store';
import { handleCommand } from '../application/handle-command';
import { handlersOf, sendingTo } from '../application/command-doors';
import { FoldedStreams } from '../application/folded-streams';
import { nameBasedUuid } from '../application/ids';
import { cycleFacts } from '../application/project.commands';
import { canonicalJson, chainHash, GENESIS_HASH } from '../application/integrity';
import { cycleStream, projectStream } from '../application/streams';
import { chinaDateOf, defaultCalendar } from '../domain/calendar';
import { Actor } from '../domain/messages';
import { ProgramCycleState, programCycleDecider } from '../domain/program-cycle/program-cycle.decider';
import { ProjectSubject } from '../domain/project/project.commands';
import { projectDecider } from '../domain/project/project.decider';
import { SqliteEventStore } from '../infrastructure/event-store/sqlite.event-store';
import { Projection } from '../infrastructure/projections/projection';
import { ProjectionRunner } from '../infrastructure/projections/projection-runner';
import { ReactorService } from '../infrastructure/reactor/reactor.service';
import { projectionsFor } from '../infrastructure/read-models/read-models';
import { loadConfig } from '../config';
import { systemClock } from '../application/clock';
import { Metrics } from '../infrastructure/metrics/metrics';

export interface LogSizes {
  /** Project streams cloned from the templates. */
  readonly logProjects: number;
  /** Of those, the share with a whole lifecycle (21 events); the others are drafts that went no further (1 event). */
  readonly fullLifecycleShare: number;
  /** Streams written interleaved, event by event, as projects progress side by side. */
  readonly interleave: number;
  /** Events of the one long stream history() and stateAsOf() replay. */
  readonly historyEvents: number;
}

export interface LogFigures {
  readonly events: number;
  readonly streams: number;
  readonly projects: number;
  readonly buildSeconds: number;
  readonly buildEventsPerSecond: number;
  readonly fileMb: number;
  readonly rawReadEventsPerSecond: number;
  readonly rebuildEventsPerSecond: number;
  readonly rebuildSeconds: number;
  /** Rebuild ÷ raw sequential read, same run. */
  readonly rebuildToRawRatio: number;
  /** Share of the rebuild's time in each projection's apply(); the rest is reading and parsing the log, checkpoints and commits. */
  readonly rebuildBreakdown: Record<string, number>;
  /** The reactor from no checkpoint over the whole log (its reactions find their effects written already). */
  readonly reactorEventsPerSecond: number;
  readonly reactorSeconds: number;
  readonly verifyEventsPerSecond: number;
  readonly verifySeconds: number;
  readonly verifiedOk: boolean;
  readonly history: { events: number; historyMs: number; historyMaxMs: number; stateAsOfRevisionMs: number; stateAsOfTimeMs: number; coldHistoryMs: number };
}

const DAY = 24 * 60 * 60 * 1000;
const round2 = (n: number) => Math.round(n * 100) / 100;

const office: Actor = { id: 'office-1', role: 'office', org: '山西省教育厅' };
const recommender: Actor = { id: 'ty-edu-1', role: 'recommender', org: '太原市教育局', region: '太原市' };
const reviewers: Actor[] = [1, 2, 3].map((n) => ({ id: `reviewer-${n}`, role: 'reviewer', org: `专家库单位-${n}` }));
const doc = (name: string) => ({ sha256: nameBasedUuid(name).replace(/-/g, '').padEnd(64, '0'), name, size: 48213, mediaType: 'application/pdf' });

const TEMPLATES: readonly { programType: string; org: string; title: string; subject: ProjectSubject }[] = [
  { programType: 'brand-major', org: 'tplorg-major', title: '机电一体化技术品牌专业建设项目', subject: { kind: 'major', majorCode: '460301', majorName: '机电一体化技术' } },
  { programType: 'quality-course', org: 'tplorg-course', title: 'PLC控制技术精品课程', subject: { kind: 'course', courseName: 'PLC控制技术', classHours: 64, semestersTaught: 4 } },
  { programType: 'secondary-school', org: 'tplorg-secondary', title: '太原市第一职业中学高水平学校建设', subject: { kind: 'school' } },
  { programType: 'higher-college', org: 'tplorg-college', title: '山西职业技术学院高水平院校建设', subject: { kind: 'school' } },
];

interface Template {
  readonly projectId: string;
  readonly org: string;
  readonly cycle: readonly RecordedEvent[];
  readonly project: readonly RecordedEvent[];
}

/**
 * One project's life through the real deciders and the one command path (handleCommand), from the
 * draft to the accepted construction plan: 21 events, dated over the last 50 days.
 */
async function buildTemplate(streams: FoldedStreams, index: number, historyEdits: number): Promise<Template & { history?: readonly RecordedEvent[] }> {
  const store = streams.store;
  const t = TEMPLATES[index];
  const start = Date.now() - 50 * DAY;
  const at = (day: number, minutes = 0) => new Date(start + day * DAY + minutes * 60_000).toISOString();
  const cycleId = `bench-${t.programType}-${index}${historyEdits > 0 ? '-history' : ''}`;
  const cycleStreamName = cycleStream(cycleId);
  const catalogEntry = defaultCatalog[t.programType];
  if (!catalogEntry || catalogEntry.lifecycle !== 'project') throw new Error(`no project program ${t.programType}`);
  const run = async (stream: string, decider: typeof projectDecider | typeof programCycleDecider, command: Record<string, unknown>) => {
    const outcome = await handleCommand(streams, decider as never, stream, command as never, { commandId: randomUUID(), actor: command.actor as Actor, now: command.now as string });
    if (outcome.events.length === 0) throw new Error(`${String(command.type)} decided nothing`);
  };
  await run(cycleStreamName, programCycleDecider, {
    type: 'OpenCycle',
    actor: office,
    now: at(-1),
    data: {
      cycleId,
      programType: t.programType,
      name: `${catalogEntry.name.zh} bench`,
      label: 'bench',
      rules: catalogEntry.defaultRules,
      rulesVersion: catalogEntry.rulesVersion,
      opensAt: at(-1),
      closesAt: at(10),
    },
    context: { programType: catalogEntry },
  });
  const cycleAt = async (now: string) => cycleFacts(cycleId, (await readCycle(store, cycleStreamName)), now);

  const applicant: Actor = { id: `${t.org}-user`, role: 'applicant', org: t.org, region: '太原市' };
  const projectId = randomUUID();
  const stream = projectStream(projectId);
  const project = (type: string, actor: Actor, now: string, data: Record<string, unknown>, context?: Record<string, unknown>) =>
    run(stream, projectDecider, { type, actor, now, data, ...(context ? { context } : {}) });
  // What the registry says of the school, its bureau and the experts, as the command handlers read it.
  const school = { applicant: { kind: 'school', schoolKind: t.programType === 'secondary-school' ? '中职' : '高职' } };
  const signsOff = { signsOff: true };
  const submission = { applicationForm: doc('申报书.pdf'), declarations: { authenticity: doc('真实性声明.pdf'), commitment: doc('承诺书.pdf') }, attachments: [doc('佐证材料.pdf')] };

  await project('DraftApplication', applicant, at(0), { projectId, cycleId, programType: t.programType, title: t.title, subject: t.subject }, { cycle: await cycleAt(at(0)), applicantBans: [], ...school });
  if (historyEdits > 0) {
    // The long stream for history() and stateAsOf(): a draft edited again and again.
    for (let i = 0; i < historyEdits; i += 1) await project('EditApplication', applicant, at(0, i + 1), { title: `${t.title}（第 ${i + 1} 稿）` });
    return { projectId, org: t.org, cycle: await store.readStream(cycleStreamName), project: [], history: await store.readStream(stream) };
  }
  await project('EditApplication', applicant, at(1), { title: `${t.title}（修订）` });
  await project('EditApplication', applicant, at(2), { title: `${t.title}（第二次修订）` });
  await project('SubmitApplication', applicant, at(3), submission, { cycle: await cycleAt(at(3)), applicantBans: [], ...signsOff });
  await project('ReturnForRevision', office, at(4), { reason: '申报书缺少佐证材料' });
  await project('EditApplication', applicant, at(5), { title: `${t.title}（补充材料后）` });
  await project('SubmitApplication', applicant, at(6), submission, { cycle: await cycleAt(at(6)), applicantBans: [], ...signsOff });
  await run(cycleStreamName, programCycleDecider, { type: 'CloseApplicationWindow', actor: office, now: at(10, 5), data: {} });
  await project('RecordFormalCheck', recommender, at(11), { result: 'passed' }, { cycle: await cycleAt(at(11)) });
  await project('Recommend', recommender, at(12), { rank: 1, opinion: '同意推荐' }, { recommendation: { recommender: { kind: 'bureau', bureauKind: '教育局' }, ...school } });
  for (const reviewer of reviewers) {
    await project('AssignReviewer', office, at(14), { reviewerId: reviewer.id, reviewerOrg: reviewer.org, declaredRelations: [] }, { reviewer: { organisationId: reviewer.org, expert: true, affiliations: [] } });
  }
  for (const [n, reviewer] of reviewers.entries()) await project('ScoreReview', reviewer, at(20, n), { score: 85 + n, comments: '建设基础较好，目标明确，措施可行' });
  await project('RecordSelection', office, at(25), { decision: 'shortlisted', cycleDecisionId: randomUUID(), reason: '专家评审通过' });
  await project('RecordPublicNotice', office, at(26), { noticeId: randomUUID(), startsOn: chinaDateOf(at(26)), endsOn: chinaDateOf(at(32)) });
  await project('FileObjection', applicant, at(27), { objectionId: randomUUID(), grounds: '匿名反映材料不实' });
  await project('RecordApproval', office, at(35), { cycleDecisionId: randomUUID() });
  await project('SubmitConstructionPlan', applicant, at(40), { plan: doc('建设方案.pdf'), taskBook: doc('任务书.pdf') });
  await project('AcceptConstructionPlan', office, at(45), {});
  return { projectId, org: t.org, cycle: await store.readStream(cycleStreamName), project: await store.readStream(stream) };
}

async function readCycle(store: EventStore, stream: string): Promise<ProgramCycleState> {
  const events = await store.readStream(stream);
  return events.reduce((state, e) => programCycleDecider.evolve(state, { type: e.type, data: e.data } as never), programCycleDecider.initialState);
}

const asNew = (e: RecordedEvent): NewEvent => ({ id: e.id, type: e.type, data: e.data, metadata: e.metadata });

type Row = [position: number, id: string, stream: string, revision: number, type: string, data: string, metadata: string];

const ID = '@@bench-id@@';
const STREAM = '@@bench-stream@@';
const PREV = '@@bench-prev-hash@@';
const HASH = '@@bench-hash@@';
const quoted = (s: string) => JSON.stringify(s);
const [Q_ID, Q_STREAM, Q_PREV, Q_HASH] = [ID, STREAM, PREV, HASH].map(quoted);
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A template stream cloned under another project id, applicant organisation and command ids, with
 * its hash chain recomputed. Each event is kept as three texts with placeholders: the data and the
 * metadata as the store writes them (JSON.stringify), and the canonical JSON chainHash hashes. The
 * values substituted are plain strings, so the canonical text of a clone is the template's canonical
 * text with the values replaced: the hash is chainHash's (SHA-256 of the previous hash, a newline and
 * that text), at a fraction of the cost. The first clones of each template are checked against
 * chainHash itself, and the whole log against verifyIntegrity.
 */
class Cloner {
  private readonly pattern: RegExp;
  private readonly texts: readonly { type: string; data: string; metadata: string; canonical: string }[];
  private readonly commandIds: readonly string[];

  constructor(private readonly template: Template) {
    this.commandIds = [...new Set(template.project.map((e) => String(e.metadata.commandId)))];
    const tokens = [template.projectId, template.org, ...this.commandIds].map(quoted).concat([ID, STREAM, PREV, HASH].map(quoted));
    this.pattern = new RegExp(tokens.map(escapeRegExp).join('|'), 'g');
    this.texts = template.project.map((e) => {
      const { hash: _hash, ...rest } = e.metadata;
      const metadata = { ...rest, prevHash: PREV };
      return {
        type: e.type,
        data: JSON.stringify(e.data),
        metadata: JSON.stringify({ ...metadata, hash: HASH }),
        canonical: canonicalJson({ id: ID, stream: STREAM, revision: e.revision, type: e.type, data: e.data, metadata }),
      };
    });
  }

  /**
   * Rows of clone `n`, its first `take` events, at positions from `sequence()`. Event ids are
   * UUID-shaped and increase with the position (time-ordered, as UUIDv7 would be); project ids are
   * name-based (random), as the service makes them.
   */
  clone(
    n: number,
    take: number,
    check: boolean,
  ): { stream: string; projectId: string; texts: readonly { type: string; data: string; metadata: string; canonical: string }[]; values: Map<string, string>; check: boolean } {
    const projectId = nameBasedUuid(`bench-project:${this.template.org}:${n}`);
    const suffix = n.toString(16).padStart(12, '0');
    const values = new Map<string, string>([
      [quoted(this.template.projectId), quoted(projectId)],
      [quoted(this.template.org), quoted(`${this.template.org}-${n % 997}`)],
      ...this.commandIds.map((id): [string, string] => [quoted(id), quoted(`${id.slice(0, 24)}${suffix}`)]),
    ]);
    return { stream: projectStream(projectId), projectId, texts: this.texts.slice(0, take), values, check };
  }

  /** The row of event `revision` of a clone, chained to `prevHash`; answers the row and its hash. */
  row(clone: ReturnType<Cloner['clone']>, revision: number, position: number, prevHash: string): { row: Row; hash: string } {
    const text = clone.texts[revision];
    const id = orderedUuid(position, clone.projectId);
    const values = clone.values;
    // Ids, stream names and hashes are plain ASCII: quoting them needs no escapes.
    values.set(Q_ID, `"${id}"`);
    values.set(Q_STREAM, `"${clone.stream}"`);
    values.set(Q_PREV, `"${prevHash}"`);
    const replace = (t: string) => t.replace(this.pattern, (match) => values.get(match) ?? match);
    const hash = createHash('sha256').update(prevHash).update('\n').update(replace(text.canonical)).digest('hex');
    values.set(Q_HASH, `"${hash}"`);
    const row: Row = [position, id, clone.stream, revision, text.type, replace(text.data), replace(text.metadata)];
    if (clone.check) this.check(row, prevHash, hash);
    return { row, hash };
  }

  private check([, id, stream, revision, type, data, metadata]: Row, prevHash: string, hash: string): void {
    const event = { id, stream, revision, type, data: JSON.parse(data) as JsonObject, metadata: JSON.parse(metadata) as JsonObject };
    if (event.metadata.prevHash !== prevHash || chainHash(prevHash, event) !== hash || event.metadata.hash !== hash) {
      throw new Error(`the cloned ${type} of ${stream} does not hash as chainHash does`);
    }
  }
}

/** A UUID-shaped id whose first 48 bits are `sequence`, the rest from `tail` (a UUID). */
function orderedUuid(sequence: number, tail: string): string {
  const head = sequence.toString(16).padStart(12, '0');
  return `${head.slice(0, 8)}-${head.slice(8, 12)}-7${tail.slice(15, 18)}-${tail.slice(19)}`;
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = process.hrtime.bigint();
  const value = await work();
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, value };
}

/**
 * Builds a log of realistic project streams in `dataDir/events.db` (the same file, schema and rows
 * the service's store writes: templates through SqliteEventStore, clones in large transactions);
 * then P4 (history and as-of replay, whole-log verification) and P3 (projection rebuild beside a
 * raw sequential read).
 * Leaves `dataDir` with its read models built and the reactor caught up, for the start-up measurement.
 */
export async function measureLog(dataDir: string, sizes: LogSizes, log: (line: string) => void): Promise<LogFigures> {
  mkdirSync(dataDir, { recursive: true });
  const buildStarted = process.hrtime.bigint();
  // Where the templates are decided: a throwaway in-memory store, with positions and revisions as the file gives them.
  const scratch = new SqliteEventStore({ file: ':memory:' });
  const scratchStreams = new FoldedStreams(scratch);
  const templates: Template[] = [];
  for (let i = 0; i < TEMPLATES.length; i += 1) templates.push(await buildTemplate(scratchStreams, i, 0));
  const long = await buildTemplate(scratchStreams, 0, sizes.historyEvents - 1);
  await scratch.close();
  log(`P3/P4: templates decided through handleCommand in ${(Number(process.hrtime.bigint() - buildStarted) / 1e9).toFixed(1)} s; appending the log`);

  const file = join(dataDir, 'events.db');
  // The templates go in through the store; the file and its schema are the store's own.
  const writer = new SqliteEventStore({ file });
  for (const template of templates) {
    await writer.append(template.cycle[0].stream, template.cycle.map(asNew), 'no_stream');
    await writer.append(template.project[0].stream, template.project.map(asNew), 'no_stream');
  }
  let position = Number((await writer.status()).lastPosition);
  await writer.close();

  // The clones go in as the store would write them, in large transactions: appended one event at a
  // time through the store (interleaved, see below) this machine writes ~6,000 events/s, CPU-bound in
  // the store's per-append savepoint, which would make the log alone take minutes.
  const raw = new Database(file);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = OFF');
  raw.pragma('cache_size = -262144');
  const insert = raw.prepare('INSERT INTO events (position, id, stream, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const insertAll = raw.transaction((rows: readonly Row[]) => {
    for (const row of rows) insert.run(...row);
  });
  const full = Math.round(sizes.logProjects * sizes.fullLifecycleShare);
  try {
    const cloners = templates.map((template) => new Cloner(template));
    const perStream = templates[0].project.length;
    let reported = 0;
    for (let first = 0; first < sizes.logProjects; first += sizes.interleave) {
      // Full lifecycles and drafts that went no further, mixed.
      const clones = Array.from({ length: Math.min(sizes.interleave, sizes.logProjects - first) }, (_, i) => {
        const k = first + i;
        const isFull = Math.floor(((k + 1) * full) / sizes.logProjects) > Math.floor((k * full) / sizes.logProjects);
        return { cloner: cloners[k % cloners.length], clone: cloners[k % cloners.length].clone(k, isFull ? perStream : 1, k < 2 * cloners.length), prevHash: GENESIS_HASH };
      });
      // Revision by revision across the batch of projects: they progress side by side, as they do in
      // life, so a batch of consecutive events touches as many streams as it has events.
      const rows: Row[] = [];
      for (let revision = 0; revision < perStream; revision += 1) {
        for (const entry of clones) {
          if (entry.clone.texts.length <= revision) continue;
          position += 1;
          const { row, hash } = entry.cloner.row(entry.clone, revision, position, entry.prevHash);
          entry.prevHash = hash;
          rows.push(row);
        }
      }
      insertAll(rows);
      if (position - reported >= 200_000) {
        reported = position;
        log(`  log: ${position} events, ${Math.round(Number(process.hrtime.bigint() - buildStarted) / 1e9)} s`);
      }
    }
  } finally {
    raw.close();
  }
  const tail = new SqliteEventStore({ file });
  await tail.append(long.cycle[0].stream, long.cycle.map(asNew), 'no_stream');
  await tail.append(long.history![0].stream, long.history!.map(asNew), 'no_stream');
  await tail.close();
  const buildSeconds = Number(process.hrtime.bigint() - buildStarted) / 1e9;

  const store = new SqliteEventStore({ file });
  try {
    const { lastPosition } = await store.status();
    const events = Number(lastPosition);
    const projects = templates.length + sizes.logProjects + 1;
    const streams = projects + templates.length + 1;
    log(`P3/P4: log of ${events} events (${projects} projects) in ${buildSeconds.toFixed(1)} s`);

    // P4 first, on the freshly opened store: history and as-of replay of the 1,000-event stream.
    const registry = DECIDERS as unknown as DeciderRegistry;
    const historyStream = long.history![0].stream;
    const cold = await timed(() => history(store, registry, historyStream));
    if (cold.value.length !== sizes.historyEvents) throw new Error(`history has ${cold.value.length} events, not ${sizes.historyEvents}`);
    const repeat = async (work: () => Promise<unknown>) => {
      for (let i = 0; i < 3; i += 1) await work();
      const times: number[] = [];
      for (let i = 0; i < 25; i += 1) times.push((await timed(work)).ms);
      times.sort((a, b) => a - b);
      return { median: times[Math.floor(times.length / 2)], max: times[times.length - 1] };
    };
    const historyTimes = await repeat(() => history(store, registry, historyStream));
    const middle = long.history![Math.floor(sizes.historyEvents / 2)];
    const byRevision = await repeat(() => stateAsOf(store, registry, historyStream, { revision: sizes.historyEvents - 1 }));
    const byTime = await repeat(() => stateAsOf(store, registry, historyStream, { time: String(middle.metadata.recordedAt) }));
    log(`P4: history ${historyTimes.median.toFixed(1)} ms, stateAsOf ${byRevision.median.toFixed(1)} / ${byTime.median.toFixed(1)} ms`);

    // Raw sequential read of the same table: what any replay must at least pay.
    const raw = await timed(async () => {
      const db = new Database(file, { readonly: true });
      let count = 0;
      for (const row of db.prepare('SELECT * FROM events ORDER BY position').iterate() as IterableIterator<{ data: string; metadata: string }>) {
        JSON.parse(row.data);
        JSON.parse(row.metadata);
        count += 1;
      }
      db.close();
      return count;
    });
    log(`P3: raw read ${raw.value} events in ${(raw.ms / 1000).toFixed(1)} s; rebuilding the read models`);

    const readModels = ProjectionRunner.openDatabase(join(dataDir, 'read-models.db'));
    // The service's projections, each apply() timed (one hrtime pair per batch): where the rebuild's time goes.
    const applyNs = new Map<string, bigint>(projectionsFor(defaultCatalog).map((p) => [p.name, 0n]));
    const timedProjections: Projection[] = projectionsFor(defaultCatalog).map((p) => ({
      name: p.name,
      version: p.version,
      tables: p.tables,
      schema: p.schema,
      apply: (db, batch) => {
        const started = process.hrtime.bigint();
        p.apply(db, batch);
        applyNs.set(p.name, applyNs.get(p.name)! + process.hrtime.bigint() - started);
      },
    }));
    const runner = new ProjectionRunner(store, readModels, timedProjections);
    const rebuild = await timed(() => runner.rebuild());
    await runner.stop();
    readModels.close();
    log(`P3: rebuilt in ${(rebuild.ms / 1000).toFixed(1)} s; the reactor reading the log from no checkpoint`);

    // The reactor follows the log from its own checkpoint (reactor.db), which the rebuild leaves alone:
    // here it has none yet, so it reads everything, as on a service's very first start over an imported log.
    // The reactions go to the aggregates' handlers, as in the service; being the service's own commands,
    // they check no documents and carry no effects inline, and no applicant's bans are asked for them.
    const folded = new FoldedStreams(store);
    const handlers = handlersOf({
      streams: folded,
      clock: systemClock,
      catalog: defaultCatalog,
      calendar: defaultCalendar,
      applicants: { bansOf: async () => [], earlierApplications: async () => [] },
      effects: { after: async () => undefined },
      documents: { verifyReferences: async () => undefined },
    });
    const reactors = new ReactorService(store, systemClock, loadConfig({ DATA_DIR: dataDir }), folded, sendingTo(handlers), new Metrics());
    const reactor = await timed(async () => {
      reactors.onApplicationBootstrap();
      while ((reactors.reactor.checkpoint ?? 0n) < BigInt(events)) await new Promise((resolve) => setTimeout(resolve, 20));
    });
    await reactors.onApplicationShutdown();
    log(`P3: reactor caught up in ${(reactor.ms / 1000).toFixed(1)} s; verifying the whole log`);

    const verify = await timed(() => verifyIntegrity(store, { consecutivePositions: true }));
    log(`P4: verified in ${(verify.ms / 1000).toFixed(1)} s (${verify.value.ok ? 'ok' : `BROKEN: ${JSON.stringify(verify.value.firstBroken)}`})`);

    return {
      events,
      streams,
      projects,
      buildSeconds: round2(buildSeconds),
      buildEventsPerSecond: Math.round(events / buildSeconds),
      fileMb: Math.round((statSync(file).size + (existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0)) / 1024 / 1024),
      rawReadEventsPerSecond: Math.round(raw.value / (raw.ms / 1000)),
      rebuildEventsPerSecond: Math.round(events / (rebuild.ms / 1000)),
      rebuildSeconds: round2(rebuild.ms / 1000),
      rebuildToRawRatio: round2(raw.ms / rebuild.ms),
      rebuildBreakdown: Object.fromEntries([
        ...[...applyNs].map(([name, ns]): [string, number] => [name, Math.round(Number(ns) / 1e6 / rebuild.ms * 1000) / 10]),
        ['rest: read + parse the log, checkpoints, commits', Math.round((1 - Number([...applyNs.values()].reduce((a, b) => a + b, 0n)) / 1e6 / rebuild.ms) * 1000) / 10],
      ]),
      reactorEventsPerSecond: Math.round(events / (reactor.ms / 1000)),
      reactorSeconds: round2(reactor.ms / 1000),
      verifyEventsPerSecond: Math.round(verify.value.checkedEvents / (verify.ms / 1000)),
      verifySeconds: round2(verify.ms / 1000),
      verifiedOk: verify.value.ok && verify.value.checkedEvents === events,
      history: {
        events: sizes.historyEvents,
        historyMs: round2(historyTimes.median),
        historyMaxMs: round2(historyTimes.max),
        stateAsOfRevisionMs: round2(byRevision.median),
        stateAsOfTimeMs: round2(byTime.median),
        coldHistoryMs: round2(cold.ms),
      },
    };
  } finally {
    await store.close();
  }
}

/** P3 on PostgreSQL: the same log copied into a fresh schema, then every read model rebuilt from there. */
export interface PostgresRebuildFigures {
  readonly events: number;
  readonly copySeconds: number;
  readonly copyEventsPerSecond: number;
  readonly rebuildSeconds: number;
  readonly rebuildEventsPerSecond: number;
}

/**
 * Copies the SQLite log measureLog left in `dataDir` into PostgreSQL at `databaseUrl` (a schema of its
 * own, dropped afterwards) through the adapter's appends, each stream in its order, then rebuilds every
 * read model from PostgreSQL into a fresh file, as a new instance on that store would on its first start.
 */
export async function measureRebuildOnPostgres(dataDir: string, databaseUrl: string, log: (line: string) => void): Promise<PostgresRebuildFigures> {
  const { PostgresEventStore } = await import('../infrastructure/event-store/postgres.event-store');
  const { Client } = await import('pg');
  const schema = `bench_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const source = new SqliteEventStore({ file: join(dataDir, 'events.db') });
  const target = new PostgresEventStore({ connectionString: databaseUrl, schema, maxEventBytes: 64 * 1024 * 1024 });
  const readModelsFile = join(dataDir, `read-models-postgres-${schema}.db`);
  try {
    await target.ready();
    const revisions = new Map<string, number>();
    let events = 0;
    const copy = await timed(async () => {
      for (let after: bigint | undefined; ; ) {
        const batch = await source.readAll({ after, maxCount: 20_000 });
        if (batch.length === 0) break;
        const byStream = new Map<string, RecordedEvent[]>();
        for (const event of batch) byStream.set(event.stream, [...(byStream.get(event.stream) ?? []), event]);
        // Every stream of the batch at once: the adapter commits the appends waiting together in one transaction.
        await Promise.all(
          [...byStream].map(async ([stream, list]) => {
            const last = revisions.get(stream);
            await target.append(stream, list.map(asNew), last === undefined ? 'no_stream' : last);
            revisions.set(stream, (last ?? -1) + list.length);
          }),
        );
        events += batch.length;
        after = batch[batch.length - 1].position;
      }
    });
    log(`P3 (postgres): ${events} events copied in ${(copy.ms / 1000).toFixed(1)} s; rebuilding the read models from PostgreSQL`);
    const readModels = ProjectionRunner.openDatabase(readModelsFile);
    const runner = new ProjectionRunner(target, readModels, projectionsFor(defaultCatalog));
    const rebuild = await timed(() => runner.rebuild());
    await runner.stop();
    readModels.close();
    log(`P3 (postgres): rebuilt in ${(rebuild.ms / 1000).toFixed(1)} s`);
    return {
      events,
      copySeconds: round2(copy.ms / 1000),
      copyEventsPerSecond: Math.round(events / (copy.ms / 1000)),
      rebuildSeconds: round2(rebuild.ms / 1000),
      rebuildEventsPerSecond: Math.round(events / (rebuild.ms / 1000)),
    };
  } finally {
    await source.close();
    await target.close();
    rmSync(readModelsFile, { force: true });
    rmSync(`${readModelsFile}-wal`, { force: true });
    rmSync(`${readModelsFile}-shm`, { force: true });
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  }
}
