import { describeConformance } from '@corsica/conformance/vitest';
import { ADAPTER_POLICIES } from '@corsica/test-utils';
import { EXPRESS, startApp } from './app.js';

for (const version of EXPRESS) {
  describeConformance(`@corsica/express on ${version.name}`, (policy) => startApp(version, policy), { policies: ADAPTER_POLICIES });
}
