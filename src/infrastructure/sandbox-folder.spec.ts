import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../config';
import { claimSandboxFolder, SANDBOX_MARKER } from './sandbox-folder';

/** A sandbox's folder opens only as a sandbox, and a sandbox only on its own folder (or a new one). */
describe('the sandbox folder', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'als-sandbox-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('takes SANDBOX as true or false only, and only with the embedded store', () => {
    expect(loadConfig({ DATA_DIR: root }).sandbox).toBe(false);
    expect(loadConfig({ DATA_DIR: root, SANDBOX: 'true' }).sandbox).toBe(true);
    expect(() => loadConfig({ DATA_DIR: root, SANDBOX: 'yes' })).toThrow(/^configuration: SANDBOX must be one of true, false, got "yes"/);
    expect(() => loadConfig({ DATA_DIR: root, SANDBOX: 'true', EVENT_STORE: 'esdb', EVENTSTORE_CONNECTION_STRING: 'esdb://localhost:2113?tls=false' })).toThrow(/^configuration: SANDBOX .*EVENT_STORE=sqlite/);
  });

  it('marks a new folder, then refuses it to a service that is not a sandbox', () => {
    const folder = join(root, 'new');
    claimSandboxFolder({ dataDir: folder, sandbox: true }, new Date('2026-12-06T00:00:00Z'));
    expect(JSON.parse(readFileSync(join(folder, SANDBOX_MARKER), 'utf8'))).toMatchObject({ sandbox: true, markedAt: '2026-12-06T00:00:00.000Z' });
    // Opened again as a sandbox: resumed.
    expect(() => claimSandboxFolder({ dataDir: folder, sandbox: true })).not.toThrow();
    expect(() => claimSandboxFolder({ dataDir: folder, sandbox: false })).toThrow(ConfigError);
    expect(() => claimSandboxFolder({ dataDir: folder, sandbox: false })).toThrow(/SANDBOX is not true, but DATA_DIR .* is a sandbox's/);
  });

  it('refuses to make a sandbox of a folder that holds data, and leaves a plain folder alone', () => {
    writeFileSync(join(root, 'events.db'), 'data');
    expect(() => claimSandboxFolder({ dataDir: root, sandbox: true })).toThrow(/holds data and is not a sandbox's/);
    expect(() => claimSandboxFolder({ dataDir: root, sandbox: false })).not.toThrow();
    expect(() => readFileSync(join(root, SANDBOX_MARKER))).toThrow();
  });
});
