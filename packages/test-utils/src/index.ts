/**
 * `@corsica/test-utils` (private, never published): what the adapters' test suites share, so none
 * of them carries a copy. The exact HTTP client and test servers, a bridge that serves fetch
 * handlers on node:http, and the adapter behaviour every Corsica adapter must show.
 * @module
 */
export { TEST_MAX_HEADER_SIZE, listen, send, sendRaw } from './http.js';
export type { HeaderLine, Started, TestRequest, TestResponse } from './http.js';
export { fetchListener, serveFetch } from './node-bridge.js';
export { LAMBDA_SERVICES, eventFor, lambdaListener, responseFor, serveLambda } from './lambda-bridge.js';
export type { LambdaHandler, LambdaListenerOptions, LambdaService } from './lambda-bridge.js';
export { startChildServer } from './child.js';
export type { StartedChild } from './child.js';
export { NODE_VARY_REPLACEMENTS, suiteRoutes } from './routes.js';
export type { SuiteRoutes } from './routes.js';
export type { FetchHandler, FetchListenerOptions } from './node-bridge.js';
export {
  ALLOWED_ACTUAL_HEADERS,
  ALLOWED_PREFLIGHT_HEADERS,
  APP,
  EVIL,
  PREVIEW,
  TENANT,
  describeAdapter,
  expectVary,
  mainOptions,
  preflight,
} from './adapter-suite.js';
export type { AdapterUnderTest, StartApp, TestApp } from './adapter-suite.js';
export { ADMIN_SITE, LOCAL_DEV, NETLIFY_SITE, NO_OPTIONS_FIX, SITE, STRANGER, configErrorOf, describeDropIn, expectOptionRow, putPreflight, recordReports } from './dropin.js';
export type { DropInFixture, OptionRow } from './dropin.js';
export { acceptsConnections, freePort } from './net.js';
export { ADAPTER_POLICIES } from './kit.js';
