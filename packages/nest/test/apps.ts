/**
 * Real NestJS 12 applications serving the adapter suite's routes, on both HTTP platforms, with
 * Corsica in place of `enableCors()`: `app.use(cors(...))` from `@corsica/express` on
 * `@nestjs/platform-express`, `app.register(cors, ...)` from `@corsica/fastify` on
 * `@nestjs/platform-fastify`. Decorators are applied as plain calls, so the test files need no
 * decorator transform; what Nest sees is what `@Controller()`, `@Get()`... produce.
 */
import 'reflect-metadata';
import http from 'node:http';
import { All, Controller, Delete, ForbiddenException, Get, Module, Options, Put, Req, Res, UnauthorizedException, UseGuards } from '@nestjs/common';
import type { CanActivate, ExecutionContext, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { FastifyAdapter, RouteConfig } from '@nestjs/platform-fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import express from 'express';
import type { CorsOptions, Decision, Policy } from '@corsica/core';
import { isPolicy } from '@corsica/core/adapter';
import { cors as expressCors } from '@corsica/express';
import fastifyCors from '@corsica/fastify';
import { TEST_MAX_HEADER_SIZE, suiteRoutes } from '@corsica/test-utils';
import type { Started, TestApp } from '@corsica/test-utils';

export type Platform = 'express' | 'fastify';

type Counts = { handler: number; auth: number };


/** A request with the decision either adapter exposes (`req.cors` on Express, `request.cors` on Fastify). */
type WithCors = { cors?: Decision | null };

/** The suite's routes as a Nest module, with a global guard counting in `counts.auth` (the app's auth). */
function suiteModule(counts: Counts): new () => object {
  const routes = suiteRoutes(counts);
  class AuthGuard implements CanActivate {
    canActivate(): boolean {
      counts.auth++;
      return true;
    }
  }
  class SuiteController {
    ok(): string {
      return routes.ok();
    }
    error(): never {
      return routes.error();
    }
    asyncError(): Promise<never> {
      return routes.asyncError();
    }
    appOptions(): string {
      return routes.appOptions();
    }
    vary(res: { vary?(name: string): unknown; header(name: string, value: string): unknown }): string {
      // each platform's way to vary: Express's res.vary() appends to what the middleware set,
      // Fastify's reply.header() replaces it and @corsica/fastify appends Origin again on send
      if (res.vary !== undefined) res.vary('Accept-Encoding');
      else res.header('Vary', 'Accept-Encoding');
      return routes.vary();
    }
    decision(req: WithCors): string {
      return routes.decision(req.cors);
    }
  }
  const proto = SuiteController.prototype;
  All('ok')(proto, 'ok', Object.getOwnPropertyDescriptor(proto, 'ok')!);
  Get('error')(proto, 'error', Object.getOwnPropertyDescriptor(proto, 'error')!);
  Get('async-error')(proto, 'asyncError', Object.getOwnPropertyDescriptor(proto, 'asyncError')!);
  Options('app-options')(proto, 'appOptions', Object.getOwnPropertyDescriptor(proto, 'appOptions')!);
  Res({ passthrough: true })(proto, 'vary', 0);
  Get('vary')(proto, 'vary', Object.getOwnPropertyDescriptor(proto, 'vary')!);
  Req()(proto, 'decision', 0);
  Get('decision')(proto, 'decision', Object.getOwnPropertyDescriptor(proto, 'decision')!);
  UseGuards(new AuthGuard())(SuiteController);
  Controller()(SuiteController);
  class SuiteModule {}
  Module({ controllers: [SuiteController] })(SuiteModule);
  return SuiteModule;
}

/** A Nest app on `platform`, quiet, with big request heads allowed (the suite's hostile tests). */
async function createApp(platform: Platform, module: new () => object): Promise<INestApplication> {
  if (platform === 'express') {
    const server = express();
    return NestFactory.create<NestExpressApplication>(module, new ExpressAdapter(server), { logger: false });
  }
  const adapter = new FastifyAdapter({ serverFactory: (handler: http.RequestListener) => http.createServer({ maxHeaderSize: TEST_MAX_HEADER_SIZE }, handler) });
  return NestFactory.create<NestFastifyApplication>(module, adapter, { logger: false });
}

/**
 * Corsica on a Nest app, as the guide shows: before `listen()`, in place of `enableCors()`.
 * Express: one `app.use(cors(...))` per policy; Fastify: one `app.register(cors, ...)` per policy.
 */
async function addCors(platform: Platform, app: INestApplication, policies: readonly (Policy | CorsOptions)[]): Promise<void> {
  for (const policy of policies) {
    if (platform === 'express') app.use(expressCors(policy as Policy));
    else await (app as NestFastifyApplication).register(fastifyCors, isPolicy(policy) ? { policy } : policy);
  }
}

async function listen(app: INestApplication): Promise<string> {
  // Nest listens on a server of its own creation for Express; the express app's http.Server
  // default head limit (16 KB) would turn the suite's hostile requests into 431s before CORS
  const server = app.getHttpServer() as http.Server;
  if (server instanceof http.Server) (server as { maxHeaderSize?: number }).maxHeaderSize = TEST_MAX_HEADER_SIZE;
  await app.listen(0, '127.0.0.1');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
  return `http://127.0.0.1:${address.port}`;
}

/** Starts the suite's Nest app on `platform` behind one Corsica registration per policy. */
export function startNest(platform: Platform): (...policies: (Policy | CorsOptions)[]) => Promise<TestApp> {
  return async (...policies) => {
    const counts = { handler: 0, auth: 0 };
    const app = await createApp(platform, suiteModule(counts));
    await addCors(platform, app, policies);
    const baseUrl = await listen(app);
    return { baseUrl, counts, close: () => app.close() };
  };
}

/**
 * Per-route policies as the guide shows them. Express: `app.use('/public', cors(publicPolicy))`
 * before the global one. Fastify: the route's `@RouteConfig({ cors: publicPolicy })`.
 */
export function startNestPerRoute(platform: Platform): (publicPolicy: Policy, mainPolicy: Policy) => Promise<Started> {
  return async (publicPolicy, mainPolicy) => {
    class PerRouteController {
      feed(): string {
        return 'feed';
      }
      ok(): string {
        return 'ok';
      }
    }
    const proto = PerRouteController.prototype;
    Get('public/feed')(proto, 'feed', Object.getOwnPropertyDescriptor(proto, 'feed')!);
    if (platform === 'fastify') RouteConfig({ cors: publicPolicy })(proto, 'feed', Object.getOwnPropertyDescriptor(proto, 'feed')!);
    Get('ok')(proto, 'ok', Object.getOwnPropertyDescriptor(proto, 'ok')!);
    Controller()(PerRouteController);
    class PerRouteModule {}
    Module({ controllers: [PerRouteController] })(PerRouteModule);
    const app = await createApp(platform, PerRouteModule);
    if (platform === 'express') {
      app.use('/public', expressCors(publicPolicy));
      app.use(expressCors(mainPolicy));
    } else {
      await (app as NestFastifyApplication).register(fastifyCors, { policy: mainPolicy });
    }
    return { baseUrl: await listen(app), close: () => app.close() };
  };
}

/** Creates the Corsica layer on a fresh Nest app of `platform`; a bad configuration throws or rejects here. */
export async function createCors(platform: Platform, options: CorsOptions): Promise<void> {
  if (platform === 'express') {
    expressCors(options);
    return;
  }
  class EmptyModule {}
  Module({})(EmptyModule);
  const app = await createApp('fastify', EmptyModule);
  try {
    await (app as NestFastifyApplication).register(fastifyCors, options);
  } finally {
    await app.close();
  }
}

/**
 * A guarded controller, as real Nest apps have: a guard that throws `UnauthorizedException`
 * without an Authorization header, and a route that throws `ForbiddenException`.
 */
export async function startGuarded(platform: Platform, policy: Policy): Promise<Started & { guardCalls: () => number }> {
  let guardCalls = 0;
  class TokenGuard implements CanActivate {
    canActivate(context: ExecutionContext): boolean {
      guardCalls++;
      const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>();
      if (request.headers['authorization'] === undefined) throw new UnauthorizedException('log in first');
      return true;
    }
  }
  class ItemsController {
    save(): { saved: boolean } {
      return { saved: true };
    }
    remove(): never {
      throw new ForbiddenException('not yours');
    }
  }
  const proto = ItemsController.prototype;
  Put()(proto, 'save', Object.getOwnPropertyDescriptor(proto, 'save')!);
  Delete()(proto, 'remove', Object.getOwnPropertyDescriptor(proto, 'remove')!);
  UseGuards(new TokenGuard())(ItemsController);
  Controller('items')(ItemsController);
  class ItemsModule {}
  Module({ controllers: [ItemsController] })(ItemsModule);
  const app = await createApp(platform, ItemsModule);
  await addCors(platform, app, [policy]);
  return { baseUrl: await listen(app), close: () => app.close(), guardCalls: () => guardCalls };
}
