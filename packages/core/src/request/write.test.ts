import { describe, expect, it } from 'vitest';
import { applyCorsHeaders, createPolicy } from '@corsica/core';
import { mergeVary, withCorsHeaders } from '@corsica/core/adapter';
import type { HeaderSetter } from '@corsica/core';

describe('mergeVary (SPEC-NOTES "Caching and Vary": append, never replace, keep *)', () => {
  it.each([
    { desc: 'no existing Vary', existing: undefined, names: ['Origin'], want: 'Origin' },
    { desc: 'an existing name is kept and the new one appended', existing: 'Accept-Encoding', names: ['Origin'], want: 'Accept-Encoding, Origin' },
    { desc: 'a name already there, in another case, is not repeated', existing: 'accept-encoding, origin', names: ['Origin'], want: undefined },
    { desc: 'Vary: * stays *', existing: '*', names: ['Origin'], want: undefined },
    { desc: 'Vary: * inside a list stays untouched', existing: 'Accept, *', names: ['Origin'], want: undefined },
    { desc: 'an array of lines is merged', existing: ['Accept', 'Accept-Language'], names: ['Origin', 'Accept'], want: 'Accept, Accept-Language, Origin' },
    { desc: 'several names at once', existing: 'Origin', names: ['Origin', 'Access-Control-Request-Method', 'Access-Control-Request-Headers'], want: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers' },
    { desc: 'nothing to add', existing: 'Accept', names: [], want: undefined },
    { desc: 'empty elements are dropped', existing: ' , Accept,,', names: ['Origin'], want: 'Accept, Origin' },
  ])('$desc', ({ existing, names, want }) => {
    expect(mergeVary(existing, names)).toBe(want);
  });
});

describe('applyCorsHeaders', () => {
  const policy = createPolicy({ origin: ['https://a.example', 'https://b.example'], credentials: true });
  const decision = policy.decide({ method: 'GET', origin: 'https://a.example' });

  it('sets headers and appends Vary on a Web Headers object', () => {
    const headers = new Headers({ Vary: 'Accept-Encoding' });
    applyCorsHeaders(headers, decision);
    expect(headers.get('access-control-allow-origin')).toBe('https://a.example');
    expect(headers.get('access-control-allow-credentials')).toBe('true');
    expect(headers.get('vary')).toBe('Accept-Encoding, Origin');
  });

  it('sets headers and appends Vary on a Node-style response', () => {
    const store = new Map<string, string | number | readonly string[]>([['vary', 'Accept']]);
    const res: HeaderSetter = { setHeader: (n, v) => store.set(n.toLowerCase(), v), getHeader: (n) => store.get(n.toLowerCase()) };
    applyCorsHeaders(res, decision);
    expect(store.get('access-control-allow-origin')).toBe('https://a.example');
    expect(store.get('vary')).toBe('Accept, Origin');
  });

  it('replaces, never duplicates, a CORS header already on the response', () => {
    const headers = new Headers({ 'Access-Control-Allow-Origin': '*' });
    applyCorsHeaders(headers, decision);
    expect(headers.get('access-control-allow-origin')).toBe('https://a.example');
  });

  it('copies an immutable response instead of failing', async () => {
    const redirect = Response.redirect('https://a.example/next', 302);
    const out = withCorsHeaders(redirect, decision);
    expect(out).not.toBe(redirect);
    expect(out.status).toBe(302);
    expect(out.headers.get('location')).toBe('https://a.example/next');
    expect(out.headers.get('access-control-allow-origin')).toBe('https://a.example');
    const mutable = new Response('body', { status: 201 });
    expect(withCorsHeaders(mutable, decision)).toBe(mutable);
    expect(await mutable.text()).toBe('body');
  });
});
