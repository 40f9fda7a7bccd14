import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AppConfig } from '../../config';
import { openShared } from '../projections/sqlite-busy';
import { AccountStore } from './account-store';
import { PostgresAccountStore } from './postgres-account-store';
import { PostgresSignInFailures } from './postgres-sign-in-failures';
import { SignInThrottle, SignInThrottleOptions, SqliteSignInFailures } from './sign-in-throttle';

/**
 * Where the accounts and the sign-in throttle live: with EVENT_STORE=postgres in the store's schema,
 * shared by every instance on the store (accounts.db is not opened); otherwise in `accounts.db` of the
 * data folder, shared by the processes on it. Both close what they opened at shutdown.
 */
export function accountStoreFor(config: Pick<AppConfig, 'dataDir' | 'postgres'>): AccountStore {
  return config.postgres ? new PostgresAccountStore({ connectionString: config.postgres.url, schema: config.postgres.schema }) : AccountStore.open(join(config.dataDir, 'accounts.db'));
}

export function signInThrottleFor(config: Pick<AppConfig, 'dataDir' | 'postgres'>, options: SignInThrottleOptions = {}): SignInThrottle {
  const failures = config.postgres
    ? new PostgresSignInFailures({ connectionString: config.postgres.url, schema: config.postgres.schema })
    : // accounts.db, opened for the throttle itself and closed with it.
      new SqliteSignInFailures(openShared(accountsFile(config.dataDir), 'FULL'), true);
  return new SignInThrottle(failures, options);
}

function accountsFile(dataDir: string): string {
  mkdirSync(dataDir, { recursive: true });
  return join(dataDir, 'accounts.db');
}
