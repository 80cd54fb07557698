/**
 * The policies a playground API can be tried with. Each preset is mounted under its own path
 * prefix (`/app/hello`, `/public/hello`, `/locked/hello`), so one API serves all of them.
 * @module
 */

/**
 * @typedef {import('@corsica/core').CorsOptions} CorsOptions
 * @typedef {{ id: string, title: string, summary: string, options: (pageOrigins: readonly string[]) => CorsOptions }} Preset
 */

/**
 * The presets, from the one a real app would use to the ones that show denials. `pageOrigins`
 * are the origins the page is served from.
 *
 * @type {readonly Preset[]}
 * @example
 * ```js
 * const policy = createPolicy(PRESETS[0].options(['http://localhost:4310']));
 * ```
 */
export const PRESETS = Object.freeze([
  {
    id: 'app',
    title: 'Credentialed allowlist',
    summary: 'The page\'s origin is listed: cookies and Authorization cross, PUT is allowed, X-Request-Id is exposed, preflights are cached for 10 minutes.',
    options: (pageOrigins) => ({
      origin: [...pageOrigins],
      credentials: true,
      methods: ['GET', 'PUT'],
      allowedHeaders: ['Content-Type', 'Authorization'],
      exposedHeaders: ['X-Request-Id'],
      maxAge: 600,
    }),
  },
  {
    id: 'public',
    title: 'Public API (origin "*")',
    summary: 'Anyone may read, without credentials: a credentialed request is blocked by the browser, since "*" never covers cookies.',
    options: () => ({ origin: '*', methods: ['GET', 'PUT'], allowedHeaders: ['Content-Type'] }),
  },
  {
    id: 'locked',
    title: 'Allowlist without this page',
    summary: 'Only https://app.example.com is allowed: the server still runs simple requests, but the browser hides the answer.',
    options: () => ({ origin: ['https://app.example.com'], credentials: true, methods: ['GET', 'PUT'], allowedHeaders: ['Content-Type', 'Authorization'] }),
  },
  {
    id: 'guarded',
    title: 'Allowlist without this page, origin guard on',
    summary: 'The same allowlist with guard: {}: a POST from this unlisted page (a form, say) gets 403 from the server, and the handler never runs.',
    options: () => ({ origin: ['https://app.example.com'], credentials: true, methods: ['GET', 'PUT'], allowedHeaders: ['Content-Type', 'Authorization'], guard: {} }),
  },
]);

/**
 * The preset named `id`, or `undefined`.
 *
 * @param {string} id
 * @example
 * ```js
 * presetById('public')?.title; // 'Public API (origin "*")'
 * ```
 */
export function presetById(id) {
  return PRESETS.find((preset) => preset.id === id);
}
