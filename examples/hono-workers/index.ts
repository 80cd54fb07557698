// Hono on Cloudflare Workers: the app object is the worker. Run with `npx wrangler dev`.
import { Hono } from 'hono';
import { cors } from '@corsica/hono';

interface Env {
  readonly KV: KVNamespace;
}

const app = new Hono<{ Bindings: Env }>();

// compiled once per isolate, when the module loads; a bad policy fails the deploy, not a request
app.use(
  cors({
    origin: ['https://app.example.com', 'https://*.preview.example.com'],
    methods: ['GET', 'PUT'],
    allowedHeaders: ['Content-Type'],
    maxAge: 7200,
  }),
);

app.get('/items/:id', async (c) => c.json({ item: await c.env.KV.get(c.req.param('id')) }));

export default app;
