/**
 * The policies every Corsica adapter runs the conformance kit with: the standard ones, which
 * peers and proxies are held to as well, and the guarded ones, which only a server that enforces
 * the origin guard can pass.
 * @module
 */
import type { CorsOptions } from '@corsica/core';
import { GUARDED_POLICIES, STANDARD_POLICIES } from '@corsica/conformance';

/**
 * `describeConformance(name, start, { policies: ADAPTER_POLICIES })`.
 *
 * @example
 * ```ts
 * describeConformance('@corsica/express', (policy) => startApp(policy), { policies: ADAPTER_POLICIES });
 * ```
 */
export const ADAPTER_POLICIES: Readonly<Record<string, CorsOptions>> = Object.freeze({ ...STANDARD_POLICIES, ...GUARDED_POLICIES });
