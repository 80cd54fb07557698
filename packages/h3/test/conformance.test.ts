import { describeConformance } from '@corsica/conformance/vitest';
import { startApp } from './app.js';

describeConformance('@corsica/h3 conformance', (policy) => startApp([policy]));
