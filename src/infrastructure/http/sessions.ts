import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../../config';
import { AccountStore } from '../accounts/account-store';
import { APP_CONFIG } from '../event-store/event-store.module';
import { PeopleQueries } from '../read-models/people/people.query';
import { sessionCookie } from './authenticator';

/** Starts a browser session for a person who has just proved who they are (a password, a set-up link, the identity platform). */
@Injectable()
export class Sessions {
  constructor(
    private readonly accounts: AccountStore,
    private readonly people: PeopleQueries,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Sets the session cookie; the session acts with the person's first grant until they choose another. */
  async start(personId: string, request: FastifyRequest, reply: FastifyReply) {
    // A grant given a moment ago (the first start's) is found.
    await this.people.upToDate();
    const [first] = this.people.actingGrants(personId);
    const { secret, csrf } = await this.accounts.createSession(personId, first?.grantId ?? null, new Date(), { userAgent: request.headers['user-agent'], address: request.ip });
    reply.header('set-cookie', sessionCookie(secret, this.config.secureCookies));
    return { personId, csrfToken: csrf, actor: first?.actor ?? null };
  }
}
