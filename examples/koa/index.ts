// Koa 3 (and 2): cors() first; thrown errors keep their CORS headers.
import Koa from 'koa';
import { cors } from '@corsica/koa';

const app = new Koa();

app.use(
  cors({
    origin: ['https://app.example.com', 'http://localhost:*'],
    credentials: true,
    methods: ['GET', 'POST', 'PUT', 'DELETE'],
    allowedHeaders: ['Content-Type', 'Authorization'],
  }),
);

app.use((ctx) => {
  if (ctx.path === '/boom') ctx.throw(500, 'boom'); // the browser sees the 500, not a CORS error
  ctx.vary('Accept-Encoding'); // append to Vary; never overwrite it
  ctx.body = { items: [], cors: ctx.state.cors?.reason };
});

const port = Number(process.env.PORT ?? 3000);
app.listen(port, () => console.log(`koa example on http://localhost:${port}/`));
