import { describeConformance } from '@corsica/conformance/vitest';
import { ADAPTER_POLICIES } from '@corsica/test-utils';
import { startApp } from './app.js';

describeConformance('@corsica/fetch conformance', (policy) => startApp(policy), { policies: ADAPTER_POLICIES });
