import { describeConformance } from '@corsica/conformance/vitest';
import { ADAPTER_POLICIES } from '@corsica/test-utils';
import { startApp } from './app.js';

// Node's own Response: with @hono/node-server's default replacement, every HEAD (actual.head)
// is a bare 500 from hono 4.13 itself, before and without any middleware (see test/app.ts)
describeConformance('@corsica/hono conformance', (policy) => startApp([policy], { globals: false }), { policies: ADAPTER_POLICIES });
