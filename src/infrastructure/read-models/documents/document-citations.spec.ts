import { randomUUID } from 'node:crypto';
import { ENTERPRISE_FACTS, RECOMMENDATION_FACTS, SCHOOL_FACTS } from '../../../../test/support/registry-facts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { FoldedStreams } from '../../../application/folded-streams';
import { handleCommand } from '../../../application/handle-command';
import { enterpriseStream, projectStream } from '../../../application/streams';
import { AppConfig } from '../../../config';
import { defaultCatalog, isProjectProgramType } from '../../../domain/catalog/program-catalog';
import { EnterpriseRules } from '../../../domain/catalog/program-rules';
import { EnterpriseCommand, EnterpriseContext } from '../../../domain/enterprise/enterprise.commands';
import { enterpriseDecider } from '../../../domain/enterprise/enterprise.decider';
import { Actor, DocumentRef } from '../../../domain/messages';
import { ProjectCommand } from '../../../domain/project/project.commands';
import { projectDecider } from '../../../domain/project/project.decider';
import { SqliteEventStore } from '../../event-store/sqlite.event-store';
import { ReadModels } from '../read-models';
import { documentCitationsProjection } from './document-citations.projection';
import { DocumentCitations } from './document-citations.query';

const COURSE = defaultCatalog['quality-course'];
if (!isProjectProgramType(COURSE)) throw new Error('quality-course is a project program');
const cycle = { id: 'qc-2025', programType: 'quality-course', rules: COURSE.defaultRules, rulesVersion: 'qc/1', windowOpen: true, closesAt: '2025-09-15T00:00:00+08:00' };
const enterpriseContext: EnterpriseContext = { rules: defaultCatalog.enterprise.defaultRules as EnterpriseRules, rulesVersion: defaultCatalog.enterprise.rulesVersion, ...ENTERPRISE_FACTS };
const doc = (n: number): DocumentRef => ({ sha256: n.toString(16).padStart(2, '0').repeat(32), name: `doc-${n}.pdf`, size: 1000 + n });
const CODE = '91140100MA0KA0001L';
const school = (org: string): Actor => ({ id: `u-${org}`, role: 'applicant', org, region: '太原市' });
const now = '2025-09-05T10:00:00+08:00';

/** p1 cites documents 1–3, p2 documents 1, 4, 5 (1 twice), the enterprise documents 1 and 6. */
async function cite(streams: FoldedStreams) {
  const project = (id: string, type: string, data: unknown) =>
    handleCommand(streams, projectDecider, projectStream(id), { type, data, actor: school(`school-${id}`), now, context: { cycle, ...SCHOOL_FACTS, ...RECOMMENDATION_FACTS } } as ProjectCommand, { commandId: randomUUID(), actor: school(`school-${id}`), now });
  const subject = { kind: 'course', courseName: '课程', classHours: 48, semestersTaught: 3 };
  for (const [id, docs] of [['p1', [1, 2, 3]], ['p2', [1, 4, 5]]] as const) {
    await project(id, 'DraftApplication', { projectId: id, cycleId: cycle.id, programType: 'quality-course', title: id, subject });
    await project(id, 'SubmitApplication', { applicationForm: doc(docs[0]), declarations: { authenticity: doc(docs[1]), commitment: doc(docs[2]) }, attachments: [doc(docs[0])] });
  }
  const declarations = { registeredAndTaxedInProvince: true, mainBusinessNotEducation: true, noMajorAccident: true, goodCredit: true, noTaxViolation: true };
  const apply = { type: 'ApplyForIncubation', data: { enterpriseId: CODE, name: '企业', creditCode: CODE, region: '太原市', declarations, documents: [doc(1), doc(6)] }, actor: school(CODE), now, context: enterpriseContext };
  await handleCommand(streams, enterpriseDecider, enterpriseStream(CODE), apply as EnterpriseCommand, { commandId: randomUUID(), actor: school(CODE), now });
}

describe('DocumentCitations.streamsCiting', () => {
  let dir: string;
  let store: SqliteEventStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'als-citations-'));
    store = new SqliteEventStore({ file: join(dir, 'events.db') });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds every stream citing a document as soon as its events are stored, each stream once', async () => {
    // The real ReadModels (runner and all projections on a file beside the store): the query must wait for it itself.
    const readModels = new ReadModels(store, { dataDir: dir, catalog: defaultCatalog } as AppConfig);
    readModels.onModuleInit();
    // Another instance on the same file writes: the runner learns of its events only by polling, so a read that did not wait would miss them.
    const other = new SqliteEventStore({ file: join(dir, 'events.db') });
    try {
      const citations = new DocumentCitations(readModels);
      const streams = new FoldedStreams(other);
      await cite(streams);
      expect(await citations.streamsCiting(doc(1).sha256)).toEqual([enterpriseStream(CODE), projectStream('p1'), projectStream('p2')]);
      expect(await citations.streamsCiting(doc(2).sha256)).toEqual([projectStream('p1')]);
      expect(await citations.streamsCiting(doc(6).sha256)).toEqual([enterpriseStream(CODE)]);
      expect(await citations.streamsCiting(doc(99).sha256)).toEqual([]);

      // A later citation, by a recommender's opinion, is found by the next read as well.
      const city: Actor = { id: 'u-ty', role: 'recommender', org: '太原市发改委', region: '太原市' };
      const recommend = { type: 'Recommend', data: { opinion: '同意推荐', documents: [doc(2)] }, actor: city, now, context: enterpriseContext };
      await handleCommand(streams, enterpriseDecider, enterpriseStream(CODE), recommend as EnterpriseCommand, { commandId: randomUUID(), actor: city, now });
      expect(await citations.streamsCiting(doc(2).sha256)).toEqual([enterpriseStream(CODE), projectStream('p1')]);
    } finally {
      await other.close();
      await readModels.onApplicationShutdown();
    }
  });

  it('reads the table only once the read models have reached what is stored', async () => {
    await cite(new FoldedStreams(store));
    const db = new Database(':memory:');
    db.exec(documentCitationsProjection.schema);
    const events = await store.readAll();
    let reached = false;
    // A stand-in whose reachStored is where the events get projected: a read before it finishes would find nothing.
    const readModels = { db, reach: async () => {}, reachStored: async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      documentCitationsProjection.apply(db, events);
      reached = true;
    } } as unknown as ReadModels;
    expect(await new DocumentCitations(readModels).streamsCiting(doc(5).sha256)).toEqual([projectStream('p2')]);
    expect(reached).toBe(true);
    db.close();
  });
});
