import { randomUUID } from 'node:crypto';
import { maxHeaderSize } from 'node:http';
import type { Socket } from 'node:net';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import { Logger } from '@nestjs/common';
import { ModulesContainer, NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppModule } from './app.module';
import { Clock, SimulatedClock, systemClock } from './application/clock';
import { AppConfig } from './config';
import { authenticateBeforeParsing, guardedRoutes } from './infrastructure/http/auth.guard';
import { Authenticator } from './infrastructure/http/authenticator';
import { withProblemResponses } from './infrastructure/http/openapi';
import { clientErrorProblem, frameworkErrorProblem, instanceOf, problem, ProblemError, rawProblemResponse } from './infrastructure/http/problem.filter';
import { installJsonParser, validationPipe } from './infrastructure/http/validation';
import { JsonLogger } from './infrastructure/json-logger';
import { Metrics } from './infrastructure/metrics/metrics';
import { claimSandboxFolder } from './infrastructure/sandbox-folder';

/**
 * What pages of this origin may load: the console's own scripts and styles (Ant Design writes its styles
 * into <style> elements, hence 'unsafe-inline' for styles alone), images and fonts of its own or inline,
 * requests to this service only; no plug-ins, and no framing by another site.
 */
const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  frameAncestors: ["'none'"],
  // Sign-in through the province's identity platform leaves by a redirect, which form-action would also govern.
  formAction: null,
  upgradeInsecureRequests: null,
};

function clockOf(config: AppConfig): Clock {
  return config.clock === 'simulated' ? new SimulatedClock(config.clockStart ? new Date(config.clockStart) : new Date()) : systemClock;
}

/**
 * The longest path segment the router takes: an organisation's Chinese name, percent-encoded, takes 9
 * characters a character (Fastify's default of 100 would refuse a name of 12 characters).
 */
const MAX_PARAM_LENGTH = 2048;

/** Turns a Fastify route (`/projects/:id`, `/docs/*`) into a pattern for concrete paths. */
function routePattern(url: string): RegExp {
  const source = url
    .split(/(:[A-Za-z0-9_]+|\*)/)
    .map((part) => (part === '*' ? '.*' : part.startsWith(':') ? '[^/]+' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}

/**
 * Fastify answers a known path with an unrouted method as 404; the service says 405 with the methods it
 * has there (Allow), from the routes Fastify registered.
 */
function answerMethodNotAllowed(fastify: FastifyInstance, routes: readonly { method: string; url: string }[]) {
  const patterns = new Map<string, { pattern: RegExp; methods: Set<string> }>();
  fastify.addHook('onRequest', async (request) => {
    if (request.routeOptions.url !== undefined) return;
    if (patterns.size === 0) {
      for (const { method, url } of routes) {
        const entry = patterns.get(url) ?? { pattern: routePattern(url), methods: new Set<string>() };
        entry.methods.add(method);
        patterns.set(url, entry);
      }
    }
    const path = request.url.split('?', 1)[0];
    const allowed = new Set<string>();
    for (const { pattern, methods } of patterns.values()) if (pattern.test(path)) methods.forEach((m) => allowed.add(m));
    if (allowed.size === 0 || allowed.has(request.method)) return;
    const allow = [...allowed].sort().join(', ');
    throw new ProblemError(problem(405, 'method-not-allowed', `${request.method} is not allowed on ${path}; allowed: ${allow}`, { allowed: [...allowed].sort() }), { allow });
  });
}

/**
 * Where `npm run build` put the console: beside the compiled service (dist/console), or in dist/ when the
 * service runs from its sources (the tests; src/console holds the console's sources, not a build).
 */
function consoleDirectory(): string | undefined {
  return [join(__dirname, 'console'), join(__dirname, '..', 'dist', 'console')].find((dir) => existsSync(join(dir, 'index.html')) && existsSync(join(dir, 'assets')));
}

/**
 * The web console under /console/: its files, and index.html for every other path below it (the
 * console's own pages, so a deep link or a reload works); `/` leads there. Public: the console signs
 * people in itself, and every API call it makes is authenticated as any other.
 */
async function serveConsole(fastify: FastifyInstance): Promise<void> {
  fastify.get('/', (_request, reply) => reply.redirect('/console/', 302));
  const root = consoleDirectory();
  if (!root) {
    fastify.get('/console/*', (request, reply) => {
      void reply.status(503).type('application/problem+json').send({ type: 'about:blank', ...problem(503, 'console-not-built', 'the web console is not built: run npm run build'), instance: instanceOf(request.url), requestId: request.id });
    });
    return;
  }
  await fastify.register(fastifyStatic, {
    root,
    prefix: '/console/',
    wildcard: false,
    index: false,
    // Vite names every asset by its content: it never changes under the same name.
    setHeaders: (reply, path) => void reply.header('cache-control', path.includes(join('console', 'assets')) ? 'public, max-age=31536000, immutable' : 'no-cache'),
  });
  const page = (_request: FastifyRequest, reply: FastifyReply) => reply.header('cache-control', 'no-cache').sendFile('index.html');
  fastify.get('/console', (_request, reply) => reply.redirect('/console/', 301));
  fastify.get('/console/', page);
  fastify.get('/console/*', page);
}

/** Builds the whole service for a configuration; main.ts and the e2e tests both start it this way. */
export async function createApp(config: AppConfig, clock: Clock = clockOf(config)): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel },
    bodyLimit: config.bodyLimitBytes,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // What Node's HTTP parser refuses never reaches Fastify or Nest: it is answered here, as a problem too.
    clientErrorHandler(error: Error & { code?: string }, socket: Socket) {
      if (error.code === 'ECONNRESET' || socket.destroyed) return;
      if (socket.writable) socket.write(rawProblemResponse(clientErrorProblem(error as Error & { code?: string; rawPacket?: Buffer }, maxHeaderSize)));
      socket.destroy(error);
    },
    frameworkErrors(error: Error & { code?: string }, request: FastifyRequest, reply: FastifyReply) {
      const body = frameworkErrorProblem(error);
      void reply.status(body.status).type('application/problem+json').send({ type: 'about:blank', ...body, instance: instanceOf(request.url), requestId: request.id });
    },
  });
  const fastify = adapter.getInstance();
  // Commands are JSON, parsed by the one parser that checks them (Nest's own parsers are off, below); a text
  // or form body is refused (415) rather than handed to validation as strings.
  fastify.removeContentTypeParser('text/plain');
  installJsonParser(fastify);
  fastify.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // Every request is counted, by the route it matched (unmatched ones under one label), from its headers to its answer.
  // A request the client abandons before its answer is no longer in flight either; each ends once.
  let metrics: Metrics | undefined;
  const inFlight = new WeakSet<FastifyRequest>();
  fastify.addHook('onRequest', async (request) => {
    inFlight.add(request);
    metrics?.requestReceived();
  });
  fastify.addHook('onResponse', async (request, reply) => {
    if (inFlight.delete(request)) metrics?.requestAnswered(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
  });
  fastify.addHook('onRequestAbort', async (request) => {
    if (inFlight.delete(request)) metrics?.requestAbandoned();
  });
  await fastify.register(helmet, { contentSecurityPolicy: { directives: CONTENT_SECURITY_POLICY } });
  const routes: { method: string; url: string }[] = [];
  fastify.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
  let guard: { routes: ReadonlySet<string>; authenticator: Authenticator } | undefined;
  authenticateBeforeParsing(fastify, () => guard);
  answerMethodNotAllowed(fastify, routes);
  // Before the stores open: they create their files in the data folder, whichever store holds the events.
  mkdirSync(config.dataDir, { recursive: true });
  claimSandboxFolder(config);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forConfig(config, clock), adapter, {
    logger: new JsonLogger(config.logLevel),
    bodyParser: false,
    // A provider that cannot start (a store that cannot be reached) is thrown to main.ts, which says why, rather than exiting here.
    abortOnError: false,
  });
  if (config.sandbox) {
    // Whoever reads the log (or the terminal of npm run sandbox) learns it before anything else happens.
    new Logger('Sandbox').warn({ msg: 'this is a sandbox, not a production installation: its data are simulated and its passwords were printed in a terminal', sandbox: true, dataDir: config.dataDir });
  }
  guard = { routes: guardedRoutes(app.get(ModulesContainer)), authenticator: app.get(Authenticator) };
  metrics = app.get(Metrics);
  fastify.addHook('onReady', async () => {
    // Every guarded controller route must be one Fastify routes under that name, or the hook would miss it.
    const registered = new Set(routes.map((r) => `${r.method} ${r.url}`));
    const missed = [...guard!.routes].filter((key) => !registered.has(key));
    if (missed.length) throw new Error(`authentication before parsing does not know the Fastify routes of ${missed.join(', ')}`);
  });
  // One more byte than allowed, so an oversized upload is seen as such rather than silently cut.
  await app.register(multipart, { limits: { fileSize: config.documentMaxBytes + 1, files: 1, fields: 0 } });
  app.useGlobalPipes(validationPipe);
  app.enableShutdownHooks();
  const openApi = new DocumentBuilder()
    .setTitle('Accreditation Lifecycle Service')
    .setDescription(
      'Application, selection, construction, evaluation and revocation of the accreditation projects of the 2020 Shanxi vocational-education plan, kept as event streams. Every error is answered as application/problem+json (RFC 9457) with a stable `code`.',
    )
    .setVersion('2')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, () => withProblemResponses(SwaggerModule.createDocument(app, openApi)), { jsonDocumentUrl: 'docs-json' });
  await serveConsole(fastify);
  return app;
}
