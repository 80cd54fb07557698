/**
 * The cloud exports (S3, R2, API Gateway HTTP API, Lambda function URLs, the Gateway API CORS
 * filter): the configuration each platform documents, the differences printed beside it, and the
 * refusals of what would weaken the policy or what the platform cannot hold.
 */
import { describe, expect, it } from 'vitest';
import { STANDARD_POLICIES } from '@corsica/conformance';
import { createPolicy } from '@corsica/core';
import type { CorsOptions } from '@corsica/core';
import { CLOUD_TARGETS, exportCloud, ProxyExportError } from '../src/index.js';
import type { CloudTarget } from '../src/index.js';
import { cli } from './helpers/cli.js';

function refusal(target: CloudTarget, options: CorsOptions): string[] {
  try {
    exportCloud(target, options);
  } catch (error) {
    if (error instanceof ProxyExportError) return [...error.reasons];
    throw error;
  }
  return [];
}

const PUBLIC_BUCKET: CorsOptions = { origin: '*', methods: ['GET', 'PUT'], exposedHeaders: ['ETag'], maxAge: 600 };
const APP: CorsOptions = { origin: ['https://app.example.com', 'https://admin.example.com'], credentials: true, methods: ['GET', 'PUT', 'PATCH', 'DELETE'], allowedHeaders: ['Content-Type', 'Authorization'], exposedHeaders: ['X-Request-Id'], maxAge: 600 };

describe('the configuration each platform documents', () => {
  it('writes S3 CORSRules: one rule, methods among GET PUT POST DELETE HEAD, the port pattern as two origins', () => {
    const out = exportCloud('s3', { origin: ['https://app.example.com', 'https://*.preview.example.com', 'http://localhost:*'], methods: ['PUT', 'PATCH'], allowedHeaders: ['Content-Type'], maxAge: 600 });
    expect(JSON.parse(out.config)).toEqual({
      CORSRules: [
        {
          ID: 'corsica',
          AllowedOrigins: ['https://app.example.com', 'https://*.preview.example.com', 'http://localhost', 'http://localhost:*'],
          AllowedMethods: ['GET', 'PUT', 'POST', 'HEAD'],
          AllowedHeaders: ['Content-Type'],
          MaxAgeSeconds: 600,
        },
      ],
    });
    expect(out.differences.join('\n')).toContain('PATCH is left out');
  });

  it('writes R2 rules with allowed.origins, allowed.methods, exposeHeaders and maxAgeSeconds', () => {
    expect(JSON.parse(exportCloud('r2', PUBLIC_BUCKET).config)).toEqual({
      rules: [{ id: 'corsica', allowed: { origins: ['*'], methods: ['GET', 'PUT', 'POST', 'HEAD'] }, exposeHeaders: ['ETag'], maxAgeSeconds: 600 }],
    });
  });

  it.each(['apigateway', 'lambda-url'] as const)('writes the %s Cors object with credentials and every list', (target) => {
    const config = JSON.parse(exportCloud(target, APP).config);
    expect(config).toEqual({
      AllowOrigins: ['https://app.example.com', 'https://admin.example.com'],
      AllowCredentials: true,
      AllowMethods: target === 'lambda-url' ? ['GET', 'PUT', 'HEAD', 'POST', 'PATCH', 'DELETE'] : ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      AllowHeaders: ['Content-Type', 'Authorization'],
      ExposeHeaders: ['X-Request-Id'],
      MaxAge: 600,
    });
    if (target === 'lambda-url') expect(config.AllowMethods.length).toBeLessThanOrEqual(6);
  });

  it('writes a Gateway API CORS filter with subdomain patterns, and the differences as comments', () => {
    const out = exportCloud('gateway-api', { origin: ['https://app.example.com', 'https://*.preview.example.com'], credentials: true, methods: ['PUT'], allowedHeaders: ['Content-Type'] });
    expect(out.config).toContain(['filters:', '- type: CORS', '  cors:', '    allowOrigins:', '    - "https://app.example.com"', '    - "https://*.preview.example.com"', '    allowCredentials: true', '    allowMethods:', '    - "GET"', '    - "HEAD"', '    - "POST"', '    - "PUT"', '    allowHeaders:', '    - "Content-Type"'].join('\n'));
    expect(out.config).not.toContain('maxAge');
    expect(out.config).toContain('# - The gateway answers preflights itself');
  });

  it('exports a compiled policy like its options', () => {
    for (const target of CLOUD_TARGETS) expect(exportCloud(target, createPolicy(APP as never))).toEqual(exportCloud(target, APP));
  });
});

describe('the differences printed beside the output', () => {
  it.each([
    { target: 's3' as const, options: APP, says: ['S3 answers preflights itself', 'refuses a preflight that matches no rule with 403', 'no credentials setting', 'no Vary: Origin', 'PATCH is left out'] },
    { target: 'r2' as const, options: APP, says: ['R2 answers preflights itself', "Cloudflare's cache does not key on Vary: Origin", 'PATCH is left out'] },
    { target: 'apigateway' as const, options: APP, says: ['answers every preflight itself, even without an OPTIONS route', 'ignores the CORS headers your integration returns', 'not promised a 403'] },
    { target: 'lambda-url' as const, options: { origin: ['https://app.example.com'] }, says: ["MaxAge is set to 5: a function URL's default is 0", 'remove CORS from the function itself'] },
    { target: 'lambda-url' as const, options: { origin: ['https://app.example.com'], methods: ['PURGE'] }, says: ['PURGE is left out'] },
    { target: 'gateway-api' as const, options: { origin: ['https://*.example.com'], maxAge: 0 }, says: ['may get 204/200 without CORS headers instead of 403', 'bare domain', "maxAge 0 becomes 1: the Gateway API's minimum"] },
    { target: 'gateway-api' as const, options: { origin: ['https://app.example.com'], maxAge: 86400 }, says: ['Chromium keeps a preflight 7200 seconds at most'] },
    { target: 's3' as const, options: { origin: '*', methods: '*' }, says: ['methods "*" becomes GET, PUT, POST, DELETE, HEAD'] },
    { target: 'apigateway' as const, options: { ...APP, preflightStatus: 200 }, says: ['preflightStatus 200 is not exported'] },
  ] as { target: CloudTarget; options: CorsOptions; says: string[] }[])('$target: says $says', ({ target, options, says }) => {
    const text = exportCloud(target, options).differences.join('\n');
    for (const s of says) expect(text).toContain(s);
  });
});

describe('refusals: what would weaken the policy or what the platform cannot hold', () => {
  const everyTarget = CLOUD_TARGETS.map((target) => ({ target }));

  it.each(everyTarget)('$target refuses an origin function, naming the fix', ({ target }) => {
    expect(refusal(target, { origin: (o: string) => o.endsWith('.example.com') })[0]).toMatch(/^corsica: `origin` has a function, which .* cannot call; list the origins/);
  });

  it.each(everyTarget)('$target refuses an origin RegExp', ({ target }) => {
    expect(refusal(target, { origin: [/^https:\/\/[a-z]+\.example\.com$/] })[0]).toContain('matches origins against fixed strings only; list the origins it stands for');
  });

  it.each(everyTarget)('$target refuses allowedHeaders "*" without Authorization: the platform\'s "*" would let it through', ({ target }) => {
    expect(refusal(target, { origin: '*', allowedHeaders: ['*'], onWarning: false }).join('\n')).toContain('would let');
  });

  it.each(CLOUD_TARGETS.filter((t) => t !== 'r2').map((target) => ({ target })))('$target accepts "*" next to an explicit Authorization', ({ target }) => {
    expect(refusal(target, { origin: '*', allowedHeaders: ['*', 'Authorization'], onWarning: false })).toEqual([]);
  });

  it.each([
    { target: 'apigateway' as const, origin: ['https://*.example.com'], says: 'no subdomain or port wildcard (only "*", "https://*" and "http://*", which would let in every site)' },
    { target: 'lambda-url' as const, origin: ['https://*.example.com'], says: 'documents exact origins and "*" only' },
    { target: 'r2' as const, origin: ['https://*.example.com'], says: 'documents exact origins and "*" only' },
    { target: 'gateway-api' as const, origin: ['http://localhost:*'], says: 'no port wildcard and takes http and https origins only; list the origins it stands for (e.g. "http://localhost:5173")' },
    { target: 's3' as const, origin: ['https://*.example.com:*'], says: 'needs two wildcards, and S3 allows one per AllowedOrigin' },
    { target: 'gateway-api' as const, origin: ['chrome-extension://abcdefghijklmnopabcdefghijklmnop'], says: "the Gateway API's allowOrigins takes http and https origins only" },
  ])('$target refuses the origin $origin', ({ target, origin, says }) => {
    expect(refusal(target, { origin })[0]).toContain(says);
  });

  it('r2 refuses "*" even next to Authorization: its API documents header names only', () => {
    expect(refusal('r2', { origin: '*', allowedHeaders: ['*', 'Authorization'], onWarning: false })[0]).toContain('is not exported to R2: its API documents `allowed.headers` as header names');
  });

  it.each([
    { target: 'lambda-url' as const, options: { origin: Array.from({ length: 101 }, (_, i) => `https://a${i}.example.com`) }, says: '`origin` has 101 entries and Lambda function URLs takes at most 100' },
    { target: 'gateway-api' as const, options: { origin: Array.from({ length: 65 }, (_, i) => `https://a${i}.example.com`) }, says: '`origin` has 65 entries and the Gateway API CORS filter takes at most 64' },
    { target: 'gateway-api' as const, options: { origin: '*', allowedHeaders: Array.from({ length: 65 }, (_, i) => `X-H${i}`) }, says: '`allowedHeaders` has 65 entries' },
  ] as { target: CloudTarget; options: CorsOptions; says: string }[])('$target refuses counts over its documented limits', ({ target, options, says }) => {
    expect(refusal(target, options)[0]).toContain(says);
  });

  it('exports every standard policy to S3, or says why not', () => {
    const results = Object.entries(STANDARD_POLICIES).map(([name, options]) => [name, refusal('s3', options).length === 0 ? 'exported' : refusal('s3', options)[0]!]);
    expect(Object.fromEntries(results)).toEqual({
      public: 'exported',
      credentialed: 'exported',
      single: 'exported',
      'wildcard-headers': expect.stringContaining('`allowedHeaders: ["*"]` would let S3 allow Authorization'),
      'preflight-200': 'exported',
    });
  });
});

describe('corsica export <cloud target>', () => {
  it('prints the configuration on stdout and the differences on stderr, and exits 0', async () => {
    const result = await cli(['export', 'apigateway', '--policy', 'public.json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).AllowOrigins).toEqual(['*']);
    expect(result.stderr).toMatch(/^corsica: apigateway will behave differently from the policy in \d+ ways:\n {2}- API Gateway answers every preflight itself/);
  });

  it('refuses with exit 2 and the fix when the platform would weaken the policy', async () => {
    const result = await cli(['export', 'lambda-url', '--policy', 'patterns.mjs']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('corsica: this policy cannot be exported to lambda-url');
    expect(result.stderr).toContain('the `origin` pattern "https://*.preview.example.com" cannot be exported');
    expect(result.stderr).toContain('the `origin` RegExp');
  });
});
