import type { IncomingMessage } from 'node:http';
import { applyCorsHeaders, createPolicy } from '@corsica/core';
import { factsFromNodeRequest } from '@corsica/core/adapter';
import type { CorsOptions, Decision, RequestFacts } from '@corsica/core';
import { afterAll, describe, expect, it } from 'vitest';
import { GUARDED_POLICIES, STANDARD_POLICIES, runConformance } from '../src/index.js';
import type { ScenarioResult } from '../src/index.js';
import type { StartedServer } from '../src/vitest.js';
import type { CorsLayer } from './servers.js';
import { decideWith, referenceLayer, startServer } from './servers.js';

const credentialed = STANDARD_POLICIES.credentialed!;
const publicPolicy = STANDARD_POLICIES.public!;
const guarded = GUARDED_POLICIES.guarded!;
const guardedAll = GUARDED_POLICIES['guarded-all']!;

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

/** Reflects whatever Origin arrives, with credentials: the best-known CORS mistake. */
const reflectAnyOrigin = (): CorsLayer => (req, res) => {
  const origin = header(req, 'origin');
  if (origin !== undefined) {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    res.setHeader('Vary', 'Origin');
  }
  if (req.method === 'OPTIONS' && header(req, 'access-control-request-method') !== undefined) {
    res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD, POST, PUT, PATCH, DELETE');
    res.setHeader('Access-Control-Allow-Headers', 'Content-Type, Authorization, X-Request-Id');
    res.statusCode = 204;
    res.end();
    return 'handled';
  }
  return 'next';
};

/** Turns the correct decision's ACAO into `*` while keeping credentials. */
const starWithCredentials = (options: CorsOptions): CorsLayer => {
  const decide = decideWith(options);
  return (req, res) => {
    const d = decide(req);
    const headers = d.allowed && d.kind !== 'not-cors' ? { ...d.headers, 'Access-Control-Allow-Origin': '*' } : d.headers;
    applyCorsHeaders(res, { ...d, headers });
    if (d.kind !== 'preflight') return 'next';
    res.statusCode = d.status ?? 204;
    res.end();
    return 'handled';
  };
};

/** The right headers, but Vary is never written. */
const forgetsVary = (options: CorsOptions): CorsLayer => {
  const decide = decideWith(options);
  return (req, res) => {
    const d = decide(req);
    applyCorsHeaders(res, { ...d, vary: [] });
    if (d.kind !== 'preflight') return 'next';
    res.statusCode = d.status ?? 204;
    res.end();
    return 'handled';
  };
};

/** Allowed origins are checked, but Access-Control-Request-Headers is echoed back unchecked. */
const reflectsRequestHeaders = (options: CorsOptions): CorsLayer => {
  const decide = decideWith(options);
  return (req, res) => {
    const facts = { ...req, headers: { ...req.headers } } as IncomingMessage;
    delete facts.headers['access-control-request-headers'];
    const d = decide(facts);
    applyCorsHeaders(res, d);
    if (d.kind !== 'preflight') return 'next';
    const acrh = header(req, 'access-control-request-headers');
    if (d.allowed && acrh !== undefined) res.setHeader('Access-Control-Allow-Headers', acrh);
    res.statusCode = d.status ?? 204;
    res.end();
    return 'handled';
  };
};

/** A denied preflight still gets 204 and the allow-lists, only ACAO is left out. */
const leaksOnDeniedPreflight = (options: CorsOptions): CorsLayer => {
  const decide = decideWith(options);
  return (req, res) => {
    const d = decide(req);
    applyCorsHeaders(res, d);
    if (d.kind !== 'preflight') return 'next';
    if (!d.allowed) {
      res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD, POST, PUT, PATCH, DELETE');
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type, Authorization, X-Request-Id');
    }
    res.statusCode = d.allowed ? (d.status ?? 204) : 204;
    res.end();
    return 'handled';
  };
};

/** Every OPTIONS with an Origin is treated as a preflight, so the app's OPTIONS route never runs. */
const swallowsOptions = (options: CorsOptions): CorsLayer => {
  const inner = referenceLayer(options);
  return (req, res) => {
    const result = inner(req, res);
    if (result === 'next' && req.method === 'OPTIONS' && header(req, 'origin') !== undefined) {
      res.statusCode = 204;
      res.end();
      return 'handled';
    }
    return result;
  };
};

/** Error responses are built from scratch, dropping every header set before (a common framework default). */
const dropsHeadersOnError = (options: CorsOptions): CorsLayer => {
  const inner = referenceLayer(options);
  return (req, res) => {
    const result = inner(req, res);
    if (result === 'next' && req.url === '/error') {
      for (const name of res.getHeaderNames()) res.removeHeader(name);
      res.statusCode = 500;
      res.end('Internal Server Error');
      return 'handled';
    }
    return result;
  };
};

/** A denied origin becomes an exception, hence a 500 (what `cors` does when its origin callback errors). */
const throwsOnDeniedOrigin = (options: CorsOptions): CorsLayer => {
  const decide = decideWith(options);
  const inner = referenceLayer(options);
  return (req, res) => {
    const d = decide(req);
    if (d.kind !== 'not-cors' && !d.allowed && d.reason.startsWith('origin')) {
      res.statusCode = 500;
      res.end('Error: Not allowed by CORS');
      return 'handled';
    }
    return inner(req, res);
  };
};

/** Quadratic or blocking ACRH parsing: long lists never get an answer. */
const hangsOnLongRequestHeaders = (options: CorsOptions): CorsLayer => {
  const inner = referenceLayer(options);
  return (req, res) => {
    if ((header(req, 'access-control-request-headers') ?? '').length > 1000) return 'handled';
    return inner(req, res);
  };
};

/** Two CORS layers stacked: every header is written twice. */
const doubled = (options: CorsOptions): CorsLayer => {
  const decide = decideWith(options);
  return (req, res) => {
    const d = decide(req);
    for (const [name, value] of Object.entries(d.headers)) res.setHeader(name, [value, value]);
    applyCorsHeaders(res, { ...d, headers: {} });
    if (d.kind !== 'preflight') return 'next';
    res.statusCode = d.status ?? 204;
    res.end();
    return 'handled';
  };
};

/** Every preflight answered 200, whatever the policy's `preflightStatus`. */
const preflightStatusAlways200 = (options: CorsOptions): CorsLayer => {
  const decide = decideWith(options);
  return (req, res) => {
    const d = decide(req);
    applyCorsHeaders(res, d);
    if (d.kind !== 'preflight') return 'next';
    res.statusCode = 200;
    res.end();
    return 'handled';
  };
};

/** Echoes the request's own Vary into the response (a client then picks the cache key). */
const copiesRequestVary = (options: CorsOptions): CorsLayer => {
  const inner = referenceLayer(options);
  return (req, res) => {
    const own = header(req, 'vary');
    if (own !== undefined) res.setHeader('Vary', own);
    return inner(req, res);
  };
};

/** Ignores the legacy Private Network Access request. */
const ignoresPrivateNetwork = (options: CorsOptions): CorsLayer => {
  const { privateNetwork: _ignored, ...rest } = options;
  return referenceLayer(rest as CorsOptions);
};

/**
 * The reference layer with one thing changed: the facts the core sees (a guard that misreads a
 * header), or the decision it answers with. Answered decisions (preflights, guard rejections)
 * are sent with their body, as the adapters do.
 */
const tweaked =
  (facts: (f: RequestFacts) => RequestFacts, decision: (d: Decision, f: RequestFacts) => Decision = (d) => d) =>
  (options: CorsOptions): CorsLayer => {
    const policy = createPolicy(options as never);
    return (req, res) => {
      const f = facts(factsFromNodeRequest(req));
      const d = decision(policy.decide(f), f);
      applyCorsHeaders(res, d);
      if (d.status === undefined) return 'next';
      res.statusCode = d.status;
      res.end(d.body);
      return 'handled';
    };
  };

/** A CORS layer that never heard of the guard: the policy's CORS headers only. */
const noGuard = (options: CorsOptions): CorsLayer => referenceLayer({ ...options, guard: undefined });

/** A guard that trusts `Sec-Fetch-Site: same-site` as if it were same-origin (sibling subdomains get in). */
const trustsSameSite = tweaked((f) => (f.secFetchSite === 'same-site' ? { ...f, secFetchSite: 'same-origin' } : f));

/** A guard that never compares Origin with Host, so same-origin pages must be listed to post. */
const ignoresOwnHost = tweaked((f) => ({ ...f, host: 'elsewhere.invalid', secFetchSite: f.secFetchSite === 'same-origin' ? 'cross-site' : f.secFetchSite }));

/** A guard that rejects, but with the CORS headers an allowed origin would get. */
const rejectsWithCorsHeaders = tweaked(
  (f) => f,
  (d, f) => (d.reason === 'cross-origin-rejected' && typeof f.origin === 'string' ? { ...d, headers: { ...d.headers, 'Access-Control-Allow-Origin': f.origin } } : d),
);

/** The guard without `hosts`: any Host is served (DNS rebinding gets through). */
const ignoresHosts = (options: CorsOptions): CorsLayer => referenceLayer({ ...options, guard: { ...options.guard, hosts: undefined } });

interface Row {
  readonly desc: string;
  readonly layer: (options: CorsOptions) => CorsLayer;
  readonly policy: CorsOptions;
  /** Scenario ids that must fail, each with a problem matching the pattern. */
  readonly failing: Readonly<Record<string, RegExp>>;
  readonly timeout?: number;
}

const rows: Row[] = [
  {
    desc: 'reflects any origin with credentials',
    layer: reflectAnyOrigin,
    policy: credentialed,
    failing: {
      'origin.unlisted.credentials': /browser would let https:\/\/evil\.example \(with credentials\) in/,
      'origin.suffix@https://app.example.com': /an origin the policy does not allow/,
      'origin.null': /'null', an origin the policy does not allow/,
      'preflight.origin-unlisted': /denied preflight \(origin-not-allowed\) carries access-control-allow-origin/,
    },
  },
  {
    desc: "sends '*' together with credentials",
    layer: starWithCredentials,
    policy: credentialed,
    failing: {
      'actual.get.credentials@https://app.example.com': /'\*' together with Access-Control-Allow-Credentials/,
      'preflight.method@PUT': /browser would block https:\/\/app\.example\.com \(with credentials\).*'\*'/,
    },
  },
  {
    desc: 'forgets Vary',
    layer: forgetsVary,
    policy: credentialed,
    failing: {
      'not-cors.get': /Vary lacks Origin \(Vary is absent\)/,
      'origin.unlisted': /Vary lacks Origin/,
      'preflight.method@PUT': /Vary lacks Origin, Access-Control-Request-Method, Access-Control-Request-Headers/,
    },
  },
  {
    desc: 'reflects Access-Control-Request-Headers unchecked',
    layer: reflectsRequestHeaders,
    policy: credentialed,
    failing: {
      'preflight.header-not-allowed': /browser would let https:\/\/app\.example\.com \(with credentials\) in, but the policy refuses it \(header-not-allowed: x-not-allowed\)/,
      'preflight.headers-mixed': /policy refuses it \(header-not-allowed/,
    },
  },
  {
    desc: 'answers denied preflights with CORS headers and 204',
    layer: leaksOnDeniedPreflight,
    policy: credentialed,
    failing: {
      'preflight.origin-unlisted': /denied preflight \(origin-not-allowed\) carries access-control-allow-methods, access-control-allow-headers/,
      'preflight.method-not-allowed': /denied preflight \(method-not-allowed\) was answered 204; the policy answers 403/,
    },
  },
  {
    desc: 'swallows non-preflight OPTIONS',
    layer: swallowsOptions,
    policy: credentialed,
    failing: {
      'actual.options': /should answer 200 but the response is 204: an OPTIONS without Access-Control-Request-Method is not a preflight/,
    },
  },
  {
    desc: 'drops CORS headers on a 500',
    layer: dropsHeadersOnError,
    policy: credentialed,
    failing: {
      'route.error': /browser would block https:\/\/app\.example\.com \(with credentials\), which the policy allows: No Access-Control-Allow-Origin header is present/,
    },
  },
  {
    desc: 'answers a denied origin with a 500',
    layer: throwsOnDeniedOrigin,
    policy: credentialed,
    failing: {
      'origin.unlisted': /answered 500; a CORS decision must never become a server error/,
    },
  },
  {
    desc: 'hangs on a long Access-Control-Request-Headers',
    layer: hangsOnLongRequestHeaders,
    policy: publicPolicy,
    failing: { 'hostile.acrh-4k-names': /No response: no response within 300 ms/ },
    timeout: 300,
  },
  {
    desc: 'writes every CORS header twice',
    layer: doubled,
    policy: credentialed,
    failing: {
      'actual.get@https://app.example.com': /access-control-allow-origin is sent 2 times/,
    },
  },
  {
    desc: 'answers allowed preflights 200 although the policy says 204',
    layer: preflightStatusAlways200,
    policy: publicPolicy,
    failing: { 'preflight.method@PUT': /allowed preflight was answered 200; the policy answers 204/ },
  },
  {
    desc: "copies the request's own Vary",
    layer: copiesRequestVary,
    policy: credentialed,
    failing: { 'vary.request-vary-ignored': /Vary lists x-copied-from-request, copied from the request's own Vary header/ },
  },
  {
    desc: 'ignores Private Network Access although the policy answers it',
    layer: ignoresPrivateNetwork,
    policy: { origin: ['https://app.example.com', 'https://admin.example.com'], privateNetwork: true, onWarning: false },
    failing: { 'preflight.private-network': /Access-Control-Allow-Private-Network is 'missing'; the policy answers 'true'/ },
  },
  {
    desc: 'has no origin guard although the policy has one',
    layer: noGuard,
    policy: guarded,
    failing: {
      'guard.cross-site.post': /origin guard must reject this request \(cross-origin-rejected\) before the app runs, but the app answered \(200, body 'ok'\)/,
      'guard.cross-site.delete': /but the app answered/,
      'guard.origin-null': /but the app answered/,
      'guard.websocket.cross-site': /but the app answered/,
      'guard.host-rebinding': /origin guard must reject this request \(host-not-allowed\)/,
    },
  },
  {
    desc: 'has no guard although the policy checks every method',
    layer: noGuard,
    policy: guardedAll,
    failing: { 'guard.cross-site.get': /but the app answered/, 'guard.cross-site.head': /but the app answered \(200/, 'origin.unlisted': /but the app answered/ },
  },
  {
    desc: 'lets an unlisted same-site sibling through its guard',
    layer: trustsSameSite,
    policy: guarded,
    failing: { 'guard.same-site-sibling': /but the app answered \(200/ },
  },
  {
    desc: 'rejects same-origin requests because their origin is not listed',
    layer: ignoresOwnHost,
    policy: guardedAll,
    failing: {
      'guard.same-origin': /route should answer 200 but the response is 403/,
      'guard.same-origin.fetch-metadata': /route should answer 200 but the response is 403/,
    },
  },
  {
    desc: "sends CORS headers on the guard's rejections",
    layer: rejectsWithCorsHeaders,
    policy: guarded,
    failing: { 'guard.cross-site.put': /carries access-control-allow-origin; it must carry no CORS header/ },
  },
  {
    desc: 'serves any Host although the policy lists its hosts',
    layer: ignoresHosts,
    policy: guarded,
    failing: { 'guard.host-rebinding': /\(host-not-allowed\) before the app runs, but the app answered/, 'guard.host-rebinding.post': /but the app answered/ },
  },
];

const servers: StartedServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function run(row: Row): Promise<ScenarioResult[]> {
  const server = await startServer(row.layer(row.policy));
  servers.push(server);
  return runConformance({ baseUrl: server.baseUrl, policy: row.policy, ...(row.timeout === undefined ? {} : { timeout: row.timeout }) });
}

describe('status rules', () => {
  it('turns a non-403 denial into a note, not a failure, when strict is off', async () => {
    const server = await startServer(leaksOnDeniedPreflight(publicPolicy));
    servers.push(server);
    const results = await runConformance({ baseUrl: server.baseUrl, policy: publicPolicy, strict: false });
    const denied = results.find((r) => r.id === 'preflight.method-not-allowed')!;
    expect(denied.notes.join('\n')).toMatch(/answered 204; the policy answers 403/);
    expect(denied.problems.join('\n')).not.toMatch(/403/);
    // the leaked allow-lists are still a failure: they are not about status
    expect(denied.problems.join('\n')).toMatch(/carries access-control-allow-methods/);
  });

  it('turns a missing Vary on preflights into a note when strict is off, but never on actual responses', async () => {
    const server = await startServer(forgetsVary(credentialed));
    servers.push(server);
    const results = new Map((await runConformance({ baseUrl: server.baseUrl, policy: credentialed, strict: false })).map((r) => [r.id, r]));
    expect(results.get('preflight.method@PUT')!.pass).toBe(true);
    expect(results.get('preflight.method@PUT')!.notes.join('\n')).toMatch(/Vary lacks Origin/);
    expect(results.get('not-cors.get')!.problems.join('\n')).toMatch(/Vary lacks Origin/);
  });
});

describe('the kit catches broken servers', () => {
  it.each(rows)('a server that $desc fails the scenarios that show it', async (row) => {
    const results = await run(row);
    const byId = new Map(results.map((r) => [r.id, r]));
    for (const [id, pattern] of Object.entries(row.failing)) {
      const result = byId.get(id);
      expect(result, `scenario ${id} exists`).toBeDefined();
      expect(result!.pass, `scenario ${id} fails`).toBe(false);
      expect(result!.problems.join('\n')).toMatch(pattern);
    }
  });
});
