/**
 * `@corsica/express`: Corsica as connect-style middleware for Express 4 and 5, and for plain
 * `node:http` servers. The core decides; this file only reads the request and writes the answer.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { applyCorsHeaders } from '@corsica/core';
import { decideOnce, factsFromNodeRequest, isPolicy, keepRecordedVary, keepVaryAtWriteHead, mergeVary, recordedDecision } from '@corsica/core/adapter';
import type { CorsOptions, CredentialsGuard, Decision, Policy } from '@corsica/core';
import { DISABLED, policySource } from './compat.js';
import type { CorsOptionsDelegate, CorsPackageOptions } from './compat.js';

declare global {
  // Express declares its request type in this global namespace; merging here types `req.cors`.
  namespace Express {
    interface Request {
      /** The CORS decision Corsica took for this request (set by `@corsica/express`). */
      cors?: Decision;
    }
  }
}

/**
 * A Node request as this middleware sees it: `req.cors` holds the decision once it ran.
 *
 * @example
 * ```ts
 * http.createServer((req: CorsRequest, res) => withCors(req, res, () => res.end(req.cors?.reason)));
 * ```
 */
export type CorsRequest = IncomingMessage & { cors?: Decision };

/**
 * Connect-style middleware: fits `app.use()` in Express 4 and 5, and any `node:http` handler that
 * passes a `next` callback (called with an error only when an asynchronous decision could not be
 * written).
 *
 * @example
 * ```ts
 * const withCors: CorsMiddleware = cors({ origin: 'https://app.example.com' });
 * app.use(withCors);
 * ```
 */
export type CorsMiddleware = (req: CorsRequest, res: ServerResponse, next: (error?: unknown) => void) => void;

/** What a delegate's answers vary on: the delegate picks by request, usually by Origin. */
const VARY_ORIGIN: readonly string[] = Object.freeze(['Origin']);

// Where each request was decided (Express's mount path), to tell the documented per-route
// recipe (path-specific middleware first, global after) from a misordered or doubled stack.
// A property on the request, not a WeakMap entry, which costs more than the decision itself (docs/benchmarks.md).
const DECIDED_AT = Symbol('corsica.express.decidedAt');
type Marked = { [DECIDED_AT]?: string };

/** Express's `req.baseUrl`; empty at the root and in plain `node:http`. */
function mountPath(req: object): string {
  const { baseUrl } = req as { baseUrl?: unknown };
  return typeof baseUrl === 'string' ? baseUrl : '';
}

/**
 * Makes `origin: true` with `credentials: true` (reflect every origin, with cookies) a
 * compile-time error, as it is a `CorsConfigError` at start-up.
 *
 * @example
 * ```ts
 * // @ts-expect-error origin true with credentials reflects every origin
 * cors({ origin: true, credentials: true });
 * ```
 */
export type ReflectGuard<T> = T extends { readonly credentials: true; readonly origin: true }
  ? { readonly origin: true & { readonly 'corsica: origin true with credentials reflects every origin; list your origins': never } }
  : unknown;

/**
 * Creates CORS middleware from options (compiled once, here, so a bad configuration throws a
 * `CorsConfigError` at startup) or from a policy made with `createPolicy`.
 *
 * It also takes the `cors` package's options and options delegate, so `require('cors')` can be
 * swapped for this package: see the README's drop-in section for what each option becomes.
 *
 * Preflights are answered by the middleware itself (the app and any auth middleware after it
 * never run); every other request gets its CORS headers before `next()`, so they survive
 * errors and 404s. The decision is exposed as `req.cors`.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { cors } from '@corsica/express';
 *
 * const app = express();
 * app.use(cors({ origin: ['https://app.example.com'], credentials: true, methods: ['GET', 'PUT'] }));
 * app.put('/items/:id', (req, res) => res.json({ corsAllowed: req.cors?.allowed }));
 * ```
 * @see https://fetch.spec.whatwg.org/#http-cors-protocol
 */
export function cors(policy: Policy): CorsMiddleware;
// The `cors` shapes come first: TypeScript types an inline `(origin, callback)` function by the
// first overload it tries, and Corsica's options are a subset of these anyway.
export function cors<const T extends CorsPackageOptions>(options: T & CredentialsGuard<T> & ReflectGuard<T>): CorsMiddleware;
export function cors<const T extends CorsOptions>(options: T & CredentialsGuard<T>): CorsMiddleware;
export function cors(delegate: CorsOptionsDelegate<CorsRequest>): CorsMiddleware;
export function cors(input?: unknown): CorsMiddleware {
  const source = policySource<CorsRequest>(input);
  if (source === DISABLED) {
    return function corsicaDisabled(_req, _res, next) {
      next();
    };
  }
  if (isPolicy(source)) {
    return function corsica(req, res, next) {
      decide(source, req, res, next, false);
    };
  }
  return function corsicaDelegated(req, res, next) {
    source(req)
      .then((chosen) => {
        // the delegate picks by request (usually by Origin), so every answer varies on it
        const vary = mergeVary(res.getHeader('Vary'), VARY_ORIGIN);
        if (vary !== undefined) res.setHeader('Vary', vary);
        if (chosen !== DISABLED) return decide(chosen, req, res, next, true);
        keepVaryAtWriteHead(res, VARY_ORIGIN);
        next();
      })
      .catch(next);
  };
}

/**
 * The prototype in `obj`'s chain that sits right on its class's own (Node's `IncomingMessage` or
 * `ServerResponse`, found through `obj.constructor`, so the adapter imports nothing from Node):
 * Express's `request` and `response` objects, which every app's `app.request` and `app.response`
 * inherit. `undefined` for a plain Node request or response.
 */
function baseAbove(obj: object): object | undefined {
  const made = (obj as { constructor?: unknown }).constructor;
  const own = typeof made === 'function' ? (made.prototype as unknown) : undefined;
  let proto = Object.getPrototypeOf(obj) as object | null;
  if (typeof own !== 'object' || own === null || proto === own) return undefined;
  while (proto !== null) {
    const up = Object.getPrototypeOf(proto) as object | null;
    if (up === own) return proto;
    proto = up;
  }
  return undefined;
}

// the prototypes of the last request and response seen, and the answer for them
let lastReqProto: object | undefined;
let lastResProto: object | undefined;
let lastShared = false;

/**
 * Whether `req.cors` and the `Vary` keeper live on the prototypes of `req` and `res` (Express),
 * putting them there the first time. Express sets a prototype of its own on every request and
 * response (`Object.setPrototypeOf`), so V8 gives each one a hidden class of its own, and every
 * property added to them afterwards copies that class (1.2 to 2 KB allocated each;
 * docs/benchmarks.md). On the prototypes, a request costs no property but the
 * decision's record. A plain Node request or response (no prototype between it and Node's) gets
 * them as its own properties, as before.
 */
function onPrototypes(req: object, res: object): boolean {
  const reqProto = Object.getPrototypeOf(req) as object;
  const resProto = Object.getPrototypeOf(res) as object;
  if (reqProto === lastReqProto && resProto === lastResProto) return lastShared;
  lastReqProto = reqProto;
  lastResProto = resProto;
  lastShared = false;
  const requestBase = baseAbove(req);
  const responseBase = baseAbove(res);
  if (requestBase === undefined || responseBase === undefined) return false;
  if (!Object.hasOwn(requestBase, 'cors')) {
    Object.defineProperty(requestBase, 'cors', {
      configurable: true,
      get(this: object) {
        return recordedDecision(this);
      },
      // code that assigns req.cors gets its own value, as on any plain property
      set(this: object, value: unknown) {
        Object.defineProperty(this, 'cors', { value, writable: true, enumerable: true, configurable: true });
      },
    });
  }
  keepRecordedVary(responseBase);
  lastShared = true;
  return true;
}

function decide(policy: Policy, req: CorsRequest, res: ServerResponse, next: (error?: unknown) => void, delegated: boolean): void {
  const here = mountPath(req);
  const earlier = (req as Marked)[DECIDED_AT];
  const result = decideOnce(policy, req, factsFromNodeRequest(req), { expected: earlier !== undefined && here.length < earlier.length });
  // a middleware mounted at the root leaves no mark: no mark and '' give the same answer above,
  // and each property added to an Express request costs (see `onPrototypes`)
  if (result !== undefined && here !== '') (req as Marked)[DECIDED_AT] = here;
  // the headers may have been sent while the decision was pending: hand that error to Express
  if (result instanceof Promise) result.then((decision) => answer(req, res, next, decision, delegated)).catch(next);
  else answer(req, res, next, result, delegated);
}

function answer(req: CorsRequest, res: ServerResponse, next: (error?: unknown) => void, decision: Decision | undefined, delegated: boolean): void {
  // undefined: another Corsica middleware decided this request, and its headers stand
  if (decision === undefined) {
    if (delegated) keepVaryAtWriteHead(res, VARY_ORIGIN);
    return next();
  }
  const shared = onPrototypes(req, res);
  // under Express, `req.cors` reads the decision recorded on the request
  if (!shared) req.cors = decision;
  applyCorsHeaders(res, decision);
  if (decision.status === undefined) {
    // the app may replace Vary after this (res.set('Vary', ...)): keep what the answer varies on.
    // A preflight or a rejection is ended right here, before any other code can touch it.
    // Under Express, the response's prototype keeps the recorded decision's names.
    const names = delegated && decision.vary.length === 0 ? VARY_ORIGIN : decision.vary;
    if (!shared || names !== decision.vary) keepVaryAtWriteHead(res, names);
    return next();
  }
  // a preflight, or a request the origin guard rejected: answered here, the app never runs
  const status = decision.status;
  res.statusCode = status;
  if (decision.body !== undefined) {
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.setHeader('Content-Length', String(Buffer.byteLength(decision.body)));
    res.end(decision.body);
    return;
  }
  // 204 must not carry Content-Length; any other empty answer says its length.
  if (status !== 204) res.setHeader('Content-Length', '0');
  res.end();
}

export { createPolicy, guardUpgrade, socketIoAllowRequest, wsVerifyClient } from '@corsica/core';
export type { CorsOptions, Decision, Policy } from '@corsica/core';
export type { CorsOptionsDelegate, CorsPackageOptions, CorsPackageOriginCallback, CorsPackageStaticOrigin } from './compat.js';
