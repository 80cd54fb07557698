/**
 * The `@elysiajs/cors` peer of scripts/peers.mjs, run on the real `bun` binary:
 * `bun scripts/peer-elysia.mjs`, the options as JSON in PEER_OPTIONS (RegExps as `{ regexp }`
 * sources). Prints `{"port"}` once listening on 127.0.0.1.
 */
import { Elysia } from 'elysia';
import { cors } from '@elysiajs/cors';

const revive = (value) => (value && typeof value === 'object' && 'regexp' in value ? new RegExp(value.regexp) : value);
const options = JSON.parse(process.env.PEER_OPTIONS ?? '{}');
if (Array.isArray(options.origin)) options.origin = options.origin.map(revive);

const app = new Elysia()
  .use(cors(options))
  .onError(({ code }) => (code === 'NOT_FOUND' ? new Response('NOT_FOUND', { status: 404 }) : new Response('Internal Server Error', { status: 500 })))
  .all('/ok', () => 'ok')
  .get('/error', () => {
    throw new Error('boom');
  })
  .options('/app-options', () => 'app-options')
  .get('/vary', ({ set }) => {
    set.headers.vary = set.headers.vary ? `${set.headers.vary}, Accept-Encoding` : 'Accept-Encoding';
    return 'ok';
  })
  .listen({ port: 0, hostname: '127.0.0.1' });
console.log(JSON.stringify({ port: app.server.port, version: Bun.version }));
