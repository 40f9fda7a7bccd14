import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { DecidePerson, DecideRegistry } from '../../application/accounts.commands';
import { Clock, CLOCK } from '../../application/clock';
import { FoldedStreams } from '../../application/folded-streams';
import { CommandRequest, readState } from '../../application/handle-command';
import { nameBasedUuid } from '../../application/ids';
import { personStream, REGISTRY_STREAM } from '../../application/streams';
import { Actor } from '../../domain/messages';
import { personDecider } from '../../domain/person/person.decider';
import { registryDecider } from '../../domain/organisation/registry.decider';
import { organisationOf } from '../../domain/organisation/registry.state';
import { AppConfig } from '../../config';
import { APP_CONFIG } from '../event-store/event-store.module';
import { AccountStore } from './account-store';

/** How long the first start's set-up link works; a start after that, with no admin set up, prints a new one. */
export const SETUP_LINK_HOURS = 24;

/**
 * A start with no account set up yet prints a one-time link to set up the office's first admin (as
 * Grafana or Jenkins do): the first start on an empty data folder, and the first start on a log an
 * earlier release wrote before people had accounts. No default password exists. Starting writes
 * nothing to the log: the office, its first admin and the admin's grant are registered when the link
 * is used, each step with a fixed command id, so two processes (or two uses racing) write them once.
 * Until someone has set up an account, every start prints a fresh link.
 */
@Injectable()
export class FirstStart implements OnApplicationBootstrap {
  /** The set-up link this start printed, if it printed one. */
  setupLink?: string;
  private readonly logger = new Logger('FirstStart');

  constructor(
    private readonly commands: CommandBus,
    private readonly streams: FoldedStreams,
    private readonly accounts: AccountStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The first admin's person id: the same on every start and in every process. */
  static readonly ADMIN_ID = nameBasedUuid('first-start:office-admin');

  async onApplicationBootstrap(): Promise<void> {
    if (await this.accounts.hasAnyLogin()) return;
    const secret = await this.accounts.createSetupLink(FirstStart.ADMIN_ID, new Date(Date.now() + SETUP_LINK_HOURS * 3_600_000));
    this.setupLink = `${this.config.publicUrl}/console/setup#${secret}`;
    this.logger.warn({ msg: 'first start: the office’s first admin is set up with a one-time link', setupUrl: this.setupLink, validHours: SETUP_LINK_HOURS });
    // A person starting the service in a terminal reads the link there; logs stay JSON lines.
    if (process.stdout.isTTY) {
      process.stdout.write(
        [
          '',
          `  首次启动：请在 ${SETUP_LINK_HOURS} 小时内设置省教育厅第一位管理员的登录名和密码。`,
          `  First start: set up the office’s first admin within ${SETUP_LINK_HOURS} hours:`,
          `    ${this.setupLink}`,
          `  or: curl -X POST ${this.config.publicUrl}/auth/setup -H 'content-type: application/json' \\`,
          `        -d '{"token":"${secret}","login":"admin","password":"<at least 12 characters>"}'`,
          '',
        ].join('\n') + '\n',
      );
    }
  }

  /** Registers the office, its first admin and the admin's grant, unless they are: when the first start's link is used. */
  async registerFirstAdmin(): Promise<void> {
    const adminId = FirstStart.ADMIN_ID;
    if ((await readState(this.streams, personDecider, personStream(adminId))).state.status !== 'None') return;
    const { creditCode, name } = this.config.office;
    const now = this.clock.now().toISOString();
    const actor: Actor = { id: adminId, role: 'office', org: creditCode };
    const request = (step: string): CommandRequest => ({ commandId: `first-start:${step}`, actor, issuedBy: { issuer: 'first-start', decidedAt: now } });
    const { state: registry } = await readState(this.streams, registryDecider, REGISTRY_STREAM);
    if (!organisationOf(registry, creditCode)) {
      await this.commands.execute(new DecideRegistry({ type: 'RegisterOrganisation', data: { organisation: { kind: 'office', creditCode, name } } }, request('office')));
    }
    await this.commands.execute(new DecidePerson(adminId, { type: 'RegisterPerson', data: { personId: adminId, name: '系统管理员', organisationId: creditCode } }, request('admin')));
    await this.commands.execute(
      new DecidePerson(adminId, { type: 'GrantRole', data: { grantId: 'first-admin', kind: 'office-admin', reason: '首次启动：省教育厅的第一位管理员' } }, request('admin-grant')),
    );
  }
}
