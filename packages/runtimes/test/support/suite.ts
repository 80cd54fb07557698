/**
 * One runtime's conformance suite: for each adapter and each standard and guarded policy, start the real
 * server, run every scenario of the kit over HTTP, and fail with the formatted failures. Prints
 * one summary line per runtime (`runtime bun: 566/566 scenarios passed`), or why it was skipped.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { GUARDED_POLICIES, STANDARD_POLICIES, formatResult, runConformance, scenariosFor } from '@corsica/conformance';
import type { CorsOptions } from '@corsica/core';
import { probe } from './servers.js';
import type { RunningServer, RuntimeName } from './servers.js';

export type AdapterName = 'fetch' | 'hono' | 'h3' | 'elysia';

const ADAPTER_LABEL: Record<AdapterName, string> = { fetch: '@corsica/fetch withCors', hono: '@corsica/hono cors', h3: '@corsica/h3 cors', elysia: '@corsica/elysia cors' };

export interface RuntimeSuite {
  readonly runtime: RuntimeName;
  readonly adapters: readonly AdapterName[];
  start(adapter: AdapterName, policy: CorsOptions): Promise<RunningServer>;
  /** Checks on a started server beyond the kit, e.g. that it loaded the built packages. */
  check?(server: RunningServer, adapter: AdapterName): void;
}

/** Registers the suite of one runtime. */
export function describeRuntime(suite: RuntimeSuite): void {
  const { runtime, adapters } = suite;
  const probed = probe(runtime);
  if ('reason' in probed) {
    // the only allowed skip: the binary itself cannot run on this machine
    console.log(`runtime ${runtime}: SKIPPED, its binary cannot run here: ${probed.reason}`);
    describe.skip(`runtime ${runtime}`, () => {
      it('runs the conformance kit', () => undefined);
    });
    return;
  }
  // the guarded policies too: every runtime must answer the guard's 403s before the app
  const policies = Object.entries({ ...STANDARD_POLICIES, ...GUARDED_POLICIES });
  const perAdapter = policies.reduce((sum, [, policy]) => sum + scenariosFor(policy).length, 0);
  const tally = { passed: 0, total: perAdapter * adapters.length };
  const byAdapter = new Map<AdapterName, number>(adapters.map((a) => [a, 0]));

  describe(`runtime ${runtime} (${probed.version})`, () => {
    afterAll(() => {
      const parts = adapters.map((a) => `${a} ${byAdapter.get(a)}/${perAdapter}`).join(', ');
      console.log(`runtime ${runtime}: ${tally.passed}/${tally.total} scenarios passed (${parts}; ${probed.version})`);
    });
    for (const adapter of adapters) {
      describe(ADAPTER_LABEL[adapter], () => {
        it.each(policies)(`answers every conformance scenario of the %s policy as the policy says`, async (_name, policy) => {
          const server = await suite.start(adapter, policy);
          try {
            suite.check?.(server, adapter);
            const results = await runConformance({ baseUrl: server.baseUrl, policy });
            const passed = results.filter((r) => r.pass).length;
            tally.passed += passed;
            byAdapter.set(adapter, (byAdapter.get(adapter) ?? 0) + passed);
            expect(results.length).toBe(scenariosFor(policy).length);
            expect(results.filter((r) => !r.pass).map(formatResult)).toEqual([]);
          } finally {
            await server.close();
          }
        }, 90_000);
      });
    }
  });
}

/** Asserts a child loaded every Corsica package from its built `dist/`, never from `src/`. */
export function expectBuiltPackages(server: RunningServer): void {
  const resolved = server.info.resolved ?? {};
  for (const name of ['@corsica/core', '@corsica/fetch', '@corsica/hono', '@corsica/h3', '@corsica/elysia']) {
    const folder = name.replace('@corsica/', '');
    expect(resolved[name], `${server.info.runtime} resolved ${name}`).toMatch(new RegExp(`/packages/${folder}/dist/index\\.js$`));
  }
}
