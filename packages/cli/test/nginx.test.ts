/**
 * The nginx export on a real nginx: every request answered as the core decides, preflights kept
 * from the app, headers kept on error pages, the app's own CORS headers hidden.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factsFromLines, send, STANDARD_POLICIES } from '@corsica/conformance';
import type { HeaderLine, ScenarioResponse } from '@corsica/conformance';
import { createPolicy } from '@corsica/core';
import type { CorsOptions, Decision } from '@corsica/core';
import { exportNginx } from '../src/index.js';
import { NGINX, startNginx } from './helpers/nginx.js';
import type { RunningNginx } from './helpers/nginx.js';
import { conformanceRoutes, listen } from './helpers/upstream.js';
import type { Listening } from './helpers/upstream.js';

if (NGINX === undefined) {
  console.warn('corsica: nginx tests skipped: no nginx binary on PATH (install it with `apt-get install -y nginx`).');
}

/** Origins that probe every matching rule: listed, patterns, look-alikes, odd bytes. */
const ORIGINS = [
  'https://app.example.com',
  'https://admin.example.com',
  'https://client.example.org',
  'https://pr-1.preview.example.com',
  'https://a.b.preview.example.com',
  'https://a_b.preview.example.com',
  'https://x`y.preview.example.com',
  'https://preview.example.com',
  'https://evilpreview.example.com',
  'https://a..preview.example.com',
  'https://A.preview.example.com',
  'https://pr-1.preview.example.com:8443',
  'http://localhost',
  'http://localhost:5173',
  'http://localhost:80',
  'http://localhost:065',
  'http://localhost:65536',
  'https://localhost:5173',
  'http://localhost.:5173',
  'https://dev-1.corp.example',
  'https://dev_1.corp.example',
  'https://a.dev.corp.example',
  'https://app.example.com.evil.example',
  'https://evilapp.example.com',
  'https://app.example.co',
  'https://appxexample.com',
  'http://app.example.com',
  'https://app.example.com:8443',
  'https://APP.example.com',
  'https://app.example.com/',
  'https://app.example.com.',
  'https://app.example.com`.evil.example',
  'https://app.example.com\t.evil.example',
  'https://app.example.com, https://evil.example',
  'null',
  'https://evil.example',
  `https://${'a'.repeat(1100)}.preview.example.com`,
  'https://pr-.preview.example.com',
  'https://pr-a_b.preview.example.com',
  'https://pr-a.b.preview.example.com',
  `https://pr-${'a'.repeat(60)}.preview.example.com`,
  `https://pr-${'a'.repeat(61)}.preview.example.com`,
  'https://app-eu-1-staging.example.com',
  'https://app-eu-staging.example.com:8443',
  'https://app--staging.example.com',
  'https://app-staging.example.com',
];

/** Header lines of the requests sent from each origin. */
const REQUESTS: { method: string; lines: HeaderLine[] }[] = [
  { method: 'GET', lines: [] },
  { method: 'OPTIONS', lines: [] },
  { method: 'OPTIONS', lines: [['Access-Control-Request-Method', 'PUT']] },
  { method: 'OPTIONS', lines: [['Access-Control-Request-Method', 'patch']] },
  { method: 'OPTIONS', lines: [['Access-Control-Request-Method', 'PURGE']] },
  { method: 'OPTIONS', lines: [['Access-Control-Request-Method', 'GET'], ['Access-Control-Request-Headers', 'content-type']] },
  { method: 'OPTIONS', lines: [['Access-Control-Request-Method', 'POST'], ['Access-Control-Request-Headers', 'Content-Type, X-Request-Id']] },
  { method: 'OPTIONS', lines: [['Access-Control-Request-Method', 'POST'], ['Access-Control-Request-Headers', 'content-type,,x-request-id,']] },
  { method: 'OPTIONS', lines: [['Access-Control-Request-Method', 'GET'], ['Access-Control-Request-Headers', 'authorization']] },
  { method: 'OPTIONS', lines: [['Access-Control-Request-Method', 'GET'], ['Access-Control-Request-Headers', 'x-custom-header']] },
  { method: 'OPTIONS', lines: [['Access-Control-Request-Method', 'GET'], ['Access-Control-Request-Headers', 'content-type x-request-id']] },
  { method: 'OPTIONS', lines: [['Access-Control-Request-Method', 'GET'], ['Access-Control-Request-Headers', '']] },
];

/** The policies compared: the kit's standard ones plus a RegExp and a fixed origin without credentials. */
const POLICIES: Record<string, CorsOptions> = {
  ...STANDARD_POLICIES,
  regexp: {
    origin: ['https://app.example.com', /^https:\/\/[a-z0-9-]+\.corp\.example$/],
    methods: ['GET', 'PUT', 'PATCH'],
    allowedHeaders: ['Content-Type'],
    maxAge: 9000,
    onWarning: false,
  },
  'in-label': { origin: ['https://pr-*.preview.example.com', 'https://app-*-staging.example.com:*'], credentials: true, methods: ['PUT'] },
  'fixed-public': { origin: 'https://app.example.com', methods: ['PUT'], exposedHeaders: ['X-Total-Count'] },
};

function corsHeaders(res: ScenarioResponse): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers)) {
    if (name.startsWith('access-control-')) out[name] = typeof value === 'string' ? value : value.join(' | ');
  }
  return out;
}

function varyNames(res: ScenarioResponse): Set<string> {
  const v = res.headers.vary;
  const lines = v === undefined ? [] : typeof v === 'string' ? [v] : v;
  return new Set(lines.flatMap((l) => l.split(',')).map((n) => n.trim().toLowerCase()).filter((n) => n !== ''));
}

/** Where nginx's answer differs from the core's decision, in words; empty when they agree. */
function differences(decision: Decision, res: ScenarioResponse): string[] {
  const out: string[] = [];
  const expectedStatus = decision.kind === 'preflight' ? decision.status : 200;
  if (res.status !== expectedStatus) out.push(`status ${res.status}, core ${expectedStatus}`);
  const want: Record<string, string> = {};
  for (const [name, value] of Object.entries(decision.headers)) want[name.toLowerCase()] = value;
  const got = corsHeaders(res);
  if (JSON.stringify(Object.entries(got).sort()) !== JSON.stringify(Object.entries(want).sort())) {
    out.push(`headers ${JSON.stringify(got)}, core ${JSON.stringify(want)}`);
  }
  const vary = varyNames(res);
  const missing = decision.vary.filter((n) => !vary.has(n.toLowerCase()));
  if (missing.length > 0) out.push(`Vary lacks ${missing.join(', ')}`);
  if (!decision.vary.includes('Origin') && vary.has('origin')) out.push('Vary: Origin sent, core sends none');
  return out;
}

describe.skipIf(NGINX === undefined)('nginx running the exported policy', () => {
  let upstream: Listening;
  /** Requests that reached the app, as "METHOD path". */
  const reached: string[] = [];

  beforeAll(async () => {
    upstream = await listen((req: IncomingMessage, res: ServerResponse) => {
      reached.push(`${req.method} ${req.url}`);
      if (req.url === '/app-cors') {
        // an app that does its own (wrong) CORS: nginx must hide it
        res.setHeader('Access-Control-Allow-Origin', '*');
        res.setHeader('Access-Control-Allow-Credentials', 'true');
        res.end('app-cors');
        return;
      }
      conformanceRoutes(req, res);
    });
  });
  afterAll(async () => {
    await upstream.close();
  });

  describe.each(Object.entries(POLICIES))('with the %s policy', (_name, options) => {
    let nginx: RunningNginx;
    beforeAll(async () => {
      nginx = await startNginx(exportNginx(options), upstream.port);
    });
    afterAll(async () => {
      await nginx.close();
    });

    it('answers every request as the core decides', async () => {
      const policy = createPolicy({ ...options, onWarning: false } as never);
      const cases = ORIGINS.flatMap((origin) => REQUESTS.map((r) => ({ method: r.method, lines: [['Origin', origin], ...r.lines] as HeaderLine[] })));
      cases.push({ method: 'GET', lines: [] }, { method: 'OPTIONS', lines: [['Access-Control-Request-Method', 'PUT']] });
      const mismatches: string[] = [];
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < cases.length) {
          const c = cases[next++]!;
          const path = c.method === 'OPTIONS' ? '/app-options' : '/ok';
          const res = await send(nginx.baseUrl, { method: c.method, path, headers: c.lines }, 5000);
          const decision = policy.decide(factsFromLines(c.method, c.lines));
          for (const d of differences(decision, res)) mismatches.push(`${c.method} ${JSON.stringify(c.lines)}: ${d}`);
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
      expect(mismatches).toEqual([]);
      expect(cases.length).toBeGreaterThan(400);
    });

    it('keeps the CORS headers on error pages from the app', async () => {
      const policy = createPolicy({ ...options, onWarning: false } as never);
      for (const path of ['/error', '/does-not-exist']) {
        const lines: HeaderLine[] = [['Origin', 'https://app.example.com']];
        const res = await send(nginx.baseUrl, { method: 'GET', path, headers: lines }, 5000);
        expect(res.status).toBe(path === '/error' ? 500 : 404);
        const want = policy.decide(factsFromLines('GET', lines)).headers['Access-Control-Allow-Origin'];
        expect(res.headers['access-control-allow-origin']).toBe(want);
      }
    });
  });

  describe('with the credentialed policy', () => {
    let nginx: RunningNginx;
    beforeAll(async () => {
      nginx = await startNginx(exportNginx(STANDARD_POLICIES.credentialed!), upstream.port);
    });
    afterAll(async () => {
      await nginx.close();
    });

    it.each([
      { desc: 'allowed', lines: [['Origin', 'https://app.example.com'], ['Access-Control-Request-Method', 'DELETE']] as HeaderLine[], status: 204 },
      { desc: 'denied', lines: [['Origin', 'https://evil.example'], ['Access-Control-Request-Method', 'DELETE']] as HeaderLine[], status: 403 },
    ])('answers an $desc preflight itself: the app never sees it', async ({ lines, status }) => {
      reached.length = 0;
      const res = await send(nginx.baseUrl, { method: 'OPTIONS', path: '/app-options', headers: lines }, 5000);
      expect(res.status).toBe(status);
      expect(reached).toEqual([]);
    });

    it("passes an OPTIONS without Access-Control-Request-Method to the app's own route", async () => {
      reached.length = 0;
      const res = await send(nginx.baseUrl, { method: 'OPTIONS', path: '/app-options', headers: [['Origin', 'https://app.example.com']] }, 5000);
      expect(res.status).toBe(200);
      expect(res.body).toBe('app-options');
      expect(reached).toEqual(['OPTIONS /app-options']);
    });

    it("hides the app's own CORS headers, so browsers never see two values", async () => {
      const res = await send(nginx.baseUrl, { method: 'GET', path: '/app-cors', headers: [['Origin', 'https://evil.example']] }, 5000);
      expect(res.body).toBe('app-cors');
      expect(corsHeaders(res)).toEqual({});
    });

    it("appends Vary: Origin to the app's own Vary", async () => {
      const res = await send(nginx.baseUrl, { method: 'GET', path: '/vary', headers: [['Origin', 'https://app.example.com']] }, 5000);
      expect([...varyNames(res)].sort()).toEqual(['accept-encoding', 'origin']);
    });
  });
});
