import { describe, expect, it } from 'vitest';
import { consoleMessage } from '@corsica/core/adapter';
import { createPolicy } from '@corsica/core';
import { consoleLines } from './console.js';

const at = { url: 'https://api.example.com/x', origin: 'https://app.example.com' };

describe('consoleMessage', () => {
  it.each([
    ['chromium', { kind: 'acao-missing' }, false, 200, "Access to fetch at 'https://api.example.com/x' from origin 'https://app.example.com' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource."],
    ['chromium', { kind: 'header-not-allowed', value: 'X-Debug' }, true, 204, "Access to fetch at 'https://api.example.com/x' from origin 'https://app.example.com' has been blocked by CORS policy: Request header field x-debug is not allowed by Access-Control-Allow-Headers in preflight response."],
    ['firefox', { kind: 'acao-missing' }, true, 403, 'Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at https://api.example.com/x. (Reason: CORS header \u2018Access-Control-Allow-Origin\u2019 missing). Status code: 403.'],
    ['firefox', { kind: 'acao-wildcard-credentials' }, true, 204, 'Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at https://api.example.com/x. (Reason: Credential is not supported if the CORS header \u2018Access-Control-Allow-Origin\u2019 is \u2018*\u2019).'],
    ['firefox', { kind: 'preflight-status', value: '401' }, true, 401, 'Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at https://api.example.com/x. (Reason: CORS preflight response did not succeed). Status code: 401.'],
    ['webkit', { kind: 'method-not-allowed', value: 'PUT' }, true, 204, 'Method PUT is not allowed by Access-Control-Allow-Methods. Then: Fetch API cannot load https://api.example.com/x due to access control checks.'],
    ['webkit', { kind: 'method-not-allowed', value: 'PUT' }, true, 401, 'Preflight response is not successful. Status code: 401 Then: Fetch API cannot load https://api.example.com/x due to access control checks.'],
  ] as const)('%s prints the engine\'s own words for %o (preflight %s, status %s)', (engine, failure, preflight, status, says) => {
    expect(consoleMessage(engine, failure, { ...at, preflight, status })).toBe(says);
  });

  it('leaves out a status it does not know: Firefox ends without it, WebKit names the app\'s', () => {
    expect(consoleLines('firefox', { kind: 'acao-missing' }, { ...at, preflight: false, status: undefined })[0]).toMatch(/missing\)\.$/);
    expect(consoleLines('webkit', { kind: 'acao-missing' }, { ...at, preflight: false, status: undefined })[0]).toBe("Origin https://app.example.com is not allowed by Access-Control-Allow-Origin. Status code: <the app's status>");
  });

  it('is what explain() quotes, for every engine', () => {
    const policy = createPolicy({ origin: ['https://app.example.com'], onWarning: false });
    for (const engine of ['chromium', 'firefox', 'webkit'] as const) {
      const text = policy.explain({ method: 'OPTIONS', origin: 'https://evil.example', requestMethod: 'PUT' }, { engine, url: at.url });
      const lines = consoleLines(engine, { kind: 'acao-missing' }, { url: at.url, origin: 'https://evil.example', preflight: true, status: 403 });
      expect(text).toContain(`Console: "${lines.join('"; then "')}"`);
    }
  });
});
