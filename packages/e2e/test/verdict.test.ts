/**
 * The reading of explain()'s browser line that the matrix and the playground rely on, checked on
 * the core's real output (no browser needed): if explain() changes its words, this fails first.
 */
import { createPolicy } from '@corsica/core';
import type { RequestFacts } from '@corsica/core';
import { describe, expect, it } from 'vitest';
import { browserVerdict, disagreements, predictOutcome } from '../playground/public/verdict.mjs';
import type { BrowserVerdict, Observation, Prediction } from '../playground/public/verdict.mjs';

const PAGE = 'http://localhost:4310';
const preflight = (requestMethod: string, requestHeaders?: string): RequestFacts => ({ method: 'OPTIONS', origin: PAGE, requestMethod, requestHeaders });
const get: RequestFacts = { method: 'GET', origin: PAGE };

describe('browserVerdict', () => {
  it.each([
    ['an accepted preflight, with the Max-Age sent', { origin: [PAGE], methods: ['PUT'], maxAge: 600 }, preflight('PUT'), 'chromium', { kind: 'preflight-accepted', cacheSeconds: 600 }],
    ['an accepted preflight without Max-Age, cached for the default 5 s', { origin: [PAGE], methods: ['PUT'] }, preflight('PUT'), 'chromium', { kind: 'preflight-accepted', cacheSeconds: 5 }],
    ['a one-day Max-Age in Chromium, capped at 7200 s', { origin: [PAGE], methods: ['PUT'], maxAge: 86400, onWarning: false }, preflight('PUT'), 'chromium', { kind: 'preflight-accepted', cacheSeconds: 7200 }],
    ['a one-day Max-Age in Firefox, kept whole', { origin: [PAGE], methods: ['PUT'], maxAge: 86400, onWarning: false }, preflight('PUT'), 'firefox', { kind: 'preflight-accepted', cacheSeconds: 86400 }],
    ['a preflight asking for a header the policy does not allow', { origin: [PAGE] }, preflight('GET', 'x-debug'), 'firefox', { kind: 'blocked' }],
    ['a readable response with exposed headers', { origin: [PAGE], exposedHeaders: ['X-Request-Id', 'X-Total'] }, get, 'chromium', { kind: 'readable', exposed: ['x-request-id', 'x-total'] }],
    ['a readable response with nothing exposed', { origin: '*' }, get, 'firefox', { kind: 'readable', exposed: [] }],
    ['a response to an origin the policy does not list', { origin: ['https://app.example.com', 'https://admin.example.com'] }, get, 'chromium', { kind: 'blocked' }],
    ['a request without Origin', { origin: [PAGE] }, { method: 'GET' }, 'chromium', { kind: 'no-cors-check' }],
  ] as const)('reads %s', (_desc, options, facts, engine, want) => {
    expect(browserVerdict(createPolicy(options).explain(facts, { engine }))).toEqual(want);
  });

  it('reads a credentialed request answered with "*" as blocked', () => {
    expect(browserVerdict(createPolicy({ origin: '*' }).explain(get, { credentials: true }))).toEqual({ kind: 'blocked' });
    expect(browserVerdict(createPolicy({ origin: '*' }).explain(get, { credentials: false }))).toEqual({ kind: 'readable', exposed: [] });
  });

  it.each([
    ['text without a browser line', 'Request: GET\nResponse: 200'],
    ['a browser step it does not know', 'Browser (Chrome): shrugs.'],
  ])('throws on %s, so a change of wording in explain() fails the suite', (_desc, text) => {
    expect(() => browserVerdict(text)).toThrow(/^corsica playground: .*update browserVerdict in verdict\.mjs/);
  });
});

const accepted: BrowserVerdict = { kind: 'preflight-accepted', cacheSeconds: 600 };
const blocked: BrowserVerdict = { kind: 'blocked' };
const readable: BrowserVerdict = { kind: 'readable', exposed: ['x-request-id'] };

describe('predictOutcome', () => {
  it.each([
    ['nothing reached the server', [], { readable: false, blockedAt: 'not-sent' }],
    ['a refused preflight', [{ kind: 'preflight', verdict: blocked, status: 403 }], { readable: false, blockedAt: 'preflight' }],
    ['an accepted preflight, then a readable response', [{ kind: 'preflight', verdict: accepted, status: 204 }, { kind: 'actual', verdict: readable, status: 200 }], { readable: true, status: 200, exposed: ['x-request-id'] }],
    ['an accepted preflight, then a blocked response', [{ kind: 'preflight', verdict: accepted, status: 204 }, { kind: 'actual', verdict: blocked, status: 200 }], { readable: false, blockedAt: 'response' }],
    ['a simple request the browser may read', [{ kind: 'actual', verdict: readable, status: 500 }], { readable: true, status: 500, exposed: ['x-request-id'] }],
  ] as const)('predicts %s', (_desc, steps, want) => {
    expect(predictOutcome(steps)).toEqual(want);
  });
});

describe('disagreements', () => {
  const read = (status: number, headers: Record<string, string>): Observation => ({ ok: true, status, headers, body: '' });
  const rejected: Observation = { ok: false, error: { name: 'TypeError', message: 'Failed to fetch' } };
  const predicted: Prediction = { readable: true, status: 200, exposed: ['x-request-id'] };
  const sent = ['content-type', 'x-request-id', 'x-internal'];

  it.each([
    ['the page read what was predicted', read(200, { 'content-type': 'text/plain', 'x-request-id': 'r1' }), predicted, []],
    ['the page was blocked as predicted', rejected, { readable: false, blockedAt: 'preflight' }, []],
    ['a block where a readable response was predicted', rejected, predicted, ['explain() predicted a readable response, the page got TypeError']],
    ['a readable response where a block was predicted', read(200, {}), { readable: false, blockedAt: 'response' }, ['explain() predicted a block (response), the page read status 200']],
    ['another status', read(500, { 'x-request-id': 'r1' }), predicted, ['the page read status 500, the server sent 200']],
    ['a header script should not see', read(200, { 'x-request-id': 'r1', 'x-internal': 'secret' }), predicted, ['script could read [x-internal, x-request-id], explain() predicted [x-request-id]']],
    ['an exposed header script could not read', read(200, {}), predicted, ['script could read [], explain() predicted [x-request-id]']],
  ] as const)('reports %s', (_desc, observed, prediction, want) => {
    expect(disagreements(observed, prediction, sent)).toEqual(want);
  });
});
