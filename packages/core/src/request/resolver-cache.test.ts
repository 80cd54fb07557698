import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPolicy } from '@corsica/core';
import { RequestScopedOrigin } from '../compat/origin-functions.js';

const get = (origin: string) => ({ method: 'GET', origin });
afterEach(() => vi.useRealTimers());

describe('decideAsync with async origin resolvers', () => {
  it('marks a policy with an async function as async', () => {
    expect(createPolicy({ origin: async () => true }).isAsync).toBe(true);
    expect(createPolicy({ origin: () => true }).isAsync).toBe(false);
    expect(createPolicy({ origin: ['https://a.example', async () => true] }).isAsync).toBe(true);
  });

  it('allows what the resolver allows and echoes only that origin', async () => {
    const policy = createPolicy({ origin: async (o) => o === 'https://tenant.example', credentials: true });
    expect((await policy.decideAsync(get('https://tenant.example'))).headers['Access-Control-Allow-Origin']).toBe('https://tenant.example');
    expect((await policy.decideAsync(get('https://other.example'))).allowed).toBe(false);
  });

  it('checks static entries first and calls the resolver only when they miss', async () => {
    const resolver = vi.fn(async () => false);
    const policy = createPolicy({ origin: ['https://a.example', resolver] });
    expect((await policy.decideAsync(get('https://a.example'))).allowed).toBe(true);
    expect(resolver).not.toHaveBeenCalled();
    await policy.decideAsync(get('https://b.example'));
    expect(resolver).toHaveBeenCalledTimes(1);
  });

  it('shares one lookup among concurrent requests for the same origin, then caches it', async () => {
    let release!: (v: boolean) => void;
    const resolver = vi.fn(() => new Promise<boolean>((r) => (release = r)));
    const policy = createPolicy({ origin: resolver as (o: string) => Promise<boolean> });
    const pending = Array.from({ length: 1000 }, () => policy.decideAsync(get('https://tenant.example')));
    release(true);
    const decisions = await Promise.all(pending);
    expect(decisions.every((d) => d.allowed)).toBe(true);
    expect(resolver).toHaveBeenCalledTimes(1);
    await policy.decideAsync(get('https://tenant.example'));
    expect(resolver).toHaveBeenCalledTimes(1);
  });

  it('expires cached answers after the TTL', async () => {
    vi.useFakeTimers();
    const resolver = vi.fn(async () => true);
    const policy = createPolicy({ origin: resolver, originCache: { ttl: 1000 } });
    await policy.decideAsync(get('https://t.example'));
    vi.advanceTimersByTime(999);
    await policy.decideAsync(get('https://t.example'));
    expect(resolver).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(2);
    await policy.decideAsync(get('https://t.example'));
    expect(resolver).toHaveBeenCalledTimes(2);
  });

  it('keeps the cache within its bound, evicting the least recently used', async () => {
    const resolver = vi.fn(async () => true);
    const policy = createPolicy({ origin: resolver, originCache: { max: 2 } });
    await policy.decideAsync(get('https://a.example'));
    await policy.decideAsync(get('https://b.example'));
    await policy.decideAsync(get('https://a.example')); // a is now the most recent
    await policy.decideAsync(get('https://c.example')); // evicts b
    expect(resolver).toHaveBeenCalledTimes(3);
    await policy.decideAsync(get('https://a.example'));
    expect(resolver).toHaveBeenCalledTimes(3);
    await policy.decideAsync(get('https://b.example'));
    expect(resolver).toHaveBeenCalledTimes(4);
  });

  it('turns a rejecting resolver into a denial reported to onError, remembered for failureTtl (1 s by default) so a database that is down is not asked on every request', async () => {
    vi.useFakeTimers();
    try {
      const onError = vi.fn();
      let down = true;
      const resolver = vi.fn(async () => {
        if (down) throw new Error('db down');
        return true;
      });
      const policy = createPolicy({ origin: resolver, onError });
      const d = await policy.decideAsync(get('https://t.example'));
      expect(d).toMatchObject({ allowed: false, reason: 'resolver-error', headers: {} });
      expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'db down' }), { phase: 'origin-resolver', origin: 'https://t.example' });
      for (let i = 0; i < 50; i++) expect((await policy.decideAsync(get('https://t.example'))).reason).toBe('resolver-error');
      expect([resolver.mock.calls.length, onError.mock.calls.length]).toEqual([1, 1]);
      // another origin is its own lookup
      await policy.decideAsync(get('https://u.example'));
      expect(resolver).toHaveBeenCalledTimes(2);
      down = false;
      await vi.advanceTimersByTimeAsync(999);
      expect((await policy.decideAsync(get('https://t.example'))).allowed).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect((await policy.decideAsync(get('https://t.example'))).allowed).toBe(true);
      expect(resolver).toHaveBeenCalledTimes(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it.each([
    ['failureTtl: 0', { failureTtl: 0 }],
    ['ttl: 0 (always ask), which failureTtl follows unless set', { ttl: 0 }],
  ])('asks a failing resolver again on the next request with %s', async (_name, originCache) => {
    const resolver = vi.fn(async () => { throw new Error('db down'); });
    const policy = createPolicy({ origin: resolver, originCache, onError: () => undefined });
    await policy.decideAsync(get('https://t.example'));
    await policy.decideAsync(get('https://t.example'));
    expect(resolver).toHaveBeenCalledTimes(2);
  });

  it('denies after resolverTimeout when the resolver hangs', async () => {
    const onError = vi.fn();
    const policy = createPolicy({ origin: async () => new Promise<boolean>(() => undefined), resolverTimeout: 30, onError });
    const started = Date.now();
    const d = await policy.decideAsync({ method: 'OPTIONS', origin: 'https://t.example', requestMethod: 'GET' });
    expect(d).toMatchObject({ kind: 'preflight', allowed: false, reason: 'resolver-timeout', status: 403 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(String(onError.mock.calls[0]![0])).toContain('resolverTimeout');
  });

  it('treats a resolver answering something other than a boolean as a failure', async () => {
    const policy = createPolicy({ origin: (async () => 'https://t.example') as unknown as (o: string) => Promise<boolean>, onError: () => undefined });
    expect((await policy.decideAsync(get('https://t.example'))).reason).toBe('resolver-error');
  });

  it('still answers when onError itself throws while a resolver failure is reported', async () => {
    const policy = createPolicy({ origin: async () => { throw new Error('db down'); }, onError: () => { throw new Error('logger down'); } });
    await expect(policy.decideAsync(get('https://t.example'))).resolves.toMatchObject({ reason: 'resolver-error' });
  });

  it('never rejects, whatever the request', async () => {
    const policy = createPolicy({ origin: async () => true });
    await expect(policy.decideAsync(null as never)).resolves.toMatchObject({ kind: 'not-cors' });
  });

  it('never keeps a request-scoped origin answer (hono\'s `(origin, c)`, Koa\'s `(ctx)`) for another request, also when an async report-only fallback makes the policy async', async () => {
    const scoped = new RequestScopedOrigin<{ tenant: string }>((origin, context) => (context.tenant === 'a' ? origin : null));
    const policy = createPolicy({ origin: scoped.predicate, reportOnly: { fallback: { origin: async () => true } }, onDecision: () => undefined });
    expect(policy.isAsync).toBe(true);
    const decideFor = async (tenant: string) => {
      const answer = await scoped.answerOf('https://app.example', { tenant });
      return scoped.during(answer, () => policy.decideAsync(get('https://app.example')));
    };
    expect((await decideFor('a')).wouldHave?.allowed).toBe(true);
    expect((await decideFor('b')).wouldHave?.allowed).toBe(false);
    expect((await decideFor('a')).wouldHave?.allowed).toBe(true);
  });
});
