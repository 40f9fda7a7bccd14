import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const TYPES = join(__dirname, '..', '..', 'src', 'console', 'src', 'api', 'schema.d.ts');

/**
 * The console's client is typed from the service's own OpenAPI document. The generator runs as the
 * script does, in its own Node (openapi-typescript is an ES module jest's registry does not load).
 */
describe('the console’s API types', () => {
  const check = (file = TYPES) => run(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/cli/console-api.ts', '--check', file], { cwd: join(__dirname, '..', '..') });

  it('are generated from GET /docs-json as it is now (else run `npm run console:api`)', async () => {
    expect(readFileSync(TYPES, 'utf8')).toContain('"/projects/{id}/documents"');
    await expect(check()).resolves.toMatchObject({ stdout: 'the console API types are current\n' });
  });

  it('are found stale when they differ from the document', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'als-types-'));
    const stale = join(folder, 'schema.d.ts');
    try {
      writeFileSync(stale, readFileSync(TYPES, 'utf8').replace('"/projects/{id}/documents"', '"/projects/{id}/papers"'));
      await expect(check(stale)).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('run npm run console:api') });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
