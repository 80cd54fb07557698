// middleware/cors.ts (Nuxt: server/middleware/cors.ts)
import { cors } from '@corsica/h3';

export default cors({
  origin: ['https://app.example.com', 'http://localhost:3000'],
  credentials: true,
  methods: ['GET', 'POST', 'PUT', 'DELETE'],
  allowedHeaders: ['Content-Type', 'Authorization'],
});
