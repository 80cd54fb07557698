/**
 * The current Node LTS (26), next to the Node 20 the tests themselves run on: the same fixture,
 * the fetch and Hono adapters on node:http through `@hono/node-server`, importing the built
 * packages by name.
 */
import { join } from 'node:path';
import { describeRuntime, expectBuiltPackages } from './support/suite.js';
import { EXECUTABLES, FIXTURES_DIR, spawnServer } from './support/servers.js';

describeRuntime({
  runtime: 'node-lts',
  adapters: ['fetch', 'hono', 'h3'],
  start: (adapter, policy) => spawnServer(EXECUTABLES['node-lts'], [join(FIXTURES_DIR, 'node.js'), adapter], { CORSICA_POLICY: JSON.stringify(policy) }),
  check: expectBuiltPackages,
});
