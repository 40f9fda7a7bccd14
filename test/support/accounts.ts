import { FirstStart } from '../../src/infrastructure/accounts/first-start.service';
import { ServiceAccounts } from '../../src/demo/accounts';
import { RunningApp } from './test-app';

export { creditCodeFor } from '../../src/demo/accounts';
export type { Account, Service, Who } from '../../src/demo/accounts';

const opened = new WeakMap<RunningApp, Promise<ServiceAccounts>>();

/**
 * The accounts of a test's service, made through its API as the demo makes a province's
 * (src/demo/accounts.ts): the first admin is set up once per running service, with the link its first
 * start printed, and registers every person a test names.
 */
export const Accounts = {
  of(running: RunningApp): Promise<ServiceAccounts> {
    let accounts = opened.get(running);
    if (!accounts) {
      const link = running.app.get(FirstStart).setupLink;
      if (!link) throw new Error('the service printed no set-up link: its data folder had accounts already');
      accounts = ServiceAccounts.withLink({ url: running.url }, link);
      opened.set(running, accounts);
    }
    return accounts;
  },
  /** The accounts of a service in another process, from the set-up link its first start logged. */
  withLink: ServiceAccounts.withLink,
};
export type Accounts = ServiceAccounts;
