/**
 * Node (the test's own binary, 20+): the fetch and Hono adapters on node:http through
 * `@hono/node-server`, in a child process that imports the built packages by name.
 */
import { join } from 'node:path';
import { describeRuntime, expectBuiltPackages } from './support/suite.js';
import { EXECUTABLES, FIXTURES_DIR, spawnServer } from './support/servers.js';

describeRuntime({
  runtime: 'node',
  adapters: ['fetch', 'hono', 'h3'],
  start: (adapter, policy) => spawnServer(EXECUTABLES.node, [join(FIXTURES_DIR, 'node.js'), adapter], { CORSICA_POLICY: JSON.stringify(policy) }),
  check: expectBuiltPackages,
});
