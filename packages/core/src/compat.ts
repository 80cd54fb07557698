/**
 * The drop-in translation, as data: a profile per peer (`cors`, `@fastify/cors`, `hono/cors`,
 * `@koa/cors`) says how to tell its options from Corsica's, its names, the options Corsica
 * ignores and what it says about them, its defaults, and how it calls its functions; one
 * translator reads them, compiling each distinct answer of a per-request delegate once.
 *
 * Published as `@corsica/core/compat`, a separate entry point, so the main entry stays as small as
 * it is for users who never come from another library. Each adapter's `compat.ts` holds only its
 * framework's per-request hook.
 * @module
 */
export { DISABLED } from './compat/delegate.js';
export type { PolicySelector } from './compat/delegate.js';
export { CORS_PACKAGE, FASTIFY_CORS, HONO_CORS, KOA_CORS } from './compat/profiles.js';
export type { Advice, IgnoredOption, PeerCall, PeerForm, PeerProfile, RequestOption } from './compat/profiles.js';
export { fromPeer, keptOptions, translateOptions } from './compat/translate.js';
// building blocks for peers that have no profile yet (@middy/http-cors, @elysiajs/cors)
export { compileTranslated, noOptions, peerDefaults, problem, rename, warning } from './compat/translate.js';
export { fromOriginFunction, RequestScopedOrigin } from './compat/origin-functions.js';
export type { DropInWarningCode, PeerRequest, PeerRequestHook, PeerSource, TranslateContext, Translated } from './compat/translate.js';
