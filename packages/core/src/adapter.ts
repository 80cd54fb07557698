/**
 * `@corsica/core/adapter`: what framework adapters and tools need beyond the application API:
 * reading request facts, deciding once per request (stacking detection), writing a decision onto
 * Node and Web responses, the caps on hostile input, and the browsers' console messages for tools
 * that predict them. Applications import `@corsica/core`.
 * @module
 */
export { isPolicy } from './is-policy.js';
export { toPolicy } from './policy.js';
export { factsFromFetchRequest, factsFromNodeRequest } from './request/facts.js';
export type { NodeRequestLike } from './request/facts.js';
export { decideOnce, recordedDecision } from './request/once.js';
export { guardUpgrade, socketIoAllowRequest, wsVerifyClient } from './request/upgrade.js';
export type { UpgradeSocket } from './request/upgrade.js';
export type { DecideOnceOptions } from './request/once.js';
export { answerResponse, applyCorsHeaders, mergeVary, withCorsHeaders } from './request/write.js';
export type { HeaderSetter, HeaderTarget } from './request/write.js';
export { MAX_ORIGIN_LENGTH } from './request/origin.js';
export { MAX_EMPTY_ELEMENTS, MAX_METHOD_LENGTH, MAX_REQUEST_HEADER_NAMES, MAX_REQUEST_HEADERS_LENGTH } from './request/header-list.js';
export { MAX_AGE_CAPS } from './spec.js';
export { consoleMessage } from './console.js';
export type { BrowserEngine, BrowserFailure } from './console.js';
export { keepRecordedVary, keepVary, keepVaryAtWriteHead } from './request/keep-vary.js';
export type { VaryKeeperTarget, WriteHeadTarget } from './request/keep-vary.js';
