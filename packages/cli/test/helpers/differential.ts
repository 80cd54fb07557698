/**
 * The differential test shared by every proxy export: the requests (origins that probe every
 * matching rule, times preflight and actual request shapes), the policies, and the comparison of
 * a server's answer with the core's decision.
 */
import { factsFromLines, send, STANDARD_POLICIES } from '@corsica/conformance';
import type { HeaderLine, ScenarioResponse } from '@corsica/conformance';
import { createPolicy } from '@corsica/core';
import type { CorsOptions, Decision } from '@corsica/core';

/** Origins that probe every matching rule: listed, patterns, look-alikes, odd bytes. */
export const ORIGINS = [
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
export const REQUESTS: { method: string; lines: HeaderLine[] }[] = [
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
export const POLICIES: Record<string, CorsOptions> = {
  ...STANDARD_POLICIES,
  regexp: {
    origin: ['https://app.example.com', /^https:\/\/[a-z0-9-]+\.corp\.example$/],
    methods: ['GET', 'PUT', 'PATCH'],
    allowedHeaders: ['Content-Type'],
    maxAge: 9000,
    onWarning: false,
  },
  'fixed-public': { origin: 'https://app.example.com', methods: ['PUT'], exposedHeaders: ['X-Total-Count'] },
};

export function corsHeaders(res: ScenarioResponse): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers)) {
    if (name.startsWith('access-control-')) out[name] = typeof value === 'string' ? value : value.join(' | ');
  }
  return out;
}

export function varyNames(res: ScenarioResponse): Set<string> {
  const v = res.headers.vary;
  const lines = v === undefined ? [] : typeof v === 'string' ? [v] : v;
  return new Set(lines.flatMap((l) => l.split(',')).map((n) => n.trim().toLowerCase()).filter((n) => n !== ''));
}

/** Where nginx's answer differs from the core's decision, in words; empty when they agree. */
export function differences(decision: Decision, res: ScenarioResponse): string[] {
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

/** One request of the differential run. */
export interface DifferentialCase {
  readonly method: string;
  readonly lines: HeaderLine[];
}

/** Every origin times every request shape, plus two requests without Origin. */
export function differentialCases(): DifferentialCase[] {
  const cases = ORIGINS.flatMap((origin) => REQUESTS.map((r) => ({ method: r.method, lines: [['Origin', origin], ...r.lines] as HeaderLine[] })));
  cases.push({ method: 'GET', lines: [] }, { method: 'OPTIONS', lines: [['Access-Control-Request-Method', 'PUT']] });
  return cases;
}

/**
 * Sends every differential case to `baseUrl` (8 at a time) and compares each answer with the
 * core's decision for the same request; resolves with the disagreements, in words, and the count.
 */
export async function runDifferential(baseUrl: string, options: CorsOptions): Promise<{ mismatches: string[]; total: number }> {
  const policy = createPolicy({ ...options, onWarning: false } as never);
  const cases = differentialCases();
  const mismatches: string[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < cases.length) {
      const c = cases[next++]!;
      const path = c.method === 'OPTIONS' ? '/app-options' : '/ok';
      const res = await send(baseUrl, { method: c.method, path, headers: c.lines }, 5000);
      const decision = policy.decide(factsFromLines(c.method, c.lines));
      for (const d of differences(decision, res)) mismatches.push(`${c.method} ${JSON.stringify(c.lines)}: ${d}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return { mismatches, total: cases.length };
}
