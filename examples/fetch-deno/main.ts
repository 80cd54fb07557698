// Deno.serve with withCors. `deno task start` (deno.json maps @corsica/fetch to npm).
import { withCors } from '@corsica/fetch';

const origins = (Deno.env.get('CORS_ORIGINS') ?? 'https://app.example.com').split(',');

const handler = withCors(
  (request: Request) => {
    const { pathname } = new URL(request.url);
    if (pathname === '/items') return Response.json({ items: [] });
    return new Response('Not Found', { status: 404 });
  },
  { origin: origins, allowedHeaders: ['Content-Type'] }, // GET, HEAD and POST need no `methods`
);

Deno.serve({ port: Number(Deno.env.get('PORT') ?? 8000), hostname: '127.0.0.1' }, handler);
