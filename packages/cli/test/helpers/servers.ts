/**
 * Servers for the audit tests: deliberately broken CORS setups as they are found in the wild, and
 * Corsica-based ones with a strict policy. All listen on 127.0.0.1, on a port the OS picks.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { applyCorsHeaders, createPolicy } from '@corsica/core';
import { factsFromNodeRequest } from '@corsica/core/adapter';
import type { CorsOptions } from '@corsica/core';
import { conformanceRoutes, listen } from './upstream.js';
import type { Listening } from './upstream.js';

/** The policy of the well-configured servers. */
export const STRICT_POLICY = {
  origin: ['https://app.example.com', 'https://admin.example.com'],
  credentials: true,
  methods: ['GET', 'POST', 'PUT', 'DELETE'],
  allowedHeaders: ['Content-Type', 'Authorization'],
  exposedHeaders: ['X-Request-Id'],
  maxAge: 600,
} satisfies CorsOptions;

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function isPreflight(req: IncomingMessage): boolean {
  return req.method === 'OPTIONS' && header(req, 'origin') !== undefined && header(req, 'access-control-request-method') !== undefined;
}

/** The classic hole: echo whatever Origin came, with credentials (and of course no Vary). */
export const reflectAnyOrigin: Handler = (req, res) => {
  const origin = header(req, 'origin');
  if (origin !== undefined) {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
  }
  if (isPreflight(req)) {
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, DELETE');
    res.setHeader('Access-Control-Allow-Headers', 'Content-Type');
    res.statusCode = 204;
    res.end();
    return;
  }
  conformanceRoutes(req, res);
};

/** `*` with credentials: browsers refuse it, and it is what precedes the reflection "fix". */
export const wildcardWithCredentials: Handler = (req, res) => {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Allow-Credentials', 'true');
  if (isPreflight(req)) {
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST');
    res.statusCode = 204;
    res.end();
    return;
  }
  conformanceRoutes(req, res);
};

const LISTED = new Set(['https://app.example.com', 'https://admin.example.com']);

/** A correct allowlist, but no `Vary: Origin`: caches mix origins. */
export const allowlistWithoutVary: Handler = (req, res) => {
  const origin = header(req, 'origin');
  const allowed = origin !== undefined && LISTED.has(origin);
  if (allowed) {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
  }
  if (isPreflight(req)) {
    if (allowed) res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT');
    res.statusCode = allowed ? 204 : 403;
    res.end();
    return;
  }
  conformanceRoutes(req, res);
};

/** A correct allowlist with Vary, whose preflights echo any requested header and method. */
export const reflectRequestHeaders: Handler = (req, res) => {
  const origin = header(req, 'origin');
  const allowed = origin !== undefined && LISTED.has(origin);
  res.setHeader('Vary', 'Origin');
  if (allowed) {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
  }
  if (isPreflight(req)) {
    if (allowed) {
      res.setHeader('Access-Control-Allow-Methods', header(req, 'access-control-request-method') ?? 'GET');
      const acrh = header(req, 'access-control-request-headers');
      if (acrh !== undefined) res.setHeader('Access-Control-Allow-Headers', acrh);
    }
    res.statusCode = allowed ? 204 : 403;
    res.end();
    return;
  }
  conformanceRoutes(req, res);
};

/** A prefix check (`startsWith`), so `https://app.example.com.evil.example` gets in. */
export const prefixMatch: Handler = (req, res) => {
  const origin = header(req, 'origin');
  res.setHeader('Vary', 'Origin');
  if (origin?.startsWith('https://app.example.com')) {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
  }
  conformanceRoutes(req, res);
};

/** Corsica's core on plain node:http: facts in, decision out, preflights answered here. */
export function corsicaHandler(options: CorsOptions = STRICT_POLICY): Handler {
  const policy = createPolicy(options as never);
  return (req, res) => {
    const decision = policy.decide(factsFromNodeRequest(req));
    applyCorsHeaders(res, decision);
    if (decision.kind === 'preflight') {
      res.statusCode = decision.status ?? 204;
      res.end();
      return;
    }
    conformanceRoutes(req, res);
  };
}

export { conformanceRoutes, listen };
export type { Listening };
