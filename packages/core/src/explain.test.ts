import { describe, expect, it } from 'vitest';
import { createPolicy } from '@corsica/core';

const policy = createPolicy({
  origin: ['https://app.example.com', 'https://*.preview.example.com'],
  credentials: true,
  methods: ['PUT'],
  allowedHeaders: ['Content-Type'],
  maxAge: 86400,
  onWarning: false,
});
const url = 'https://api.example.com/items';

describe('explain', () => {
  it('walks a failed preflight check by check and quotes Chrome\'s console', () => {
    const text = policy.explain({ method: 'OPTIONS', origin: 'https://app.example.com', requestMethod: 'PUT', requestHeaders: 'content-type,authorization' }, { url });
    expect(text).toContain('Request: preflight OPTIONS from origin https://app.example.com');
    expect(text).toContain('pass  origin https://app.example.com is allowed (exact match in the allowlist)');
    expect(text).toContain('pass  method PUT is allowed');
    expect(text).toContain('FAIL  request header authorization is not allowed (allowedHeaders: Content-Type)');
    expect(text).toContain('Response: 403 Forbidden, no CORS headers');
    expect(text).toContain(`"Access to fetch at '${url}' from origin 'https://app.example.com' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource."`);
    expect(text).toContain('Fix: add "authorization" to `allowedHeaders`.');
  });

  it('uses Firefox\'s words and its Max-Age cap when asked', () => {
    const denied = policy.explain({ method: 'GET', origin: 'https://evil.example' }, { url, engine: 'firefox' });
    expect(denied).toContain('(Reason: CORS header \u2018Access-Control-Allow-Origin\u2019 missing).');
    expect(policy.explain({ method: 'OPTIONS', origin: 'https://evil.example', requestMethod: 'PUT' }, { engine: 'firefox' })).toContain('missing). Status code: 403."');
    const allowed = policy.explain({ method: 'OPTIONS', origin: 'https://x.preview.example.com', requestMethod: 'PUT' }, { engine: 'firefox' });
    expect(allowed).toContain('matches a pattern');
    expect(allowed).toContain('caches it for 86400 s');
    expect(policy.explain({ method: 'OPTIONS', origin: 'https://x.preview.example.com', requestMethod: 'PUT' })).toContain('caches it for 7200 s (Access-Control-Max-Age 86400 capped at 7200)');
  });

  it('predicts the credentials failure of a public policy', () => {
    const text = createPolicy({ origin: '*' }).explain({ method: 'GET', origin: 'https://a.example' }, { credentials: true });
    expect(text).toContain("must not be the wildcard '*' when the request's credentials mode is 'include'");
  });

  it('quotes Firefox\'s credentials message on an accepted preflight without a status, as Firefox prints it', () => {
    const text = createPolicy({ origin: '*', methods: ['PUT'] }).explain({ method: 'OPTIONS', origin: 'https://a.example', requestMethod: 'PUT' }, { engine: 'firefox', credentials: true });
    expect(text).toContain('(Reason: Credential is not supported if the CORS header \u2018Access-Control-Allow-Origin\u2019 is \u2018*\u2019)."');
  });

  it('names how an origin matched when it comes as repeated-line arrays from Node', () => {
    expect(policy.explain({ method: 'GET', origin: ['https://app.example.com'] })).toContain('exact match in the allowlist');
  });

  it('explains a request without Origin as not CORS', () => {
    expect(policy.explain({ method: 'GET' })).toContain('not a CORS request');
  });

  it('explains that a non-preflight OPTIONS reaches the app', () => {
    expect(policy.explain({ method: 'OPTIONS', origin: 'https://app.example.com' })).toContain('OPTIONS without Access-Control-Request-Method is not a preflight');
  });

  it('escapes control bytes from the request instead of printing them', () => {
    const text = policy.explain({ method: 'GET', origin: 'https://evil.example\r\nX-Injected: 1' });
    expect(text).not.toMatch(/\r|\n X-Injected/);
    expect(text).toContain('\\x0d\\x0a');
  });

  it('waits for async resolvers in explainAsync', async () => {
    const asyncPolicy = createPolicy({ origin: async (o) => o === 'https://tenant.example' });
    expect(await asyncPolicy.explainAsync({ method: 'GET', origin: 'https://tenant.example' })).toContain('allowed by an origin function');
  });

  it('speaks for WebKit (Safari) in the words measured in WebKitGTK: a refused preflight is an unsuccessful one, and credentialed calls get the cookie caveat', () => {
    const refused = policy.explain({ method: 'OPTIONS', origin: 'https://evil.example', requestMethod: 'PUT' }, { engine: 'webkit', url: 'https://api.example.com/x' });
    expect(refused).toContain('Browser (Safari (WebKit)): blocks the response. Console: "Preflight response is not successful. Status code: 403"; then "Fetch API cannot load https://api.example.com/x due to access control checks."');
    const accepted = policy.explain({ method: 'OPTIONS', origin: 'https://app.example.com', requestMethod: 'PUT' }, { engine: 'webkit', credentials: true });
    expect(accepted).toMatch(/caches it for \d+ s.*Cookies: WebKitGTK refuses a cookie that a cross-site response sets.*Safari blocks third-party cookies/);
    const star = createPolicy({ origin: '*', allowedHeaders: '*', onWarning: false }).explain({ method: 'OPTIONS', origin: 'https://a.example', requestMethod: 'GET', requestHeaders: 'authorization' });
    expect(star).toContain('under the Fetch standard, which Corsica follows, "*" does not cover Authorization (Chromium, Firefox and WebKit let it without credentials today; whatwg/fetch issue 1919)');
  });
});
