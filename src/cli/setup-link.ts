import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config';
import { accountStoreFor } from '../infrastructure/accounts/account-stores';
import { FirstStart, SETUP_LINK_HOURS } from '../infrastructure/accounts/first-start.service';

const USAGE = [
  'Prints a one-time set-up link for an account of the service on this DATA_DIR: the person who opens it chooses a',
  'password (and, the first time, a login) and is signed in. For an operator on the server when nobody can sign in',
  'to issue one (POST /auth/people/:id/setup-link does that for the office and school admins).',
  '',
  'usage: npm run -s setup-link -- [--login <login>]',
  '',
  '  (no flag)        the office’s first admin: the same link the first start prints, for when it is lost',
  '  --login <login>  the person who signs in with this login, e.g. after a forgotten password; their login stays',
  '  --help           prints this text',
  '',
  `The link works once, for ${SETUP_LINK_HOURS} hours. PUBLIC_URL (default http://localhost:PORT) is where it points.`,
].join('\n');

function parse() {
  try {
    return parseArgs({ options: { login: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }).values;
  } catch (error) {
    throw new Error(`${(error as Error).message}; run with --help for the flags`);
  }
}

async function main() {
  const values = parse();
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const config = loadConfig();
  const accounts = accountStoreFor(config);
  try {
    const personId = values.login === undefined ? FirstStart.ADMIN_ID : (await accounts.login(values.login))?.personId;
    if (!personId) throw new Error(`no account signs in with the login "${values.login}" in ${config.postgres ? `the schema ${config.postgres.schema}` : config.dataDir}`);
    const secret = await accounts.createSetupLink(personId, new Date(Date.now() + SETUP_LINK_HOURS * 3_600_000));
    process.stderr.write(`a one-time set-up link for ${values.login === undefined ? 'the office’s first admin' : `the login ${values.login}`}, valid ${SETUP_LINK_HOURS} hours:\n`);
    process.stdout.write(`${config.publicUrl}/console/setup#${secret}\n`);
  } finally {
    await accounts.onApplicationShutdown();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : (error as Error).message}\n`);
  process.exit(1);
});
