// One compiled policy shared by every route file: validated once, at module load.
import { createPolicy } from '@corsica/core';

export const policy = createPolicy({
  origin: ['https://app.example.com', 'https://*.vercel-preview.example.com'],
  credentials: true,
  methods: ['GET', 'POST', 'DELETE'],
  allowedHeaders: ['Content-Type', 'Authorization'],
  maxAge: 600,
});
