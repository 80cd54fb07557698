/**
 * The differential property both Node adapters run: whatever a client sends, the response over
 * HTTP carries exactly what `policy.decide` says for the same facts (status for preflights, every
 * Access-Control-* header, the Vary names). The adapter adds nothing and loses nothing.
 */
import type { RequestFacts } from '@corsica/core';
import { createPolicy } from '@corsica/core';
import fc from 'fast-check';
import { expect } from 'vitest';
import { APP, EVIL, MAIN_OPTIONS, PREVIEW, lowerKeys, send } from './support.js';

/** The policy the property runs against (start the server under test with it). */
export const DIFFERENTIAL_POLICY = createPolicy(MAIN_OPTIONS);
const policy = DIFFERENTIAL_POLICY;

/** Origin lines: allowed, near misses, garbage, repeated; weighted so allowed preflights are common. */
const originLines = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<readonly string[]>([APP], [PREVIEW], ['https://a.b.preview.example.com']) },
  {
    weight: 4,
    arbitrary: fc.constantFrom<readonly string[]>(
      ['https://preview.example.com'],
      ['http://app.example.com'],
      ['https://app.example.com:8443'],
      ['https://APP.example.com'],
      [`${APP}/`],
      [`${APP}.`],
      ['https://evilapp.example.com'],
      [EVIL],
      ['null'],
      [''],
      ['app.example.com'],
      [`${APP}, ${PREVIEW}`],
      [APP, APP],
      [APP, EVIL],
    ),
  },
  { weight: 1, arbitrary: fc.constant<readonly string[]>([]) },
);
const methods = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'patch', 'DELETE') },
  { weight: 1, arbitrary: fc.constant('OPTIONS') },
);
const requestMethods = fc.option(
  fc.oneof({ weight: 2, arbitrary: fc.constantFrom('GET', 'PUT', 'PATCH', 'DELETE') }, { weight: 1, arbitrary: fc.constantFrom('patch', 'PURGE', 'PUT, GET', '') }),
  { nil: undefined, freq: 4 },
);
const requestHeaders = fc.option(
  fc.oneof(
    fc.constantFrom('content-type', 'authorization,content-type', 'Content-Type, Authorization', 'x-secret', '', 'content-type,,authorization', 'content-type;x'),
    fc.array(fc.constantFrom('content-type', 'authorization', 'x-request-id', 'accept', 'x-secret'), { minLength: 1, maxLength: 5 }).map((names) => names.join(',')),
  ),
  { nil: undefined, freq: 3 },
);

/**
 * Sends ~200 generated requests to `${baseUrl}/ok` (a route answering 200 to every method) of a
 * server running {@link DIFFERENTIAL_POLICY}, and compares each answer with the core's decision.
 */
export async function assertMatchesDecide(baseUrl: string, numRuns = 200): Promise<void> {
  await fc.assert(
    fc.asyncProperty(originLines, methods, requestMethods, requestHeaders, async (origins, method, requestMethod, requested) => {
      const headers: [string, string][] = origins.map((origin) => ['Origin', origin]);
      if (requestMethod !== undefined) headers.push(['Access-Control-Request-Method', requestMethod]);
      if (requested !== undefined) headers.push(['Access-Control-Request-Headers', requested]);
      // the facts exactly as a Node server reads them: one array entry per header line
      const facts: RequestFacts = {
        method,
        origin: origins.length > 0 ? origins : undefined,
        requestMethod: requestMethod === undefined ? undefined : [requestMethod],
        requestHeaders: requested === undefined ? undefined : [requested],
      };
      const decision = policy.decide(facts);
      const res = await send(baseUrl, { method, path: '/ok', headers });

      if (decision.kind === 'preflight') expect(res.status).toBe(decision.status);
      else expect(res.status).toBe(200);
      expect(res.cors).toEqual(lowerKeys(decision.headers));
      for (const name of decision.vary) expect(res.vary).toContain(name);
      expect(res.vary).toHaveLength(new Set(res.vary.map((name) => name.toLowerCase())).size);
    }),
    { numRuns },
  );
}
