import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config';
import { ROLES, Role } from '../domain/messages';
import { mintToken } from '../infrastructure/http/auth';

/** `npm run token -- --role office --org dept --sub u-1 [--region 太原市] [--expires 8h]` */
async function main() {
  const { values } = parseArgs({
    options: {
      role: { type: 'string' },
      org: { type: 'string' },
      sub: { type: 'string' },
      region: { type: 'string' },
      expires: { type: 'string', default: '8h' },
    },
  });
  if (!values.role || !(ROLES as readonly string[]).includes(values.role) || !values.org || !values.sub) {
    throw new Error(`usage: npm run token -- --role <${ROLES.join('|')}> --org <organisation> --sub <user> [--region <city>] [--expires 8h]`);
  }
  const token = await mintToken(
    loadConfig(),
    { sub: values.sub, role: values.role as Role, org: values.org, ...(values.region ? { region: values.region } : {}) },
    values.expires,
  );
  process.stdout.write(`${token}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : (error as Error).message}\n`);
  process.exit(1);
});
