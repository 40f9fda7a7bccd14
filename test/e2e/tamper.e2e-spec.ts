import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { Accounts } from '../support/accounts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { chainHash, GENESIS_HASH } from '../../src/application/integrity';
import { ConfigError, loadConfig } from '../../src/config';
import { generateSigningKey } from '../../src/infrastructure/audit/signing-key';
import { client } from '../support/http';
import { RunningApp, startTestApp } from '../support/test-app';

/**
 * Someone with write access to the data folder (but not to the signing key nor to the auditor's copy)
 * changes the log directly in the SQLite file while the service is down; the service is started again
 * on the changed folder and GET /audit/verify must name what was done.
 */
describe('tamper evidence over HTTP, against signed checkpoints', () => {
  let root: string;
  let keyFile: string;
  let baseData: string;
  let baseCopy: string;
  /** stream → positions, as the base log was written. */
  let layout: { position: number; stream: string; revision: number }[];
  let cases = 0;

  // The log's positions below are the cycles' own: on a catalog without targets, opening a cycle allocates no places on a program stream.
  const envFor = (dataDir: string, copyDir: string) => ({
    PROGRAM_CATALOG_FILE: join(__dirname, '../fixtures/catalog-test-no-targets.json'),
    DATA_DIR: dataDir,
    AUDIT_SIGNING_KEY_FILE: keyFile,
    AUDIT_CHECKPOINT_COPY_DIR: copyDir,
    AUDIT_CHECKPOINT_EVERY_EVENTS: '4',
    AUDIT_CHECKPOINT_EVERY_MINUTES: '0',
  });
  const checkpointPositions = (file: string) =>
    readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).position);

  /**
   * The office's first admin, also the auditor here: set up with the first start's link, granting
   * themselves the auditor's grant. Their tokens live in accounts.db, which every case's copy keeps.
   */
  let people: { office: string; auditor: string };
  /** The events the accounts wrote before the cycles: the admin's office, person and two grants. */
  const K = 4;
  /** The global position of the n-th event of the cycles below, as text. */
  const at = (n: number) => String(n + K);
  async function tokens(running: RunningApp) {
    return { http: client(running), ...people };
  }

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'als-tamper-'));
    mkdirSync(join(root, 'keys'));
    keyFile = join(root, 'keys', 'audit.pem');
    writeFileSync(keyFile, generateSigningKey().privateKeyPem, { mode: 0o600 });
    baseData = join(root, 'base-data');
    baseCopy = join(root, 'base-copy');
    const running = await startTestApp(envFor(baseData, baseCopy));
    try {
      const accounts = await Accounts.of(running);
      const granted = await client(running).post(`/people/${accounts.admin.personId}/grants`, accounts.admin.token, { kind: 'auditor', reason: '兼任审计' });
      expect(granted.status).toBe(200);
      people = { office: accounts.admin.token, auditor: await accounts.signIn(accounts.admin.personId, accounts.admin, granted.body.grantId) };
      const { http, office, auditor } = await tokens(running);
      expect((await http.get('/health')).body.store.lastPosition).toBe(String(K));
      const open = (id: string) =>
        http.post('/cycles', office, { id, programType: 'secondary-school', name: `高水平中职 ${id}`, label: '2020', opensAt: '2020-09-01T00:00:00+08:00', closesAt: '2020-10-01T00:00:00+08:00' });
      const close = (id: string) => http.post(`/cycles/${id}/close`, office, { reason: `closing ${id}` });
      // Positions after the K accounts' events: a 1,3,4 · b 2,7,8 · c 5,9,10 · d 6,11,12 · e 13; checkpoints every 4 events, and one asked for at 13.
      for (const step of [() => open('a'), () => open('b'), () => close('a'), () => open('c'), () => open('d'), () => close('b'), () => close('c'), () => close('d'), () => open('e')]) {
        const result = await step();
        expect(result.status).toBeLessThan(300);
      }
      const asked = await http.post('/audit/checkpoints', auditor, {});
      expect(asked.status).toBe(200);
      expect(asked.body.checkpoint).toMatchObject({ position: at(13), count: 13 + K, last: { stream: 'cycle-e', revision: 0 } });
      expect(asked.body.publicKey).toMatch(/BEGIN PUBLIC KEY/);
    } finally {
      await running.stop();
    }
    const raw = new Database(join(baseData, 'events.db'), { readonly: true });
    layout = raw.prepare('SELECT position, stream, revision FROM events WHERE position > ? ORDER BY position').all(K) as typeof layout;
    raw.close();
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('checkpointed the log every 4 events, once more when asked, beside the log and in the auditor’s copy alike', () => {
    expect(layout.map((e) => `${e.position - K}:${e.stream}#${e.revision}`)).toEqual([
      '1:cycle-a#0', '2:cycle-b#0', '3:cycle-a#1', '4:cycle-a#2', '5:cycle-c#0', '6:cycle-d#0', '7:cycle-b#1',
      '8:cycle-b#2', '9:cycle-c#1', '10:cycle-c#2', '11:cycle-d#1', '12:cycle-d#2', '13:cycle-e#0',
    ]);
    // One over the accounts' events alone, then as before.
    expect(checkpointPositions(join(baseData, 'checkpoints.ndjson'))).toEqual([at(0), at(4), at(8), at(12), at(13)]);
    expect(readFileSync(join(baseCopy, 'checkpoints.ndjson'), 'utf8')).toBe(readFileSync(join(baseData, 'checkpoints.ndjson'), 'utf8'));
  });

  /** A copy of the base log and checkpoints, changed by `tamper`, served again; answers GET /audit/verify. */
  async function verifyAfter(tamper: (db: Database.Database, dirs: { data: string; copy: string }) => void, whileRunning?: (running: RunningApp) => Promise<void>) {
    cases += 1;
    const data = join(root, `case-${cases}-data`);
    const copy = join(root, `case-${cases}-copy`);
    cpSync(baseData, data, { recursive: true });
    cpSync(baseCopy, copy, { recursive: true });
    const db = new Database(join(data, 'events.db'));
    try {
      db.transaction(() => tamper(db, { data, copy }))();
    } finally {
      db.close();
    }
    const running = await startTestApp(envFor(data, copy));
    try {
      await whileRunning?.(running);
      const { http, auditor } = await tokens(running);
      const verified = await http.get('/audit/verify', auditor);
      expect(verified.status).toBe(200);
      return { body: verified.body, codes: (verified.body.findings as { code: string }[]).map((f) => f.code).sort(), http, auditor, running };
    } finally {
      await running.stop();
    }
  }

  const finding = (body: { findings: { code: string }[] }, code: string) => body.findings.find((f) => f.code === code);

  it('verifies the untouched log clean against its latest checkpoint', async () => {
    const { body, codes } = await verifyAfter(() => undefined);
    expect(codes).toEqual([]);
    expect(body).toMatchObject({
      ok: true,
      checkedEvents: 13 + K,
      // The five cycles, the registry and the admin's person.
      checkedStreams: 7,
      lastPosition: at(13),
      eventsInLog: 13 + K,
      checkpoints: { trusted: 5, latest: { position: at(13), count: 13 + K, source: 'both', matches: true }, lastMatching: { position: at(13) }, firstFailing: null, eventsAfterLatest: 0 },
    });
    expect(body.globalHead).toBe(body.checkpoints.latest.head);
  });

  it('(a) finds the newest events deleted: the log ends before the checkpoint', async () => {
    const { body, codes } = await verifyAfter((db) => db.exec(`DELETE FROM events WHERE position >= ${at(12)}`));
    // The stream chains alone cannot see it: cycle-d and cycle-e simply end earlier.
    expect(body.firstBroken).toBeUndefined();
    expect(body.checkedEvents).toBe(11 + K);
    expect(codes).toEqual(['checkpointer-halted', 'log-truncated']);
    expect(finding(body, 'log-truncated')).toMatchObject({ severity: 'error', kind: 'truncation', checkpoint: { position: at(13) }, details: { eventsInLog: 11 + K, lastPosition: at(11) } });
    expect(body).toMatchObject({ ok: false, checkpoints: { lastMatching: { position: at(8) }, firstFailing: { position: at(12) } } });
  });

  it('(a) and the service refuses to sign a checkpoint over the truncated log', async () => {
    await verifyAfter(
      (db) => db.exec(`DELETE FROM events WHERE position >= ${at(12)}`),
      async (running) => {
        const { http, office, auditor } = await tokens(running);
        const opened = await http.post('/cycles', office, { id: 'f', programType: 'secondary-school', name: '高水平中职 f', label: '2020', opensAt: '2020-09-01T00:00:00+08:00', closesAt: '2020-10-01T00:00:00+08:00' });
        expect(opened.status).toBe(201);
        const refused = await http.post('/audit/checkpoints', auditor, {});
        expect([refused.status, refused.body.code]).toEqual([409, 'checkpointer-halted']);
        expect(refused.body.detail).toMatch(/cycle-e revision 0 is gone/);
      },
    );
  });

  it("(b) finds a stream's last event deleted and the positions after it renumbered", async () => {
    const { body, codes } = await verifyAfter((db) => {
      // cycle-a's last event, CycleClosed at position 4; positions 5… move down by one, leaving no hole.
      db.exec(`DELETE FROM events WHERE position = ${at(4)};
        UPDATE events SET position = -(position - 1) WHERE position > ${at(4)};
        UPDATE events SET position = -position WHERE position < 0;`);
    });
    expect(body.firstBroken).toBeUndefined();
    expect(body).toMatchObject({ checkedEvents: 12 + K, lastPosition: at(12) });
    expect(codes).toEqual(['checkpointer-halted', 'events-removed']);
    expect(finding(body, 'events-removed')).toMatchObject({ severity: 'error', kind: 'truncation', checkpoint: { position: at(13) }, details: { found: { position: at(12), count: 12 + K } } });
    // The accounts' checkpoint still matches: the log is intact up to it.
    expect(body).toMatchObject({ ok: false, checkpoints: { lastMatching: { position: at(0) }, firstFailing: { position: at(4) } } });
  });

  it('(c) finds two events of different streams swapped in the global order', async () => {
    const { body, codes } = await verifyAfter((db) => {
      // cycle-c#0 at 5 and cycle-d#0 at 6: each stream's own chain and revisions stay as they were.
      db.exec(`UPDATE events SET position = -${at(5)} WHERE position = ${at(5)};
        UPDATE events SET position = ${at(5)} WHERE position = ${at(6)};
        UPDATE events SET position = ${at(6)} WHERE position = -${at(5)};`);
    });
    expect(body.firstBroken).toBeUndefined();
    expect(body.checkedEvents).toBe(13 + K);
    expect(codes).toEqual(['log-reordered']);
    expect(finding(body, 'log-reordered')).toMatchObject({ severity: 'error', kind: 'reordering', checkpoint: { position: at(13) } });
    expect(body).toMatchObject({ ok: false, checkpoints: { lastMatching: { position: at(4) }, firstFailing: { position: at(8) } } });
  });

  it("(d) finds an event's data changed and its stream's chain recomputed", async () => {
    const { body, codes } = await verifyAfter((db) => {
      type Row = { position: number; id: string; stream: string; revision: number; type: string; data: string; metadata: string };
      const rows = db.prepare(`SELECT * FROM events WHERE stream = 'cycle-c' ORDER BY revision`).all() as Row[];
      const update = db.prepare('UPDATE events SET data = ?, metadata = ? WHERE position = ?');
      let prevHash = GENESIS_HASH;
      for (const row of rows) {
        const data = row.revision === 0 ? { ...JSON.parse(row.data), name: '改过的名称' } : JSON.parse(row.data);
        const metadata = { ...JSON.parse(row.metadata), prevHash };
        metadata.hash = chainHash(prevHash, { id: row.id, stream: row.stream, revision: row.revision, type: row.type, data, metadata });
        prevHash = metadata.hash;
        update.run(JSON.stringify(data), JSON.stringify(metadata), row.position);
      }
    });
    // Every per-stream check passes: only the signed checkpoints tell.
    expect(body.firstBroken).toBeUndefined();
    expect(body.checkedEvents).toBe(13 + K);
    expect(codes).toEqual(['chain-recomputed']);
    expect(finding(body, 'chain-recomputed')).toMatchObject({ severity: 'error', kind: 'recomputation', checkpoint: { position: at(13) } });
    expect(body).toMatchObject({ ok: false, checkpoints: { lastMatching: { position: at(4) }, firstFailing: { position: at(8) } } });
  });

  it("finds the newest events deleted with the local checkpoint file, from the auditor's copy", async () => {
    const { body, codes } = await verifyAfter((db, { data }) => {
      db.exec(`DELETE FROM events WHERE position >= ${at(12)}`);
      unlinkSync(join(data, 'checkpoints.ndjson'));
    });
    expect(codes).toEqual(['checkpoint-missing-locally', 'checkpointer-halted', 'log-truncated']);
    expect(finding(body, 'checkpoint-missing-locally')).toMatchObject({ severity: 'error', details: { count: 5 } });
    expect(body).toMatchObject({ ok: false, checkpoints: { latest: { position: at(13), source: 'copy', matches: false } } });
  });

  it('reports a forged local checkpoint, and one not in the copy, while verifying the log against the copy', async () => {
    const { body, codes } = await verifyAfter(
      (_db, { data }) => {
        const file = join(data, 'checkpoints.ndjson');
        const lines = readFileSync(file, 'utf8').trim().split('\n');
        const forged = { ...JSON.parse(lines[4]), count: 12 + K };
        writeFileSync(file, `${[...lines.slice(0, 4), JSON.stringify(forged)].join('\n')}\n`);
      },
      async () => {
        // The copy loses its first line while the service runs (at start the service fills the copy in).
        const copyFile = join(root, `case-${cases}-copy`, 'checkpoints.ndjson');
        writeFileSync(copyFile, `${readFileSync(copyFile, 'utf8').trim().split('\n').slice(1).join('\n')}\n`);
      },
    );
    expect(codes).toEqual(['checkpoint-differs-from-copy', 'checkpoint-missing-from-copy', 'checkpoint-signature-invalid']);
    expect(finding(body, 'checkpoint-signature-invalid')).toMatchObject({ severity: 'error', details: { count: 1, first: [{ source: 'local', line: 5, position: at(13) }] } });
    expect(finding(body, 'checkpoint-missing-from-copy')).toMatchObject({ severity: 'warning', details: { first: [{ position: at(0) }] } });
    expect(body.firstBroken).toBeUndefined();
    expect(body).toMatchObject({ ok: false, checkpoints: { latest: { position: at(13), count: 13 + K, source: 'copy', matches: true } } });
  });

  it('refuses at start a signing key or a copy inside the data folder, and a file that holds no Ed25519 key', () => {
    const dataDir = join(root, 'config-data');
    mkdirSync(dataDir, { recursive: true });
    const inside = join(dataDir, 'audit.pem');
    writeFileSync(inside, generateSigningKey().privateKeyPem);
    expect(() => loadConfig({ DATA_DIR: dataDir, AUDIT_SIGNING_KEY_FILE: inside })).toThrow(ConfigError);
    expect(() => loadConfig({ DATA_DIR: dataDir, AUDIT_SIGNING_KEY_FILE: inside })).toThrow(/AUDIT_SIGNING_KEY_FILE must be outside DATA_DIR/);
    expect(() => loadConfig({ DATA_DIR: dataDir, AUDIT_SIGNING_KEY_FILE: keyFile, AUDIT_CHECKPOINT_COPY_DIR: join(dataDir, 'copy') })).toThrow(/AUDIT_CHECKPOINT_COPY_DIR must be outside DATA_DIR/);
    const notAKey = join(root, 'keys', 'not-a-key.pem');
    writeFileSync(notAKey, 'hello');
    expect(() => loadConfig({ DATA_DIR: dataDir, AUDIT_SIGNING_KEY_FILE: notAKey })).toThrow(/AUDIT_SIGNING_KEY_FILE must hold an Ed25519 private key/);
    expect(() => loadConfig({ DATA_DIR: dataDir, AUDIT_SIGNING_KEY_FILE: join(root, 'keys', 'missing.pem') })).toThrow(/must name a readable file/);
    expect(loadConfig({ DATA_DIR: dataDir, AUDIT_SIGNING_KEY_FILE: keyFile }).audit).toEqual({ signingKeyFile: keyFile, checkpointCopyDir: undefined, checkpointEveryEvents: 1000, checkpointEveryMs: 5 * 60_000 });
  });
});
