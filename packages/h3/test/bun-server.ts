/**
 * Run by the tests on the real `bun` binary: `bun --conditions=@corsica/source
 * test/bun-server.ts`, CORS options as JSON in CORSICA_OPTIONS. Serves the suite's routes with
 * h3's own `serve()` (Bun.serve underneath) on 127.0.0.1 and prints `{"port", "version"}`.
 */
import { serve } from 'h3';
import type { CorsOptions } from '@corsica/core';
import { cors } from '../src/index.js';
import { buildApp } from './routes.js';

declare const Bun: { version: string };

const options = JSON.parse(process.env.CORSICA_OPTIONS ?? 'null') as CorsOptions;
const server = serve(buildApp([cors(options)], { handler: 0, auth: 0 }), { port: 0, hostname: '127.0.0.1', silent: true });
await server.ready();
console.log(JSON.stringify({ port: new URL(server.url!).port, version: Bun.version }));
