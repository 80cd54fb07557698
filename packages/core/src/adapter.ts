/**
 * `@corsica/core/adapter`: what framework adapters need beyond the application API. Reading
 * request facts, deciding once per request (stacking detection), and writing a decision onto
 * Node and Web responses. Applications import `@corsica/core`; adapters import this entry.
 * @module
 */
export { applyCorsHeaders, mergeVary } from './apply.js';
export type { HeaderSetter, HeaderTarget } from './apply.js';
export { isPolicy } from './compile.js';
export { decideRequest } from './engine.js';
export { decideOnce, factsFromFetchRequest, factsFromNodeRequest, preflightResponse, recordDecision, recordedDecision, toPolicy, withCorsHeaders } from './facts.js';
export type { DecideOnceOptions, NodeRequestLike } from './facts.js';
export { keepVary, type VaryKeeperTarget } from './keep-vary.js';
