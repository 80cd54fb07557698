import { describeConformance } from '@corsica/conformance/vitest';
import { ADAPTER_POLICIES } from '@corsica/test-utils';
import { startApp } from './app.js';

describeConformance('@corsica/lambda behind an API Gateway REST API (payload 1.0)', (policy) => startApp('rest', policy), { policies: ADAPTER_POLICIES });
describeConformance('@corsica/lambda behind an API Gateway HTTP API (payload 2.0)', (policy) => startApp('http-api', policy), { policies: ADAPTER_POLICIES });
describeConformance('@corsica/lambda behind a Function URL (payload 2.0)', (policy) => startApp('function-url', policy), { policies: ADAPTER_POLICIES });
describeConformance('@corsica/lambda behind ALB with multi-value headers', (policy) => startApp('alb-multi', policy), { policies: ADAPTER_POLICIES });
// Without multi-value headers, ALB hands the function only the last line of a repeated header,
// so a request with two Origin lines whose last one is allowed (listed, or any under "*") looks
// like a plain request from that origin: the function cannot see the duplicate. Browsers never send two; the Lambda guide says to turn multi-value headers on.
describeConformance('@corsica/lambda behind ALB without multi-value headers', (policy) => startApp('alb', policy), { policies: ADAPTER_POLICIES, skip: ['origin.repeated-reversed', 'preflight.origin-repeated'] });
