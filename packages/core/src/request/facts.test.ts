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
  it('reads only Origin and the preflight headers when the policy has no guard (each Headers.get is costly)', () => {
    const { request, read } = countingRequest('POST', sent);
    const decision = createPolicy({ origin: [APP] }).decide(factsFromFetchRequest(request));
    expect(decision.allowed).toBe(false);
    expect(read.sort()).toEqual(['access-control-request-headers', 'access-control-request-method', 'origin']);
  });

  it('gives the guard Host, Sec-Fetch-Site and Upgrade when it asks', () => {
    const { request, read } = countingRequest('POST', sent);
    const decision = createPolicy({ origin: [APP], guard: { hosts: ['api.example.com'] } }).decide(factsFromFetchRequest(request));
    expect(decision).toMatchObject({ allowed: false, reason: 'cross-origin-rejected', status: 403 });
    expect(read).toEqual(expect.arrayContaining(['host', 'sec-fetch-site']));
  });

  it('says what the request sent, and never shows the headers when facts are logged', () => {
    const facts = factsFromFetchRequest(new Request('https://api.example.com/x', { method: 'POST', headers: { ...sent, Upgrade: 'websocket' } }));
    expect(facts).toMatchObject({ method: 'POST', origin: 'https://evil.example', requestMethod: null });
    expect([facts.host, facts.secFetchSite, facts.upgrade, facts.requestPrivateNetwork]).toEqual(['api.example.com', 'cross-site', 'websocket', null]);
    expect(JSON.stringify(facts)).not.toContain('secret');
  });
});

describe('factsFromNodeRequest', () => {
  it('reads the same facts from Node headers, without showing them when logged', () => {
    const facts = factsFromNodeRequest({ method: 'GET', headers: { origin: APP, host: 'api.example.com', 'sec-fetch-site': 'same-site', cookie: 'session=secret' } });
    expect(facts).toMatchObject({ method: 'GET', origin: APP, requestMethod: undefined });
    expect([facts.host, facts.secFetchSite, facts.upgrade]).toEqual(['api.example.com', 'same-site', undefined]);
    expect(JSON.stringify(facts)).not.toContain('secret');
  });
});
