/**
 * `@corsica/conformance`: CORS conformance scenarios run over real HTTP against any server (a
 * Corsica adapter, another library, a reverse proxy), judged by a model of the browser's CORS
 * check with `@corsica/core` as the oracle. No test framework needed here; see
 * `@corsica/conformance/vitest` for `describeConformance`.
 * @module
 */
export { browserCheck, combinedHeader, parseListHeader } from './browser.js';
export { BROWSER_ENGINES, ENGINE_FACTS, ENGINES_MEASURED, preflightCacheSeconds } from './engines.js';
export type { BrowserEngine, EngineFacts, ThirdPartyCookies } from './engines.js';
export { send } from './http.js';
export { consoleMessage, needsPreflight, predictFetch } from './predict.js';
export type { FetchCall, FetchPrediction } from './predict.js';
export { factsFromLines, oracleDecision, oraclePolicy, policyAllowsOrigin, servedHost } from './oracle.js';
export { DEFAULT_ROUTES, GUARDED_POLICIES, STANDARD_POLICIES } from './policies.js';
export { DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT, formatResult, isSkipped, judge, runConformance, runScenario } from './run.js';
export type { JudgeOptions } from './run.js';
export { HOSTILE_ACRH, SPEC, allowedProbeOrigins, isGuardRejection, nearMisses, scenariosFor } from './scenarios.js';
export type {
  AppAnswer,
  BrowserCheckStep,
  BrowserFailure,
  BrowserRequest,
  BrowserResponse,
  BrowserVerdict,
  ConformanceRoutes,
  ExpectedVerdict,
  ConformanceTarget,
  HeaderLine,
  RouteName,
  Scenario,
  ScenarioExpectation,
  ScenarioRequest,
  ScenarioResponse,
  ScenarioResult,
} from './types.js';
