import { Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../../config';
import { AccountStore } from '../accounts/account-store';
import { OidcSignIn, OidcSignInError } from '../accounts/oidc-client';
import { APP_CONFIG } from '../event-store/event-store.module';
import { CurrentAuthentication, Public } from './auth.guard';
import { Authenticated, secretCookie, secretCookieHeader } from './authenticator';
import { problem, ProblemError } from './problem.filter';
import { Sessions } from './sessions';

/** The injection token of the configured OIDC sign-in, or null when the service has none. */
export const OIDC_SIGN_IN = Symbol('OidcSignIn');

/** The browser's handle on a sign-in started with the identity platform; what it names stays on the server. */
const PENDING_COOKIE = 'als_oidc';
const PENDING_MS = 10 * 60 * 1000;

/**
 * Sign-in through the province's identity platform: the authorization code flow with PKCE. A person
 * links the platform's subject to their account once, signed in (`POST /auth/oidc/link`); from then
 * on `GET /auth/oidc/start` signs them in. The platform says who someone is; what they may do is their
 * grants', never its claims.
 */
@ApiTags('sign-in')
@Controller('auth/oidc')
export class OidcController {
  constructor(
    @Inject(OIDC_SIGN_IN) private readonly oidc: OidcSignIn | null,
    private readonly accounts: AccountStore,
    private readonly sessions: Sessions,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Public()
  @Get('start')
  @ApiOperation({ summary: 'Sign in with the identity platform: redirects there (303)' })
  async start(@Res({ passthrough: true }) reply: FastifyReply) {
    const url = await this.begin(null, reply);
    reply.status(303).header('location', url);
    return { location: url };
  }

  @Post('link')
  @HttpCode(200)
  @ApiOperation({ summary: 'Link your identity-platform account to this one: answers the URL to send the browser to' })
  async link(@CurrentAuthentication() auth: Authenticated, @Res({ passthrough: true }) reply: FastifyReply) {
    return { location: await this.begin(auth.personId, reply) };
  }

  @Public()
  @Get('callback')
  @ApiOperation({ summary: 'Where the identity platform sends the browser back: signs in (303 to the console), or links the identity' })
  async callback(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const oidc = this.required();
    const secret = secretCookie(request.headers.cookie, PENDING_COOKIE);
    reply.header('set-cookie', pendingCookie('', this.config.secureCookies));
    const kept = secret ? await this.accounts.takeOidcSignIn(secret, new Date(), PENDING_MS) : undefined;
    if (!kept) throw refusal(400, 'oidc-sign-in-expired', 'no sign-in was started in this browser in the last 10 minutes; start again');
    let identity;
    try {
      identity = await oidc.finish(`${this.config.publicUrl}${request.url}`, kept.pending);
    } catch (error) {
      if (!(error instanceof OidcSignInError)) throw error;
      const status = error.code === 'oidc-discovery-failed' ? 503 : 400;
      throw refusal(status, error.code, error.code === 'oidc-provider-error' ? `the identity platform answered ${error.providerError}` : error.message);
    }
    const linked = await this.accounts.personOfIdentity(identity.issuer, identity.subject);
    if (kept.linkPersonId) {
      if (linked && linked !== kept.linkPersonId) throw refusal(409, 'identity-linked-elsewhere', 'this identity-platform account is linked to another person');
      if (!linked) await this.accounts.linkIdentity(identity.issuer, identity.subject, kept.linkPersonId, new Date());
    } else if (!linked) {
      throw refusal(403, 'identity-not-linked', 'this identity-platform account is not linked to a person here: sign in once with your password and link it');
    }
    const answer = await this.sessions.start(kept.linkPersonId ?? linked!, request, reply);
    reply.status(303).header('location', `${this.config.publicUrl}/console/`);
    return answer;
  }

  private async begin(linkPersonId: string | null, reply: FastifyReply): Promise<string> {
    const { url, pending } = await this.required().start();
    const secret = await this.accounts.keepOidcSignIn(pending, linkPersonId, new Date());
    reply.header('set-cookie', pendingCookie(secret, this.config.secureCookies));
    return url;
  }

  private required(): OidcSignIn {
    if (!this.oidc) throw refusal(404, 'oidc-not-configured', 'this service signs in with passwords only (no OIDC_SIGN_IN_ISSUER)');
    return this.oidc;
  }
}

const refusal = (status: number, code: string, detail: string) => new ProblemError(problem(status, code, detail));

/** Lax, so the top-level navigation back from the platform carries it; gone after ten minutes. */
const pendingCookie = (secret: string, secure: boolean): string => secretCookieHeader(PENDING_COOKIE, secret, { path: '/auth/oidc', maxAgeMs: PENDING_MS, secure });
