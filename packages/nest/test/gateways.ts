/**
 * Real NestJS 12 applications with a `@WebSocketGateway()`, on both HTTP platforms and both
 * WebSocket adapters, with one Corsica policy for both: the HTTP middleware (`app.use(cors(policy))`
 * or `app.register(cors, { policy })`) and the guide's adapter subclass
 * (`app.useWebSocketAdapter(new GuardedWsAdapter(app, policy))` or `GuardedIoAdapter`), whose
 * sources the guide shows (test/recipe/). Decorators are applied as plain calls, as in apps.ts.
 */
import 'reflect-metadata';
import type http from 'node:http';
import { Controller, Get, Module } from '@nestjs/common';
import type { INestApplication, WebSocketAdapter } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { WsAdapter } from '@nestjs/platform-ws';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import express from 'express';
import { socketIoAllowRequest, wsVerifyClient } from '@corsica/core';
import type { Policy } from '@corsica/core';
import { cors as expressCors } from '@corsica/express';
import fastifyCors from '@corsica/fastify';
import { GuardedIoAdapter } from './recipe/guarded-io-adapter.js';
import { GuardedWsAdapter } from './recipe/guarded-ws-adapter.js';

export type Platform = 'express' | 'fastify';
export type Transport = 'ws' | 'socket.io';

/** What ran in the app: gateway connections, gateway messages and the HTTP route. */
export interface GatewayCounts {
  connections: number;
  messages: number;
  http: number;
}

export interface GatewayApp {
  readonly port: number;
  readonly counts: GatewayCounts;
  close(): Promise<void>;
}

/** How the guard reaches the gateway: the guide's adapter subclass, or the gateway's own options. */
export type Wiring = 'adapter' | 'gateway-options';

/** The path of the `ws` gateway (Socket.IO keeps its own `/socket.io/`). */
export const WS_PATH = '/live';

/**
 * An echo gateway: `{ event: 'echo', data }` in, the same back (a JSON frame with `ws`, an `echo`
 * event with Socket.IO), with `handleConnection` counting the connections Nest accepted.
 */
function gatewayModule(transport: Transport, counts: GatewayCounts, gatewayOptions: Record<string, unknown>): new () => object {
  class EchoGateway {
    handleConnection(): void {
      counts.connections++;
    }
    echo(data: unknown): { event: string; data: unknown } {
      counts.messages++;
      return { event: 'echo', data };
    }
  }
  const proto = EchoGateway.prototype;
  MessageBody()(proto, 'echo', 0);
  SubscribeMessage('echo')(proto, 'echo', Object.getOwnPropertyDescriptor(proto, 'echo')!);
  WebSocketGateway(transport === 'ws' ? { path: WS_PATH, ...gatewayOptions } : gatewayOptions)(EchoGateway);

  class OkController {
    ok(): string {
      counts.http++;
      return 'ok';
    }
  }
  Get('ok')(OkController.prototype, 'ok', Object.getOwnPropertyDescriptor(OkController.prototype, 'ok')!);
  Controller()(OkController);

  class GatewayModule {}
  Module({ controllers: [OkController], providers: [EchoGateway] })(GatewayModule);
  return GatewayModule;
}

export interface StartOptions {
  readonly wiring?: Wiring;
  readonly guarded?: boolean;
  /** More `@WebSocketGateway()` options (Socket.IO's `cors`). */
  readonly gateway?: Record<string, unknown>;
}

/**
 * Starts a Nest app on `platform` with an echo gateway on `transport`, the HTTP middleware and the
 * gateway both guarded by `policy`. `wiring: 'gateway-options'` puts the check in
 * `@WebSocketGateway({ verifyClient })` / `({ allowRequest })` instead of the adapter subclass;
 * `guarded: false` leaves the gateway unguarded (the HTTP middleware stays), to show what the tests
 * would see without the recipe.
 */
export async function startGateway(platform: Platform, transport: Transport, policy: Policy, { wiring = 'adapter', guarded = true, gateway = {} }: StartOptions = {}): Promise<GatewayApp> {
  const counts: GatewayCounts = { connections: 0, messages: 0, http: 0 };
  const check = !guarded || wiring === 'adapter' ? {} : transport === 'ws' ? { verifyClient: wsVerifyClient(policy) } : { allowRequest: socketIoAllowRequest(policy) };
  const module = gatewayModule(transport, counts, { ...gateway, ...check });
  const app: INestApplication =
    platform === 'express'
      ? await NestFactory.create(module, new ExpressAdapter(express()), { logger: false })
      : await NestFactory.create<NestFastifyApplication>(module, new FastifyAdapter(), { logger: false });
  if (platform === 'express') app.use(expressCors(policy));
  else await (app as NestFastifyApplication).register(fastifyCors, { policy });
  app.useWebSocketAdapter(webSocketAdapter(app, transport, policy, guarded && wiring === 'adapter'));
  await app.listen(0, '127.0.0.1');
  const address = (app.getHttpServer() as http.Server).address();
  if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
  return { port: address.port, counts, close: () => app.close() };
}

function webSocketAdapter(app: INestApplication, transport: Transport, policy: Policy, guarded: boolean): WebSocketAdapter {
  if (guarded) return transport === 'ws' ? new GuardedWsAdapter(app, policy) : new GuardedIoAdapter(app, policy);
  return transport === 'ws' ? new WsAdapter(app) : new IoAdapter(app);
}

/**
 * Two Socket.IO gateways on one server, the check in the options of the namespaced one only
 * (`@WebSocketGateway({ namespace: 'admin', allowRequest })`), listed in `providers` in `order`.
 */
export async function startTwoIoGateways(policy: Policy, order: 'checked-first' | 'checked-last'): Promise<GatewayApp> {
  const counts: GatewayCounts = { connections: 0, messages: 0, http: 0 };
  class RootGateway {
    handleConnection(): void {
      counts.connections++;
    }
  }
  WebSocketGateway({})(RootGateway);
  class AdminGateway {
    handleConnection(): void {
      counts.connections++;
    }
  }
  WebSocketGateway({ namespace: 'admin', allowRequest: socketIoAllowRequest(policy) })(AdminGateway);
  class TwoGatewaysModule {}
  Module({ providers: order === 'checked-first' ? [AdminGateway, RootGateway] : [RootGateway, AdminGateway] })(TwoGatewaysModule);
  const app = await NestFactory.create(TwoGatewaysModule, new ExpressAdapter(express()), { logger: false });
  app.useWebSocketAdapter(new IoAdapter(app));
  await app.listen(0, '127.0.0.1');
  const address = (app.getHttpServer() as http.Server).address();
  if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
  return { port: address.port, counts, close: () => app.close() };
}
