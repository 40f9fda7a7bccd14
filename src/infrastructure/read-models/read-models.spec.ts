import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { FoldedStreams } from '../../application/folded-streams';
import { handleCommand } from '../../application/handle-command';
import { cycleStream } from '../../application/streams';
import { defaultCatalog } from '../../domain/catalog/program-catalog';
import { Actor } from '../../domain/messages';
import { programCycleDecider } from '../../domain/program-cycle/program-cycle.decider';
import { SqliteEventStore } from '../event-store/sqlite.event-store';
import { ProjectionRunner } from '../projections/projection-runner';
import { projectionsFor } from './read-models';
import { cycleDashboardProjection } from './cycles/cycle-dashboard.projection';

const office: Actor = { id: 'office-1', role: 'office', org: '省教育厅' };

/** Every table of every projection, row by row, for comparing two databases. */
function dump(db: Database.Database) {
  return Object.fromEntries(
    PROJECTIONS.flatMap((p) => p.tables).map((table) => [table, db.prepare(`SELECT * FROM "${table}" ORDER BY 1, 2`).all()]),
  );
}

const PROJECTIONS = projectionsFor(defaultCatalog);

describe('read-model projections', () => {
  let dir: string;
  let store: SqliteEventStore;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'als-read-models-'));
    store = new SqliteEventStore({ file: join(dir, 'events.db'), pollIntervalMs: 10 });
    const programType = defaultCatalog['brand-major'];
    if (programType.lifecycle !== 'project') throw new Error('brand-major is a project program');
    for (const [i, id] of ['bm-2021', 'bm-2022'].entries()) {
      const now = `202${i + 1}-03-01T02:00:00.000Z`;
      const open = { type: 'OpenCycle', data: { cycleId: id, programType: 'brand-major', name: id, label: id, rules: { ...programType.defaultRules, quota: 100 + i }, rulesVersion: 'v1', opensAt: now, closesAt: `202${i + 1}-04-01T00:00:00.000Z` }, context: { programType }, actor: office, now };
      await handleCommand(new FoldedStreams(store), programCycleDecider, cycleStream(id), open as never, { commandId: `open-${id}`, actor: office, now });
    }
    await handleCommand(new FoldedStreams(store), programCycleDecider, cycleStream('bm-2021'), { type: 'CloseCycle', data: { reason: 'done' }, actor: office, now: '2021-05-01T00:00:00.000Z' } as never, { commandId: 'close', actor: office, now: '2021-05-01T00:00:00.000Z' });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('turns events into rows', async () => {
    const db = ProjectionRunner.openDatabase(join(dir, 'rm.db'));
    const runner = new ProjectionRunner(store, db, PROJECTIONS);
    runner.start();
    await runner.waitFor((await store.status()).lastPosition!, 5000);
    await runner.stop();
    expect(db.prepare('SELECT id, status, quota, places_taken, revision FROM cycle_dashboard ORDER BY id').all()).toEqual([
      { id: 'bm-2021', status: 'Closed', quota: 100, places_taken: 0, revision: 2 },
      { id: 'bm-2022', status: 'Open', quota: 101, places_taken: 0, revision: 0 },
    ]);
    db.close();
  });

  it('changes nothing when events are applied again', async () => {
    const db = ProjectionRunner.openDatabase(join(dir, 'rm.db'));
    db.exec(cycleDashboardProjection.schema);
    const events = await store.readAll();
    cycleDashboardProjection.apply(db, events);
    const once = db.prepare('SELECT * FROM cycle_dashboard ORDER BY id').all();
    cycleDashboardProjection.apply(db, events);
    cycleDashboardProjection.apply(db, events.slice(1));
    expect(db.prepare('SELECT * FROM cycle_dashboard ORDER BY id').all()).toEqual(once);
    db.close();
  });

  it('rebuilds tables identical to the live ones, every projection', async () => {
    const db = ProjectionRunner.openDatabase(join(dir, 'rm.db'));
    const runner = new ProjectionRunner(store, db, PROJECTIONS);
    runner.start();
    // More events arrive while the live projections run.
    await handleCommand(new FoldedStreams(store), programCycleDecider, cycleStream('bm-2022'), { type: 'CloseApplicationWindow', data: { reason: 'early' }, actor: office, now: '2022-03-10T00:00:00.000Z' } as never, { commandId: 'close-window', actor: office, now: '2022-03-10T00:00:00.000Z' });
    await runner.waitFor((await store.status()).lastPosition!, 5000);
    const live = dump(db);
    await runner.rebuild();
    expect(dump(db)).toEqual(live);
    await runner.stop();
    db.close();
  });
});
