// Express 5 (Express 4 works the same): one cors() first, before routers, auth and body parsers.
import express from 'express';
import { cors } from '@corsica/express';

const app = express();

app.use(
  cors({
    origin: ['https://app.example.com', 'https://*.preview.example.com', 'http://localhost:*'],
    credentials: true,
    methods: ['GET', 'POST', 'PUT', 'DELETE'],
    allowedHeaders: ['Content-Type', 'Authorization'],
    exposedHeaders: ['X-Request-Id'],
    maxAge: 600,
  }),
);
app.use(express.json());

app.get('/items', (req, res) => {
  res.set('X-Request-Id', crypto.randomUUID());
  res.json({ items: [], cors: req.cors?.reason });
});
app.post('/items', (req, res) => {
  res.status(201).json({ created: req.body as unknown });
});
// no app.options('*', ...): preflights never reach the routes (and that line throws on Express 5)

const port = Number(process.env.PORT ?? 3000);
app.listen(port, () => console.log(`express example on http://localhost:${port}/items`));
