/**
 * Sign-in through an OpenID Connect provider (the province's identity platform): authorization code
 * flow with PKCE, state and nonce, done by openid-client. Two steps, one HTTP round trip of the
 * browser apart:
 *
 *   start()  → the URL to send the browser to, and `pending` (state, nonce, PKCE code verifier) that the
 *              caller keeps server-side with the browser's pre-sign-in session — never in the URL, never
 *              readable by the browser;
 *   finish() → with the URL the provider redirected the browser back to and that same `pending`: the
 *              code is exchanged at the token endpoint, and openid-client checks the state, the PKCE
 *              verifier (through the exchange) and the ID token (signature, issuer, audience, expiry,
 *              nonce) before the identity is returned.
 *
 * Loading openid-client, which is ESM-only, from this CommonJS service: TypeScript (module "commonjs")
 * emits this `import * as` as `__importStar(require('openid-client'))`, and Node ≥ 20.19 loads an ES
 * module through require() by itself (no flag, no warning; the package has no top-level await), so the
 * build and `npm start` need nothing more — the same way jose is already loaded. A dynamic import()
 * would not help: TypeScript turns it into require() too under "commonjs". Only jest's own module
 * registry cannot require() an ES module, so jest.config.js lists openid-client and its oauth4webapi
 * among the ESM-only packages it transpiles to CommonJS, as for jose.
 */
import * as oidc from 'openid-client';

export interface OidcSignInConfig {
  /** Issuer identifier; discovery reads `<issuer>/.well-known/openid-configuration`. */
  readonly issuer: string;
  readonly clientId: string;
  /** A confidential client's secret, sent with HTTP Basic; without one the client is public (PKCE only). */
  readonly clientSecret?: string;
  /** The service's callback, exactly as registered at the provider. */
  readonly redirectUri: string;
  /** Defaults to openid, profile, email; `openid` is always requested. */
  readonly scopes?: readonly string[];
}

/** What start() hands out to be kept server-side until the callback, and handed back to finish(). */
export interface PendingSignIn {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
}

export interface OidcIdentity {
  readonly issuer: string;
  /** The provider's stable identifier of the person (`sub`); with `issuer`, the key to link an account to. */
  readonly subject: string;
  readonly name?: string;
  readonly email?: string;
  /** The ID token's claims, completed by the UserInfo endpoint's when the provider has one. */
  readonly claims: Readonly<Record<string, unknown>>;
}

export type OidcSignInErrorCode =
  /** The callback's state is not the one this browser's sign-in started with (CSRF, a stale or swapped tab). */
  | 'oidc-state-mismatch'
  /** The provider answered the callback with an error (`providerError`: access_denied, login_required…). */
  | 'oidc-provider-error'
  /** The code exchange or the ID token was refused: reused or expired code, PKCE or nonce mismatch, bad token. */
  | 'oidc-exchange-failed'
  /** The provider's discovery document could not be read; nothing about the person is known. */
  | 'oidc-discovery-failed';

export class OidcSignInError extends Error {
  constructor(
    readonly code: OidcSignInErrorCode,
    message: string,
    /** The OAuth error code the provider sent, when it sent one (`access_denied`, `invalid_grant`…). */
    readonly providerError?: string,
    readonly providerErrorDescription?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'OidcSignInError';
  }
}

const DEFAULT_SCOPES = ['openid', 'profile', 'email'];

export class OidcSignIn {
  private readonly issuer: URL;
  private readonly redirectUri: URL;
  private readonly scope: string;
  private discovered?: Promise<oidc.Configuration>;

  constructor(private readonly config: OidcSignInConfig) {
    this.issuer = secureUrl(config.issuer, 'issuer');
    this.redirectUri = secureUrl(config.redirectUri, 'redirectUri');
    const scopes = new Set(['openid', ...(config.scopes ?? DEFAULT_SCOPES)]);
    this.scope = [...scopes].join(' ');
  }

  async start(): Promise<{ url: string; pending: PendingSignIn }> {
    const configuration = await this.configuration();
    const pending: PendingSignIn = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      codeVerifier: oidc.randomPKCECodeVerifier(),
    };
    const url = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: this.redirectUri.href,
      scope: this.scope,
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(pending.codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url: url.href, pending };
  }

  /**
   * `callbackUrl` is the URL the browser was redirected to (its query is what counts). It is read onto the
   * configured redirect URI, so the redirect_uri sent with the code is the registered one even when the
   * request reached the service through a proxy under another host name.
   */
  async finish(callbackUrl: string | URL, pending: PendingSignIn): Promise<OidcIdentity> {
    const configuration = await this.configuration();
    const callback = new URL(this.redirectUri);
    callback.search = new URL(callbackUrl, this.redirectUri).search;

    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(configuration, callback, {
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        pkceCodeVerifier: pending.codeVerifier,
        idTokenExpected: true,
      });
    } catch (err) {
      throw refusal(err, callback, pending);
    }

    const idToken = tokens.claims();
    if (!idToken) throw new OidcSignInError('oidc-exchange-failed', 'the provider returned no ID token');
    let claims: Record<string, unknown> = { ...idToken };
    if (configuration.serverMetadata().userinfo_endpoint) {
      try {
        // openid-client refuses a UserInfo answer about another subject than the ID token's.
        const userInfo = await oidc.fetchUserInfo(configuration, tokens.access_token, idToken.sub);
        claims = { ...userInfo, ...idToken };
      } catch (err) {
        throw refusal(err, callback, pending);
      }
    }
    return {
      issuer: idToken.iss,
      subject: idToken.sub,
      name: typeof claims.name === 'string' ? claims.name : undefined,
      email: typeof claims.email === 'string' ? claims.email : undefined,
      claims,
    };
  }

  /** Discovery once, on first use; a failed discovery is forgotten so that the next sign-in tries again. */
  private configuration(): Promise<oidc.Configuration> {
    if (!this.discovered) {
      const { clientId, clientSecret } = this.config;
      this.discovered = oidc
        .discovery(
          this.issuer,
          clientId,
          clientSecret ? { client_secret: clientSecret } : undefined,
          clientSecret ? oidc.ClientSecretBasic(clientSecret) : oidc.None(),
          // Plain http only for a provider on this machine (tests); secureUrl() refused it anywhere else.
          { execute: this.issuer.protocol === 'http:' ? [oidc.allowInsecureRequests] : [] },
        )
        .catch((err: unknown) => {
          this.discovered = undefined;
          throw new OidcSignInError(
            'oidc-discovery-failed',
            `OpenID provider ${this.issuer.href} could not be discovered: ${messageOf(err)}`,
            undefined,
            undefined,
            { cause: err },
          );
        });
    }
    return this.discovered;
  }
}

/** https, or http on localhost / 127.0.0.1 only. */
function secureUrl(value: string, name: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`OIDC ${name} is not a URL: ${value}`);
  }
  const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
    throw new Error(`OIDC ${name} must use https (plain http only on localhost): ${value}`);
  }
  return url;
}

/**
 * openid-client has already refused; this names why. Its errors are told apart by their stable `code`
 * (oauth4webapi's), not by class, which a second copy of the library would not share.
 */
function refusal(err: unknown, callback: URL, pending: PendingSignIn): OidcSignInError {
  const { code, error, error_description } = (err ?? {}) as {
    code?: unknown;
    error?: unknown;
    error_description?: unknown;
  };
  const providerError = typeof error === 'string' ? error : undefined;
  const providerErrorDescription = typeof error_description === 'string' ? error_description : undefined;
  // openid-client compares the state before it looks at an error in the callback.
  if (callback.searchParams.get('state') !== pending.state) {
    return new OidcSignInError('oidc-state-mismatch', 'the callback does not carry the state this sign-in started with', undefined, undefined, { cause: err });
  }
  if (code === 'OAUTH_AUTHORIZATION_RESPONSE_ERROR') {
    return new OidcSignInError(
      'oidc-provider-error',
      `the provider refused the sign-in: ${providerError}${providerErrorDescription ? ` (${providerErrorDescription})` : ''}`,
      providerError,
      providerErrorDescription,
      { cause: err },
    );
  }
  return new OidcSignInError(
    'oidc-exchange-failed',
    `the sign-in could not be completed: ${providerError ?? messageOf(err)}${providerErrorDescription ? ` (${providerErrorDescription})` : ''}`,
    providerError,
    providerErrorDescription,
    { cause: err },
  );
}

function messageOf(err: unknown): string {
  const cause = err instanceof Error ? err.cause : undefined;
  const detail = cause instanceof Error && cause.message ? `: ${cause.message}` : '';
  return err instanceof Error ? `${err.message}${detail}` : String(err);
}
