import 'reflect-metadata';
import { createApp } from './app';
import { ConfigError, loadConfig } from './config';
import { embeddedSecret } from './infrastructure/http/auth';

async function main() {
  const config = loadConfig();
  if (config.auth.kind === 'hs256' && !config.auth.secret && embeddedSecret(config).generated) {
    process.stdout.write(
      `${JSON.stringify({
        level: 30,
        time: Date.now(),
        msg: `generated a token signing secret in ${config.dataDir}/jwt-secret; mint a token with: npm run -s token -- --role office --org 山西省教育厅 --sub office-1 (--help lists the flags)`,
      })}\n`,
    );
  }
  const app = await createApp(config);
  await app.listen(config.port, config.host);
}

main().catch((error: unknown) => {
  // A wrong setting is the operator's to fix: say which one, without a stack trace.
  const message = error instanceof ConfigError ? error.message : `failed to start: ${(error as Error).stack ?? String(error)}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
