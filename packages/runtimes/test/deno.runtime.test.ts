/**
 * Deno: `Deno.serve` with `withCors`, and the Hono and h3 adapters on Deno. Bare specifiers resolve
 * through this package's node_modules (`--node-modules-dir=manual`, no download), to the built
 * packages; permissions are the least the server needs.
 */
import { join } from 'node:path';
import { describeRuntime, expectBuiltPackages } from './support/suite.js';
import { EXECUTABLES, FIXTURES_DIR, spawnServer } from './support/servers.js';

describeRuntime({
  runtime: 'deno',
  adapters: ['fetch', 'hono', 'h3'],
  start: (adapter, policy) =>
    spawnServer(
      EXECUTABLES.deno,
      ['run', '--node-modules-dir=manual', '--no-prompt', '--allow-net=127.0.0.1', '--allow-read', '--allow-env=CORSICA_POLICY', join(FIXTURES_DIR, 'deno.js'), adapter],
      { CORSICA_POLICY: JSON.stringify(policy), NO_COLOR: '1' },
    ),
  check: expectBuiltPackages,
});
