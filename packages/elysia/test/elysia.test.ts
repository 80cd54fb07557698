import { describeAdapter } from '@corsica/test-utils';
import { cors } from '../src/index.js';
import { startOnNode, startPerRouteOnNode } from './serve.js';

// in this process on Node (app.handle behind node:http), where the suite's policies, with their
// functions and hooks, can reach the app; bun.test.ts runs the kit on the real bun binary
describeAdapter('@corsica/elysia on Node (app.handle)', { start: (...policies) => startOnNode(policies), startPerRoute: startPerRouteOnNode, create: (options) => cors(options) });
