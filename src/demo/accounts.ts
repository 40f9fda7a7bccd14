import { createHash } from 'node:crypto';
import type { SignedInRole } from '../domain/messages';
import { BureauKind, isCreditCode, SchoolKind } from '../domain/organisation/organisation';
import type { GrantKind } from '../domain/person/grants';

/**
 * Who a script (the demo, the benchmark, a test) acts as: a key for the person (`sub`), the role, the
 * organisation's name (or its credit code) and its city. The person, their organisation and their
 * grants are created through the service's own API the first time a key is asked for, as a province's
 * office would create them.
 */
export interface Who {
  /** The script's name for the person: the same key is the same person, and their id when it is one (lowercase, digits, dashes). */
  readonly sub: string;
  readonly role: SignedInRole;
  /** The organisation's name, or its credit code when the script names one. */
  readonly org: string;
  /** The organisation's name when `org` is its credit code (an enterprise's). */
  readonly orgName?: string;
  /** The organisation's city (schools, bureaus, enterprises); 太原市 when not given. */
  readonly region?: string;
  /** A city government applying for itself (a city pilot): registered as the city's 人民政府, not as a school. */
  readonly government?: boolean;
  /** An applicant school's kind: 中职 unless given (高职 for the higher-college programs). */
  readonly schoolKind?: SchoolKind;
  /** The grants the person holds, when not the role's usual ones. */
  readonly grants?: readonly GrantKind[];
  /** The one project a lead's or a liaison's grants are limited to. */
  readonly projectId?: string;
  /** Who registers the person and gives the grants: the office's first admin unless given (a school's admin gives its staff theirs). */
  readonly grantedBy?: Account;
  /** The person's e-mail address, where the notifications are mailed; none unless given. */
  readonly email?: string;
}

/** A person of the service with a personal access token acting with their first grant. */
export interface Account {
  readonly token: string;
  readonly personId: string;
  /** The credit code of the person's organisation: the actor's `org`. */
  readonly org: string;
  readonly grantIds: readonly string[];
}

const PERSON_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** The scripts' password: long and uncommon enough for the policy, the same for every person they create (the sandbox chooses its own). */
const PASSWORD = '汾河晚渡-e2e-2026';

/** The grants a role's person holds unless the script names others. */
const USUAL_GRANTS: Readonly<Record<SignedInRole, readonly GrantKind[]>> = {
  office: ['office-staff'],
  auditor: ['auditor'],
  recommender: ['bureau-clerk'],
  reviewer: ['expert'],
  // The school's admin who is also its head: drafts, signs off and submits in one hand.
  applicant: ['school-admin', 'school-head'],
};

/** One of a signed-in person's grants, as GET /auth/session lists them. */
export interface SessionGrant {
  readonly grantId: string;
  readonly kind: GrantKind;
  readonly org: string;
  readonly orgName: string | null;
  readonly region: string | null;
}

/** Where a service answers. */
export interface Service {
  readonly url: string;
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
 * The accounts a script makes on a service: the first admin (set up with the first start's link, as a
 * person would), and every person it asks for, registered by that admin through the API with their
 * organisation and grants, set up with a set-up link and a password, holding a personal access token.
 */
export class ServiceAccounts {
  private readonly people = new Map<string, Promise<Account>>();
  private readonly organisations = new Map<string, Promise<string>>();
  private logins = 0;
  /** The login each person signed in with, by person id. */
  private readonly loginOf = new Map<string, string>();

  private constructor(
    private readonly service: Service,
    /** The office's first admin. */
    readonly admin: Account,
    /** The password of the first admin and of every person this script sets up. */
    private readonly password: string,
  ) {}

  /** The first admin's login. */
  static readonly ADMIN_LOGIN = 'first-admin';

  /**
   * Sets up the first admin of a service (one in another process, say) with the set-up link its first start
   * printed; the admin and every person set up after get `password` (the scripts' own unless given).
   */
  static async withLink(service: Service, setupLink: string, password = PASSWORD): Promise<ServiceAccounts> {
    const { personId, session } = await sessionFrom(service, setupLink.split('#')[1]!, ServiceAccounts.ADMIN_LOGIN, password);
    return ServiceAccounts.acting(service, personId, session, password);
  }

  /** Acts again as the first admin of a service this script set up before (the sandbox's next run), signing in with the password it gave. */
  static async signedIn(service: Service, password: string): Promise<ServiceAccounts> {
    const signedIn = await signInWith(service, ServiceAccounts.ADMIN_LOGIN, password);
    if (signedIn.status !== 200) throw failed(`sign in as ${ServiceAccounts.ADMIN_LOGIN}`, signedIn);
    return ServiceAccounts.acting(service, signedIn.body.personId, sessionOf(signedIn), password);
  }

  private static async acting(service: Service, personId: string, session: Session, password: string): Promise<ServiceAccounts> {
    const grant = await firstGrantOf(service, session);
    const { token } = await tokenFor(service, session, personId, grant.grantId);
    return new ServiceAccounts(service, { token, personId, org: grant.org, grantIds: [grant.grantId] }, password);
  }

  /** The office's credit code: its first admin's organisation. */
  get office(): string {
    return this.admin.org;
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
  organisation(who: Pick<Who, 'role' | 'org' | 'orgName' | 'region' | 'schoolKind' | 'government'>): Promise<string> {
    if (who.role === 'office' || who.role === 'auditor') return Promise.resolve(this.office);
    const city = who.region ?? '太原市';
    // A city has one bureau of each kind: every recommender of a city is of that bureau.
    const bureauKind: BureauKind = /人社|人力资源/.test(who.org) ? '人社局' : '教育局';
    const key = who.role === 'recommender' ? `bureau:${city}:${bureauKind}` : `org:${who.org}`;
    let code = this.organisations.get(key);
    if (!code) {
      code = this.register(who, city, bureauKind);
      this.organisations.set(key, code);
    }
    return code;
  }

  private async register(who: Pick<Who, 'role' | 'org' | 'orgName' | 'schoolKind' | 'government'>, city: string, bureauKind: BureauKind): Promise<string> {
    const enterprise = isCreditCode(who.org) && who.org.startsWith('9');
    const creditCode = isCreditCode(who.org) ? who.org : creditCodeFor(who.role === 'recommender' ? `${city}${bureauKind}` : who.org);
    const body =
      who.role === 'recommender'
        ? { kind: 'bureau', creditCode, name: `${city}${bureauKind}`, city, bureauKind }
        : enterprise
          ? { kind: 'enterprise', creditCode, name: who.orgName ?? `企业 ${who.org}`, city }
          : who.government
            ? { kind: 'government', creditCode, name: who.org, city }
            : { kind: 'school', creditCode, name: who.org, city, schoolKind: who.schoolKind ?? (who.role === 'reviewer' ? '本科' : '中职') };
    const registered = await this.call('POST', '/organisations', this.admin.token, body);
    if (registered.status !== 201 && registered.body?.code !== 'organisation-already-registered') throw failed('register organisation', registered);
    return creditCode;
  }

  /**
   * Registers `who` with their organisation and grants, without an account to sign in with: a person
   * the office names (a reviewer it assigns, say) who has not signed in yet.
   */
  async registerPerson(who: Who): Promise<Omit<Account, 'token'>> {
    const organisationId = await this.organisation(who);
    const by = (who.grantedBy ?? this.admin).token;
    // A key that is a valid person id becomes the person's id, as a province's staff number would.
    const chosenId = PERSON_ID.test(who.sub) ? { personId: who.sub } : {};
    const registered = await this.call('POST', '/people', by, { ...chosenId, name: who.sub, organisationId, ...(who.email ? { email: who.email } : {}) });
    if (registered.status !== 201) throw failed(`register ${who.sub}`, registered);
    const personId = registered.body.personId as string;
    const grantIds: string[] = [];
    for (const kind of who.grants ?? USUAL_GRANTS[who.role]) {
      const granted = await this.call('POST', `/people/${personId}/grants`, by, { kind, reason: `测试：${who.sub} 的 ${kind}`, ...(who.projectId ? { projectId: who.projectId } : {}) });
      if (granted.status !== 200) throw failed(`grant ${kind} to ${who.sub}`, granted);
      grantIds.push(granted.body.grantId);
    }
    return { personId, org: organisationId, grantIds };
  }

  private async create(who: Who): Promise<Account> {
    const person = await this.registerPerson(who);
    const token = await this.signIn(person.personId, who.grantedBy ?? this.admin, person.grantIds[0]);
    return { ...person, token };
  }

  /**
   * A token for a person registered otherwise (by a school's admin, say): `by` (the first admin unless
   * given) issues them a set-up link, they set their password and create a token for their first grant.
   */
  async signIn(personId: string, by: Pick<Account, 'token'> = this.admin, grantId?: string): Promise<string> {
    const link = await this.call('POST', `/auth/people/${personId}/setup-link`, by.token, {});
    if (link.status !== 201) throw failed(`set-up link of ${personId}`, link);
    this.logins += 1;
    const login = `person-${this.logins}`;
    const { session } = await sessionFrom(this.service, link.body.token, login, this.password);
    this.loginOf.set(personId, login);
    return (await tokenFor(this.service, session, personId, grantId ?? (await firstGrantOf(this.service, session)).grantId)).token;
  }

  /** The login and password of a person this script set up, as they type them into the sign-in page. */
  credentials(personId: string): { login: string; password: string } {
    const login = this.loginOf.get(personId);
    if (!login) throw new Error(`${personId} was not set up by this script`);
    return { login, password: this.password };
  }

  /**
   * Gives a person a new password, as their admin would after a forgotten one: the first admin issues a
   * set-up link and the person uses it (their login stays `login`). Their earlier password stops working.
   */
  async newPassword(personId: string, login: string, password: string): Promise<readonly SessionGrant[]> {
    const link = await this.call('POST', `/auth/people/${personId}/setup-link`, this.admin.token, {});
    if (link.status !== 201) throw failed(`set-up link of ${personId}`, link);
    const { session } = await sessionFrom(this.service, link.body.token, login, password);
    // Signed in with the new password: their grants, as the console shows them.
    const answer = await request(this.service, 'GET', '/auth/session', { cookie: session.cookie });
    if (answer.status !== 200) throw failed(`read the session of ${login}`, answer);
    return answer.body.grants;
  }

  /** Signs a person this script set up in again with their login and password, as they would the next morning: the answer's status. */
  async signInAgain(personId: string): Promise<number> {
    const login = this.loginOf.get(personId);
    if (!login) throw new Error(`${personId} was not set up by this script`);
    return (await signInWith(this.service, login, this.password)).status;
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

interface Session {
  readonly cookie: string;
  readonly csrf: string;
}

/** Uses a set-up link with a login and a password: the person and the session it starts. */
async function sessionFrom(service: Service, secret: string, login: string, password: string): Promise<{ personId: string; session: Session }> {
  let setUp = await request(service, 'POST', '/auth/setup', {}, { token: secret, login, password });
  // The password is set even when the read models are still catching up (a service started on a long
  // log): the person then signs in with it once they have, as a person would.
  for (let tries = 0; setUp.status === 503 && setUp.body?.code === 'read-model-behind' && tries < 60; tries += 1) {
    setUp = await signInWith(service, login, password);
  }
  if (setUp.status !== 200) throw failed(`set up ${login}`, setUp);
  return { personId: setUp.body.personId, session: sessionOf(setUp) };
}

const signInWith = (service: Service, login: string, password: string) => request(service, 'POST', '/auth/sign-in', {}, { login, password });

/** The session a sign-in (or a set-up) answered: its cookie and CSRF token. */
function sessionOf(answer: Answer): Session {
  const cookie = answer.headers.getSetCookie().find((c) => c.startsWith('als_session='))!.split(';')[0]!;
  return { cookie, csrf: answer.body.csrfToken };
}

/** The grant a signed-in person acts with first, as their session says. */
async function firstGrantOf(service: Service, session: Session): Promise<{ grantId: string; org: string }> {
  const answer = await request(service, 'GET', '/auth/session', { cookie: session.cookie });
  if (answer.status !== 200 || !answer.body.grants[0]) throw failed('read the session', answer);
  return answer.body.grants[0];
}

/** A personal access token the signed-in person creates for one of their grants. */
async function tokenFor(service: Service, session: Session, personId: string, grantId: string): Promise<{ token: string }> {
  const created = await request(service, 'POST', '/auth/tokens', { cookie: session.cookie, 'x-csrf-token': session.csrf }, { name: 'scripted', grantId });
  if (created.status !== 201) throw failed(`token of ${personId}`, created);
  return { token: created.body.token };
}
