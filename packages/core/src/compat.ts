/**
 * What every drop-in translation needs: a profile per peer (`cors`, `@fastify/cors`, `hono/cors`,
 * `@koa/cors`) read by one translator, peer-style origin functions as Corsica predicates, and
 * per-request option delegates compiled once per distinct answer.
 *
 * Published as `@corsica/core/compat`, a separate entry point, so the main entry stays as small as
 * it is for users who never come from another library. Each adapter's `compat.ts` holds only its
 * framework's per-request hook.
 * @module
 */
export { DISABLED, MAX_DELEGATE_POLICIES, delegatePolicies } from './compat/delegate.js';
export type { PolicySelector } from './compat/delegate.js';
export { RequestScopedOrigin, answerAllows, fromOriginCallback, fromOriginFunction, isAsyncFunction } from './compat/origin-functions.js';
export { NO_ORIGIN_FIX, booleanOrigin, compileTranslated, noOptions, peerDefaults, problem, rename, warning } from './compat/translate.js';
export { MAX_REQUEST_POLICIES, fromPeer, isPeerShape, keptOptions, translateOptions } from './compat/translate.js';
export type { DropInWarningCode, PeerRequest, PeerRequestHook, PeerSource, TranslateContext, Translated } from './compat/translate.js';
export { CORS_PACKAGE, FASTIFY_CORS, HONO_CORS, KOA_CORS } from './compat/profiles.js';
export type { Advice, IgnoredOption, PeerCall, PeerForm, PeerProfile, RequestOption } from './compat/profiles.js';
