import { Body, Controller, Get, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../../config';
import { requireAcceptablePassword } from '../../domain/accounts/password-policy';
import { Actor } from '../../domain/messages';
import { administers, SIGN_OFF_GRANTS } from '../../domain/person/grants';
import { requireOperation } from '../../domain/service.access';
import { AccountStore } from '../accounts/account-store';
import { FirstStart } from '../accounts/first-start.service';
import { PasswordHasher } from '../accounts/password-hasher';
import { SignInThrottle } from '../accounts/sign-in-throttle';
import { newTotpSecret, verifyTotp } from '../accounts/totp';
import { APP_CONFIG } from '../event-store/event-store.module';
import { PeopleQueries } from '../read-models/people/people.query';
import { CurrentActor, CurrentAuthentication, Public } from './auth.guard';
import { Authenticated, sessionCookie } from './authenticator';
import { problem, ProblemError } from './problem.filter';
import { Sessions } from './sessions';

class SignInDto {
  @ApiProperty({ example: 'wang.li' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  login!: string;

  @ApiProperty({ example: 'correct horse battery staple' })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password!: string;

  @ApiPropertyOptional({ example: '123456', description: 'The authenticator app’s code, when the account has one' })
  @IsOptional()
  @Matches(/^\d{6}$/, { message: 'totp must be the six digits the authenticator app shows' })
  totp?: string;
}

class SetUpDto {
  @ApiProperty({ description: 'The secret of the one-time set-up link' })
  @Matches(/^[A-Za-z0-9_-]{43}$/, { message: 'token must be the secret of a set-up link' })
  token!: string;

  @ApiProperty({ example: 'admin' })
  @Matches(/^[\p{L}\p{N}._@-]{2,64}$/u, { message: 'login must be 2–64 letters, digits or . _ @ -' })
  login!: string;

  @ApiProperty()
  @IsString()
  @MaxLength(1024)
  password!: string;
}

class ActAsDto {
  @ApiProperty()
  @IsString()
  @MaxLength(200)
  grantId!: string;
}

class TotpCodeDto {
  @ApiProperty({ example: '123456' })
  @Matches(/^\d{6}$/, { message: 'code must be the six digits the authenticator app shows' })
  code!: string;
}

class NewTokenDto {
  @ApiProperty({ example: '夜间数据同步' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ApiProperty({ description: 'The grant the token acts with: one of your own' })
  @IsString()
  @MaxLength(200)
  grantId!: string;

  @ApiPropertyOptional({ example: 90, minimum: 1, maximum: 366 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(366)
  expiresInDays?: number;
}

/** Some things only a person who signed in may do, never a token: make more tokens, change the second factor. */
function requireSignedIn(auth: Authenticated): void {
  if (!auth.session) throw refusal(403, 'session-required', 'sign in to do this; an access token may not');
}

const refusal = (status: number, code: string, detail: string, extra: Record<string, unknown> = {}) => new ProblemError(problem(status, code, detail, extra));

/**
 * Signing in and what a person does with their own account: a session for the browser (an HttpOnly
 * cookie, and its CSRF token for every state-changing request), personal access tokens for machine
 * clients, an authenticator app as a second factor, and the one-time link that sets a password.
 */
@ApiTags('sign-in')
@Controller('auth')
export class SignInController {
  private readonly hasher = new PasswordHasher();

  constructor(
    private readonly accounts: AccountStore,
    private readonly throttle: SignInThrottle,
    private readonly people: PeopleQueries,
    private readonly firstStart: FirstStart,
    private readonly starter: Sessions,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Public()
  @Get('methods')
  @ApiOperation({ summary: 'How people sign in here: with a password, and (when configured) through the province’s identity platform (GET /auth/oidc/start)' })
  methods() {
    return { password: true, identityPlatform: this.config.oidcSignIn !== undefined };
  }

  @Public()
  @Post('sign-in')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with a login and password (and the authenticator code when the account has one): sets the session cookie' })
  async signIn(@Body() body: SignInDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const { decision, takeBack, succeeded } = await this.throttle.attempt(body.login, request.ip);
    if (!decision.allowed) {
      reply.header('retry-after', String(decision.retryAfterSeconds));
      throw refusal(429, 'sign-in-throttled', `too many failed sign-ins; try again in ${decision.retryAfterSeconds} s`, { reason: decision.reason, retryAfterSeconds: decision.retryAfterSeconds });
    }
    const login = await this.accounts.login(body.login);
    const verified = login?.passwordHash ? await this.hasher.verify(body.password, login.passwordHash) : await this.hasher.dummyVerify(body.password);
    // A wrong password, and an unknown login, stay counted: the same answer whether the login exists or not.
    if (!login || !verified) throw refusal(401, 'sign-in-failed', 'the login or the password is wrong');
    if (login.totpSecret) {
      if (!body.totp) {
        await takeBack();
        throw refusal(401, 'totp-required', 'this account signs in with its authenticator app’s code too');
      }
      const totp = verifyTotp(login.totpSecret, body.totp, new Date(), login.totpLastStep ?? undefined);
      if (!totp.ok || !(await this.accounts.useTotpStep(login.personId, totp.step))) {
        throw refusal(401, 'sign-in-failed', 'the authenticator code is wrong or was used already');
      }
    }
    await succeeded();
    if (this.hasher.needsRehash(login.passwordHash!)) await this.accounts.setPassword(login.personId, await this.hasher.hash(body.password));
    return this.starter.start(login.personId, request, reply);
  }

  @Public()
  @Post('setup')
  @HttpCode(200)
  @ApiOperation({ summary: 'Use a one-time set-up link: choose a login and a password, and sign in' })
  async setUp(@Body() body: SetUpDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const holder = await this.accounts.setupLinkHolder(body.token, new Date());
    if (!holder) throw refusal(404, 'setup-link-invalid', 'the set-up link is unknown, used already, or expired');
    const first = holder === FirstStart.ADMIN_ID;
    requireAcceptablePassword(body.password, { account: body.login, name: first ? undefined : (this.people.person(holder)?.name as string | undefined) });
    const taken = await this.accounts.login(body.login);
    if (taken && taken.personId !== holder) throw refusal(409, 'login-taken', `the login ${body.login} is taken; choose another`);
    // Checked first, used once: a refused password does not spend the link, and two uses racing set up once.
    const personId = await this.accounts.useSetupLink(body.token, new Date());
    if (!personId) throw refusal(404, 'setup-link-invalid', 'the set-up link is unknown, used already, or expired');
    if (first) await this.firstStart.registerFirstAdmin();
    if (!(await this.accounts.loginOf(personId)) && !(await this.accounts.createLogin(body.login, personId, new Date()))) {
      throw refusal(409, 'login-taken', `the login ${body.login} is taken; choose another`);
    }
    await this.accounts.setPassword(personId, await this.hasher.hash(body.password));
    // A person who had a login keeps it (the link set a new password): the answer says which.
    return { ...(await this.starter.start(personId, request, reply)), login: (await this.accounts.loginOf(personId))!.login };
  }

  @Post('sign-out')
  @HttpCode(200)
  @ApiOperation({ summary: 'End this session on the server and clear its cookie' })
  async signOut(@CurrentAuthentication() auth: Authenticated, @Res({ passthrough: true }) reply: FastifyReply) {
    if (auth.session) await this.accounts.endSession(auth.session.secret, new Date());
    reply.header('set-cookie', sessionCookie('', this.config.secureCookies));
    return { signedOut: true };
  }

  @Get('session')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Who is signed in: the person, the grant they act with, their other grants, and the session’s CSRF token' })
  session(@CurrentAuthentication() auth: Authenticated) {
    return {
      personId: auth.personId,
      actor: auth.actor,
      grants: auth.grants.map(({ grantId, kind, projectId, actor }) => ({
        grantId,
        kind,
        projectId,
        role: actor.role,
        org: actor.org,
        orgName: (this.people.organisation(actor.org)?.name as string | undefined) ?? null,
        region: actor.region ?? null,
        // Whether the grant signs the organisation's applications off (校长/法人), so the console offers to submit.
        signsOff: SIGN_OFF_GRANTS.includes(kind),
      })),
      csrfToken: auth.session?.csrf ?? null,
    };
  }

  @Post('session/act-as')
  @HttpCode(200)
  @ApiOperation({ summary: 'Act with another of your grants in this session' })
  async actAs(@Body() body: ActAsDto, @CurrentAuthentication() auth: Authenticated) {
    const grant = auth.grants.find((g) => g.grantId === body.grantId);
    if (!auth.session || !grant) throw refusal(404, 'grant-not-found', 'you hold no such grant in a session');
    await this.accounts.actAs(auth.session.secret, grant.grantId);
    return { actor: grant.actor };
  }

  @Get('sessions')
  @ApiOperation({ summary: 'Your open sessions' })
  async sessions(@CurrentAuthentication() auth: Authenticated) {
    return { items: await this.accounts.sessionsOf(auth.personId) };
  }

  @Post('sessions/:sessionId/end')
  @HttpCode(200)
  @ApiOperation({ summary: 'End one of your sessions (another browser, a lost phone)' })
  async endSession(@Param('sessionId') sessionId: string, @CurrentAuthentication() auth: Authenticated) {
    if (!(await this.accounts.endSessionOf(auth.personId, sessionId, new Date()))) throw refusal(404, 'session-not-found', 'you have no such open session');
    return { ended: true };
  }

  @Get('people/:personId/sessions')
  @ApiOperation({ summary: 'A person’s open sessions — office' })
  async sessionsOf(@Param('personId') personId: string, @CurrentActor() actor: Actor) {
    requireOperation('EndOthersSessions', actor);
    if (!this.people.person(personId)) throw refusal(404, 'person-not-found', 'no such person');
    return { items: await this.accounts.sessionsOf(personId) };
  }

  @Post('people/:personId/sessions/:sessionId/end')
  @HttpCode(200)
  @ApiOperation({ summary: 'End one of a person’s sessions (a lost laptop, a person who left) — office' })
  async endSessionOf(@Param('personId') personId: string, @Param('sessionId') sessionId: string, @CurrentActor() actor: Actor) {
    requireOperation('EndOthersSessions', actor);
    if (!(await this.accounts.endSessionOf(personId, sessionId, new Date()))) throw refusal(404, 'session-not-found', 'the person has no such open session');
    return { ended: true };
  }

  @Post('people/:personId/setup-link')
  @HttpCode(201)
  @ApiOperation({ summary: 'A one-time link (valid 72 hours) for a person to choose a password — the office’s admins, or their organisation’s admin' })
  async setupLink(@Param('personId') personId: string, @CurrentAuthentication() auth: Authenticated) {
    const person = this.people.person(personId);
    if (!person) throw refusal(404, 'person-not-found', 'no such person');
    const standing = { grants: auth.grants.map((g) => ({ kind: g.kind, organisationId: g.actor.org })) };
    if (!administers(standing, String(person.organisationId))) {
      throw refusal(403, 'not-organisation-admin', 'set-up links are issued by the person’s organisation’s admin or the office’s');
    }
    const expiresAt = new Date(Date.now() + 72 * 3_600_000);
    const secret = await this.accounts.createSetupLink(personId, expiresAt);
    return { setupUrl: `${this.config.publicUrl}/console/setup#${secret}`, token: secret, expiresAt: expiresAt.toISOString() };
  }

  @Post('tokens')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a personal access token acting with one of your grants; it is shown once' })
  async createToken(@Body() body: NewTokenDto, @CurrentAuthentication() auth: Authenticated) {
    requireSignedIn(auth);
    const grant = auth.grants.find((g) => g.grantId === body.grantId);
    if (!grant) throw refusal(404, 'grant-not-found', 'a token acts with one of your own grants');
    const now = new Date();
    const expiresAt = new Date(now.getTime() + (body.expiresInDays ?? 90) * 86_400_000);
    const { tokenId, token } = await this.accounts.createToken(auth.personId, grant.grantId, body.name, now, expiresAt);
    return { tokenId, token, grantId: grant.grantId, expiresAt: expiresAt.toISOString() };
  }

  @Get('tokens')
  @ApiOperation({ summary: 'Your personal access tokens (never their secrets)' })
  async tokens(@CurrentAuthentication() auth: Authenticated) {
    return { items: await this.accounts.tokensOf(auth.personId) };
  }

  @Post('tokens/:tokenId/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke one of your personal access tokens' })
  async revokeToken(@Param('tokenId') tokenId: string, @CurrentAuthentication() auth: Authenticated) {
    if (!(await this.accounts.revokeToken(auth.personId, tokenId, new Date()))) throw refusal(404, 'token-not-found', 'you have no such token');
    return { revoked: true };
  }

  @Post('totp')
  @HttpCode(200)
  @ApiOperation({ summary: 'Begin adding an authenticator app: its secret and otpauth:// link (confirm with a code)' })
  async enrolTotp(@CurrentAuthentication() auth: Authenticated) {
    requireSignedIn(auth);
    const login = await this.accounts.loginOf(auth.personId);
    if (!login) throw refusal(404, 'no-local-login', 'an authenticator app is added to an account that signs in with a password');
    // Replacing the app would let whoever holds a session take the second factor over.
    if (login.totpSecret) throw refusal(409, 'totp-already-enabled', 'this account has an authenticator app already');
    const { secret, uri } = newTotpSecret(login.login);
    await this.accounts.setPendingTotp(login.personId, secret);
    return { secret, uri };
  }

  @Post('totp/confirm')
  @HttpCode(200)
  @ApiOperation({ summary: 'Confirm the authenticator app with its current code: sign-ins ask for a code from then on' })
  async confirmTotp(@Body() body: TotpCodeDto, @CurrentAuthentication() auth: Authenticated) {
    requireSignedIn(auth);
    const pending = await this.accounts.pendingTotp(auth.personId);
    if (!pending) throw refusal(404, 'no-pending-totp', 'begin with POST /auth/totp');
    const verified = verifyTotp(pending, body.code, new Date());
    if (!verified.ok) throw refusal(400, 'totp-code-wrong', 'the code does not match; check the phone’s time and try the next code');
    await this.accounts.confirmTotp(auth.personId, verified.step);
    return { totp: true };
  }
}
