/**
 * workerd, the Cloudflare Workers runtime: a worker using `withCors`, one using the Hono adapter
 * and one using the h3 adapter, each bundled with esbuild the way Wrangler does (ESM, browser-like platform, the
 * `workerd` condition) and served by the real `workerd serve`.
 */
import { beforeAll, expect } from 'vitest';
import { describeRuntime } from './support/suite.js';
import type { AdapterName } from './support/suite.js';
import { bundleWorker, startWorkerd } from './support/servers.js';

const bundles = new Map<AdapterName, { code: string; inputs: string[] }>();

beforeAll(async () => {
  for (const adapter of ['fetch', 'hono', 'h3'] as const) bundles.set(adapter, await bundleWorker(`worker-${adapter}.js`));
});

describeRuntime({
  runtime: 'workerd',
  adapters: ['fetch', 'hono', 'h3'],
  start: (adapter, policy) => startWorkerd(bundles.get(adapter)!.code, policy),
  check: (_server, adapter) => {
    const inputs = bundles.get(adapter)!.inputs;
    // the worker holds the built packages, not their TypeScript sources
    // adapters import the core's adapter entry (dist/adapter.js), applications its main entry
    expect(inputs.filter((path) => /^\.\.\/core\/dist\/(index|adapter)\.js$/.test(path))).not.toEqual([]);
    expect(inputs).toContain(`../${adapter}/dist/index.js`);
    expect(inputs.filter((path) => path.includes('/src/') && path.includes('packages'))).toEqual([]);
  },
});
