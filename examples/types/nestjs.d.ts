// The slice of NestJS the examples use, so CI type-checks them without installing @nestjs/*. `use`
// takes Express handlers (Nest's Express platform) and `register` Fastify plugins (its Fastify
// platform), so the check proves cors() is one and the plugin the other. The real Nest 12
// applications run in packages/nest.
declare module '@nestjs/common' {
  export function Module(metadata: { controllers?: (abstract new (...args: never[]) => unknown)[]; providers?: unknown[]; imports?: unknown[] }): ClassDecorator;
  export function Controller(prefix?: string): ClassDecorator;
  export function Get(path?: string): MethodDecorator;
  export function Req(): ParameterDecorator;
}

declare module '@nestjs/core' {
  import type { RequestHandler } from 'express';
  export interface INestApplication {
    use(...handlers: RequestHandler[]): this;
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
    enableCors(options?: unknown): void;
    listen(port: number | string, hostname?: string): Promise<unknown>;
  }
  export function RouteConfig(config: Record<string, unknown>): MethodDecorator;
}
