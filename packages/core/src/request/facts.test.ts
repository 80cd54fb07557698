import { describe, expect, it } from 'vitest';
import { createPolicy } from '@corsica/core';
import { factsFromFetchRequest, factsFromNodeRequest } from '@corsica/core/adapter';

const APP = 'https://app.example.com';

/** A Request whose headers count the names read through `get`. */
function countingRequest(method: string, headers: Record<string, string>): { request: Request; read: string[] } {
  const read: string[] = [];
  const request = new Request('https://api.example.com/x', { method, headers });
  const real = request.headers;
  const counting = new Proxy(real, {
    get(target, key) {
      if (key === 'get') {
        return (name: string) => {
          read.push(name.toLowerCase());
          return target.get(name);
        };
      }
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { request: { method: request.method, headers: counting } as unknown as Request, read };
}

const sent = { Origin: 'https://evil.example', Host: 'api.example.com', 'Sec-Fetch-Site': 'cross-site', Cookie: 'session=secret' };

describe('factsFromFetchRequest', () => {
  it('reads only Origin and the preflight headers for a policy without guard or privateNetwork (each Headers.get is costly)', () => {
    const { request, read } = countingRequest('POST', sent);
    const policy = createPolicy({ origin: [APP] });
    const decision = policy.decide(factsFromFetchRequest(request, policy));
    expect(decision.allowed).toBe(false);
    expect(read.sort()).toEqual(['access-control-request-headers', 'access-control-request-method', 'origin']);
  });

  it.each([
    { desc: 'a guard', options: { origin: [APP], guard: { hosts: ['api.example.com'] } } },
    { desc: 'a guarded report-only fallback', options: { origin: [APP], onDecision: () => undefined, reportOnly: { fallback: { origin: [APP], guard: { hosts: ['api.example.com'] } } } } },
  ])('reads Host, Sec-Fetch-Site and Upgrade for a policy with $desc, which rejects the cross-site POST', ({ options }) => {
    const { request, read } = countingRequest('POST', sent);
    const policy = createPolicy(options as never);
    const decision = policy.decide(factsFromFetchRequest(request, policy));
    expect(decision).toMatchObject({ allowed: false, reason: 'cross-origin-rejected', status: 403 });
    expect(read).toEqual(expect.arrayContaining(['host', 'sec-fetch-site', 'upgrade']));
  });

  it('reads Access-Control-Request-Private-Network for a privateNetwork policy, and every fact without a policy', () => {
    const headers = { ...sent, Upgrade: 'websocket', 'Access-Control-Request-Private-Network': 'true' };
    const pna = createPolicy({ origin: [APP], privateNetwork: true });
    expect(factsFromFetchRequest(new Request('https://api.example.com/x', { headers }), pna)).toMatchObject({ requestPrivateNetwork: 'true', host: undefined });
    expect(factsFromFetchRequest(new Request('https://api.example.com/x', { method: 'POST', headers }))).toEqual({
      method: 'POST',
      origin: 'https://evil.example',
      requestMethod: null,
      requestHeaders: null,
      requestPrivateNetwork: 'true',
      host: 'api.example.com',
      secFetchSite: 'cross-site',
      upgrade: 'websocket',
    });
  });
});

describe('factsFromNodeRequest', () => {
  it('reads every fact by name (a plain object: spreading it keeps them all), never other headers', () => {
    const facts = factsFromNodeRequest({ method: 'GET', headers: { origin: APP, host: 'api.example.com', 'sec-fetch-site': 'same-site', cookie: 'session=secret' } });
    expect({ ...facts }).toEqual({ method: 'GET', origin: APP, host: 'api.example.com', secFetchSite: 'same-site' });
    expect(JSON.stringify(facts)).not.toContain('secret');
  });
});
