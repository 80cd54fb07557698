/**
 * The origin guard against an independent model of Go 1.25's CrossOriginProtection: whatever
 * the Origin, Sec-Fetch-Site, Host, method and Upgrade, a request reaches the application exactly
 * when the model lets it through, so no unlisted cross-origin page gets an unsafe request in.
 * @see https://pkg.go.dev/net/http#CrossOriginProtection
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPolicy } from '@corsica/core';
import type { RequestFacts } from '@corsica/core';

const LISTED = ['https://app.example.com', 'https://admin.example.com'];
const HOSTS = ['api.example.com', 'api.example.com:8443', 'localhost:3000'];

const facts: fc.Arbitrary<RequestFacts> = fc.record(
  {
    method: fc.constantFrom('GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'DELETE', 'PATCH', 'post'),
    origin: fc.constantFrom(...LISTED, 'https://evil.example', 'https://blog.example.com', 'null', 'https://api.example.com', 'https://api.example.com:8443', 'http://localhost:3000', 'https://APP.example.com', 'https://a.example, https://b.example'),
    secFetchSite: fc.constantFrom('same-origin', 'same-site', 'cross-site', 'none', 'bogus', ''),
    host: fc.constantFrom(...HOSTS),
    upgrade: fc.constantFrom('websocket', 'WebSocket', 'h2c'),
    requestMethod: fc.constantFrom('PUT', 'GET'),
  },
  { requiredKeys: ['method', 'host'] },
);

/** Go's order, written out independently of the implementation. */
function modelReachesApp(r: RequestFacts, mode: 'unsafe' | 'all'): boolean {
  const origin = typeof r.origin === 'string' ? r.origin : undefined;
  if (r.method === 'OPTIONS' && origin !== undefined && r.requestMethod !== undefined) return false; // a preflight: CORS answers it
  const webSocket = typeof r.upgrade === 'string' && r.upgrade.toLowerCase() === 'websocket';
  if (mode === 'unsafe' && ['GET', 'HEAD', 'OPTIONS'].includes(String(r.method)) && !webSocket) return true;
  const site = typeof r.secFetchSite === 'string' && r.secFetchSite !== '' ? r.secFetchSite : undefined;
  const listed = origin !== undefined && LISTED.includes(origin);
  if (site !== undefined) return site === 'same-origin' || site === 'none' || listed;
  if (origin === undefined) return true;
  let sameHost = false;
  try {
    const u = new URL(origin);
    sameHost = u.origin === origin && u.host === String(r.host).toLowerCase();
  } catch {
    sameHost = false;
  }
  return sameHost || listed;
}

describe('the origin guard against a model of Go 1.25 CrossOriginProtection', () => {
  it.each(['unsafe', 'all'] as const)('lets a request reach the application exactly when the model does (crossOrigin: %s)', (mode) => {
    const policy = createPolicy({ origin: LISTED, credentials: true, methods: ['PUT', 'DELETE', 'PATCH'], guard: { crossOrigin: mode }, onWarning: false });
    fc.assert(
      fc.property(facts, (r) => {
        const d = policy.decide(r);
        const reaches = d.status === undefined;
        expect(reaches, JSON.stringify({ r, d: d.reason })).toBe(modelReachesApp(r, mode));
        if (d.reason === 'cross-origin-rejected') expect([d.status, d.headers['Access-Control-Allow-Origin']]).toEqual([403, undefined]);
      }),
      { numRuns: 3000 },
    );
  });

  it('never lets an unlisted cross-origin page reach the application with an unsafe method', () => {
    const policy = createPolicy({ origin: LISTED, guard: {}, onWarning: false });
    fc.assert(
      fc.property(facts, (r) => {
        const unsafe = !['GET', 'HEAD', 'OPTIONS'].includes(String(r.method));
        const crossSite = r.secFetchSite === 'cross-site' || r.secFetchSite === 'same-site';
        fc.pre(unsafe && crossSite && typeof r.origin === 'string' && !LISTED.includes(r.origin));
        expect(policy.decide(r).status).toBe(403);
      }),
      { numRuns: 2000 },
    );
  });
});
