// Hono on Node through @hono/node-server. The same app runs on Bun, Deno and Workers unchanged.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { cors } from '@corsica/hono';

const app = new Hono();

app.use(
  '/api/*',
  cors({
    origin: ['https://app.example.com', 'http://localhost:*'],
    credentials: true,
    methods: ['GET', 'POST', 'PUT', 'DELETE'],
    allowedHeaders: ['Content-Type', 'Authorization'],
  }),
);

app.get('/api/items', (c) => c.json({ items: [], cors: c.get('cors').reason }));

serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3000) }, (info) => {
  console.log(`hono example on http://localhost:${info.port}/api/items`);
});
