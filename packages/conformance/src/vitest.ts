/**
 * `@corsica/conformance/vitest`: one line registers the whole conformance suite in a vitest file,
 * one `describe` per policy and one `it` per scenario.
 * @module
 */
import type { CorsOptions } from '@corsica/core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { oraclePolicy } from './oracle.js';
import { STANDARD_POLICIES } from './policies.js';
import { formatResult, isSkipped, runScenario } from './run.js';
import { scenariosFor } from './scenarios.js';
import type { ConformanceRoutes } from './types.js';

/** A server started for one policy. */
export interface StartedServer {
  /** Where it listens, e.g. `http://127.0.0.1:34567`. */
  readonly baseUrl: string;
  /** Stops it; called in `afterAll`. */
  close(): Promise<void>;
}

/** Options of {@link describeConformance}. */
export interface DescribeConformanceOptions {
  /** The policies to test; default {@link STANDARD_POLICIES}. */
  readonly policies?: Readonly<Record<string, CorsOptions>>;
  /** Route paths, when they differ from the defaults. */
  readonly routes?: Partial<ConformanceRoutes>;
  /** Scenario ids to skip (`prefix*` patterns allowed); they are reported as skipped. */
  readonly skip?: readonly string[];
  /** See `ConformanceTarget.strict`. Default `true`. */
  readonly strict?: boolean;
  /** Milliseconds per request. Default 5000. */
  readonly timeout?: number;
}

/**
 * Registers the conformance suite: for each policy a `describe` that starts one server with
 * `start(policy)` in `beforeAll` (and closes it in `afterAll`), and one `it` per scenario whose
 * failure message lists the problems, the request and the response.
 *
 * The server must listen on 127.0.0.1 and serve the five conformance routes: `/ok` (GET, HEAD,
 * POST, PUT, PATCH, DELETE → 200 `ok`), `/error` (GET throws → 500), no route at
 * `/does-not-exist` (404), `/app-options` (the app's own OPTIONS → 200 `app-options`) and `/vary`
 * (GET sets `Vary: Accept-Encoding` → 200 `ok`).
 *
 * @example
 * ```ts
 * import { describeConformance } from '@corsica/conformance/vitest';
 *
 * describeConformance('@corsica/express', async (policy) => {
 *   const app = express().use(cors(policy));
 *   // ...the five routes...
 *   const server = app.listen(0, '127.0.0.1');
 *   await once(server, 'listening');
 *   const { port } = server.address() as AddressInfo;
 *   return { baseUrl: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
 * });
 * ```
 */
export function describeConformance(name: string, start: (policy: CorsOptions) => Promise<StartedServer>, options: DescribeConformanceOptions = {}): void {
  const policies = options.policies ?? STANDARD_POLICIES;
  describe(name, () => {
    for (const [policyName, policy] of Object.entries(policies)) {
      describe(`policy ${policyName}`, () => {
        let server: StartedServer | undefined;
        beforeAll(async () => {
          server = await start(policy);
        });
        afterAll(async () => {
          await server?.close();
        });
        const oracle = oraclePolicy(policy);
        for (const scenario of scenariosFor(policy, options.routes)) {
          const title = `${scenario.title} [${scenario.id}]`;
          if (isSkipped(scenario.id, options.skip)) {
            it.skip(title, () => undefined);
            continue;
          }
          it(title, async () => {
            if (server === undefined) throw new Error(`corsica: the server for policy ${policyName} did not start; check the \`start\` function given to describeConformance.`);
            const settings = { policy: oracle, strict: options.strict ?? true, ...(options.timeout === undefined ? {} : { timeout: options.timeout }) };
            const result = await runScenario(server.baseUrl, scenario, policy, settings);
            if (!result.pass) throw new Error(formatResult(result));
          });
        }
      });
    }
  });
}
