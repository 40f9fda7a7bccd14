import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { Metrics } from '../metrics/metrics';

/** The longest a shutdown waits for the requests in flight; what is still running then is cut off. */
const DRAIN_MS = 10_000;

/**
 * On SIGTERM (or SIGINT) the service answers the requests it has already received, commands included,
 * before its stores close (Nest stops the providers after this hook), and says so in the log.
 */
@Injectable()
export class GracefulShutdown implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Shutdown');

  constructor(private readonly metrics: Metrics) {}

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    const inFlight = this.metrics.inFlight;
    this.logger.log({ msg: `stopping${signal ? ` on ${signal}` : ''}: finishing ${inFlight} request${inFlight === 1 ? '' : 's'} in flight`, signal: signal ?? null, inFlight });
    const started = Date.now();
    while (this.metrics.inFlight > 0 && Date.now() - started < DRAIN_MS) await new Promise((resolve) => setTimeout(resolve, 20));
    const left = this.metrics.inFlight;
    if (left > 0) this.logger.warn({ msg: `stopping with ${left} request${left === 1 ? '' : 's'} still unanswered after ${DRAIN_MS} ms`, inFlight: left });
    else this.logger.log({ msg: `every request in flight answered in ${Date.now() - started} ms; closing the stores`, inFlight: 0 });
  }
}
