// Style 1: one CORS layer in proxy.ts for every route under /proxied, Next's own 404s included.
import { corsProxy } from '@corsica/next';
import { policy } from './cors';

export const proxy = corsProxy(policy);

export const config = { matcher: '/proxied/:path*' };
