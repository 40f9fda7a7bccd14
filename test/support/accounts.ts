import { createHash } from 'node:crypto';
import type { Role } from '../../src/domain/messages';
import type { GrantKind } from '../../src/domain/person/grants';
import { BureauKind, isCreditCode, SchoolKind } from '../../src/domain/organisation/organisation';
import { FirstStart } from '../../src/infrastructure/accounts/first-start.service';
import { RunningApp } from './test-app';

/**
 * Who a test acts as, in the words of the old token claims: a key for the person (`sub`), the role, the
 * organisation's name (or its credit code) and its city. The person, their organisation and their
 * grants are created through the service's own API the first time a key is asked for.
 */
export interface Who {
  /** The test's name for the person: the same key is the same person. */
  readonly sub: string;
  readonly role: Role;
  /** The organisation's name, or its credit code when the test names one. */
  readonly org: string;
  /** The organisation's city (schools, bureaus, enterprises); 太原市 when not given. */
  readonly region?: string;
  /** An applicant school's kind: 中职 unless given (高职 for the higher-college programs). */
  readonly schoolKind?: SchoolKind;
  /** The grants the person holds, when not the role's usual ones. */
  readonly grants?: readonly GrantKind[];
  /** The one project a lead's or a liaison's grants are limited to. */
  readonly projectId?: string;
  /** Who registers the person and gives the grants: the office's first admin unless given (a school's admin gives its staff theirs). */
  readonly grantedBy?: Account;
}

/** A person of the service with a personal access token acting with their first grant. */
export interface Account {
  readonly token: string;
  readonly personId: string;
  /** The credit code of the person's organisation: the actor's `org`. */
  readonly org: string;
  readonly grantIds: readonly string[];
}

/** A test's password: long and uncommon enough for the policy, the same for every test person. */
const PASSWORD = '汾河晚渡-e2e-2026';

/** The grants a role's person holds unless a test names others. */
const USUAL_GRANTS: Readonly<Record<Role, readonly GrantKind[]>> = {
  office: ['office-staff'],
  auditor: ['auditor'],
  recommender: ['bureau-clerk'],
  reviewer: ['expert'],
  // The school's admin who is also its head: drafts, signs off and submits in one hand.
  applicant: ['school-admin', 'school-head'],
};

/** Where a service answers, and the credit code its office is configured with. */
export interface Service {
  readonly url: string;
  readonly office: string;
}

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any;
}

/** A valid credit code for a name: its first 17 characters from the name's hash, then the check character. */
export function creditCodeFor(name: string, prefix = '12'): string {
  const first17 = `${prefix}140100${createHash('sha256').update(name).digest('hex').slice(0, 9).toUpperCase()}`;
  const check = [...'0123456789ABCDEFGHJKLMNPQRTUWXY'].find((c) => isCreditCode(first17 + c));
  return first17 + check!;
}

/**
 * The accounts of a test: the first admin (set up with the first start's link, as a person would), and
 * every person a test asks for, registered by that admin through the API with their organisation and
 * grants, set up with a set-up link and a password, holding a personal access token.
 */
export class Accounts {
  private readonly people = new Map<string, Promise<Account>>();
  private readonly organisations = new Map<string, Promise<string>>();
  private logins = 0;

  private constructor(
    private readonly service: Service,
    /** The office's first admin. */
    readonly admin: Account,
  ) {}

  private static readonly opened = new WeakMap<RunningApp, Promise<Accounts>>();

  /** The accounts of a running service: its first admin is set up once, with the link its first start printed. */
  static of(running: RunningApp): Promise<Accounts> {
    let accounts = Accounts.opened.get(running);
    if (!accounts) {
      accounts = Accounts.open(running);
      Accounts.opened.set(running, accounts);
    }
    return accounts;
  }

  private static async open(running: RunningApp): Promise<Accounts> {
    const link = running.app.get(FirstStart).setupLink;
    if (!link) throw new Error('the service printed no set-up link: its data folder had accounts already');
    return Accounts.withLink({ url: running.url, office: running.config.office.creditCode }, link);
  }

  /** Sets up the first admin of a service (one in another process, say) with the set-up link its first start printed. */
  static async withLink(service: Service, setupLink: string): Promise<Accounts> {
    const session = await sessionFrom(service, setupLink.split('#')[1]!, 'e2e-admin');
    const admin = await tokenFor(service, session, FirstStart.ADMIN_ID, 'first-admin', service.office);
    return new Accounts(service, { ...admin, grantIds: ['first-admin'] });
  }

  /** The office's credit code. */
  get office(): string {
    return this.service.office;
  }

  /** The account of `who`, created the first time its key is asked for. */
  account(who: Who): Promise<Account> {
    let account = this.people.get(who.sub);
    if (!account) {
      account = this.create(who);
      this.people.set(who.sub, account);
    }
    return account;
  }

  /** The personal access token of `who`. */
  async token(who: Who): Promise<string> {
    return (await this.account(who)).token;
  }

  /** The credit code the registry holds an organisation of the test under, registering it the first time. */
  organisation(who: Pick<Who, 'role' | 'org' | 'region' | 'schoolKind'>): Promise<string> {
    if (who.role === 'office' || who.role === 'auditor') return Promise.resolve(this.office);
    const city = who.region ?? '太原市';
    // A city has one bureau of each kind: every recommender of a city is of that bureau.
    const bureauKind: BureauKind = who.org.includes('人社') ? '人社局' : '教育局';
    const key = who.role === 'recommender' ? `bureau:${city}:${bureauKind}` : `org:${who.org}`;
    let code = this.organisations.get(key);
    if (!code) {
      code = this.register(who, city, bureauKind);
      this.organisations.set(key, code);
    }
    return code;
  }

  private async register(who: Pick<Who, 'role' | 'org' | 'schoolKind'>, city: string, bureauKind: BureauKind): Promise<string> {
    const enterprise = isCreditCode(who.org) && who.org.startsWith('9');
    const creditCode = isCreditCode(who.org) ? who.org : creditCodeFor(who.role === 'recommender' ? `${city}${bureauKind}` : who.org);
    const body =
      who.role === 'recommender'
        ? { kind: 'bureau', creditCode, name: `${city}${bureauKind}`, city, bureauKind }
        : enterprise
          ? { kind: 'enterprise', creditCode, name: `企业 ${who.org}`, city }
          : { kind: 'school', creditCode, name: who.org, city, schoolKind: who.schoolKind ?? (who.role === 'reviewer' ? '本科' : '中职') };
    const registered = await this.call('POST', '/organisations', this.admin.token, body);
    if (registered.status !== 201 && registered.body?.code !== 'organisation-already-registered') throw failed('register organisation', registered);
    return creditCode;
  }

  private async create(who: Who): Promise<Account> {
    const organisationId = await this.organisation(who);
    const by = (who.grantedBy ?? this.admin).token;
    const registered = await this.call('POST', '/people', by, { name: who.sub, organisationId });
    if (registered.status !== 201) throw failed(`register ${who.sub}`, registered);
    const personId = registered.body.personId as string;
    const grantIds: string[] = [];
    for (const kind of who.grants ?? USUAL_GRANTS[who.role]) {
      const granted = await this.call('POST', `/people/${personId}/grants`, by, { kind, reason: `测试：${who.sub} 的 ${kind}`, ...(who.projectId ? { projectId: who.projectId } : {}) });
      if (granted.status !== 200) throw failed(`grant ${kind} to ${who.sub}`, granted);
      grantIds.push(granted.body.grantId);
    }
    const link = await this.call('POST', `/auth/people/${personId}/setup-link`, by, {});
    if (link.status !== 201) throw failed(`set-up link of ${who.sub}`, link);
    this.logins += 1;
    const session = await sessionFrom(this.service, link.body.token, `e2e-person-${this.logins}`);
    const account = await tokenFor(this.service, session, personId, grantIds[0]!, organisationId);
    return { ...account, grantIds };
  }

  private call(method: string, path: string, token: string, body: unknown): Promise<Answer> {
    return request(this.service, method, path, { authorization: `Bearer ${token}` }, body);
  }
}

async function request(service: Service, method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<Answer> {
  const response = await fetch(`${service.url}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

const failed = (step: string, answer: Answer) => new Error(`${step}: ${answer.status} ${JSON.stringify(answer.body)}`);

/** Uses a set-up link with a login and the test password: the session it starts. */
async function sessionFrom(service: Service, secret: string, login: string): Promise<{ cookie: string; csrf: string }> {
  const setUp = await request(service, 'POST', '/auth/setup', {}, { token: secret, login, password: PASSWORD });
  if (setUp.status !== 200) throw failed(`set up ${login}`, setUp);
  const cookie = setUp.headers.getSetCookie().find((c) => c.startsWith('als_session='))!.split(';')[0]!;
  return { cookie, csrf: setUp.body.csrfToken };
}

/** A personal access token the signed-in person creates for one of their grants. */
async function tokenFor(service: Service, session: { cookie: string; csrf: string }, personId: string, grantId: string, org: string): Promise<Omit<Account, 'grantIds'>> {
  const created = await request(service, 'POST', '/auth/tokens', { cookie: session.cookie, 'x-csrf-token': session.csrf }, { name: 'e2e', grantId });
  if (created.status !== 201) throw failed(`token of ${personId}`, created);
  return { token: created.body.token, personId, org };
}
