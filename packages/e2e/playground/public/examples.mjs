/**
 * The playground's one-click examples. The end-to-end suite sends each of them from Chromium and
 * Firefox against every adapter, so every button on the page is a proven browser behaviour.
 * @module
 */

/**
 * @typedef {{ id: string, label: string, preset: string, method: string, path: string,
 *   credentials: RequestCredentials, headers: ReadonlyArray<readonly [string, string]>, body: string | null,
 *   teaches: string, form?: boolean }} Example
 */

/**
 * Examples in the order the page shows them.
 *
 * @type {readonly Example[]}
 * @example
 * ```js
 * const put = EXAMPLES.find((example) => example.id === 'put-json');
 * ```
 */
export const EXAMPLES = Object.freeze([
  { id: 'simple-get', label: 'Simple GET', preset: 'app', method: 'GET', path: '/hello', credentials: 'omit', headers: [], body: null, teaches: 'No preflight: a GET with safelisted headers goes straight out, and the listed origin may read the answer.' },
  { id: 'login', label: 'Log in (cookie)', preset: 'app', method: 'POST', path: '/login', credentials: 'include', headers: [], body: null, teaches: 'A credentialed POST: the API sets an HttpOnly session cookie, which the browser stores.' },
  { id: 'me', label: 'Who am I?', preset: 'app', method: 'GET', path: '/me', credentials: 'include', headers: [], body: null, teaches: 'The browser sends the cookie back only with credentials: "include", and lets the page read the answer only with Access-Control-Allow-Credentials: true.' },
  { id: 'put-json', label: 'PUT JSON + Authorization', preset: 'app', method: 'PUT', path: '/items/42', credentials: 'include', headers: [['Content-Type', 'application/json'], ['Authorization', 'Bearer demo-token']], body: '{"name":"Corsica"}', teaches: 'PUT, JSON and Authorization each make the browser ask first (a preflight); send it twice: the second goes without one, cached by Access-Control-Max-Age.' },
  { id: 'header-denied', label: 'Header not allowed', preset: 'app', method: 'GET', path: '/hello', credentials: 'omit', headers: [['X-Debug', '1']], body: null, teaches: 'X-Debug is not in allowedHeaders: the preflight is refused and the GET is never sent.' },
  { id: 'method-denied', label: 'Method not allowed', preset: 'app', method: 'DELETE', path: '/items/42', credentials: 'omit', headers: [], body: null, teaches: 'The route exists, but DELETE is not in methods: the preflight is refused, so the item survives.' },
  { id: 'boom', label: 'Route that throws', preset: 'app', method: 'GET', path: '/boom', credentials: 'omit', headers: [], body: null, teaches: 'The error response keeps its CORS headers, so the page sees the real 500 instead of a CORS error.' },
  { id: 'exposed', label: 'Exposed headers', preset: 'app', method: 'GET', path: '/exposed', credentials: 'omit', headers: [], body: null, teaches: 'Script can read X-Request-Id (listed in exposedHeaders) but not X-Internal, although both were sent.' },
  { id: 'origin-denied', label: 'Origin not allowed', preset: 'locked', method: 'GET', path: '/hello', credentials: 'omit', headers: [], body: null, teaches: 'The server answers a simple GET anyway; the browser hides the answer from a page the policy does not list.' },
  { id: 'form-post', label: 'Form POST, no guard', preset: 'locked', method: 'POST', path: '/login', credentials: 'include', headers: [], body: 'user=demo', form: true, teaches: 'A real <form> posts to an API whose allowlist does not list this page: no preflight, the handler runs and sets its cookie. CORS only hides answers; it never stopped the request.' },
  { id: 'form-post-guarded', label: 'Form POST, guard on', preset: 'guarded', method: 'POST', path: '/login', credentials: 'include', headers: [], body: 'user=demo', form: true, teaches: 'The same form with guard: {}: the server answers 403 before the application, and the handler\'s counter does not move.' },
  { id: 'wildcard-credentials', label: '"*" with credentials', preset: 'public', method: 'GET', path: '/hello', credentials: 'include', headers: [], body: null, teaches: 'Access-Control-Allow-Origin: * never covers cookies: the same GET is readable without credentials, blocked with them.' },
]);

/**
 * The example named `id`; throws for an unknown one.
 *
 * @param {string} id
 * @returns {Example}
 * @example
 * ```js
 * exampleById('boom').path; // '/boom'
 * ```
 */
export function exampleById(id) {
  const example = EXAMPLES.find((candidate) => candidate.id === id);
  if (example === undefined) throw new Error(`corsica playground: no example "${id}"; see EXAMPLES in examples.mjs`);
  return example;
}
