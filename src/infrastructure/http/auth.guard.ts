import { CanActivate, createParamDecorator, ExecutionContext, Inject, Injectable, RequestMethod, SetMetadata } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Actor } from '../../domain/messages';
import { Authenticated, Authenticator } from './authenticator';

const PUBLIC = 'accreditation:public';
/** A route anyone may call without a token (health). */
export const Public = () => SetMetadata(PUBLIC, true);

/** Whether a controller's handler is public: the handler's own @Public(), or its controller's. */
export const isPublic = (reflector: Reflector, handler: Function, controller: Function): boolean =>
  reflector.getAllAndOverride<boolean>(PUBLIC, [handler, controller]) === true;

export type AuthenticatedRequest = FastifyRequest & { actor?: Actor; authenticated?: Authenticated };

/**
 * Every route needs a valid bearer token unless marked @Public(); what the actor may do is the domain's call.
 * The authentication hook (app.ts) has usually verified the token already, before the body was parsed;
 * the guard then finds the actor on the request, and verifies the token itself for any route the hook missed.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(Authenticator) private readonly authenticator: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (isPublic(this.reflector, context.getHandler(), context.getClass())) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (!request.authenticated) {
      request.authenticated = await this.authenticator.authenticate(request);
      request.actor = request.authenticated.actor;
    }
    return true;
  }
}

/** The authenticated actor of the request. */
export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const actor = context.switchToHttp().getRequest<AuthenticatedRequest>().actor;
  if (!actor) throw new Error('CurrentActor used on a public route');
  return actor;
});

const joinPath = (...parts: string[]) => `/${parts.flatMap((part) => part.split('/')).filter(Boolean).join('/')}`;

/**
 * The controller routes that need a token, as `METHOD /url` keys in Fastify's spelling of the route
 * (`GET /projects/:id`), read from the same metadata the guard reads. A GET route answers HEAD too.
 */
export function guardedRoutes(modules: ModulesContainer): Set<string> {
  const reflector = new Reflector();
  const scanner = new MetadataScanner();
  const keys = new Set<string>();
  for (const module of modules.values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Function | null;
      if (!controller) continue;
      const prefixes = [Reflect.getMetadata(PATH_METADATA, controller) ?? '/'].flat() as string[];
      for (const name of scanner.getAllMethodNames(controller.prototype)) {
        const handler = controller.prototype[name] as Function;
        const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        if (paths === undefined || isPublic(reflector, handler, controller)) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
        const methods = method === 'ALL' ? ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] : method === 'GET' ? ['GET', 'HEAD'] : [method];
        for (const prefix of prefixes) {
          for (const path of [paths].flat()) for (const m of methods) keys.add(`${m} ${joinPath(prefix, path)}`);
        }
      }
    }
  }
  return keys;
}

/**
 * Authenticates in Fastify's onRequest hook, before the body is read or parsed, so a request without a valid
 * token answers 401 whatever it sends (malformed JSON, a text body, a huge body). `guard` is asked per
 * request, as the routes are known only once Nest has its controllers; a route it does not name is left to
 * the guard, which then verifies the token after parsing.
 */
export function authenticateBeforeParsing(fastify: FastifyInstance, guard: () => { routes: ReadonlySet<string>; authenticator: Authenticator } | undefined): void {
  fastify.addHook('onRequest', async (request) => {
    const url = request.routeOptions.url;
    const current = guard();
    if (url === undefined || !current || !current.routes.has(`${request.method} ${url}`)) return;
    const authenticated = await current.authenticator.authenticate(request);
    Object.assign(request, { authenticated, actor: authenticated.actor });
  });
}

/** How the request was authenticated (the person, their session and grants), on a guarded route. */
export const CurrentAuthentication = createParamDecorator((_: unknown, context: ExecutionContext): Authenticated => {
  const authenticated = context.switchToHttp().getRequest<AuthenticatedRequest>().authenticated;
  if (!authenticated) throw new Error('CurrentAuthentication used on a public route');
  return authenticated;
});
