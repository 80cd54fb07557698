/**
 * Run by the tests on the real `bun` binary: `bun --conditions=@corsica/source test/bun-server.ts
 * suite|pitfalls`, CORS options as JSON in CORSICA_OPTIONS. Prints `{"port", "version"}` once
 * listening on 127.0.0.1.
 */
import { Elysia, NotFoundError } from 'elysia';
import type { CorsOptions } from '@corsica/core';
import { cors } from '../src/index.js';
import { buildApp } from './app.js';

declare const Bun: { version: string; file(path: string): Blob };

const options = JSON.parse(process.env.CORSICA_OPTIONS ?? 'null') as CorsOptions;

/** Elysia's own ways of answering, each of which must keep the CORS headers. */
function pitfalls() {
  return new Elysia()
    .use(cors(options))
    .onBeforeHandle(({ request, status }) => {
      if (new URL(request.url).pathname === '/guarded' && request.headers.get('authorization') === null) return status(401, 'log in first');
    })
    .onError(({ error, set }) => {
      // the app's own error handler, answering a value of its choice
      if (error instanceof Error && error.message === 'handled by onError') {
        set.status = 422;
        return { handled: true };
      }
    })
    .get('/on-error', () => {
      throw new Error('handled by onError');
    })
    .get('/file', () => Bun.file(new URL(import.meta.url).pathname))
    .get('/status', ({ status }) => status(418, 'short and stout'))
    .get('/thrown-status', ({ status }) => {
      throw status(409, 'taken');
    })
    .get('/not-found-error', () => {
      throw new NotFoundError('no such item');
    })
    .get('/crash', () => {
      throw new Error('crash');
    })
    .get('/response', () => new Response('gone', { status: 410, headers: { Vary: 'Accept' } }))
    .get('/redirect', () => Response.redirect('https://elsewhere.example.com/next', 307))
    .get('/vary', ({ set }) => {
      set.headers['vary'] = 'Accept-Encoding';
      return 'ok';
    })
    .get('/decision', ({ cors: decision }) => decision?.reason ?? 'none')
    .put('/guarded', () => 'saved');
}

const app = process.argv[2] === 'pitfalls' ? pitfalls() : buildApp([options], { handler: 0, auth: 0 });
app.listen({ port: 0, hostname: '127.0.0.1' });
console.log(JSON.stringify({ port: app.server!.port, version: Bun.version }));
