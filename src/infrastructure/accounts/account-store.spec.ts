import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import { dropSchema, freshSchema, TEST_DATABASE_URL } from '../../../test/support/postgres-test-db';
import { AccountStore, digest } from './account-store';
import { ACCOUNT_TABLES, PostgresAccountStore } from './postgres-account-store';

/** Where a test's accounts are kept: every `open` is another connection to the same store, as another process (or instance) has. */
interface Backend {
  setUp(): void;
  open(): AccountStore;
  /** Every value of every account table, as text: what a copy of the store would give away. */
  dump(): Promise<string>;
  tearDown(): Promise<void>;
}

function sqliteBackend(): Backend {
  let dir: string;
  let opened: AccountStore[] = [];
  return {
    setUp() {
      dir = mkdtempSync(join(tmpdir(), 'als-accounts-'));
      opened = [];
    },
    open() {
      const store = AccountStore.open(join(dir, 'accounts.db'));
      opened.push(store);
      return store;
    },
    async dump() {
      const db = new Database(join(dir, 'accounts.db'), { readonly: true });
      try {
        const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
        return JSON.stringify(tables.map(({ name }) => db.prepare(`SELECT * FROM "${name}"`).all()));
      } finally {
        db.close();
      }
    },
    async tearDown() {
      for (const store of opened) await store.onApplicationShutdown();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresBackend(): Backend {
  let schema: string;
  let opened: AccountStore[] = [];
  return {
    setUp() {
      schema = freshSchema('accounts');
      opened = [];
    },
    open() {
      const store = new PostgresAccountStore({ connectionString: TEST_DATABASE_URL, schema });
      opened.push(store);
      return store;
    },
    async dump() {
      const client = new Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      try {
        const all = [];
        for (const table of Object.values(ACCOUNT_TABLES)) all.push((await client.query(`SELECT t::text AS row FROM "${schema}".${table} t`)).rows);
        return JSON.stringify(all);
      } finally {
        await client.end();
      }
    },
    async tearDown() {
      for (const store of opened) await store.onApplicationShutdown();
      await dropSchema(schema);
    },
  };
}

const AT = new Date('2026-03-02T01:00:00.000Z');
const later = (ms: number) => new Date(AT.getTime() + ms);
const HOUR = 3_600_000;

describe.each([
  ['SQLite (accounts.db)', sqliteBackend],
  ['PostgreSQL', postgresBackend],
])('account store on %s', (_name, backendOf) => {
  const backend = backendOf();
  let store: AccountStore;
  /** The same store through another connection: another instance. */
  let other: AccountStore;

  beforeEach(() => {
    backend.setUp();
    store = backend.open();
    other = backend.open();
  });
  afterEach(() => backend.tearDown());

  describe('logins', () => {
    it('gives a person one login, and a name to one person, the name compared as SQLite NOCASE compares it', async () => {
      expect(await store.hasAnyLogin()).toBe(false);
      expect(await store.createLogin(' Zhang.Wei ', 'p-1', AT)).toBe(true);
      expect(await other.hasAnyLogin()).toBe(true);
      expect(await other.login('zhang.wei')).toEqual({ login: 'Zhang.Wei', personId: 'p-1', passwordHash: null, totpSecret: null, totpLastStep: null });
      expect(await other.login('  ZHANG.WEI')).toMatchObject({ personId: 'p-1' });
      expect(await other.loginOf('p-1')).toMatchObject({ login: 'Zhang.Wei' });
      // The name in another case is taken; the person has a login already.
      expect(await other.createLogin('ZHANG.wei', 'p-2', AT)).toBe(false);
      expect(await other.createLogin('li.ming', 'p-1', AT)).toBe(false);
      // NOCASE folds the ASCII letters only: 'Émile' and 'émile' are two names, as in SQLite.
      expect(await store.createLogin('Émile', 'p-3', AT)).toBe(true);
      expect(await store.login('émile')).toBeUndefined();
      expect(await store.createLogin('émile', 'p-4', AT)).toBe(true);
      expect(await store.login('张伟')).toBeUndefined();
    });

    it('gives a name once when two instances race for it', async () => {
      const results = await Promise.all([store.createLogin('wang', 'p-1', AT), other.createLogin('WANG', 'p-2', AT), store.createLogin('Wang', 'p-3', AT)]);
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('keeps the password hash, the pending TOTP secret, and confirms it', async () => {
      await store.createLogin('wang', 'p-1', AT);
      await store.setPassword('p-1', 'scrypt$hash');
      expect(await other.pendingTotp('p-1')).toBeNull();
      expect(await other.pendingTotp('nobody')).toBeNull();
      await other.setPendingTotp('p-1', 'JBSWY3DPEHPK3PXP');
      expect(await store.pendingTotp('p-1')).toBe('JBSWY3DPEHPK3PXP');
      expect((await store.loginOf('p-1'))?.totpSecret).toBeNull();
      await store.confirmTotp('p-1', 58_000_000);
      expect(await other.loginOf('p-1')).toEqual({ login: 'wang', personId: 'p-1', passwordHash: 'scrypt$hash', totpSecret: 'JBSWY3DPEHPK3PXP', totpLastStep: 58_000_000 });
      expect(await other.pendingTotp('p-1')).toBeNull();
    });

    it('accepts a TOTP step once, and no earlier one after it, even from two instances at once', async () => {
      await store.createLogin('wang', 'p-1', AT);
      await store.setPendingTotp('p-1', 'JBSWY3DPEHPK3PXP');
      await store.confirmTotp('p-1', 100);
      expect(await store.useTotpStep('p-1', 100)).toBe(false);
      expect(await store.useTotpStep('p-1', 99)).toBe(false);
      const raced = await Promise.all([store.useTotpStep('p-1', 101), other.useTotpStep('p-1', 101), other.useTotpStep('p-1', 101)]);
      expect(raced.filter(Boolean)).toHaveLength(1);
      expect((await store.loginOf('p-1'))?.totpLastStep).toBe(101);
    });
  });

  it('links an identity platform subject to one person', async () => {
    expect(await store.personOfIdentity('https://idp.example.cn', 'sub-1')).toBeUndefined();
    await store.linkIdentity('https://idp.example.cn', 'sub-1', 'p-1', AT);
    expect(await other.personOfIdentity('https://idp.example.cn', 'sub-1')).toBe('p-1');
    expect(await other.personOfIdentity('https://other.example.cn', 'sub-1')).toBeUndefined();
    // Refused by the store's own uniqueness (better-sqlite3's SqliteError is not always an Error to jest's
    // realm, so the refusal is caught and read rather than matched with toThrow), and the link stays p-1's.
    const refused = await other.linkIdentity('https://idp.example.cn', 'sub-1', 'p-2', AT).then(
      () => undefined,
      (error: unknown) => error as { message?: unknown },
    );
    expect(String(refused?.message)).toMatch(/UNIQUE constraint failed|duplicate key value/);
    expect(await store.personOfIdentity('https://idp.example.cn', 'sub-1')).toBe('p-1');
  });

  describe('sessions', () => {
    it('knows a session on every instance by its secret, touches, switches and ends it there', async () => {
      const { secret, csrf } = await store.createSession('p-1', 'g-1', AT, { userAgent: 'Firefox', address: '10.0.0.1' });
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(await other.session(secret)).toEqual({ personId: 'p-1', grantId: 'g-1', csrf, createdAt: AT.toISOString(), lastSeenAt: AT.toISOString(), endedAt: null });
      expect(await other.session(`${secret.slice(0, -1)}x`)).toBeUndefined();
      await other.touchSession(secret, later(60_001));
      await other.actAs(secret, 'g-2');
      expect(await store.session(secret)).toMatchObject({ grantId: 'g-2', lastSeenAt: later(60_001).toISOString() });
      expect(await store.sessionsOf('p-1')).toEqual([{ sessionId: digest(secret).slice(0, 8), createdAt: AT.toISOString(), lastSeenAt: later(60_001).toISOString(), userAgent: 'Firefox', address: '10.0.0.1' }]);
      await other.endSession(secret, later(120_000));
      await store.endSession(secret, later(180_000));
      await store.touchSession(secret, later(240_000));
      await store.actAs(secret, 'g-1');
      expect(await store.session(secret)).toMatchObject({ grantId: 'g-2', lastSeenAt: later(60_001).toISOString(), endedAt: later(120_000).toISOString() });
      expect(await other.sessionsOf('p-1')).toEqual([]);
    });

    it('ends one of a person’s sessions by its listed id, and only theirs', async () => {
      const first = await store.createSession('p-1', null, AT, {});
      const second = await store.createSession('p-1', null, later(1000), { userAgent: 'x'.repeat(400) });
      const listed = await other.sessionsOf('p-1');
      expect(listed.map((s) => s.sessionId)).toEqual([digest(first.secret).slice(0, 8), digest(second.secret).slice(0, 8)]);
      expect(listed[1]).toMatchObject({ userAgent: 'x'.repeat(300), address: null });
      expect(await other.endSessionOf('p-2', listed[0]!.sessionId, later(2000))).toBe(false);
      expect(await other.endSessionOf('p-1', listed[0]!.sessionId, later(2000))).toBe(true);
      expect(await store.endSessionOf('p-1', listed[0]!.sessionId, later(3000))).toBe(false);
      expect((await store.session(first.secret))?.endedAt).toBe(later(2000).toISOString());
      expect((await store.sessionsOf('p-1')).map((s) => s.sessionId)).toEqual([listed[1]!.sessionId]);
    });
  });

  describe('personal access tokens', () => {
    it('answers the holder of a token on every instance until it expires or is revoked there', async () => {
      const { tokenId, token } = await store.createToken('p-1', 'g-1', '学校同步', AT, later(90 * 24 * HOUR));
      expect(token).toMatch(new RegExp(`^als_${tokenId}_[A-Za-z0-9_-]{43}$`));
      expect(await other.tokenHolder(token, later(1000))).toEqual({ personId: 'p-1', grantId: 'g-1' });
      expect(await other.tokenHolder(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`, later(1000))).toBeUndefined();
      expect(await other.tokenHolder('als_short', later(1000))).toBeUndefined();
      expect(await other.tokenHolder(token, later(90 * 24 * HOUR))).toBeUndefined();
      expect(await store.tokensOf('p-1')).toEqual([
        { tokenId, name: '学校同步', grantId: 'g-1', createdAt: AT.toISOString(), expiresAt: later(90 * 24 * HOUR).toISOString(), lastUsedAt: later(1000).toISOString() },
      ]);
      expect(await store.revokeToken('p-2', tokenId, later(2000))).toBe(false);
      expect(await other.revokeToken('p-1', tokenId, later(2000))).toBe(true);
      expect(await store.revokeToken('p-1', tokenId, later(3000))).toBe(false);
      expect(await store.tokenHolder(token, later(4000))).toBeUndefined();
      expect(await store.tokensOf('p-1')).toEqual([]);
    });

    it('records a token’s last use at most once a minute', async () => {
      const { token } = await store.createToken('p-1', 'g-1', 'ci', AT, later(HOUR));
      await store.tokenHolder(token, later(1000));
      await other.tokenHolder(token, later(50_000));
      expect((await store.tokensOf('p-1'))[0]?.lastUsedAt).toBe(later(1000).toISOString());
      await other.tokenHolder(token, later(61_001));
      expect((await store.tokensOf('p-1'))[0]?.lastUsedAt).toBe(later(61_001).toISOString());
    });
  });

  describe('set-up links', () => {
    it('names its person while unused and unexpired, and is used once', async () => {
      const secret = await store.createSetupLink('p-1', later(HOUR));
      expect(await other.setupLinkHolder(secret, later(1000))).toBe('p-1');
      expect(await other.setupLinkHolder(secret, later(HOUR))).toBeUndefined();
      expect(await other.useSetupLink(secret, later(HOUR))).toBeUndefined();
      expect(await other.useSetupLink('unknown', later(1000))).toBeUndefined();
      expect(await other.useSetupLink(secret, later(1000))).toBe('p-1');
      expect(await store.useSetupLink(secret, later(2000))).toBeUndefined();
      expect(await store.setupLinkHolder(secret, later(2000))).toBeUndefined();
    });

    it('is used once when two instances race for it', async () => {
      const secret = await store.createSetupLink('p-1', later(HOUR));
      const raced = await Promise.all([store.useSetupLink(secret, later(1)), other.useSetupLink(secret, later(1)), other.useSetupLink(secret, later(2))]);
      expect(raced.filter((p) => p !== undefined)).toEqual(['p-1']);
    });
  });

  describe('OIDC sign-ins under way', () => {
    const pending = { state: 'st', nonce: 'no', codeVerifier: 'cv' };

    it('are taken once, on whichever instance the callback reaches, and not after the time allowed', async () => {
      const secret = await store.keepOidcSignIn(pending, 'p-1', AT);
      const raced = await Promise.all([store.takeOidcSignIn(secret, later(1000), 600_000), other.takeOidcSignIn(secret, later(1000), 600_000)]);
      expect(raced.filter((r) => r !== undefined)).toEqual([{ pending, linkPersonId: 'p-1' }]);
      const old = await store.keepOidcSignIn(pending, null, AT);
      expect(await other.takeOidcSignIn(old, later(600_001), 600_000)).toBeUndefined();
      expect(await other.takeOidcSignIn(old, later(1000), 600_000)).toBeUndefined();
    });

    it('left over from long ago go when another is taken', async () => {
      const stale = await store.keepOidcSignIn(pending, null, AT);
      const fresh = await store.keepOidcSignIn(pending, null, later(HOUR));
      expect(await other.takeOidcSignIn(fresh, later(HOUR + 1000), 600_000)).toEqual({ pending, linkPersonId: null });
      // Taken back in time, the stale one would be young enough: it is gone all the same.
      expect(await store.takeOidcSignIn(stale, later(1000), 600_000)).toBeUndefined();
    });
  });

  it('keeps notification read marks, each once', async () => {
    expect(await store.notificationsRead('p-1')).toEqual([]);
    await store.markNotificationsRead('p-1', ['n-1', 'n-2'], AT);
    await other.markNotificationsRead('p-1', ['n-2', 'n-3'], later(1000));
    await other.markNotificationsRead('p-1', [], later(2000));
    expect((await other.notificationsRead('p-1')).sort()).toEqual(['n-1', 'n-2', 'n-3']);
    expect(await store.notificationsRead('p-2')).toEqual([]);
  });

  it('keeps only the SHA-256 of every secret it hands out', async () => {
    const session = await store.createSession('p-1', null, AT, {});
    const { token } = await store.createToken('p-1', 'g-1', 'ci', AT, later(HOUR));
    const link = await store.createSetupLink('p-1', later(HOUR));
    const oidc = await store.keepOidcSignIn({ state: 's', nonce: 'n', codeVerifier: 'v' }, null, AT);
    const stored = await backend.dump();
    for (const secret of [session.secret, token.slice(-43), link, oidc]) {
      expect(stored).not.toContain(secret);
      expect(stored).toContain(digest(secret));
    }
  });
});
