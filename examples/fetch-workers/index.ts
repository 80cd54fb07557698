// A plain Cloudflare Worker: withCors keeps the (request, env, ctx) signature. `npx wrangler dev`.
import { withCors } from '@corsica/fetch';

interface Env {
  readonly KV: KVNamespace;
}

async function handle(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
  const url = new URL(request.url);
  if (request.method === 'GET' && url.pathname.startsWith('/items/')) {
    const item = await env.KV.get(url.pathname.slice('/items/'.length));
    ctx.waitUntil(Promise.resolve()); // e.g. analytics, after the response
    return item === null ? new Response('Not Found', { status: 404 }) : Response.json({ item });
  }
  return new Response('Not Found', { status: 404 });
}

export default {
  // the 404 above and the 500 of a thrown error get the CORS headers too
  fetch: withCors(handle, {
    origin: ['https://app.example.com', 'https://*.preview.example.com'],
    allowedHeaders: ['Authorization'],
    maxAge: 7200,
  }),
} satisfies ExportedHandler<Env>;
