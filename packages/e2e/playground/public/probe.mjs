/**
 * Sends one request from the page with `fetch` and reports what script could observe. The
 * playground's Send button and the end-to-end tests both go through this function, so the tests
 * prove the very code a person clicks.
 * @module
 */

/** Query parameter that tells the playground API to record a request under an id. */
export const TRACE_PARAM = 'corsica-trace';

/**
 * @typedef {{ url: string, method: string, headers: ReadonlyArray<readonly [string, string]>,
 *   body: string | null, credentials: RequestCredentials }} ProbeRequest
 * @typedef {import('./verdict.mjs').Observation & { ms: number }} ProbeResult
 */

/**
 * `url` with a trace id, so the API records what it received and sent for this request.
 *
 * @param {string} url
 * @param {string} id
 * @example
 * ```js
 * withTrace('http://localhost:4311/app/hello', 'a1'); // 'http://localhost:4311/app/hello?corsica-trace=a1'
 * ```
 */
export function withTrace(url, id) {
  const traced = new URL(url);
  traced.searchParams.set(TRACE_PARAM, id);
  return traced.href;
}

/**
 * Fetches and reports: the status, the headers script can read and the body when the browser
 * let the page read the response; the error's name and message when `fetch` rejected.
 *
 * @param {ProbeRequest} request
 * @returns {Promise<ProbeResult>}
 * @example
 * ```js
 * const result = await probe({ url, method: 'GET', headers: [], body: null, credentials: 'omit' });
 * if (!result.ok) console.log(result.error.name); // 'TypeError': a CORS failure, as script sees it
 * ```
 */
export async function probe(request) {
  const started = performance.now();
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers.map(([name, value]) => /** @type {[string, string]} */ ([name, value])),
      body: request.body,
      credentials: request.credentials,
      mode: 'cors',
    });
    /** @type {Record<string, string>} */
    const headers = {};
    // The Headers of a CORS response list only what the browser lets script read.
    response.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const body = await response.text();
    return { ok: true, status: response.status, headers, body: body.slice(0, 4000), ms: Math.round(performance.now() - started) };
  } catch (error) {
    const { name, message } = error instanceof Error ? error : { name: 'Error', message: String(error) };
    return { ok: false, error: { name, message }, ms: Math.round(performance.now() - started) };
  }
}

// The end-to-end tests call the probe by name from outside the page.
/** @type {any} */ (globalThis).corsicaProbe = probe;
