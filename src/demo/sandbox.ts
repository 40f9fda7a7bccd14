import 'reflect-metadata';
import { randomInt } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '../config';
import { SANDBOX_MARKER } from '../infrastructure/sandbox-folder';
import { ServiceAccounts } from './accounts';
import { Desk, playPlan } from './play-plan';
import { DemoService, startService } from './service';
import { formatSummary } from './summary';
import { displayWidth, padEnd } from './text';

/** Schools of the first play: about a minute on 2 shared cores (the demo's full 400 take 70 s). */
const DEFAULT_SCALE = 300;

const USAGE = `usage: npm run sandbox [-- [--dir ./sandbox] [--port 3000] [--scale ${DEFAULT_SCALE}]]

A sandbox to click through: the service (SANDBOX=true, simulated clock) on a folder of its own, with the
2020 Shanxi plan played into it and its next year's work left waiting at every desk. It prints one account
per role with a fresh password and the console's address, and runs until Ctrl-C. Run again on the same
folder to resume it: no replay, the same accounts with new passwords (the earlier ones stop working).
  --dir    the sandbox's folder, created on the first run (a folder that is not a sandbox's is refused)
  --port   the port it listens on (localhost only)
  --scale  schools of the first play, from 11 to 5000`;

/** The sandbox's own notes in its folder (beside the service's data and its mark): how a later run acts. */
const NOTES = 'sandbox-accounts.json';

interface Notes {
  /** The office's first admin, who issues the set-up links; every person the play set up had this password too. */
  readonly admin: { readonly login: string; readonly password: string };
  /** False until the first play has ended and its desks are chosen. */
  readonly played: boolean;
  readonly scale: number;
  readonly desks: readonly (Desk & { readonly login: string })[];
}

/** What each desk is, in the table: the grant's name in Chinese and English. */
const DUTY: Readonly<Record<Desk['grant'], string>> = {
  'project-lead': '项目负责人 project lead',
  'school-head': '校长 school head',
  'bureau-clerk': '市级主管部门 city bureau clerk',
  expert: '评审专家 expert',
  'office-staff': '省教育厅 office clerk',
  auditor: '审计人员 auditor',
  'enterprise-admin': '企业 enterprise',
};

/** A password to type: 3 groups of 4 letters and digits without look-alikes (about 59 bits). */
function freshPassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const group = () => Array.from({ length: 4 }, () => alphabet[randomInt(alphabet.length)]).join('');
  return `${group()}-${group()}-${group()}`;
}

const say = (line = '') => process.stdout.write(`${line}\n`);

function writeNotes(dir: string, notes: Notes): void {
  // The admin's password is in it: readable by the sandbox's owner only.
  writeFileSync(join(dir, NOTES), `${JSON.stringify(notes, null, 2)}\n`, { mode: 0o600 });
}

/** The folder's notes when it is a finished sandbox, undefined when it is new (absent or empty); refused otherwise. */
function notesOf(dir: string): Notes | undefined {
  if (!existsSync(dir) || readdirSync(dir).length === 0) return undefined;
  if (!existsSync(join(dir, SANDBOX_MARKER)) || !existsSync(join(dir, NOTES))) {
    throw new Error(`${dir} exists and is not a sandbox (it holds no ${SANDBOX_MARKER} and ${NOTES}): give another --dir, or remove it`);
  }
  const notes = JSON.parse(readFileSync(join(dir, NOTES), 'utf8')) as Notes;
  if (!notes.played) throw new Error(`the first play into ${dir} did not finish: remove the folder and run again`);
  return notes;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      dir: { type: 'string', default: './sandbox' },
      port: { type: 'string', default: '3000' },
      scale: { type: 'string', default: String(DEFAULT_SCALE) },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    say(USAGE);
    return 0;
  }
  const dir = resolve(values.dir);
  const port = Number(values.port);
  const scale = Number(values.scale);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--port is from 1 to 65535, not ${values.port}`);
  if (!Number.isInteger(scale) || scale < 11 || scale > 5000) throw new Error(`--scale is a number of schools from 11 to 5000, not ${values.scale}`);
  const mainJs = join(__dirname, '..', 'main.js');
  const started = Date.now();

  let service: DemoService | undefined;
  const stop = async () => {
    const s = service;
    service = undefined;
    await s?.stop();
  };
  const stopped = new Promise<number>((done) => {
    const onSignal = () => {
      say('\nstopping the sandbox…');
      void stop().then(() => done(0));
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });

  try {
    let notes = notesOf(dir);
    if (!notes) {
      mkdirSync(dir, { recursive: true });
      say(`A new sandbox in ${dir}: playing the 2020 Shanxi plan (${scale} schools) into it, then its next year…`);
      service = await startService(mainJs, { dataDir: dir, port, env: { SANDBOX: 'true' }, showLog: true });
      const adminPassword = freshPassword();
      const accounts = await ServiceAccounts.withLink(service, service.setupLink!, adminPassword);
      writeNotes(dir, { admin: { login: ServiceAccounts.ADMIN_LOGIN, password: adminPassword }, played: false, scale, desks: [] });
      const result = await playPlan(service.url, accounts, { scale, log: (line) => say(line), leaveWorkWaiting: true });
      say(formatSummary(result).join('\n'));
      if (result.problems.length > 0) throw new Error(`the play ended with problems: ${result.problems.join('; ')}`);
      notes = {
        admin: { login: ServiceAccounts.ADMIN_LOGIN, password: adminPassword },
        played: true,
        scale,
        desks: result.desks.map((desk) => ({ ...desk, login: accounts.credentials(desk.personId).login })),
      };
      writeNotes(dir, notes);
      // The sandbox then starts as every later run does: the same way to resume, and a log at info level.
      await stop();
      say(`\nplayed in ${((Date.now() - started) / 1000).toFixed(1)} s; starting the sandbox…`);
    } else {
      say(`Resuming the sandbox in ${dir} (played with ${notes.scale} schools)…`);
    }
    const resumed = Date.now();
    service = await startService(mainJs, { dataDir: dir, port, env: { SANDBOX: 'true', LOG_LEVEL: process.env.LOG_LEVEL || 'info' }, showLog: false });
    // Its start's lines (the sandbox's warning first) and from then on every request, as it comes.
    service.showLog();
    const accounts = await ServiceAccounts.signedIn(service, notes.admin.password);
    const rows: string[][] = [];
    for (const desk of notes.desks) {
      const password = freshPassword();
      const grants = await accounts.newPassword(desk.personId, desk.login, password);
      const grant = grants.find((g) => g.kind === desk.grant) ?? grants[0];
      rows.push([DUTY[desk.grant], desk.personId, grant?.orgName ?? grant?.org ?? '', desk.login, password, desk.waiting.join(', ')]);
    }
    say(`\nThe sandbox runs (started in ${((Date.now() - resumed) / 1000).toFixed(1)} s). 演示沙盒：数据为模拟数据，不是正式系统。`);
    say(`Console: http://localhost:${port}/console/  — sign in with one of these (new passwords on every run):\n`);
    say(table(['role', 'person', 'organisation', 'sign-in name', 'password', 'waiting (GET /todo)'], rows));
    say(`\nStop it with Ctrl-C; \`npm run sandbox${values.dir === './sandbox' ? '' : ` -- --dir ${values.dir}`}\` resumes it.`);
    return await stopped;
  } finally {
    await stop();
  }
}

/** Columns padded to their widest cell, as a terminal shows them. */
function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ''))));
  const line = (cells: readonly string[]) => cells.map((c, i) => padEnd(c, widths[i])).join('  ').trimEnd();
  return [line(head), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`\nsandbox failed: ${error instanceof ConfigError ? error.message : ((error as Error).message ?? String(error))}\n`);
    process.exit(1);
  },
);
