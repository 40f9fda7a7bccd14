import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config';
import { ROLES, Role } from '../domain/messages';
import { embeddedSecret, formatDuration, mintToken, TokenLifetimeError } from '../infrastructure/http/auth';

const DEFAULT_EXPIRES = '8h';

function usage(maxLifetimeSeconds: number | undefined): string {
  const max = maxLifetimeSeconds === undefined ? 'TOKEN_MAX_LIFETIME' : `${formatDuration(maxLifetimeSeconds)} (TOKEN_MAX_LIFETIME)`;
  return [
    'Mints a bearer token that the service of this DATA_DIR (or JWT_SECRET) accepts; prints it on stdout.',
    '',
    'usage: npm run -s token -- --role <role> --org <organisation> --sub <user> [--region <city>] [--expires <duration>]',
    '',
    `  --role <role>         required: one of ${ROLES.join(', ')}`,
    '  --org <organisation>  required: the organisation the user acts for (e.g. 山西省教育厅, or a school code)',
    '  --sub <user>          required: the user id, recorded as the actor of every event the token writes',
    '  --region <city>       optional: the city of a recommender, whose projects it sees (e.g. 太原市); no default',
    `  --expires <duration>  optional: how long the token lives, e.g. 30m, 8h, 1d; default ${DEFAULT_EXPIRES}, at most ${max}`,
    '  --help                prints this text',
    '',
    'The signing secret is JWT_SECRET when set, otherwise DATA_DIR/jwt-secret (DATA_DIR defaults to ./data; the file is',
    'created when missing). It must be the same one the service uses, or the service answers 401. Which one was used is',
    'printed on stderr.',
  ].join('\n');
}

function parse() {
  try {
    return parseArgs({
      options: {
        role: { type: 'string' },
        org: { type: 'string' },
        sub: { type: 'string' },
        region: { type: 'string' },
        expires: { type: 'string', default: DEFAULT_EXPIRES },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new Error(`${(error as Error).message}; run with --help for the flags`);
  }
}

async function main() {
  const { values } = parse();
  if (values.help) {
    let max: number | undefined;
    try {
      max = loadConfig().tokenMaxLifetimeSeconds;
    } catch {
      // The help text does not depend on a valid configuration.
    }
    process.stdout.write(`${usage(max)}\n`);
    return;
  }
  const config = loadConfig();
  const missing = (['role', 'org', 'sub'] as const).filter((flag) => !values[flag]);
  if (missing.length) throw new Error(`missing ${missing.map((flag) => `--${flag}`).join(', ')}\n\n${usage(config.tokenMaxLifetimeSeconds)}`);
  if (!(ROLES as readonly string[]).includes(values.role!)) throw new Error(`--role must be one of ${ROLES.join(', ')}, got "${values.role}"`);
  if (config.auth.kind !== 'hs256') throw new Error('OIDC_JWKS_URL is set: tokens come from the identity provider, not from this tool');
  const { source, generated } = embeddedSecret(config);
  let token: string;
  try {
    token = await mintToken(
      config,
      { sub: values.sub!, role: values.role as Role, org: values.org!, ...(values.region ? { region: values.region } : {}) },
      values.expires,
    );
  } catch (error) {
    if (error instanceof TokenLifetimeError) throw new Error(`--expires ${values.expires}: ${error.message}`);
    // jose's own words for a duration it cannot read.
    if (error instanceof TypeError) throw new Error(`--expires ${values.expires}: not a duration (use e.g. 30m, 8h or 1d)`);
    throw error;
  }
  process.stderr.write(`signed with the secret from ${source}${generated ? ' (just generated)' : ''}\n`);
  process.stdout.write(`${token}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : (error as Error).message}\n`);
  process.exit(1);
});
