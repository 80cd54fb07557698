import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPolicy } from '@corsica/core';
import { ADAPTER_POLICIES, ALLOWED_ACTUAL_HEADERS, ALLOWED_PREFLIGHT_HEADERS, APP, describeAdapter, expectVary, mainOptions, preflight, send } from '@corsica/test-utils';
import type { HeaderLine } from '@corsica/test-utils';
import { describeConformance } from '@corsica/conformance/vitest';
import { createCors, startGuarded, startNest, startNestPerRoute } from './apps.js';
import type { Platform } from './apps.js';

for (const platform of ['express', 'fastify'] as const satisfies readonly Platform[]) {
  const label = `NestJS 12 on @nestjs/platform-${platform} with @corsica/${platform}`;
  describeAdapter(label, { start: startNest(platform), startPerRoute: startNestPerRoute(platform), create: (options) => createCors(platform, options) });
  describeConformance(`${label}: conformance`, (policy) => startNest(platform)(policy), { policies: ADAPTER_POLICIES });
}

const policy = createPolicy(mainOptions);

describe.each(['express', 'fastify'] as const)('NestJS on %s: guards and exception filters', (platform) => {
  let app: Awaited<ReturnType<typeof startGuarded>>;
  beforeAll(async () => {
    app = await startGuarded(platform, policy);
  });
  afterAll(() => app.close());

  it('answers the preflight before any guard runs', async () => {
    const res = await send(app.baseUrl, { method: 'OPTIONS', path: '/items', headers: preflight(APP, 'PUT', 'authorization,content-type') });
    expect(res.status).toBe(204);
    expect(res.cors).toEqual(ALLOWED_PREFLIGHT_HEADERS);
    expect(app.guardCalls()).toBe(0);
  });

  it.each([
    { desc: 'an UnauthorizedException thrown by a guard', method: 'PUT', headers: [] as HeaderLine[], status: 401, message: 'log in first' },
    { desc: 'a ForbiddenException thrown by a handler', method: 'DELETE', headers: [['Authorization', 'Bearer t']] as HeaderLine[], status: 403, message: 'not yours' },
  ])('keeps the CORS headers on the answer Nest’s exception filter builds for $desc', async ({ method, headers, status, message }) => {
    const res = await send(app.baseUrl, { method, path: '/items', headers: [['Origin', APP], ...headers] });
    expect(res.status).toBe(status);
    expect(JSON.parse(res.body)).toMatchObject({ statusCode: status, message });
    expect(res.cors).toEqual(ALLOWED_ACTUAL_HEADERS);
    expectVary(res, ['Origin']);
  });
});
