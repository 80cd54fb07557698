// Elysia on Bun: the plugin answers preflights before routing, and its headers reach every answer
// (values, Bun.file(), status(), thrown errors, the 404).
import { Elysia } from 'elysia';
import { cors } from '@corsica/elysia';

const app = new Elysia()
  .use(
    cors({
      origin: ['https://app.example.com', 'http://localhost:*'],
      credentials: true,
      methods: ['GET', 'POST', 'PUT', 'DELETE'],
      allowedHeaders: ['Content-Type', 'Authorization'],
    }),
  )
  .get('/items', ({ cors }) => ({ items: [], cors: cors?.reason }))
  .delete('/items/:id', ({ status }) => status(401, 'log in first'))
  .listen(Number(process.env.PORT ?? 3000));

console.log(`elysia example on http://localhost:${app.server?.port}/`);
