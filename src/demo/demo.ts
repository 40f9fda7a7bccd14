import 'reflect-metadata';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '../config';
import { ServiceAccounts } from './accounts';
import { playPlan } from './play-plan';
import { CLOCK_START, DemoService, startService } from './service';
import { formatSummary } from './summary';

const USAGE = `usage: npm run demo [-- [--url http://host:port --setup-link <link>] [--scale 400] [--concurrency 16]]

Plays the 2020 Shanxi plan through the service's HTTP API on its simulated clock; its people get their
accounts through the API, from the office's first admin on.
Without --url it starts its own throwaway service (node dist/main.js, temporary data folder, free port).
With --url it plays against a running service, which must be fresh (the set-up link its first start
printed still unused), run with CLOCK=simulated and CLOCK_START=${CLOCK_START} (or earlier).`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      'setup-link': { type: 'string' },
      scale: { type: 'string', default: '400' },
      concurrency: { type: 'string', default: '16' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const scale = Number(values.scale);
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(scale) || scale < 11 || scale > 5000) throw new Error(`--scale is a number of schools from 11 to 5000, not ${values.scale}`);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) throw new Error(`--concurrency is from 1 to 256, not ${values.concurrency}`);

  const started = Date.now();
  let service: DemoService | undefined;
  let url: string;
  let setupLink: string;
  if (values.url) {
    url = values.url.replace(/\/+$/, '');
    if (!values['setup-link']) throw new Error('--url needs --setup-link: the one-time link the service printed on its first start (its setupUrl log line)');
    setupLink = values['setup-link'];
    process.stdout.write(`Playing the 2020 Shanxi plan against ${url} (${scale} schools, ${concurrency} requests in flight)\n`);
  } else {
    process.stdout.write('Starting a throwaway service (node dist/main.js, CLOCK=simulated)…\n');
    service = await startService(join(__dirname, '..', 'main.js'));
    url = service.url;
    // A throwaway service starts on an empty folder: startService has the link or has thrown.
    setupLink = service.setupLink!;
    process.stdout.write(`Service on ${url}, data in ${service.dataDir}, clock from ${CLOCK_START}; ${scale} schools, ${concurrency} requests in flight\n\n`);
  }
  const stopService = async () => {
    const s = service;
    service = undefined;
    await s?.stop();
  };
  const interrupted = () => {
    void stopService().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const accounts = await ServiceAccounts.withLink({ url }, setupLink);
    const result = await playPlan(url, accounts, { scale, concurrency, log: (line) => process.stdout.write(`${line}\n`) });
    process.stdout.write(`${formatSummary(result).join('\n')}\n`);
    const startedService = service !== undefined;
    await stopService();
    process.stdout.write(`\ndone in ${((Date.now() - started) / 1000).toFixed(1)} s${startedService ? ' (starting and stopping the service included)' : ''}\n`);
    return result.problems.length === 0 ? 0 : 1;
  } finally {
    await stopService();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`\ndemo failed: ${error instanceof ConfigError ? error.message : ((error as Error).message ?? String(error))}\n`);
    process.exit(1);
  },
);
