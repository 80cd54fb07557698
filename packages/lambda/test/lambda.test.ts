import type { CorsOptions } from '@corsica/core';
import { describeAdapter } from '@corsica/test-utils';
import type { LambdaService } from '@corsica/test-utils';
import { withCors } from '../src/index.js';
import { startApp, startPerRoute } from './app.js';

// ALB without multi-value headers passes only the last line of a repeated header, so the suite's
// two-Origin-line tests cannot hold there; its conformance run covers the rest.
const SUITE_SERVICES: readonly LambdaService[] = ['rest', 'http-api', 'function-url', 'alb-multi'];

for (const service of SUITE_SERVICES) {
  describeAdapter(`@corsica/lambda (${service})`, {
    start: (...policies) => startApp(service, ...policies),
    startPerRoute: (publicPolicy, mainPolicy) => startPerRoute(service, publicPolicy, mainPolicy),
    create: (options) => withCors(async () => ({ statusCode: 200, body: 'ok' }), options as CorsOptions),
  });
}
