import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app';
import { ConfigError, loadConfig } from './config';

async function main() {
  const config = loadConfig();
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  // The one line of start-up at info: where the service answers and what it runs on.
  new Logger('Service').log({ msg: `listening on ${config.host}:${config.port}, reached at ${config.publicUrl}`, store: config.eventStore, dataDir: config.dataDir, sandbox: config.sandbox });
}

main().catch((error: unknown) => {
  // A wrong setting is the operator's to fix: say which one, without a stack trace.
  const message = error instanceof ConfigError ? error.message : `failed to start: ${(error as Error).stack ?? String(error)}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
