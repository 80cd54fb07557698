// The slice of NestJS the examples use, so CI type-checks them without installing @nestjs/*. `use`
// takes Express handlers (Nest's Express platform) and `register` Fastify plugins (its Fastify
// platform), so the check proves cors() is one and the plugin the other. The real Nest 12
// applications run in packages/nest.
declare module '@nestjs/common' {
  export function Module(metadata: { controllers?: (abstract new (...args: never[]) => unknown)[]; providers?: unknown[]; imports?: unknown[] }): ClassDecorator;
  export function Controller(prefix?: string): ClassDecorator;
  export function Get(path?: string): MethodDecorator;
  export function Req(): ParameterDecorator;
  export interface INestApplicationContext {}
}

declare module '@nestjs/core' {
  import type { RequestHandler } from 'express';
  export interface INestApplication {
    use(...handlers: RequestHandler[]): this;
    useWebSocketAdapter(adapter: object): this;
    enableCors(options?: unknown): void;
    listen(port: number | string, hostname?: string): Promise<unknown>;
  }
  export const NestFactory: {
    create(module: abstract new (...args: never[]) => unknown, options?: { cors?: boolean | object }): Promise<INestApplication>;
    create<T>(module: abstract new (...args: never[]) => unknown, adapter: object, options?: { cors?: boolean | object }): Promise<T>;
  };
}

declare module '@nestjs/platform-fastify' {
  import type { FastifyPluginAsync, FastifyPluginCallback, FastifyServerOptions } from 'fastify';
  export class FastifyAdapter {
    constructor(options?: FastifyServerOptions);
  }
  export interface NestFastifyApplication {
    register<Options>(plugin: FastifyPluginCallback<Options> | FastifyPluginAsync<Options>, options?: Options): Promise<this>;
    useWebSocketAdapter(adapter: object): this;
    enableCors(options?: unknown): void;
    listen(port: number | string, hostname?: string): Promise<unknown>;
  }
  export function RouteConfig(config: Record<string, unknown>): MethodDecorator;
}

// The WebSocket adapters the guide subclasses, with the members it overrides
declare module '@nestjs/platform-ws' {
  export class WsAdapter {
    constructor(app?: object);
    create(port: number, options?: Record<string, unknown> & { namespace?: string; server?: unknown; path?: string }): unknown;
  }
}

declare module '@nestjs/platform-socket.io' {
  import type { ServerOptions } from 'socket.io';
  export class IoAdapter {
    constructor(app?: object);
    createIOServer(port: number, options?: ServerOptions): unknown;
  }
}

declare module 'socket.io' {
  export interface ServerOptions {
    path: string;
    allowRequest?: (req: import('node:http').IncomingMessage, callback: (error: string | null | undefined, success: boolean) => void) => void;
  }
}
