/**
 * The public types of the core: options in, request facts in, decisions out.
 * @module
 */
import type { ConfigWarning } from './config/problems.js';

/** A header value as adapters find it: absent, one line, or repeated lines. */
export type HeaderValue = string | readonly string[] | null | undefined;

/** The four facts of a request that CORS depends on (plus the legacy Private Network header). */
export interface RequestFacts {
  /** The request method, as sent (`OPTIONS`, `GET`...). */
  readonly method?: string | null | undefined;
  /** The `Origin` header. */
  readonly origin?: HeaderValue;
  /** The `Access-Control-Request-Method` header. */
  readonly requestMethod?: HeaderValue;
  /** The `Access-Control-Request-Headers` header. */
  readonly requestHeaders?: HeaderValue;
  /** The legacy `Access-Control-Request-Private-Network` header; read only when `privateNetwork` is on. */
  readonly requestPrivateNetwork?: HeaderValue;
  /** The `Host` header (`:authority` in HTTP/2): read by the origin guard. */
  readonly host?: HeaderValue;
  /** The `Sec-Fetch-Site` header: read by the origin guard. */
  readonly secFetchSite?: HeaderValue;
  /** The `Upgrade` header (`websocket` on a WebSocket handshake): read by the origin guard. */
  readonly upgrade?: HeaderValue;
}

/**
 * The origin guard: the allowlist enforced on the server, against cross-site request forgery,
 * DNS rebinding and cross-site WebSocket hijacking, which CORS alone does not stop (it only
 * decides what a page may read; the request has already run). A rejected request gets 403 and
 * never reaches the application.
 * @see https://pkg.go.dev/net/http#CrossOriginProtection (the algorithm followed)
 */
export interface GuardOptions {
  /**
   * Which requests are checked: `'unsafe'` (default), every method but GET, HEAD and OPTIONS,
   * and WebSocket handshakes; `'all'`, every request (MCP servers, APIs only listed pages use).
   * A request passes when `Sec-Fetch-Site` is `same-origin` or `none`; else when its `Origin` is
   * allowed by the policy; without `Sec-Fetch-Site`, also when `Origin` names the request's own
   * host; a request with neither header is not from a browser and passes.
   */
  readonly crossOrigin?: 'unsafe' | 'all';
  /**
   * The `Host` values served, against DNS rebinding: exact (`api.example.com`, `api.example.com:8443`),
   * any port (`localhost:*`, `127.0.0.1:*`, `[::1]:*`), or label-aligned subdomains
   * (`*.example.com`, `*.example.com:*`). A missing or unlisted `Host` is rejected. Default: any.
   */
  readonly hosts?: readonly string[];
  /** Check WebSocket handshakes as unsafe requests (they are not subject to CORS). Default `true`. */
  readonly webSocket?: boolean;
}

/**
 * Decides whether a (validated, canonical) origin is allowed. Called only with origins a browser
 * could have sent: never with `null`, upper case, paths or over-long values.
 * It answers allow or deny; it never returns a header value.
 */
export type OriginPredicate = (origin: string) => boolean | Promise<boolean>;

/** One allowlist entry: an exact origin, a safe pattern, an anchored RegExp or a predicate. */
export type OriginEntryOption = string | RegExp | OriginPredicate;

/** `'*'` (any origin, no credentials), one entry, or a list of entries. */
export type OriginOption = '*' | OriginEntryOption | readonly OriginEntryOption[];

/** A comma-separated string or a list of names; `'*'` for any (not with credentials). */
export type NameListOption = string | readonly string[];

/** What is passed to `onError`. */
export interface ErrorContext {
  /** Where the error happened. */
  readonly phase: 'origin-resolver' | 'on-decision' | 'internal' | 'adapter';
  /** The origin being checked, when there is one (already validated). */
  readonly origin?: string;
}

/** Options shared by public and credentialed policies. */
export interface CommonCorsOptions {
  /**
   * Methods allowed in preflights (besides GET, HEAD and POST, which browsers never need
   * allowed). Compared byte for byte: `PATCH` does not allow `patch`. Default: GET, HEAD, POST.
   */
  readonly methods?: NameListOption;
  /**
   * Request headers allowed in preflights, compared case-insensitively. Default: none, so only
   * CORS-safelisted request headers pass. `'*'` allows any name except `Authorization`, which
   * must be listed. Security: a `Content-Type: application/json` request needs `Content-Type` here.
   */
  readonly allowedHeaders?: NameListOption;
  /**
   * Compatibility mode for drop-in adapters (`cors`, `@koa/cors` and `hono/cors` mirror by
   * default): allow any requested header name that is a valid token and not a forbidden request
   * header, and echo the checked list in `Access-Control-Allow-Headers`. Cannot be combined with
   * `allowedHeaders`. Prefer listing `allowedHeaders`.
   */
  readonly mirrorRequestHeaders?: boolean;
  /** Response headers scripts may read besides the always-readable ones. Default: none. */
  readonly exposedHeaders?: NameListOption;
  /**
   * Seconds a browser may cache a preflight, 0..86400. Default: not sent (browsers then
   * re-preflight after 5 s). Chromium caps it at 7200, Firefox at 86400, Safari at 600.
   */
  readonly maxAge?: number;
  /** Status of a successful preflight: 204 (default) or 200. */
  readonly preflightStatus?: 200 | 204;
  /** Alias of `preflightStatus`, as named by the `cors` package. */
  readonly optionsSuccessStatus?: 200 | 204;
  /**
   * Legacy Private Network Access: answer `Access-Control-Request-Private-Network: true` with
   * `Access-Control-Allow-Private-Network: true`. Off by default. Chrome replaced PNA with the
   * Local Network Access permission prompt, which no server header can skip.
   */
  readonly privateNetwork?: boolean;
  /**
   * Security: allows plain-http (non-loopback) origins together with `credentials: true`.
   * Anyone on the network path can impersonate such an origin.
   */
  readonly dangerouslyAllowInsecureOrigins?: boolean;
  /** Called with every decision (for logs and metrics). Errors it throws go to `onError`. */
  readonly onDecision?: (decision: Decision, request: RequestFacts) => void;
  /** Called when a resolver or hook fails. Default: `console.error`. */
  readonly onError?: (error: unknown, context: ErrorContext) => void;
  /** Called once per configuration warning. Default: `console.warn`; `false` silences them. */
  readonly onWarning?: ((warning: ConfigWarning) => void) | false;
  /**
   * Report-only rollout: the configured policy is evaluated and reported through `onDecision`
   * (as `decision.wouldHave`), while responses follow `fallback`, the permissive behaviour you
   * are migrating from (e.g. `{ origin: '*' }`).
   */
  readonly reportOnly?: { readonly fallback: CorsOptions | Policy };
  /** Adds a `Corsica-Debug` header saying why a request was denied. Never adds an allow header. */
  readonly debug?: boolean;
  /**
   * Cache of async origin resolver answers: at most `max` origins (least recently used leave
   * first), answers kept `ttl` ms, failed lookups (a throw, a rejection, a timeout) denied for
   * `failureTtl` ms without asking the resolver again, so a database that is down is not asked
   * on every request. Default `{ max: 1000, ttl: 60000, failureTtl: 1000 }` (`failureTtl` is
   * never longer than `ttl` unless set); `false` disables caching (concurrent lookups of one
   * origin still share one call).
   */
  readonly originCache?: { readonly max?: number; readonly ttl?: number; readonly failureTtl?: number } | false;
  /** Milliseconds an async origin resolver may take before the request is denied. Default 2000. */
  readonly resolverTimeout?: number;
  /**
   * Security: enforce the allowlist on the server too (opt-in). See {@link GuardOptions}; `{}`
   * checks unsafe methods and WebSocket handshakes from cross-origin pages.
   */
  readonly guard?: GuardOptions;
}

/** A policy without credentials: `origin: '*'` is allowed. */
export interface PublicCorsOptions extends CommonCorsOptions {
  readonly origin: OriginOption;
  readonly credentials?: false;
}

/** A credentialed policy: cookies and `Authorization` cross origins, so origins must be listed. */
export interface CredentialedCorsOptions extends CommonCorsOptions {
  readonly origin: OriginOption;
  readonly credentials: true;
}

/** Options accepted by `createPolicy`. */
export type CorsOptions = PublicCorsOptions | CredentialedCorsOptions;

type HasWildcard<V> = [V] extends [readonly (infer E)[]]
  ? string extends E
    ? false
    : '*' extends E
      ? true
      : false
  : [V] extends ['*']
    ? true
    : false;

type FieldOf<T, K extends PropertyKey> = T extends { readonly [P in K]: infer V } ? V : undefined;

type Banned<V, Why extends string> = V & { readonly [K in Why]: never };

/** Makes option names Corsica does not know (often another library's, like `allowHeaders`) a compile-time error. */
export type NoUnknownOptions<T> = { readonly [K in Exclude<keyof T, keyof PublicCorsOptions>]: never };

/**
 * Turns `'*'` combined with `credentials: true` into a compile-time error. At run time the same
 * combination is a `CorsConfigError`.
 */
export type CredentialsGuard<T> = T extends { readonly credentials: true }
  ? (HasWildcard<FieldOf<T, 'origin'>> extends true
      ? { readonly origin: Banned<'*', 'corsica: origin "*" cannot be combined with credentials: true; list your origins'> }
      : unknown) &
      (HasWildcard<FieldOf<T, 'methods'>> extends true
        ? { readonly methods: Banned<'*', 'corsica: methods "*" is a literal name with credentials; list the methods'> }
        : unknown) &
      (HasWildcard<FieldOf<T, 'allowedHeaders'>> extends true
        ? { readonly allowedHeaders: Banned<'*', 'corsica: allowedHeaders "*" is a literal name with credentials; list the headers'> }
        : unknown) &
      (HasWildcard<FieldOf<T, 'exposedHeaders'>> extends true
        ? { readonly exposedHeaders: Banned<'*', 'corsica: exposedHeaders "*" is a literal name with credentials; list the headers'> }
        : unknown)
  : unknown;

/** How a request is classified by the Fetch standard. */
export type DecisionKind = 'not-cors' | 'actual' | 'preflight';

/** Why a decision came out as it did. Stable: tools may switch on these. */
export type DecisionReason =
  /** No `Origin`: not a CORS request; the app handles it as usual. */
  | 'not-cors'
  /** An actual CORS request from an allowed origin. */
  | 'origin-allowed'
  /** A preflight whose origin, method and headers are all allowed. */
  | 'preflight-allowed'
  | 'origin-not-allowed'
  /** `Origin: null` (sandboxed iframes, `file:` pages, redirects): never allowed by a list. */
  | 'origin-null'
  /** Not a serialized origin a browser would send (upper case, path, bad port...). */
  | 'origin-malformed'
  /** Several `Origin` values (repeated lines or comma-joined). */
  | 'origin-duplicated'
  | 'origin-too-long'
  /** `decide` met a Promise from an origin predicate; use `decideAsync` for async resolvers. */
  | 'origin-resolver-async'
  | 'resolver-error'
  | 'resolver-timeout'
  /** A peer-style origin callback reported an error (see `OriginCallbackError`). */
  | 'origin-callback-error'
  | 'method-not-allowed'
  /** `Access-Control-Request-Method` is not one token. */
  | 'method-malformed'
  | 'header-not-allowed'
  | 'headers-malformed'
  | 'headers-too-long'
  | 'headers-too-many'
  | 'internal-error'
  /** The origin guard rejected a cross-origin request from outside the allowlist (`guard`). */
  | 'cross-origin-rejected'
  /** The origin guard rejected a `Host` outside `guard.hosts` (DNS rebinding). */
  | 'host-not-allowed';

/** A reason that denies: every {@link DecisionReason} but the three that let a request through. */
export type DenialReason = Exclude<DecisionReason, 'not-cors' | 'origin-allowed' | 'preflight-allowed'>;

/** How an allowed origin matched the policy: what `explain` reports. */
export type OriginMatch = 'wildcard' | 'exact' | 'pattern' | 'regexp' | 'predicate';

/** What every decision carries. Plain data; adapters write `headers` and append `vary`. */
interface DecisionFields {
  /** For `not-cors`, true (nothing to deny). For the others, whether the browser will be let in. */
  readonly allowed: boolean;
  readonly reason: DecisionReason;
  /** The response headers to set (CORS headers, and `Corsica-Debug` in debug mode). */
  readonly headers: Readonly<Record<string, string>>;
  /** Header names to append to `Vary` (de-duplicated against what is there). */
  readonly vary: readonly string[];
  /** The method or header name that was refused, when the reason is about one (a checked token). */
  readonly detail?: string;
  /** Report-only mode: what the configured policy would have decided. */
  readonly wouldHave?: Decision;
}

/** A request without `Origin`: not CORS; the app answers as usual. */
export interface NotCorsDecision extends DecisionFields {
  readonly kind: 'not-cors';
  readonly allowed: true;
  readonly reason: 'not-cors';
  readonly status?: undefined;
  readonly body?: undefined;
}

/** An actual CORS request: the app answers, with `headers` added. */
export interface ActualDecision extends DecisionFields {
  readonly kind: 'actual';
  readonly status?: undefined;
  readonly body?: undefined;
}

/** A preflight: the adapter answers it at once with `status` (204/200 allowed, 403 denied). */
export interface PreflightDecision extends DecisionFields {
  readonly kind: 'preflight';
  readonly status: number;
  readonly body?: undefined;
}

/**
 * A request the origin guard rejected: the adapter answers it at once with 403 and `body`, and
 * the application never runs.
 */
export interface RejectedDecision extends DecisionFields {
  readonly kind: 'not-cors' | 'actual';
  readonly allowed: false;
  /** `internal-error`: the checks threw (see `onError`); a guarded policy then fails closed. */
  readonly reason: 'cross-origin-rejected' | 'host-not-allowed' | 'internal-error';
  readonly status: 403;
  /** A short plain-text body. */
  readonly body: string;
}

/**
 * What to do with a request. `kind` says how the Fetch standard classifies it; a decision with a
 * `status` (a preflight, or a request the guard rejected) is answered by the adapter at once.
 */
export type Decision = NotCorsDecision | ActualDecision | PreflightDecision | RejectedDecision;

/** A decision the adapter answers itself, without the application: it has a `status`. */
export type AnsweredDecision = PreflightDecision | RejectedDecision;

/** Extra facts for `explain`: what the browser request looks like. */
export interface ExplainContext {
  /** Whether the browser sends credentials (`credentials: 'include'`, `withCredentials`). */
  readonly credentials?: boolean;
  /** Which engine's words to use for the browser's next step. Default `chromium`. */
  readonly engine?: 'chromium' | 'firefox' | 'webkit';
  /** The URL fetched, for the console message. */
  readonly url?: string;
}

/** The configuration after validation, normalized: what `export nginx` and tools read. */
export interface NormalizedConfig {
  /** `any` for `'*'`, `fixed` for one exact origin, `dynamic` otherwise. */
  readonly originMode: 'any' | 'fixed' | 'dynamic';
  /** Exact origins, canonical. */
  readonly origins: readonly string[];
  /** Safe patterns as written (`https://*.example.com`, `http://localhost:*`). */
  readonly originPatterns: readonly string[];
  readonly originRegExps: readonly RegExp[];
  readonly originPredicates: number;
  readonly credentials: boolean;
  /** `'*'` or the allowed methods. */
  readonly methods: '*' | readonly string[];
  /** `'*'` (with `authorization` possibly listed too) or the allowed names, lower case. */
  readonly allowedHeaders: readonly string[];
  readonly exposedHeaders: readonly string[];
  readonly maxAge: number | undefined;
  readonly preflightStatus: 200 | 204;
  readonly privateNetwork: boolean;
  /** Requested header names are echoed after validation instead of checked against a list. */
  readonly mirrorRequestHeaders: boolean;
  /** Responses follow a fallback policy; this one is only reported. */
  readonly reportOnly: boolean;
  readonly debug: boolean;
  /** The origin guard, normalized, when on. */
  readonly guard: { readonly crossOrigin: 'unsafe' | 'all'; readonly hosts: readonly string[] | undefined; readonly webSocket: boolean } | undefined;
}

/** A compiled CORS policy: immutable, except through `reconfigure` and `setDebug`, which swap it whole. */
export interface Policy {
  /** True when an origin predicate is `async`: adapters must then call `decideAsync`. */
  readonly isAsync: boolean;
  /** Advice about the configuration that did not stop it from compiling. */
  readonly warnings: readonly ConfigWarning[];
  /** The validated configuration. */
  readonly config: NormalizedConfig;
  /** Decides synchronously. Never throws, never waits; a Promise from a predicate is a denial. */
  decide(request: RequestFacts): Decision;
  /** Decides, awaiting async origin resolvers (cached, single-flight, with a timeout). Never rejects. */
  decideAsync(request: RequestFacts): Promise<Decision>;
  /** Explains a decision for people: the checks, the headers, and what the browser does next. */
  explain(request: RequestFacts, context?: ExplainContext): string;
  /** Like `explain`, awaiting async origin resolvers. */
  explainAsync(request: RequestFacts, context?: ExplainContext): Promise<string>;
  /**
   * Replaces the whole configuration, validated like `createPolicy`: on any problem it throws a
   * `CorsConfigError` listing every problem, and the old configuration keeps serving. Otherwise
   * the swap is atomic: each request is decided entirely under the old or the new configuration
   * (an async decision in flight finishes under the one it started with), and caches built from
   * the old one (allowed decisions, resolver answers) are dropped. Adapters hold the same policy
   * object, so they follow at once. Unlike `createPolicy`, the types here do not reject `'*'`
   * with credentials (a generic method would make the ESM and CommonJS copies of these
   * declarations incompatible); the run-time check refuses it all the same.
   *
   * @example
   * ```ts
   * policy.reconfigure({ ...options, origin: [...options.origin, 'https://new-tenant.example'] });
   * ```
   */
  reconfigure(options: CorsOptions): void;
  /** Turns the `Corsica-Debug` header (why a request was denied) on or off at run time. */
  setDebug(on: boolean): void;
  /**
   * Sends an error to the policy's `onError` (default `console.error`); never throws. Adapters use
   * it for what they detect themselves (phase `'adapter'`, e.g. two Corsica middlewares stacked).
   */
  reportError(error: unknown, context: ErrorContext): void;
}
