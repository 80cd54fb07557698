// Bun.serve with withCors: `bun index.ts`. A WebSocket upgrade (undefined) passes through untouched.
import { withCors } from '@corsica/fetch';

const server = Bun.serve({
  port: Number(process.env.PORT ?? 3000),
  fetch: withCors(
    (request: Request, server: Bun.Server) => {
      const { pathname } = new URL(request.url);
      if (pathname === '/ws') return server.upgrade(request) ? undefined : new Response('Upgrade failed', { status: 400 });
      if (pathname === '/items') return Response.json({ items: [] });
      return new Response('Not Found', { status: 404 });
    },
    { origin: ['https://app.example.com', 'http://localhost:*'], credentials: true, methods: ['GET', 'POST', 'DELETE'] },
  ),
  websocket: { message: (ws, message) => ws.send(message) },
});

console.log(`bun example on ${server.url}items`);
