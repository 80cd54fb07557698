// h3 v2 on Node (the same app runs on Bun and Deno): cors() with app.use(), before any route.
// In Nitro v3, export the same cors(...) call from middleware/cors.ts instead (Nuxt: server/middleware/cors.ts).
import { H3, HTTPError, serve } from 'h3';
import { cors } from '@corsica/h3';

const app = new H3();

app.use(
  cors({
    origin: ['https://app.example.com', 'http://localhost:*'],
    credentials: true,
    methods: ['GET', 'POST', 'PUT', 'DELETE'],
    allowedHeaders: ['Content-Type', 'Authorization'],
  }),
);

app.get('/items', (event) => ({ items: [], cors: event.context.cors?.reason }));
// the browser sees the 401, not a CORS error: the headers reach thrown HTTPErrors too
app.delete('/items/:id', () => {
  throw new HTTPError({ status: 401, message: 'log in first' });
});

serve(app, { port: Number(process.env.PORT ?? 3000) });
