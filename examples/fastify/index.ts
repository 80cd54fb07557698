// Fastify 5 (and 4): register once; preflights are answered in onRequest, before auth hooks.
import Fastify from 'fastify';
import { cors } from '@corsica/fastify';

const app = Fastify({ logger: true });

await app.register(cors, {
  origin: ['https://app.example.com', 'https://*.preview.example.com'],
  credentials: true,
  methods: ['GET', 'POST', 'PUT', 'DELETE'],
  allowedHeaders: ['Content-Type', 'Authorization'],
});

app.get('/items', async (request) => ({ items: [], cors: request.cors?.reason }));

// a public route with its own policy: config.cors replaces the plugin's policy, no double headers
app.get('/status', { config: { cors: { origin: '*' } } }, async () => ({ ok: true }));

await app.listen({ port: Number(process.env.PORT ?? 3000), host: '127.0.0.1' });
