import { describe, expect, it } from 'vitest';
import { CorsConfigError, createPolicy } from '@corsica/core';
import type { ConfigWarning, CorsOptions, ProblemCode } from '@corsica/core';

/** Compiles options that must fail and returns the problems. */
function problemsOf(options: unknown): CorsConfigError['problems'] {
  try {
    createPolicy(options as CorsOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(CorsConfigError);
    return (error as CorsConfigError).problems;
  }
  throw new Error('expected createPolicy to throw');
}

const quiet = { onWarning: false } as const;

describe('createPolicy rejects invalid and insecure configuration', () => {
  const rows: { desc: string; options: unknown; code: ProblemCode; path: string }[] = [
    { desc: 'options that are not an object', options: 'https://a.example', code: 'option.invalid-type', path: 'options' },
    { desc: 'no origin at all (no implicit *)', options: {}, code: 'origin.missing', path: 'origin' },
    { desc: 'an unknown option, with the peer name mapped', options: { origin: '*', allowHeaders: ['X'] }, code: 'option.unknown', path: 'allowHeaders' },
    { desc: 'an empty origin list', options: { origin: [] }, code: 'origin.empty-list', path: 'origin' },
    { desc: '* mixed into a list', options: { origin: ['https://a.example', '*'] }, code: 'origin.wildcard-in-list', path: 'origin[1]' },
    { desc: '* with credentials', options: { origin: '*', credentials: true }, code: 'origin.wildcard-with-credentials', path: 'origin' },
    { desc: 'the null origin', options: { origin: ['null'] }, code: 'origin.null', path: 'origin[0]' },
    { desc: 'a file: URL', options: { origin: 'file:///home/me/index.html' }, code: 'origin.opaque-scheme', path: 'origin' },
    { desc: 'a host without scheme', options: { origin: 'app.example.com' }, code: 'origin.missing-scheme', path: 'origin' },
    { desc: 'a path', options: { origin: 'https://app.example.com/login' }, code: 'origin.has-path', path: 'origin' },
    { desc: 'a query', options: { origin: 'https://app.example.com?x=1' }, code: 'origin.has-path', path: 'origin' },
    { desc: 'a trailing slash', options: { origin: 'https://app.example.com/' }, code: 'origin.trailing-slash', path: 'origin' },
    { desc: 'userinfo', options: { origin: 'https://user@app.example.com' }, code: 'origin.userinfo', path: 'origin' },
    { desc: 'the default https port', options: { origin: 'https://app.example.com:443' }, code: 'origin.default-port', path: 'origin' },
    { desc: 'the default http port', options: { origin: 'http://localhost:80' }, code: 'origin.default-port', path: 'origin' },
    { desc: 'a port out of range', options: { origin: 'https://app.example.com:70000' }, code: 'origin.invalid-port', path: 'origin' },
    { desc: 'a port with leading zeros', options: { origin: 'https://app.example.com:08080' }, code: 'origin.not-canonical', path: 'origin' },
    { desc: 'upper case', options: { origin: 'https://App.Example.com' }, code: 'origin.uppercase', path: 'origin' },
    { desc: 'a unicode host', options: { origin: 'https://bücher.example' }, code: 'origin.unicode-host', path: 'origin' },
    { desc: 'a non-canonical IPv4 host', options: { origin: 'http://127.1:3000' }, code: 'origin.not-canonical', path: 'origin' },
    { desc: 'a non-compressed IPv6 host', options: { origin: 'http://[0:0:0:0:0:0:0:1]:3000' }, code: 'origin.not-canonical', path: 'origin' },
    { desc: 'whitespace', options: { origin: ' https://app.example.com' }, code: 'origin.invalid', path: 'origin' },
    { desc: 'a wildcard inside a label that is not the first', options: { origin: 'https://app.pr-*.example.com' }, code: 'origin.invalid-pattern', path: 'origin' },
    { desc: 'two wildcards inside the first label', options: { origin: 'https://pr-*-*.example.com' }, code: 'origin.invalid-pattern', path: 'origin' },
    { desc: 'a wildcard inside a label with no domain after it', options: { origin: 'https://pr-*' }, code: 'origin.invalid-pattern', path: 'origin' },
    { desc: 'a wildcard inside a label and a leading wildcard label', options: { origin: 'https://*.pr-*.example.com' }, code: 'origin.invalid-pattern', path: 'origin' },
    { desc: 'a wildcard inside a label on vercel.app, where anyone can claim myapp-evil', options: { origin: 'https://myapp-*.vercel.app' }, code: 'origin.public-suffix-label-wildcard', path: 'origin' },
    { desc: 'a wildcard inside a label on a TLD', options: { origin: 'https://app-*.com' }, code: 'origin.public-suffix-label-wildcard', path: 'origin' },
    { desc: 'a wildcard inside a label on github.io', options: { origin: 'https://me-*.github.io' }, code: 'origin.public-suffix-label-wildcard', path: 'origin' },
    { desc: 'a wildcard inside an upper-case label', options: { origin: 'https://PR-*.preview.example.com' }, code: 'origin.uppercase', path: 'origin' },
    { desc: 'a wildcard inside a plain-http label with credentials', options: { origin: 'http://pr-*.preview.example.com', credentials: true }, code: 'origin.insecure-with-credentials', path: 'origin' },
    { desc: 'a wildcard over a TLD', options: { origin: 'https://*.com' }, code: 'origin.public-suffix-wildcard', path: 'origin' },
    { desc: 'a wildcard over a multi-label public suffix', options: { origin: 'https://*.co.uk' }, code: 'origin.public-suffix-wildcard', path: 'origin' },
    { desc: 'a wildcard over a private public suffix', options: { origin: 'https://*.github.io' }, code: 'origin.public-suffix-wildcard', path: 'origin' },
    { desc: 'a wildcard over vercel.app', options: { origin: 'https://*.vercel.app' }, code: 'origin.public-suffix-wildcard', path: 'origin' },
    { desc: 'a wildcard over an IP address', options: { origin: 'http://*.127.0.0.1' }, code: 'origin.public-suffix-wildcard', path: 'origin' },
    { desc: 'plain http with credentials', options: { origin: 'http://app.example.com', credentials: true }, code: 'origin.insecure-with-credentials', path: 'origin' },
    { desc: 'an unanchored RegExp', options: { origin: /example\.com/ }, code: 'origin.regexp-unanchored', path: 'origin' },
    { desc: 'a RegExp whose top-level | escapes the anchors', options: { origin: /^https:\/\/a\.example\.com|https:\/\/b\.example\.com$/ }, code: 'origin.regexp-unanchored', path: 'origin' },
    { desc: 'a RegExp with an unescaped dot', options: { origin: /^https:\/\/app.example\.com$/ }, code: 'origin.regexp-unescaped-dot', path: 'origin' },
    { desc: 'a stateful RegExp', options: { origin: /^https:\/\/app\.example\.com$/g }, code: 'origin.regexp-stateful', path: 'origin' },
    { desc: 'a callback-style origin function', options: { origin: (_o: string, _cb: unknown) => undefined }, code: 'origin.callback-style', path: 'origin' },
    { desc: 'origin: true (reflect everything)', options: { origin: true }, code: 'option.invalid-type', path: 'origin' },
    { desc: 'credentials that is not a boolean', options: { origin: '*', credentials: 'true' }, code: 'option.invalid-type', path: 'credentials' },
    { desc: 'an invalid method token', options: { origin: '*', methods: ['GET POST'] }, code: 'methods.invalid-token', path: 'methods[0]' },
    { desc: 'a forbidden method', options: { origin: '*', methods: ['PUT', 'CONNECT'] }, code: 'methods.forbidden', path: 'methods[1]' },
    { desc: 'TRACK, forbidden case-insensitively', options: { origin: '*', methods: 'track' }, code: 'methods.forbidden', path: 'methods' },
    { desc: 'methods * with credentials', options: { origin: 'https://a.example', credentials: true, methods: '*' }, code: 'methods.wildcard-with-credentials', path: 'methods' },
    { desc: 'methods * mixed with names', options: { origin: '*', methods: ['*', 'PUT'] }, code: 'methods.wildcard-in-list', path: 'methods' },
    { desc: 'a forbidden request header', options: { origin: '*', allowedHeaders: ['Cookie'] }, code: 'allowedHeaders.forbidden', path: 'allowedHeaders[0]' },
    { desc: 'a sec- request header', options: { origin: '*', allowedHeaders: ['Sec-Fetch-Mode'] }, code: 'allowedHeaders.forbidden', path: 'allowedHeaders[0]' },
    { desc: 'a proxy- request header', options: { origin: '*', allowedHeaders: ['Proxy-Authorization'] }, code: 'allowedHeaders.forbidden', path: 'allowedHeaders[0]' },
    { desc: 'a header name with a colon', options: { origin: '*', allowedHeaders: ['X-Id:'] }, code: 'allowedHeaders.invalid-token', path: 'allowedHeaders[0]' },
    { desc: 'allowedHeaders * with credentials', options: { origin: 'https://a.example', credentials: true, allowedHeaders: '*' }, code: 'allowedHeaders.wildcard-with-credentials', path: 'allowedHeaders' },
    { desc: 'allowedHeaders * mixed with other names', options: { origin: '*', allowedHeaders: ['*', 'X-Id'] }, code: 'allowedHeaders.wildcard-in-list', path: 'allowedHeaders' },
    { desc: 'exposing Set-Cookie', options: { origin: '*', exposedHeaders: ['Set-Cookie'] }, code: 'exposedHeaders.forbidden', path: 'exposedHeaders[0]' },
    { desc: 'an invalid exposed header', options: { origin: '*', exposedHeaders: ['X Total'] }, code: 'exposedHeaders.invalid-token', path: 'exposedHeaders[0]' },
    { desc: 'exposedHeaders * with credentials', options: { origin: 'https://a.example', credentials: true, exposedHeaders: ['*'] }, code: 'exposedHeaders.wildcard-with-credentials', path: 'exposedHeaders[0]' },
    { desc: 'exposedHeaders * mixed with names', options: { origin: '*', exposedHeaders: ['*', 'X-Total'] }, code: 'exposedHeaders.wildcard-in-list', path: 'exposedHeaders' },
    { desc: 'a negative maxAge', options: { origin: '*', maxAge: -1 }, code: 'maxAge.invalid', path: 'maxAge' },
    { desc: 'a fractional maxAge', options: { origin: '*', maxAge: 1.5 }, code: 'maxAge.invalid', path: 'maxAge' },
    { desc: 'a maxAge above 86400', options: { origin: '*', maxAge: 86401 }, code: 'maxAge.invalid', path: 'maxAge' },
    { desc: 'a preflight status that is not 200 or 204', options: { origin: '*', preflightStatus: 302 }, code: 'preflightStatus.invalid', path: 'preflightStatus' },
    { desc: 'optionsSuccessStatus that is not 200 or 204', options: { origin: '*', optionsSuccessStatus: 500 }, code: 'preflightStatus.invalid', path: 'optionsSuccessStatus' },
    { desc: 'mirrorRequestHeaders together with allowedHeaders', options: { origin: '*', mirrorRequestHeaders: true, allowedHeaders: ['X-A'] }, code: 'option.conflict', path: 'mirrorRequestHeaders' },
    { desc: 'preflightStatus and its alias disagreeing', options: { origin: '*', preflightStatus: 204, optionsSuccessStatus: 200 }, code: 'option.conflict', path: 'optionsSuccessStatus' },
    { desc: 'a non-function hook', options: { origin: '*', onDecision: 'log' }, code: 'option.invalid-type', path: 'onDecision' },
    { desc: 'a cache of size 0', options: { origin: '*', originCache: { max: 0 } }, code: 'option.out-of-range', path: 'originCache.max' },
    { desc: 'a negative failureTtl', options: { origin: '*', originCache: { failureTtl: -1 } }, code: 'option.out-of-range', path: 'originCache.failureTtl' },
    { desc: 'an unknown originCache option', options: { origin: '*', originCache: { maxAge: 1000 } }, code: 'option.unknown', path: 'originCache.maxAge' },
    { desc: 'a zero resolver timeout', options: { origin: '*', resolverTimeout: 0 }, code: 'option.out-of-range', path: 'resolverTimeout' },
    { desc: 'report-only without a fallback', options: { origin: '*', reportOnly: {}, onDecision: () => undefined }, code: 'reportOnly.missing-fallback', path: 'reportOnly' },
    { desc: 'report-only without onDecision', options: { origin: 'https://a.example', reportOnly: { fallback: { origin: '*' } } }, code: 'reportOnly.missing-reporter', path: 'onDecision' },
    { desc: 'a report-only fallback that is itself report-only', options: { origin: 'https://a.example', onDecision: () => undefined, reportOnly: { fallback: { origin: '*', reportOnly: { fallback: { origin: '*' } } } } }, code: 'option.conflict', path: 'reportOnly.fallback.reportOnly' },
    { desc: 'an invalid report-only fallback', options: { origin: 'https://a.example', onDecision: () => undefined, reportOnly: { fallback: { origin: '*', credentials: true } } }, code: 'origin.wildcard-with-credentials', path: 'reportOnly.fallback.origin' },
  ];

  it.each(rows)('reports $code for $desc', ({ options, code, path }) => {
    const problems = problemsOf(options);
    const match = problems.find((p) => p.code === code);
    expect(match, JSON.stringify(problems, null, 2)).toBeDefined();
    expect(match!.path).toBe(path);
    expect(match!.message.startsWith('corsica: ')).toBe(true);
    expect(match!.message).toContain(path.split(/[.[]/)[0]);
    expect(match!.fix.length).toBeGreaterThan(10);
  });

  it('lists every problem at once, not just the first', () => {
    const problems = problemsOf({
      origin: ['https://a.example/', 'null', 'https://*.github.io'],
      credentials: true,
      methods: ['TRACE'],
      allowedHeaders: ['Cookie'],
      maxAge: -5,
    });
    expect(problems.map((p) => p.code)).toEqual([
      'origin.trailing-slash',
      'origin.null',
      'origin.public-suffix-wildcard',
      'methods.forbidden',
      'allowedHeaders.forbidden',
      'maxAge.invalid',
    ]);
  });

  it('puts every problem, its option and its fix into the error message', () => {
    try {
      createPolicy({ origin: ['https://a.example/', 'null'] });
      expect.unreachable();
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toMatch(/^corsica: invalid CORS configuration \(2 problems\):/);
      expect(message).toContain('[origin.trailing-slash] `origin[0]` "https://a.example/"');
      expect(message).toContain('Fix: Write "https://a.example".');
      expect(message).toContain('[origin.null]');
    }
  });

  it('suggests the punycode form of a unicode host', () => {
    const [problem] = problemsOf({ origin: 'https://bücher.example' });
    expect(problem!.fix).toContain('https://xn--bcher-kva.example');
  });

  it('suggests the canonical form of an IPv6 host', () => {
    const [problem] = problemsOf({ origin: 'http://[0:0:0:0:0:0:0:1]:3000' });
    expect(problem!.fix).toContain('http://[::1]:3000');
  });

  it('says that Corsica never reflects every origin when given origin: true', () => {
    const [problem] = problemsOf({ origin: true });
    expect(problem!.fix).toContain('never reflects');
  });
});

describe('createPolicy accepts the safe forms', () => {
  it.each([
    { desc: 'a public API', options: { origin: '*' } },
    { desc: 'an exact https origin with credentials', options: { origin: 'https://app.example.com', credentials: true } },
    { desc: 'localhost over http with credentials (a secure context)', options: { origin: 'http://localhost:3000', credentials: true } },
    { desc: '127.0.0.1 over http with credentials', options: { origin: 'http://127.0.0.1:5173', credentials: true } },
    { desc: '[::1] over http with credentials', options: { origin: 'http://[::1]:8080', credentials: true } },
    { desc: 'a subdomain pattern of a registrable domain', options: { origin: 'https://*.example.com' } },
    { desc: 'a subdomain pattern under a private suffix owner', options: { origin: 'https://*.my-app.github.io' } },
    { desc: 'a port pattern', options: { origin: 'http://localhost:*' } },
    { desc: 'subdomains of localhost on any port', options: { origin: 'http://*.localhost:*', credentials: true } },
    { desc: 'an anchored RegExp with escaped dots', options: { origin: /^https:\/\/[a-z0-9-]+\.example\.com$/ } },
    { desc: 'an anchored RegExp with a grouped alternation', options: { origin: /^https:\/\/(?:a|b)\.example\.com$/ } },
    { desc: 'a predicate', options: { origin: (o: string) => o.endsWith('.example.com') } },
    { desc: 'a mixed list', options: { origin: ['https://a.example', /^https:\/\/b\.example$/, (o: string) => o === 'https://c.example'] } },
    { desc: 'plain http with credentials when explicitly allowed', options: { origin: 'http://intranet.example', credentials: true, dangerouslyAllowInsecureOrigins: true } },
    { desc: 'a mobile app scheme', options: { origin: 'capacitor://localhost', credentials: true } },
    { desc: 'a browser extension', options: { origin: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop' } },
    { desc: 'methods as a comma-separated string', options: { origin: '*', methods: 'GET,HEAD,PUT,PATCH,POST,DELETE' } },
    { desc: '* and Authorization in allowedHeaders', options: { origin: '*', allowedHeaders: ['*', 'Authorization'] } },
    { desc: 'optionsSuccessStatus 200 (the cors package name)', options: { origin: '*', optionsSuccessStatus: 200 } },
  ])('accepts $desc', ({ options }) => {
    expect(() => createPolicy({ ...quiet, ...(options as CorsOptions) })).not.toThrow();
  });

  it('normalizes the methods browsers upper-case, and keeps the others byte-exact', () => {
    const policy = createPolicy({ origin: '*', methods: ['put', 'patch', 'Delete'], ...quiet });
    expect(policy.config.methods).toEqual(['PUT', 'patch', 'DELETE']);
  });

  it('reports a single exact origin as fixed and a list as dynamic', () => {
    expect(createPolicy({ origin: 'https://a.example' }).config.originMode).toBe('fixed');
    expect(createPolicy({ origin: ['https://a.example', 'https://b.example'] }).config.originMode).toBe('dynamic');
    expect(createPolicy({ origin: '*' }).config.originMode).toBe('any');
    expect(createPolicy({ origin: ['*'] }).config.originMode).toBe('any');
  });

  it('returns a frozen policy', () => {
    const policy = createPolicy({ origin: '*' });
    expect(Object.isFrozen(policy)).toBe(true);
    expect(Object.isFrozen(policy.config)).toBe(true);
  });
});

describe('configuration warnings', () => {
  const warningsOf = (options: CorsOptions): ConfigWarning[] => {
    const seen: ConfigWarning[] = [];
    const policy = createPolicy({ ...options, onWarning: (w) => seen.push(w) });
    expect(policy.warnings).toEqual(seen);
    return seen;
  };

  it.each([
    { desc: 'maxAge above Chromium\'s 7200 s cap', options: { origin: '*', maxAge: 86400 }, code: 'maxAge.above-browser-cap' },
    { desc: 'allowedHeaders * without Authorization', options: { origin: '*', allowedHeaders: '*' }, code: 'allowedHeaders.wildcard-excludes-authorization' },
    { desc: 'exposing an always-readable header', options: { origin: '*', exposedHeaders: ['Content-Type'] }, code: 'exposedHeaders.always-readable' },
    { desc: 'methods listing only safelisted ones', options: { origin: '*', methods: ['GET', 'POST'] }, code: 'methods.safelisted' },
    { desc: 'the legacy privateNetwork option', options: { origin: '*', privateNetwork: true }, code: 'privateNetwork.legacy' },
  ] as { desc: string; options: CorsOptions; code: string }[])('warns about $desc', ({ options, code }) => {
    const warnings = warningsOf(options);
    expect(warnings.map((w) => w.code)).toContain(code);
    expect(warnings[0]!.message.startsWith('corsica: ')).toBe(true);
  });

  it('stays silent for a clean configuration', () => {
    expect(warningsOf({ origin: 'https://a.example', credentials: true, maxAge: 7200 })).toEqual([]);
  });
});
