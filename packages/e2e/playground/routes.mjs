/**
 * What every playground API serves, whatever the framework: the route list (shown on the page)
 * and the small pieces of behaviour the five apps share, so they answer identically.
 * @module
 */
import { randomBytes } from 'node:crypto';

/**
 * The routes each adapter's app declares, in its own framework's idiom.
 *
 * @example
 * ```js
 * for (const route of ROUTES) console.log(route.method, route.path, route.what);
 * ```
 */
export const ROUTES = Object.freeze([
  { method: 'GET', path: '/hello', what: 'plain text, no credentials needed' },
  { method: 'POST', path: '/login', what: 'sets an HttpOnly session cookie' },
  { method: 'GET', path: '/me', what: 'reads the session cookie back' },
  { method: 'PUT', path: '/items/42', what: 'saves JSON; needs Authorization (else 401)' },
  { method: 'DELETE', path: '/items/42', what: 'exists, but no preset allows DELETE' },
  { method: 'GET', path: '/boom', what: 'throws: the page should see a real 500' },
  { method: 'GET', path: '/exposed', what: 'sends X-Request-Id (exposed) and X-Internal (not)' },
]);

/** Name of the session cookie `/login` sets and `/me` reads. */
export const SESSION_COOKIE = 'corsica_session';

/**
 * The `Set-Cookie` value `/login` sends. Over HTTPS it is the cross-site production setup
 * (`SameSite=None; Secure`); over plain HTTP, a same-site `SameSite=Lax` cookie, since browsers
 * refuse `SameSite=None` without `Secure`.
 *
 * @param {string} value
 * @param {boolean} secure
 * @example
 * ```js
 * res.setHeader('Set-Cookie', sessionCookie('express-1a2b3c4d', false));
 * ```
 */
export function sessionCookie(value, secure) {
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; ${secure ? 'SameSite=None; Secure' : 'SameSite=Lax'}`;
}

/**
 * A fresh session id, prefixed with the adapter's name so a test can tell whose cookie came back.
 *
 * @param {string} adapter
 * @example
 * ```js
 * newSession('koa'); // 'koa-9f86d081'
 * ```
 */
export function newSession(adapter) {
  return `${adapter}-${randomBytes(4).toString('hex')}`;
}

/**
 * The session id in a `Cookie` header, or `null`.
 *
 * @param {string | null | undefined} header
 * @returns {string | null}
 * @example
 * ```js
 * readSession('theme=dark; corsica_session=koa-9f86d081'); // 'koa-9f86d081'
 * ```
 */
export function readSession(header) {
  for (const pair of (header ?? '').split(';')) {
    const [name, ...value] = pair.trim().split('=');
    if (name === SESSION_COOKIE) return value.join('=');
  }
  return null;
}

/**
 * What `PUT /items/:id` answers: 401 without `Authorization`, else the saved item. The route
 * needs `Authorization` on purpose: that header is what makes browsers preflight it.
 *
 * @param {string} id
 * @param {string | null | undefined} authorization
 * @param {unknown} body
 * @returns {{ status: number, json: Record<string, unknown> }}
 * @example
 * ```js
 * const { status, json } = saveItem('42', req.headers.authorization, req.body);
 * ```
 */
export function saveItem(id, authorization, body) {
  if (!authorization) return { status: 401, json: { error: 'PUT /items/:id needs an Authorization header' } };
  return { status: 200, json: { id, saved: body ?? null, authorization: authorization.split(' ')[0] } };
}

/**
 * The error `GET /boom` throws. Its stack is one line: the frameworks log it, and a deliberate
 * error should not look like a crash in the terminal.
 *
 * @example
 * ```js
 * app.get('/boom', () => { throw boom(); });
 * ```
 */
export function boom() {
  const error = new Error('playground: GET /boom throws on purpose, so the page sees a real 500');
  error.stack = `Error: ${error.message}`;
  return error;
}

/**
 * The two custom headers `GET /exposed` sends: presets expose only `X-Request-Id`.
 *
 * @example
 * ```js
 * for (const [name, value] of Object.entries(exposedHeaders())) res.setHeader(name, value);
 * ```
 */
export function exposedHeaders() {
  return { 'X-Request-Id': `req-${randomBytes(4).toString('hex')}`, 'X-Internal': 'not-exposed' };
}

/** Body of `GET /exposed`. */
export const EXPOSED_BODY = 'sent X-Request-Id and X-Internal; only X-Request-Id is exposed';
