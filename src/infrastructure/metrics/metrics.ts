import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { CommandObserver, HandledCommand } from '../../application/handle-command';

/** What the scrape reads at the moment it asks: the projections' and the reactor's state, not a running tally. */
export interface MetricsSources {
  readonly projections: () => Promise<readonly { readonly projection: string; readonly behindEvents: number }[]>;
  readonly reactorFailures: () => readonly { readonly dead: boolean }[];
}

const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The service's measurements in the Prometheus text format (GET /metrics): requests by route and status,
 * commands by stream category, type and outcome, appends, group commits, how far each projection is
 * behind the log, and the reactor's retries and dead letters. One registry per service instance, so
 * several instances (and the tests' several apps in one process) never mix their counts.
 */
export class Metrics implements CommandObserver {
  readonly registry = new Registry();
  private sources?: MetricsSources;

  private answering = 0;
  private readonly inFlightGauge = new Gauge({ name: 'als_http_requests_in_flight', help: 'HTTP requests received and not yet answered.', registers: [this.registry] });
  private readonly abandoned = new Counter({ name: 'als_http_requests_abandoned_total', help: 'HTTP requests whose client closed the connection before the answer.', registers: [this.registry] });
  private readonly requests = new Counter({ name: 'als_http_requests_total', help: 'HTTP requests answered, by method, route and status.', labelNames: ['method', 'route', 'status'], registers: [this.registry] });
  private readonly requestSeconds = new Histogram({
    name: 'als_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method, route and status.',
    labelNames: ['method', 'route', 'status'],
    buckets: SECONDS,
    registers: [this.registry],
  });
  private readonly commands = new Counter({
    name: 'als_commands_total',
    help: 'Commands handled, by stream category, command type and outcome (written, nothing, repeated, refused, conflict, precondition-failed, failed).',
    labelNames: ['category', 'type', 'outcome'],
    registers: [this.registry],
  });
  private readonly commandSeconds = new Histogram({ name: 'als_command_duration_seconds', help: 'Time to decide and append a command, by stream category.', labelNames: ['category'], buckets: SECONDS, registers: [this.registry] });
  private readonly appendSeconds = new Histogram({ name: 'als_event_store_append_duration_seconds', help: 'Time the event store took to append a command’s events.', buckets: SECONDS, registers: [this.registry] });
  private readonly groupCommits = new Histogram({
    name: 'als_event_store_group_commit_appends',
    help: 'Appends committed together in one transaction of the embedded store (group commit).',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
    registers: [this.registry],
  });
  private readonly reactorRetries = new Counter({ name: 'als_reactor_failed_attempts_total', help: 'Reactions that failed an attempt (each is retried with backoff, then dead-lettered).', registers: [this.registry] });

  constructor() {
    const sources = () => this.sources;
    new Gauge({
      name: 'als_projection_behind_events',
      help: 'Events in the log a projection has not applied yet.',
      labelNames: ['projection'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const { projection, behindEvents } of (await sources()?.projections()) ?? []) this.set({ projection }, behindEvents);
      },
    });
    new Gauge({
      name: 'als_reactor_failed_reactions',
      help: 'Reactions that failed: retrying (waiting for their next attempt) or dead (left to the office).',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        const failures = sources()?.reactorFailures() ?? [];
        this.set({ state: 'retrying' }, failures.filter((f) => !f.dead).length);
        this.set({ state: 'dead' }, failures.filter((f) => f.dead).length);
      },
    });
  }

  /** Where the scrape reads the projections' lag and the reactor's failures (set once the service is built). */
  watch(sources: MetricsSources): void {
    this.sources = sources;
  }

  /** Requests received and not yet answered: what a graceful shutdown waits for. */
  get inFlight(): number {
    return this.answering;
  }

  requestReceived(): void {
    this.answering += 1;
    this.inFlightGauge.set(this.answering);
  }

  /** A request its client abandoned (the connection closed) before it was answered. */
  requestAbandoned(): void {
    this.answering = Math.max(0, this.answering - 1);
    this.inFlightGauge.set(this.answering);
    this.abandoned.inc();
  }

  /** A request answered: `route` is the route's pattern (`/projects/:id`), never the path, so ids never become labels. */
  requestAnswered(method: string, route: string, status: number, seconds: number): void {
    this.answering = Math.max(0, this.answering - 1);
    this.inFlightGauge.set(this.answering);
    const labels = { method, route, status: String(status) };
    this.requests.inc(labels);
    this.requestSeconds.observe(labels, seconds);
  }

  handled(command: HandledCommand): void {
    this.commands.inc({ category: command.category, type: command.type, outcome: command.outcome });
    this.commandSeconds.observe({ category: command.category }, command.seconds);
    if (command.appendSeconds !== undefined) this.appendSeconds.observe(command.appendSeconds);
  }

  groupCommit(appends: number): void {
    this.groupCommits.observe(appends);
  }

  reactionFailed(): void {
    this.reactorRetries.inc();
  }

  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
