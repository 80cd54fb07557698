import { describeConformance } from '@corsica/conformance/vitest';
import { ADAPTER_POLICIES } from '@corsica/test-utils';
import { KOA, startApp } from './app.js';

for (const version of KOA) {
  describeConformance(`@corsica/koa on ${version.name}`, (policy) => startApp(version, policy), { policies: ADAPTER_POLICIES });
}
