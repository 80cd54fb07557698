import { describeConformance } from '@corsica/conformance/vitest';
import { startApp } from './app.js';

describeConformance('@corsica/fetch conformance', (policy) => startApp(policy));
