import { describe, expect, it } from 'vitest';
import { CorsConfigError, policyFromEnv } from '@corsica/core';

const problemCodes = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CorsConfigError);
    return (error as CorsConfigError).problems.map((p) => `${p.code}@${p.path}`);
  }
  throw new Error('expected a CorsConfigError');
};

describe('policyFromEnv', () => {
  it('reads CORS_ORIGINS, CORS_CREDENTIALS and CORS_MAX_AGE', () => {
    const policy = policyFromEnv({ CORS_ORIGINS: 'https://a.example, https://b.example,', CORS_CREDENTIALS: 'true', CORS_MAX_AGE: '600' });
    expect(policy.config).toMatchObject({ origins: ['https://a.example', 'https://b.example'], credentials: true, maxAge: 600 });
  });

  it('adds local servers on any port in the development profile', () => {
    const policy = policyFromEnv({ NODE_ENV: 'development', CORS_ORIGINS: 'https://a.example' });
    expect(policy.config.originPatterns).toEqual(['http://localhost:*', 'http://127.0.0.1:*', 'http://[::1]:*']);
    expect(policy.decide({ method: 'GET', origin: 'http://localhost:5173' }).allowed).toBe(true);
    expect(policy.decide({ method: 'GET', origin: 'http://127.0.0.1:3000' }).allowed).toBe(true);
  });

  it('runs a development profile with no list on local servers only', () => {
    const policy = policyFromEnv({ NODE_ENV: 'development' });
    expect(policy.decide({ method: 'GET', origin: 'https://a.example' }).allowed).toBe(false);
    expect(policy.decide({ method: 'GET', origin: 'http://localhost:8080' }).allowed).toBe(true);
  });

  it('does not add local servers in production', () => {
    const policy = policyFromEnv({ NODE_ENV: 'production', CORS_ORIGINS: 'https://a.example' });
    expect(policy.decide({ method: 'GET', origin: 'http://localhost:5173' }).allowed).toBe(false);
  });

  it.each([
    { desc: 'an empty list in production', env: { NODE_ENV: 'production', CORS_ORIGINS: ' ' }, want: ['env.production-needs-allowlist@env.CORS_ORIGINS'] },
    { desc: 'a missing list in production', env: { NODE_ENV: 'production' }, want: ['env.production-needs-allowlist@env.CORS_ORIGINS'] },
    { desc: '* with credentials in production', env: { NODE_ENV: 'production', CORS_ORIGINS: '*', CORS_CREDENTIALS: 'true' }, want: ['env.production-needs-allowlist@env.CORS_ORIGINS'] },
    { desc: 'a CORS_CREDENTIALS that is not a boolean', env: { CORS_ORIGINS: '*', CORS_CREDENTIALS: 'yes please' }, want: ['env.invalid@env.CORS_CREDENTIALS'] },
    { desc: 'a CORS_MAX_AGE that is not a number', env: { CORS_ORIGINS: '*', CORS_MAX_AGE: '10m' }, want: ['env.invalid@env.CORS_MAX_AGE'] },
    { desc: 'a bad origin, named by its variable', env: { CORS_ORIGINS: 'https://a.example/,https://b.example' }, want: ['origin.trailing-slash@env.CORS_ORIGINS[0]'] },
    { desc: 'no origins and no profile', env: {}, want: ['origin.missing@origin'] },
  ])('refuses $desc', ({ env, want }) => {
    expect(problemCodes(() => policyFromEnv(env))).toEqual(want);
  });

  it('lets variables override base options and keeps the rest', () => {
    const policy = policyFromEnv({ CORS_ORIGINS: 'https://a.example', CORS_METHODS: 'GET,PUT' }, { origin: 'https://ignored.example', allowedHeaders: ['Content-Type'], methods: ['DELETE'] });
    expect(policy.config).toMatchObject({ origins: ['https://a.example'], methods: ['GET', 'PUT'], allowedHeaders: ['Content-Type'] });
  });

  it('allows a public * without credentials in production', () => {
    expect(policyFromEnv({ NODE_ENV: 'production', CORS_ORIGINS: '*' }).config.originMode).toBe('any');
  });
});

describe('policyFromEnv with CORS_PROFILE=local', () => {
  const local = policyFromEnv({ CORS_PROFILE: 'local' });
  const at = (host: string, origin: string | undefined, method = 'GET') => local.decide({ method, host, ...(origin === undefined ? {} : { origin }) });

  it('allows pages on loopback origins and turns the guard on for every method with the loopback hosts', () => {
    expect(local.config.originPatterns).toEqual(['http://localhost:*', 'http://127.0.0.1:*', 'http://[::1]:*']);
    expect(local.config.guard).toEqual({ crossOrigin: 'all', webSocket: true, hosts: ['localhost:*', '127.0.0.1:*', '[::1]:*'] });
  });

  it.each([
    { desc: 'a page on another site, even for a GET', host: '127.0.0.1:3000', origin: 'https://evil.example', reason: 'cross-origin-rejected' },
    { desc: 'a request under a rebinding host name', host: 'rebind.example:3000', origin: undefined, reason: 'host-not-allowed' },
    { desc: 'a request without a Host', host: '', origin: 'http://localhost:5173', reason: 'host-not-allowed' },
  ])('answers 403 to $desc', ({ host, origin, reason }) => {
    const decision = at(host, origin);
    expect(decision.status).toBe(403);
    expect(decision.reason).toBe(reason);
  });

  it.each([
    { desc: 'a loopback page on another port', host: '127.0.0.1:3000', origin: 'http://localhost:5173' },
    { desc: 'the IPv6 loopback', host: '[::1]:3000', origin: 'http://[::1]:8080' },
    { desc: 'a client that is not a browser', host: 'localhost:3000', origin: undefined },
  ])('lets $desc through', ({ host, origin }) => {
    expect(at(host, origin, 'POST').status).toBeUndefined();
  });

  it('adds CORS_ORIGINS to the loopback origins, and base.guard keys win over the profile', () => {
    const policy = policyFromEnv({ CORS_PROFILE: 'local', CORS_ORIGINS: 'https://app.example.com' }, { guard: { crossOrigin: 'unsafe' } });
    expect(policy.config.origins).toEqual(['https://app.example.com']);
    expect(policy.config.guard?.crossOrigin).toBe('unsafe');
    expect(policy.config.guard?.hosts).toEqual(['localhost:*', '127.0.0.1:*', '[::1]:*']);
  });

  it.each([
    { desc: 'CORS_ORIGINS=*', env: { CORS_PROFILE: 'local', CORS_ORIGINS: '*' }, want: ['env.local-wildcard@env.CORS_ORIGINS'] },
    { desc: 'an unknown profile', env: { CORS_PROFILE: 'laptop' }, want: ['env.invalid@env.CORS_PROFILE'] },
  ])('refuses $desc', ({ env, want }) => {
    expect(problemCodes(() => policyFromEnv(env))).toEqual(want);
  });
});
