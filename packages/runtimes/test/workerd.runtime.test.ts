/**
 * workerd, the Cloudflare Workers runtime: a worker using `withCors`, one using the Hono adapter
 * and one using the h3 adapter, each bundled with esbuild the way Wrangler does (ESM, browser-like platform, the
 * `workerd` condition) and served by the real `workerd serve`.
 */
import { join } from 'node:path';
import { build } from 'esbuild';
import { beforeAll, expect } from 'vitest';
import { describeRuntime } from './support/suite.js';
import type { AdapterName } from './support/suite.js';
import { FIXTURES_DIR, PACKAGE_DIR, startWorkerd } from './support/servers.js';

const bundles = new Map<AdapterName, { code: string; inputs: string[] }>();

async function bundle(adapter: AdapterName): Promise<{ code: string; inputs: string[] }> {
  const result = await build({
    entryPoints: [join(FIXTURES_DIR, `worker-${adapter}.js`)],
    absWorkingDir: PACKAGE_DIR,
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.text ?? '';
  return { code, inputs: Object.keys(result.metafile.inputs) };
}

beforeAll(async () => {
  for (const adapter of ['fetch', 'hono', 'h3'] as const) bundles.set(adapter, await bundle(adapter));
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
