import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The README's first walk, run as a newcomer pastes it: the bash blocks marked `<!-- walk -->`, in order,
 * as one script under `set -euo pipefail`, from the repository folder, with only PORT chosen (a free
 * one). The walk builds the service and starts it itself, so nothing needs to be built beforehand.
 */
const ROOT = resolve(__dirname, '../..');
const MARKED_BLOCK = /<!-- walk -->\s*\n```bash\n([\s\S]*?)\n```/g;

/** Settings of the test's own environment that would point the walk's service elsewhere. */
const SERVICE_SETTINGS = /^(PORT|HOST|DATA_DIR|EVENT_STORE|EVENTSTORE_.*|JWT_.*|OIDC_.*|CLOCK.*|SCHEDULER_.*|TOKEN_.*|PROGRAM_CATALOG_FILE|LOG_LEVEL|MAX_EVENT_BYTES|BODY_LIMIT_BYTES|DOCUMENT_MAX_BYTES|PUBLIC_URL|SECURE_COOKIES|OFFICE_.*|AUDIT_.*)$/;

function walkBlocks(): string[] {
  return [...readFileSync(join(ROOT, 'README.md'), 'utf8').matchAll(MARKED_BLOCK)].map((m) => m[1]);
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

describe('the README’s first walk', () => {
  let tmp: string;
  let pid: number | undefined;

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'readme-walk-'));
  });

  afterAll(() => {
    // The walk stops its service itself; should it fail half-way, its whole process group goes.
    if (pid !== undefined) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(tmp, { recursive: true, force: true });
  });

  it('has its blocks marked in the README: start, people, the project, stop', () => {
    const blocks = walkBlocks();
    expect(blocks).toHaveLength(4);
    expect(blocks[0]).toMatch(/npm run build/);
    expect(blocks[0]).toMatch(/CLOCK=simulated CLOCK_START=\S+/);
    // People get accounts as a province's do: the first start's set-up link, then the admin's registrations.
    expect(blocks[1]).toMatch(/\/auth\/setup/);
    expect(blocks[1]).toMatch(/\/auth\/people\/\$id\/setup-link/);
    expect(blocks[3]).toMatch(/kill "\$SERVICE"/);
    // Nothing pinned to one port: every address goes through $PORT.
    expect(blocks.join('\n')).not.toMatch(/localhost:\d/);
  });

  it('runs as pasted: exits 0 with the project approved and the audit verified, and leaves nothing behind', async () => {
    const port = await freePort();
    // mktemp -d makes the walk's folder under TMPDIR, so the test sees that the walk removed it.
    const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !SERVICE_SETTINGS.test(name)));
    Object.assign(env, { PORT: String(port), TMPDIR: tmp });
    const script = `set -euo pipefail\n${walkBlocks().join('\n')}\n`;

    const child = spawn('bash', ['-c', script], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    pid = child.pid;
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const run = await new Promise<Run>((done) => child.once('close', (code, signal) => done({ code, signal, stdout, stderr })));

    if (run.code !== 0) throw new Error(`the walk exited ${run.code ?? run.signal}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`);

    const lines = run.stdout.trim().split('\n');
    // Its last two outputs: the project's status, then the auditor's verification of the whole log.
    expect(lines.at(-2)).toBe('Approved');
    const verification = JSON.parse(lines.at(-1)!);
    expect(verification).toMatchObject({ ok: true });
    expect(verification.checkedEvents).toBeGreaterThan(10);

    // On its way: the simulated clock closed the window, then ended the 5-working-day notice.
    const clockAnswers = lines.filter((l) => l.startsWith('{"now":')).map((l) => JSON.parse(l));
    expect(clockAnswers).toEqual([
      { now: '2025-09-16T01:00:00.000Z', deadlines: [{ status: 'fired', stream: 'cycle-brand-major-2025', kind: 'application-window-close' }] },
      { now: '2025-09-24T01:00:00.000Z', deadlines: [{ status: 'fired', stream: 'cycle-brand-major-2025', kind: 'public-notice-end' }] },
    ]);
    expect(run.stdout).toContain('"events":["ApplicationSubmitted"]');
    expect(run.stdout).toContain('"events":["ListApproved"]');
    expect(run.stdout).toContain('"mediaType":"application/pdf"');

    // The last block stopped the service and removed its temporary folder.
    expect(await accepts(port)).toBe(false);
    // (Only mktemp's own folders count: node and npm keep caches of their own under TMPDIR.)
    expect(readdirSync(tmp).filter((name) => name.startsWith('tmp.'))).toEqual([]);
  }, 300_000);
});
