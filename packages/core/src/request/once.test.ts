import { describe, expect, it, vi } from 'vitest';
import { createPolicy } from '@corsica/core';
import { decideOnce, factsFromFetchRequest, factsFromNodeRequest, recordedDecision, toPolicy, withCorsHeaders } from '@corsica/core/adapter';

const facts = { method: 'GET', origin: 'https://a.example' };

describe('reading request facts', () => {
  it('sees repeated lines of the four headers as Node joins them, over real HTTP', async () => {
    const { createServer } = await import('node:http');
    const { connect } = await import('node:net');
    const policy = createPolicy({ origin: ['https://a.example', 'https://b.example'], methods: ['PUT'], allowedHeaders: ['x-a', 'x-b'] });
    const seen: { facts: ReturnType<typeof factsFromNodeRequest>; reason: string }[] = [];
    const server = createServer((req, res) => {
      const f = factsFromNodeRequest(req);
      seen.push({ facts: f, reason: policy.decide(f).reason });
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const send = (lines: string[]): Promise<void> =>
      new Promise((resolve) => {
        const socket = connect((server.address() as { port: number }).port, '127.0.0.1', () => socket.end(`OPTIONS / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${lines.join('\r\n')}\r\n\r\n`));
        socket.on('data', () => undefined).on('close', () => resolve());
      });
    try {
      await send(['Origin: https://a.example', 'Origin: https://b.example', 'Access-Control-Request-Method: PUT']);
      await send(['Origin: https://a.example', 'Access-Control-Request-Method: PUT', 'Access-Control-Request-Method: PUT']);
      await send(['Origin: https://a.example', 'Access-Control-Request-Method: PUT', 'Access-Control-Request-Headers: x-a', 'Access-Control-Request-Headers: x-b']);
    } finally {
      server.close();
    }
    expect(seen.map((s) => s.reason)).toEqual(['origin-duplicated', 'method-malformed', 'preflight-allowed']);
    expect(seen[2]!.facts.requestHeaders).toBe('x-a, x-b');
  });

  it('reads a Web Request', () => {
    const f = factsFromFetchRequest(new Request('https://api.example/x', { method: 'OPTIONS', headers: { Origin: 'https://a.example', 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'x-a' } }));
    expect(f).toMatchObject({ method: 'OPTIONS', origin: 'https://a.example', requestMethod: 'PUT', requestHeaders: 'x-a' });
  });
});

describe('decideOnce', () => {
  it('decides and records once; a stacked second middleware gets undefined and one report', () => {
    const onError = vi.fn();
    const policy = createPolicy({ origin: 'https://a.example', onError });
    const carrier = {};
    const first = decideOnce(policy, carrier, facts);
    expect(first).toMatchObject({ allowed: true });
    expect(recordedDecision(carrier)).toBe(first);
    expect(decideOnce(policy, carrier, facts)).toBeUndefined();
    expect(decideOnce(policy, {} , facts)).toBeDefined();
    const again = {};
    decideOnce(policy, again, facts);
    expect(decideOnce(policy, again, facts)).toBeUndefined();
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError.mock.calls[0]![1]).toEqual({ phase: 'adapter' });
    expect(String(onError.mock.calls[0]![0])).toContain('Mount each CORS middleware once');
  });

  it('stays silent when the adapter says the second decision was expected', () => {
    const onError = vi.fn();
    const policy = createPolicy({ origin: 'https://a.example', onError });
    const carrier = {};
    decideOnce(policy, carrier, facts);
    expect(decideOnce(policy, carrier, facts, { expected: true })).toBeUndefined();
    expect(onError).not.toHaveBeenCalled();
  });

  it('sees an async decision still under way as taken', async () => {
    const policy = createPolicy({ origin: async () => true, onError: () => undefined });
    const carrier = {};
    const pending = decideOnce(policy, carrier, facts);
    expect(pending).toBeInstanceOf(Promise);
    expect(decideOnce(policy, carrier, facts)).toBeUndefined();
    expect(await pending).toMatchObject({ allowed: true });
    expect(recordedDecision(carrier)).toMatchObject({ allowed: true });
  });

  it.each([
    ['a frozen request', () => Object.freeze({})],
    ['a sealed request', () => Object.seal({})],
    ['a proxy that ignores writes', () => new Proxy({}, { set: () => true })],
    ['a proxy that refuses writes', () => new Proxy({}, { set: () => false })],
  ])('records the decision of %s elsewhere, and still sees a stack', (_name, make) => {
    const onError = vi.fn();
    const policy = createPolicy({ origin: 'https://a.example', onError });
    const carrier = make();
    const first = decideOnce(policy, carrier, facts);
    expect(first).toMatchObject({ allowed: true });
    expect(recordedDecision(carrier)).toBe(first);
    expect(decideOnce(policy, carrier, facts)).toBeUndefined();
    expect(onError).toHaveBeenCalledTimes(1);
    // another request is its own
    expect(recordedDecision(make())).toBeUndefined();
  });

  it('records on a property under a registered symbol, so two copies of the core agree', () => {
    const policy = createPolicy({ origin: 'https://a.example' });
    const carrier: Record<symbol, unknown> = {};
    const decision = decideOnce(policy, carrier, facts);
    expect(carrier[Symbol.for('corsica.decision')]).toBe(decision);
    expect(Object.keys(carrier)).toEqual([]);
  });

  it('compiles options once in toPolicy and passes a policy through', () => {
    const policy = createPolicy({ origin: '*' });
    expect(toPolicy(policy)).toBe(policy);
    expect(toPolicy({ origin: '*' }).config.originMode).toBe('any');
    expect(() => toPolicy({ origin: 'https://a.example/' })).toThrow(/trailing-slash/);
  });
});

describe('withCorsHeaders leaves answers alone that cannot carry headers', () => {
  const decision = createPolicy({ origin: ['https://a.example', 'https://b.example'] }).decide(facts);
  it('returns a network error response untouched', () => {
    const error = Response.error();
    expect(withCorsHeaders(error, decision)).toBe(error);
  });
});
