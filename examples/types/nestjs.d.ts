// The slice of NestJS the example uses, so CI type-checks it without installing @nestjs/*. `use`
// takes Express handlers (Nest's Express platform), so the check proves cors() is one.
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
  };
}
