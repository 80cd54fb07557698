// Next.js 16: one CORS layer for every route under /api, in proxy.ts. Preflights are answered
// here; every other answer (route handlers, their errors, Next's own 404s) gets the headers.
// The route files under app/api carry no CORS code.
import { corsProxy } from '@corsica/next';

export const proxy = corsProxy({
  origin: ['https://app.example.com', 'https://*.vercel-preview.example.com'],
  credentials: true,
  methods: ['GET', 'POST', 'DELETE'],
  allowedHeaders: ['Content-Type', 'Authorization'],
  maxAge: 7200,
});

// only the API: pages would get their Vary replaced by Next.js (see the Next.js guide)
export const config = { matcher: '/api/:path*' };
