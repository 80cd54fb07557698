/**
 * `@corsica/core`: the framework-agnostic CORS engine. Compile a policy once with
 * {@link createPolicy}, then `decide` each request; adapters write the decision onto responses.
 * @module
 */
export { createPolicy, decideRequest } from './policy.js';
export { policyFromEnv, DEVELOPMENT_ORIGINS } from './env.js';
export type { EnvLike } from './env.js';
export { applyCorsHeaders, mergeVary } from './apply.js';
export type { HeaderSetter, HeaderTarget } from './apply.js';
export { isPolicy } from './compile.js';
export { decideOnce, factsFromFetchRequest, factsFromNodeRequest, preflightResponse, recordDecision, recordedDecision, toPolicy, withCorsHeaders } from './facts.js';
export type { DecideOnceOptions, NodeRequestLike } from './facts.js';
export { CorsConfigError, OriginCallbackError } from './errors.js';
export type { ConfigProblem, ConfigWarning, ProblemCode, WarningCode } from './errors.js';
export { MAX_ORIGIN_LENGTH } from './origin.js';
export { MAX_EMPTY_ELEMENTS, MAX_METHOD_LENGTH, MAX_REQUEST_HEADER_NAMES, MAX_REQUEST_HEADERS_LENGTH } from './token.js';
export { MAX_AGE_CAPS } from './spec.js';
export type {
  CommonCorsOptions,
  CorsOptions,
  CredentialedCorsOptions,
  CredentialsGuard,
  NoUnknownOptions,
  Decision,
  DecisionKind,
  DecisionReason,
  ErrorContext,
  ExplainContext,
  HeaderValue,
  NameListOption,
  NormalizedConfig,
  OriginEntryOption,
  OriginOption,
  OriginPredicate,
  Policy,
  PublicCorsOptions,
  RequestFacts,
} from './types.js';
