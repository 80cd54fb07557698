/**
 * `@corsica/core`: the framework-agnostic CORS engine. Compile a policy once with
 * {@link createPolicy}, then `decide` each request; adapters write the decision onto responses.
 * What only adapters and tools need is in `@corsica/core/adapter`.
 * @module
 */
export { createPolicy } from './policy.js';
export { policyFromEnv, DEVELOPMENT_ORIGINS } from './config/env.js';
export type { EnvLike } from './config/env.js';
export { applyCorsHeaders } from './request/write.js';
export { guardUpgrade, socketIoAllowRequest, wsVerifyClient } from './request/upgrade.js';
export type { HeaderSetter, HeaderTarget } from './request/write.js';
export { CorsConfigError } from './config/problems.js';
export type { ConfigProblem, ConfigWarning, ProblemCode, WarningCode } from './config/problems.js';
export { OriginCallbackError } from './origin-callback-error.js';
export type {
  ActualDecision,
  AnsweredDecision,
  CommonCorsOptions,
  CorsOptions,
  CredentialedCorsOptions,
  CredentialsGuard,
  Decision,
  DecisionKind,
  DecisionReason,
  DenialReason,
  ErrorContext,
  ExplainContext,
  GuardOptions,
  HeaderValue,
  NameListOption,
  NoUnknownOptions,
  NormalizedConfig,
  NotCorsDecision,
  OriginEntryOption,
  OriginMatch,
  OriginOption,
  OriginPredicate,
  Policy,
  PreflightDecision,
  PublicCorsOptions,
  RejectedDecision,
  RequestFacts,
} from './types.js';
