/**
 * Sign-in through OpenID Connect against a real provider (oidc-provider, in its own process): the
 * authorization code flow with PKCE as the browser and the service would go through it, and the ways
 * it is refused. Nothing of openid-client or of the provider is mocked.
 */
import { OidcSignIn, OidcSignInError } from '../../src/infrastructure/accounts/oidc-client';
import { OidcTestProvider, startOidcTestProvider, TEST_ACCOUNTS } from '../support/oidc-test-provider';

const REDIRECT_URI = 'http://localhost:3000/accounts/oidc/callback';
const [wang] = TEST_ACCOUNTS;

let provider: OidcTestProvider;
let signIn: OidcSignIn;

beforeAll(async () => {
  provider = await startOidcTestProvider({ redirectUri: REDIRECT_URI });
  signIn = new OidcSignIn({
    issuer: provider.issuer,
    clientId: provider.clientId,
    clientSecret: provider.clientSecret,
    redirectUri: REDIRECT_URI,
  });
});

afterAll(async () => {
  await provider?.stop();
});

async function refusal(promise: Promise<unknown>): Promise<OidcSignInError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OidcSignInError);
  return err as OidcSignInError;
}

it('signs a person in: the provider login, then the code exchanged for who they are', async () => {
  const { url, pending } = await signIn.start();
  const authorization = new URL(url);
  expect(authorization.searchParams.get('code_challenge_method')).toBe('S256');
  expect(authorization.searchParams.get('state')).toBe(pending.state);
  expect(authorization.searchParams.get('redirect_uri')).toBe(REDIRECT_URI);

  const callback = await provider.login(url, wang!.username, wang!.password);
  expect(callback.startsWith(`${REDIRECT_URI}?`)).toBe(true);

  const identity = await signIn.finish(callback, pending);
  expect(identity).toMatchObject({
    issuer: provider.issuer,
    subject: wang!.sub,
    name: wang!.name,
    email: wang!.email,
  });
  expect(identity.claims).toMatchObject({ sub: wang!.sub, aud: provider.clientId, nonce: pending.nonce, email_verified: true });
});

it('refuses a callback whose state is not the one the sign-in started with', async () => {
  const { url, pending } = await signIn.start();
  const callback = new URL(await provider.login(url, wang!.username, wang!.password));
  callback.searchParams.set('state', `${pending.state}x`);
  expect((await refusal(signIn.finish(callback, pending))).code).toBe('oidc-state-mismatch');
  // Another browser's pending sign-in does not fit this callback either.
  const other = await signIn.start();
  const genuine = await provider.login(url, wang!.username, wang!.password);
  expect((await refusal(signIn.finish(genuine, other.pending))).code).toBe('oidc-state-mismatch');
});

it('never reaches the callback with a wrong password: the provider login form refuses', async () => {
  const { url } = await signIn.start();
  await expect(provider.login(url, wang!.username, 'not the password')).rejects.toThrow(/refused the sign-in \(401\)/);
  await expect(provider.login(url, 'nobody', wang!.password)).rejects.toThrow(/refused the sign-in \(401\)/);
});

it('reports the provider error a callback carries', async () => {
  const { pending } = await signIn.start();
  const denied = new URL(REDIRECT_URI);
  denied.search = new URLSearchParams({ error: 'access_denied', error_description: 'End-User aborted interaction', state: pending.state, iss: provider.issuer }).toString();
  const err = await refusal(signIn.finish(denied, pending));
  expect(err).toMatchObject({ code: 'oidc-provider-error', providerError: 'access_denied', providerErrorDescription: 'End-User aborted interaction' });

  // And one the provider itself sends: no session at the provider, and prompt=none forbids asking.
  const silent = await signIn.start();
  const response = await fetch(`${silent.url}&prompt=none`, { redirect: 'manual' });
  const location = response.headers.get('location')!;
  expect(location.startsWith(`${REDIRECT_URI}?`)).toBe(true);
  expect(await refusal(signIn.finish(location, silent.pending))).toMatchObject({ code: 'oidc-provider-error', providerError: 'login_required' });
});

it('refuses a code used a second time', async () => {
  const { url, pending } = await signIn.start();
  const callback = await provider.login(url, wang!.username, wang!.password);
  await signIn.finish(callback, pending);
  expect(await refusal(signIn.finish(callback, pending))).toMatchObject({ code: 'oidc-exchange-failed', providerError: 'invalid_grant' });
});

it('refuses the exchange without the PKCE verifier the code was issued for, or with another nonce', async () => {
  const first = await signIn.start();
  const firstCallback = await provider.login(first.url, wang!.username, wang!.password);
  const wrongVerifier = { ...first.pending, codeVerifier: (await signIn.start()).pending.codeVerifier };
  expect(await refusal(signIn.finish(firstCallback, wrongVerifier))).toMatchObject({ code: 'oidc-exchange-failed', providerError: 'invalid_grant' });

  const second = await signIn.start();
  const secondCallback = await provider.login(second.url, wang!.username, wang!.password);
  const wrongNonce = { ...second.pending, nonce: (await signIn.start()).pending.nonce };
  const err = await refusal(signIn.finish(secondCallback, wrongNonce));
  expect(err.code).toBe('oidc-exchange-failed');
  expect(err.providerError).toBeUndefined();
});

it('is refused by the provider without a PKCE challenge', async () => {
  const { url } = await signIn.start();
  const bare = new URL(url);
  bare.searchParams.delete('code_challenge');
  bare.searchParams.delete('code_challenge_method');
  const response = await fetch(bare, { redirect: 'manual' });
  const location = new URL(response.headers.get('location')!);
  expect(location.href.startsWith(`${REDIRECT_URI}?`)).toBe(true);
  expect(location.searchParams.get('error')).toBe('invalid_request');
});

it('allows plain http only for a provider on this machine, and reports an unreachable one', async () => {
  const config = { clientId: 'c', redirectUri: REDIRECT_URI };
  expect(() => new OidcSignIn({ ...config, issuer: 'http://idp.example.test' })).toThrow(/must use https/);
  expect(() => new OidcSignIn({ ...config, issuer: 'https://idp.example.test', redirectUri: 'http://service.example.test/cb' })).toThrow(/must use https/);
  expect(() => new OidcSignIn({ ...config, issuer: 'https://idp.example.test' })).not.toThrow();

  const unreachable = new OidcSignIn({ ...config, issuer: 'http://127.0.0.1:9/' });
  expect((await refusal(unreachable.start())).code).toBe('oidc-discovery-failed');
  // Not cached: the next attempt tries again.
  expect((await refusal(unreachable.start())).code).toBe('oidc-discovery-failed');
});
