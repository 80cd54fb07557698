/** Bun: `Bun.serve` with `withCors`, and the Hono adapter on Bun, importing the built packages by name. */
import { join } from 'node:path';
import { describeRuntime, expectBuiltPackages } from './support/suite.js';
import { EXECUTABLES, FIXTURES_DIR, spawnServer } from './support/servers.js';

describeRuntime({
  runtime: 'bun',
  adapters: ['fetch', 'hono', 'h3'],
  start: (adapter, policy) => spawnServer(EXECUTABLES.bun, [join(FIXTURES_DIR, 'bun.js'), adapter], { CORSICA_POLICY: JSON.stringify(policy) }),
  check: expectBuiltPackages,
});
