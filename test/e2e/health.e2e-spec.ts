import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RunningApp, startTestApp } from '../support/test-app';

describe('GET /health', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startTestApp();
  });
  afterAll(() => running.stop());

  it('reports the embedded store, created in the data folder', async () => {
    const response = await fetch(`${running.url}/health`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const body = await response.json();
    expect(body).toMatchObject({ status: 'ok', store: { adapter: 'sqlite', ok: true, lastPosition: null } });
    expect(existsSync(join(running.config.dataDir, 'events.db'))).toBe(true);
  });

  it('echoes the caller’s request id', async () => {
    const response = await fetch(`${running.url}/health`, { headers: { 'x-request-id': 'trace-42' } });
    expect(response.headers.get('x-request-id')).toBe('trace-42');
  });

  it('serves the OpenAPI document', async () => {
    const response = await fetch(`${running.url}/docs-json`);
    expect(response.status).toBe(200);
    const doc = (await response.json()) as { paths: Record<string, unknown> };
    expect(doc.paths['/health']).toBeDefined();
  });
});

describe('start-up configuration', () => {
  const start = (env: Record<string, string>) =>
    spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', join(__dirname, '../../src/main.ts')], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
      timeout: 30000,
    });

  it.each([
    ['PORT', { PORT: 'eighty' }],
    ['EVENT_STORE', { EVENT_STORE: 'mysql' }],
    ['DATABASE_URL', { EVENT_STORE: 'postgres' }],
    ['EVENTSTORE_CONNECTION_STRING', { EVENT_STORE: 'esdb', EVENTSTORE_CONNECTION_STRING: '' }],
    ['MAX_EVENT_BYTES', { MAX_EVENT_BYTES: '-1' }],
  ])('stops with a message naming %s when its value is wrong', (variable, env) => {
    const result = start(env);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`configuration: ${variable}`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
