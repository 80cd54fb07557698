/** Bun: `Bun.serve` with `withCors`, and the Hono, h3 and Elysia adapters on Bun, importing the built packages by name. */
import { join } from 'node:path';
import { describeRuntime, expectBuiltPackages } from './support/suite.js';
import { EXECUTABLES, FIXTURES_DIR, spawnServer } from './support/servers.js';

describeRuntime({
  runtime: 'bun',
  adapters: ['fetch', 'hono', 'h3', 'elysia'],
  start: (adapter, policy) => spawnServer(EXECUTABLES.bun, [join(FIXTURES_DIR, 'bun.js'), adapter], { CORSICA_POLICY: JSON.stringify(policy) }),
  check: expectBuiltPackages,
});
