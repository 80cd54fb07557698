/**
 * The browser scenarios, each a sequence of playground examples (see
 * `playground/public/examples.mjs`) with what a person would notice: does `fetch` resolve, with
 * which status, body and readable headers, and what reached the server.
 */
import { ENGINE_FACTS } from '@corsica/conformance';
import type { BrowserEngine } from '@corsica/conformance';

/** What the page must observe for one request. */
export type Expected =
  | { readonly readable: false }
  | {
      readonly readable: true;
      readonly status: number;
      readonly body?: RegExp;
      /** Headers script must read (a pattern) or must not see (`null`). */
      readonly headers?: Readonly<Record<string, RegExp | null>>;
    };

export interface Step {
  /** An example id from `examples.mjs`. */
  readonly example: string;
  readonly expect: Expected;
  /** What the API received: a preflight, and the request itself. */
  readonly wire: { readonly preflight: boolean; readonly actual: boolean };
}

export interface Scenario {
  readonly id: string;
  /** The test title: a sentence. */
  readonly title: string;
  /** `same-site`: http://localhost page and API; `cross-site`: https://app.test page, https://api.test API. */
  readonly site: 'same-site' | 'cross-site';
  readonly steps: readonly Step[];
  /** Send every step to the same URL (the preflight cache is keyed by URL). */
  readonly sameUrl?: boolean;
  /** A check across steps, on the bodies the page read, in one engine. */
  readonly check?: (bodies: readonly string[], adapter: string, engine: BrowserEngine) => void;
}

const sessionsMatch = (bodies: readonly string[], adapter: string): void => {
  const [login, me] = bodies.map((body) => JSON.parse(body) as { session: string | null });
  if (login?.session == null || !login.session.startsWith(`${adapter}-`)) throw new Error(`/login gave no ${adapter} session: ${bodies[0]}`);
  if (me?.session !== login.session) throw new Error(`/me saw session ${String(me?.session)}, /login set ${login.session}: the cookie did not come back`);
};

/**
 * Cross-site, the cookie comes back only where the engine keeps third-party cookies
 * (`ENGINE_FACTS[engine].thirdPartyCookies`): in WebKit it never does, although both responses
 * are readable, because the cookie is refused, not the CORS check.
 */
const crossSiteSessions = (bodies: readonly string[], adapter: string, engine: BrowserEngine): void => {
  if (ENGINE_FACTS[engine].thirdPartyCookies !== 'blocked') {
    sessionsMatch(bodies, adapter);
    return;
  }
  const [login, me] = bodies.map((body) => JSON.parse(body) as { session: string | null });
  if (login?.session == null || !login.session.startsWith(`${adapter}-`)) throw new Error(`/login gave no ${adapter} session: ${bodies[0]}`);
  if (me?.session !== null) throw new Error(`${engine} sent the third-party cookie back (/me saw ${String(me?.session)}): ENGINE_FACTS.${engine}.thirdPartyCookies says 'blocked'`);
};

const READ_200 = { readable: true, status: 200 } as const;
const SIMPLE = { preflight: false, actual: true } as const;
const PREFLIGHTED = { preflight: true, actual: true } as const;
const REFUSED_AT_PREFLIGHT = { preflight: true, actual: false } as const;

export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'simple-get-allowed',
    title: 'a simple GET from a listed origin is readable, without a preflight',
    site: 'same-site',
    steps: [{ example: 'simple-get', expect: { ...READ_200, body: /^hello from / }, wire: SIMPLE }],
  },
  {
    id: 'simple-get-denied',
    title: 'a simple GET from an unlisted origin rejects with a TypeError, although the server answered it',
    site: 'same-site',
    steps: [{ example: 'origin-denied', expect: { readable: false }, wire: SIMPLE }],
  },
  {
    id: 'cookie-same-site',
    title: 'a cookie the API set (SameSite=Lax) comes back on a credentialed same-site fetch',
    site: 'same-site',
    steps: [
      { example: 'login', expect: READ_200, wire: SIMPLE },
      { example: 'me', expect: READ_200, wire: SIMPLE },
    ],
    check: sessionsMatch,
  },
  {
    id: 'cookie-cross-site',
    title: 'a cookie the API set (SameSite=None; Secure; HttpOnly) comes back on a credentialed cross-site HTTPS fetch, except in WebKit, which blocks third-party cookies',
    site: 'cross-site',
    steps: [
      { example: 'login', expect: READ_200, wire: SIMPLE },
      { example: 'me', expect: READ_200, wire: SIMPLE },
    ],
    check: crossSiteSessions,
  },
  {
    id: 'preflighted-put',
    title: 'a PUT with Content-Type: application/json and Authorization is preflighted, then readable',
    site: 'same-site',
    steps: [{ example: 'put-json', expect: { ...READ_200, body: /"saved":\{"name":"Corsica"\}/ }, wire: PREFLIGHTED }],
  },
  {
    id: 'header-denied',
    title: 'a request header the policy does not allow fails the preflight, and the GET is never sent',
    site: 'same-site',
    steps: [{ example: 'header-denied', expect: { readable: false }, wire: REFUSED_AT_PREFLIGHT }],
  },
  {
    id: 'method-denied',
    title: 'a method the policy does not allow fails the preflight, and the DELETE is never sent',
    site: 'same-site',
    steps: [{ example: 'method-denied', expect: { readable: false }, wire: REFUSED_AT_PREFLIGHT }],
  },
  {
    id: 'route-throws',
    title: 'a route that throws reaches the page as its real 500, not as a CORS error',
    site: 'same-site',
    steps: [{ example: 'boom', expect: { readable: true, status: 500 }, wire: SIMPLE }],
  },
  {
    id: 'exposed-headers',
    title: 'script reads the exposed X-Request-Id but not the unexposed X-Internal',
    site: 'same-site',
    steps: [{ example: 'exposed', expect: { ...READ_200, headers: { 'x-request-id': /^req-[0-9a-f]{8}$/, 'x-internal': null } }, wire: SIMPLE }],
  },
  {
    id: 'preflight-cache',
    title: 'a second identical PUT within Access-Control-Max-Age is sent without a preflight',
    site: 'same-site',
    sameUrl: true,
    steps: [
      { example: 'put-json', expect: READ_200, wire: PREFLIGHTED },
      { example: 'put-json', expect: READ_200, wire: SIMPLE },
    ],
  },
  {
    id: 'wildcard-credentials',
    title: 'a credentialed fetch to an origin "*" policy rejects, although the server answered it',
    site: 'same-site',
    steps: [{ example: 'wildcard-credentials', expect: { readable: false }, wire: SIMPLE }],
  },
];
