import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defaultCatalog, ProgramCatalog, ProgramType, ProgramTypeOverride, withCatalogEntry } from './domain/catalog/program-catalog';
import { calendarOf, CalendarFile, CN_CALENDAR_FILE, WorkingDayCalendar } from './domain/calendar';
import { DomainError } from './domain/errors';
import { isInside, signingKeyProblem } from './infrastructure/audit/signing-key';
import addressparser from 'nodemailer/lib/addressparser';

/** Every setting of the service, read once from the environment and validated at start. */
export interface AppConfig {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly eventStore: 'sqlite' | 'postgres' | 'esdb';
  readonly esdbConnectionString?: string;
  /** EVENT_STORE=postgres: DATABASE_URL, and the schema the store's table lives in (DATABASE_SCHEMA, `als`). */
  readonly postgres?: { readonly url: string; readonly schema: string };
  readonly maxEventBytes: number;
  readonly bodyLimitBytes: number;
  readonly documentMaxBytes: number;
  /** 'system', or 'simulated' from `clockStart`: a clock moved through POST /clock, for demonstrations. */
  readonly clock: 'system' | 'simulated';
  readonly clockStart?: string;
  /** How often the deadline scheduler looks for passed deadlines; 0 leaves it to explicit ticks (tests). */
  readonly schedulerIntervalMs: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** The 2020 plan's program types, plus those PROGRAM_CATALOG_FILE adds or restates. */
  readonly catalog: ProgramCatalog;
  /** The working-day calendar: the built-in holidays (2020–2026), plus the years of CALENDAR_FILE. */
  readonly calendar: WorkingDayCalendar;
  /** Signed checkpoints of the log (docs/audit.md). */
  readonly audit: AuditConfig;
  /** PUBLIC_URL: where people reach the service (the first start's set-up link points there). */
  readonly publicUrl: string;
  /** Session cookies are Secure when the service is reached over TLS (PUBLIC_URL https://…), or with SECURE_COOKIES=true. */
  readonly secureCookies: boolean;
  /** The provincial office, registered with its first admin on the first start: OFFICE_CREDIT_CODE, OFFICE_NAME. */
  readonly office: { readonly creditCode: string; readonly name: string };
  /** Sign-in through the province's identity platform (OpenID Connect, authorization code with PKCE), when configured. */
  readonly oidcSignIn?: { readonly issuer: string; readonly clientId: string; readonly clientSecret?: string; readonly redirectUri: string };
  /**
   * SANDBOX: a sandbox to try the service out (`npm run sandbox`), never a production installation. Its data
   * folder is marked as a sandbox's on the first start, and each refuses the other (src/infrastructure/sandbox-folder.ts).
   */
  readonly sandbox: boolean;
  /** Notifications by e-mail and SMS (docs/notifications.md); with neither configured they stay in the console. */
  readonly notifications: NotificationsConfig;
}

/** How notifications leave the service: e-mail over SMTP, reminders by SMS through a gateway's webhook, and how often and how persistently. */
export interface NotificationsConfig {
  /** SMTP_URL and MAIL_FROM: e-mail over SMTP (smtp:// or smtps://, credentials allowed in the URL). */
  readonly smtp?: { readonly url: string; readonly from: string; readonly fromAddress: string };
  /** SMS_WEBHOOK_URL and SMS_WEBHOOK_SECRET: the gateway that sends the reminders by SMS, each request signed with the secret. */
  readonly sms?: { readonly url: string; readonly secret: string };
  /** NOTIFY_DIGEST_HOUR: the hour in Beijing (0–23) the daily digest is sent (8). */
  readonly digestHour: number;
  /** NOTIFY_INTERVAL_MS: how often the dispatcher plans and sends (SCHEDULER_INTERVAL_MS's value unless set; 0 leaves it to explicit rounds, for tests). */
  readonly intervalMs: number;
  /** NOTIFY_RETRY_MS and NOTIFY_RETRY_MAX_MS: the wait before retrying a failed delivery, doubled each time up to the maximum (1 s, 10 min). */
  readonly retryMs: number;
  readonly maxRetryMs: number;
  /** NOTIFY_MAX_ATTEMPTS: attempts after which a delivery is dead-lettered for the office (8). */
  readonly maxAttempts: number;
}

/** Signed checkpoints: off without a key; key and copy both outside the data folder. */
export interface AuditConfig {
  /** AUDIT_SIGNING_KEY_FILE: an Ed25519 private key (PEM) that signs checkpoints. */
  readonly signingKeyFile?: string;
  /** AUDIT_CHECKPOINT_COPY_DIR: where every checkpoint is also written, for the auditor. */
  readonly checkpointCopyDir?: string;
  /** AUDIT_CHECKPOINT_EVERY_EVENTS: a checkpoint after every so many events (1000). */
  readonly checkpointEveryEvents: number;
  /** AUDIT_CHECKPOINT_EVERY_MINUTES, in ms: a checkpoint this often when events came (5 minutes; 0: only by count). */
  readonly checkpointEveryMs: number;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`configuration: ${variable} ${reason}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function instant(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d{4}-\d{2}-\d{2}T/.test(raw) || Number.isNaN(Date.parse(raw))) throw new ConfigError(name, `must be an ISO-8601 instant, got "${raw}"`);
  return raw;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

export function loadConfig(env: Env = process.env): AppConfig {
  refuseRetiredSettings(env);
  const eventStore = oneOf(env, 'EVENT_STORE', ['sqlite', 'postgres', 'esdb'] as const, 'sqlite');
  const esdbConnectionString = env.EVENTSTORE_CONNECTION_STRING || undefined;
  if (eventStore === 'esdb' && !esdbConnectionString) {
    throw new ConfigError('EVENTSTORE_CONNECTION_STRING', 'is required when EVENT_STORE=esdb (e.g. esdb://localhost:2113?tls=false)');
  }
  if (esdbConnectionString && !/^esdb(\+discover)?:\/\//.test(esdbConnectionString)) {
    throw new ConfigError('EVENTSTORE_CONNECTION_STRING', `must start with esdb:// or esdb+discover://, got "${esdbConnectionString}"`);
  }
  const sandbox = oneOf(env, 'SANDBOX', ['true', 'false'] as const, 'false') === 'true';
  // The mark that keeps a sandbox's accounts inside it lives in the data folder, beside the events it marks.
  if (sandbox && eventStore !== 'sqlite') throw new ConfigError('SANDBOX', 'keeps its events in its data folder: a sandbox runs with EVENT_STORE=sqlite');
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: env.HOST || '0.0.0.0',
    dataDir: resolve(env.DATA_DIR || './data'),
    eventStore,
    esdbConnectionString,
    postgres: loadPostgres(env, eventStore),
    maxEventBytes: integer(env, 'MAX_EVENT_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 256 * 1024, 1024, 64 * 1024 * 1024),
    documentMaxBytes: integer(env, 'DOCUMENT_MAX_BYTES', 20 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    clock: oneOf(env, 'CLOCK', ['system', 'simulated'] as const, 'system'),
    clockStart: instant(env, 'CLOCK_START'),
    schedulerIntervalMs: integer(env, 'SCHEDULER_INTERVAL_MS', 5000, 0, 24 * 60 * 60 * 1000),
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    catalog: loadCatalog(env),
    calendar: loadCalendar(env),
    audit: loadAudit(env, resolve(env.DATA_DIR || './data')),
    ...loadPublicUrl(env),
    office: { creditCode: env.OFFICE_CREDIT_CODE || '11140000405200012U', name: env.OFFICE_NAME || '山西省教育厅' },
    oidcSignIn: loadOidcSignIn(env),
    sandbox,
    notifications: loadNotifications(env),
  };
}

/** An SMTP URL as a message may show it: without its password. */
const withoutPassword = (url: URL): string => {
  const shown = new URL(url.href);
  if (shown.password) shown.password = '***';
  return shown.href;
};

function loadNotifications(env: Env): NotificationsConfig {
  const schedulerIntervalMs = integer(env, 'SCHEDULER_INTERVAL_MS', 5000, 0, 24 * 60 * 60 * 1000);
  const retryMs = integer(env, 'NOTIFY_RETRY_MS', 1000, 1, 24 * 60 * 60 * 1000);
  const maxRetryMs = integer(env, 'NOTIFY_RETRY_MAX_MS', 10 * 60 * 1000, 1, 7 * 24 * 60 * 60 * 1000);
  if (maxRetryMs < retryMs) throw new ConfigError('NOTIFY_RETRY_MAX_MS', `must be at least NOTIFY_RETRY_MS (${retryMs}), got "${maxRetryMs}"`);
  return {
    smtp: loadSmtp(env),
    sms: loadSms(env),
    digestHour: integer(env, 'NOTIFY_DIGEST_HOUR', 8, 0, 23),
    intervalMs: integer(env, 'NOTIFY_INTERVAL_MS', schedulerIntervalMs, 0, 24 * 60 * 60 * 1000),
    retryMs,
    maxRetryMs,
    maxAttempts: integer(env, 'NOTIFY_MAX_ATTEMPTS', 8, 1, 100),
  };
}

function loadSmtp(env: Env): NotificationsConfig['smtp'] {
  const raw = env.SMTP_URL || undefined;
  const from = env.MAIL_FROM || undefined;
  if (!raw) {
    if (from) throw new ConfigError('SMTP_URL', 'is required with MAIL_FROM (e.g. smtps://user:password@smtp.example.cn:465)');
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('SMTP_URL', 'must be a URL such as smtp://smtp.example.cn:587 or smtps://user:password@smtp.example.cn:465');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new ConfigError('SMTP_URL', `must start with smtp:// or smtps://, got "${url.protocol}//…"`);
  if (!url.hostname) throw new ConfigError('SMTP_URL', `must name the mail server's host, got "${withoutPassword(url)}"`);
  if (!from) throw new ConfigError('MAIL_FROM', 'is required with SMTP_URL: the sender, e.g. "山西省教育厅" <noreply@jyt.shanxi.gov.cn>');
  const addresses = addressparser(from, { flatten: true });
  const address = addresses.length === 1 ? addresses[0].address : '';
  if (!/^[^\s@<>()",;:]+@[^\s@<>()",;:.]+(\.[^\s@<>()",;:.]+)*$/.test(address)) {
    throw new ConfigError('MAIL_FROM', `must be one e-mail address, optionally with a name ("山西省教育厅" <noreply@example.cn>), got "${from}"`);
  }
  return { url: url.href, from, fromAddress: address };
}

function loadSms(env: Env): NotificationsConfig['sms'] {
  const raw = env.SMS_WEBHOOK_URL || undefined;
  const secret = env.SMS_WEBHOOK_SECRET || undefined;
  if (!raw) {
    if (secret) throw new ConfigError('SMS_WEBHOOK_URL', 'is required with SMS_WEBHOOK_SECRET');
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('SMS_WEBHOOK_URL', `must be an https URL, got "${raw}"`);
  }
  // Mobile numbers and what concerns a person cross the network: in the clear only to this machine.
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (!(url.protocol === 'https:' || (url.protocol === 'http:' && local))) {
    throw new ConfigError('SMS_WEBHOOK_URL', `must be an https URL (http only on localhost), got "${raw}"`);
  }
  if (!secret) throw new ConfigError('SMS_WEBHOOK_SECRET', 'is required with SMS_WEBHOOK_URL: the shared secret each request is signed with');
  if (secret.length < 16) throw new ConfigError('SMS_WEBHOOK_SECRET', `must be at least 16 characters, got ${secret.length}`);
  return { url: url.href, secret };
}

function loadPostgres(env: Env, eventStore: AppConfig['eventStore']): AppConfig['postgres'] {
  const url = env.DATABASE_URL || undefined;
  if (eventStore !== 'postgres') {
    if (url) throw new ConfigError('DATABASE_URL', 'is read only with EVENT_STORE=postgres: set both, or neither');
    return undefined;
  }
  if (!url) throw new ConfigError('DATABASE_URL', 'is required when EVENT_STORE=postgres (e.g. postgres://als@db.example.cn:5432/als)');
  if (!/^postgres(ql)?:\/\/[^/]/.test(url)) throw new ConfigError('DATABASE_URL', 'must be a postgres:// or postgresql:// URL');
  try {
    new URL(url);
  } catch {
    throw new ConfigError('DATABASE_URL', 'is not a valid URL (percent-encode a password\'s special characters)');
  }
  const schema = env.DATABASE_SCHEMA || 'als';
  if (!/^[a-z_][a-z0-9_]{0,55}$/.test(schema)) throw new ConfigError('DATABASE_SCHEMA', `must be a lower-case name of letters, digits and _ (at most 56), got "${schema}"`);
  return { url, schema };
}

function loadOidcSignIn(env: Env): AppConfig['oidcSignIn'] {
  const issuer = env.OIDC_SIGN_IN_ISSUER || undefined;
  if (!issuer) return undefined;
  if (!/^https:\/\/|^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?(\/|$)/.test(issuer)) {
    throw new ConfigError('OIDC_SIGN_IN_ISSUER', `must be an https URL (http only on localhost), got "${issuer}"`);
  }
  const clientId = env.OIDC_SIGN_IN_CLIENT_ID;
  if (!clientId) throw new ConfigError('OIDC_SIGN_IN_CLIENT_ID', 'is required with OIDC_SIGN_IN_ISSUER');
  const redirectUri = env.OIDC_SIGN_IN_REDIRECT_URI || `${loadPublicUrl(env).publicUrl}/auth/oidc/callback`;
  return { issuer, clientId, clientSecret: env.OIDC_SIGN_IN_CLIENT_SECRET || undefined, redirectUri };
}

function loadPublicUrl(env: Env): { publicUrl: string; secureCookies: boolean } {
  const publicUrl = (env.PUBLIC_URL || `http://localhost:${integer(env, 'PORT', 3000, 0, 65535)}`).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+/.test(publicUrl)) throw new ConfigError('PUBLIC_URL', `must be an http(s) URL, got "${publicUrl}"`);
  const secure = oneOf(env, 'SECURE_COOKIES', ['true', 'false'] as const, publicUrl.startsWith('https://') ? 'true' : 'false');
  return { publicUrl, secureCookies: secure === 'true' };
}

/** Whoever can write the data folder must not be able to sign, nor to reach the auditor's copy. */
function loadAudit(env: Env, dataDir: string): AuditConfig {
  const signingKeyFile = env.AUDIT_SIGNING_KEY_FILE ? resolve(env.AUDIT_SIGNING_KEY_FILE) : undefined;
  const checkpointCopyDir = env.AUDIT_CHECKPOINT_COPY_DIR ? resolve(env.AUDIT_CHECKPOINT_COPY_DIR) : undefined;
  for (const [name, path] of [['AUDIT_SIGNING_KEY_FILE', signingKeyFile], ['AUDIT_CHECKPOINT_COPY_DIR', checkpointCopyDir]] as const) {
    if (path && isInside(path, dataDir)) throw new ConfigError(name, `must be outside DATA_DIR (${dataDir}): whoever can write the data folder could otherwise forge or erase checkpoints`);
  }
  const keyProblem = signingKeyFile && signingKeyProblem(signingKeyFile);
  if (keyProblem) throw new ConfigError('AUDIT_SIGNING_KEY_FILE', keyProblem);
  return {
    signingKeyFile,
    checkpointCopyDir,
    checkpointEveryEvents: integer(env, 'AUDIT_CHECKPOINT_EVERY_EVENTS', 1000, 1, 100_000_000),
    checkpointEveryMs: integer(env, 'AUDIT_CHECKPOINT_EVERY_MINUTES', 5, 0, 24 * 60) * 60_000,
  };
}

/**
 * Years of holidays beyond the built-in ones, as the State Council announces each year's arrangement
 * in the autumn before: a JSON calendar file (version and years, as src/domain/holidays-cn-2020-2026.json).
 */
function loadCalendar(env: Env): WorkingDayCalendar {
  const file = env.CALENDAR_FILE;
  if (!file) return calendarOf([CN_CALENDAR_FILE]);
  try {
    return calendarOf([CN_CALENDAR_FILE, JSON.parse(readFileSync(file, 'utf8')) as CalendarFile]);
  } catch (error) {
    if (error instanceof DomainError) throw new ConfigError('CALENDAR_FILE', error.message);
    throw new ConfigError('CALENDAR_FILE', `must name a readable JSON calendar file (${(error as Error).message})`);
  }
}

/**
 * More program types of the same shapes (e.g. 双师型名师工作室, 100 studios), added by configuration, and
 * the built-in ones restated (their rules, target or names, with a rules version of their own, the
 * enterprise scheme's too): a JSON array of entries, each validated as the catalog's own are.
 */
function loadCatalog(env: Env): ProgramCatalog {
  const file = env.PROGRAM_CATALOG_FILE;
  if (!file) return defaultCatalog;
  let added: unknown;
  try {
    added = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError('PROGRAM_CATALOG_FILE', `must name a readable JSON file (${(error as Error).message})`);
  }
  if (!Array.isArray(added)) throw new ConfigError('PROGRAM_CATALOG_FILE', 'must hold a JSON array of program types');
  try {
    return added.reduce((catalog: ProgramCatalog, entry: ProgramType | ProgramTypeOverride) => withCatalogEntry(catalog, entry), defaultCatalog);
  } catch (error) {
    if (error instanceof DomainError) throw new ConfigError('PROGRAM_CATALOG_FILE', error.message);
    throw new ConfigError('PROGRAM_CATALOG_FILE', `holds a program type of the wrong shape (${(error as Error).message})`);
  }
}

/**
 * Settings of the bearer JWTs earlier releases accepted, whose claims said the role and organisation:
 * a person's actor now comes from their grants, and machine clients use personal access tokens. A
 * service still configured with one refuses to start rather than turn its clients away silently.
 */
const RETIRED_SETTINGS = ['JWT_SECRET', 'JWT_ISSUER', 'JWT_AUDIENCE', 'OIDC_JWKS_URL', 'OIDC_ISSUER', 'OIDC_AUDIENCE', 'TOKEN_MAX_LIFETIME'] as const;

function refuseRetiredSettings(env: Env): void {
  const set = RETIRED_SETTINGS.find((name) => env[name]);
  if (set) {
    throw new ConfigError(
      set,
      'is no longer read: people sign in with their accounts (local or OIDC_SIGN_IN_ISSUER), machine clients with personal access tokens (docs/api.md); remove it',
    );
  }
}
