/**
 * The playground page: builds a request from the form, sends it with `probe` (plain `fetch`),
 * then asks the API what it received and what `explain()` says about it, and shows the three
 * side by side.
 * @module
 */
import { EXAMPLES } from './examples.mjs';
import { probe, withTrace } from './probe.mjs';
import { browserVerdict, disagreements, predictOutcome } from './verdict.mjs';

/**
 * @typedef {{ adapter: string, apiPort: number, pageOrigins: string[],
 *   presets: Array<{ id: string, title: string, summary: string, options: unknown }>,
 *   routes: Array<{ method: string, path: string, what: string }> }} Config
 * @typedef {{ seq: number, preset?: string, method: string, href: string, kind: string,
 *   requestHeaders: Array<[string, string]>, status?: number, responseHeaders?: Array<[string, string]>,
 *   explain: string | null }} WireEntry
 */

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const field = (/** @type {string} */ id) => /** @type {HTMLInputElement} */ (document.getElementById(id));

/**
 * Creates an element; strings become text nodes, so nothing from a response is parsed as HTML.
 *
 * @param {string} tag
 * @param {Record<string, string> | null} attributes
 * @param {...(Node | string | null | undefined | false)} children
 */
function h(tag, attributes, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) element.setAttribute(name, value);
  for (const child of children) if (child !== null && child !== undefined && child !== false) element.append(child);
  return element;
}

const engine = /firefox/i.test(navigator.userAgent) ? 'firefox' : 'chromium';
/** @type {Config} */
const config = await fetch('/config.json').then((response) => response.json());
const apiBase = `${location.protocol}//${location.hostname}:${config.apiPort}`;
/** @type {string | null} */
let activeExample = null;

renderFacts();
renderForm();

function renderFacts() {
  const facts = [
    ['Page origin', location.origin],
    ['API', apiBase],
    ['Adapter', `@corsica/${config.adapter}`],
    ['Browser', engine === 'firefox' ? 'Firefox' : 'Chromium'],
  ];
  $('facts').replaceChildren(...facts.flatMap(([term, value]) => [h('dt', null, term), h('dd', null, value)]));
  const note = $('origin-note');
  const listed = config.pageOrigins.includes(location.origin);
  const other = listed ? `${location.protocol}//127.0.0.1:${location.port}` : config.pageOrigins[0];
  note.hidden = false;
  note.replaceChildren(
    listed ? 'This origin is in the app preset\'s allowlist. The same page from ' : 'This origin is not in the app preset\'s allowlist, so its requests are denied. The listed origin is ',
    h('a', { href: `${other}/` }, other),
    listed ? ' is another origin: try it to see a denial.' : '.',
  );
}

function renderForm() {
  const examples = $('examples');
  for (const example of EXAMPLES) {
    const button = h('button', { type: 'button', class: 'example', 'data-example': example.id, title: example.teaches }, example.label);
    button.addEventListener('click', () => {
      useExample(example);
      void send();
    });
    examples.append(button);
  }
  const preset = /** @type {HTMLSelectElement} */ ($('preset'));
  for (const { id, title } of config.presets) preset.append(h('option', { value: id }, `/${id}: ${title}`));
  preset.addEventListener('change', showPreset);
  $('routes').replaceChildren(...config.routes.map((route) => h('option', { value: route.path }, `${route.method}: ${route.what}`)));
  for (const id of ['preset', 'method', 'path']) $(id).addEventListener('input', showUrl);
  for (const id of ['preset', 'method', 'path', 'credentials', 'headers', 'body']) $(id).addEventListener('input', () => markExample(null));
  $('request').addEventListener('submit', (event) => {
    event.preventDefault();
    void send();
  });
  showPreset();
}

/** @param {import('./examples.mjs').Example} example */
function useExample(example) {
  field('preset').value = example.preset;
  field('method').value = example.method;
  field('path').value = example.path;
  field('credentials').value = example.credentials === 'include' ? 'include' : 'omit';
  field('headers').value = example.headers.map(([name, value]) => `${name}: ${value}`).join('\n');
  field('body').value = example.body ?? '';
  showPreset();
  markExample(example.id);
}

/** @param {string | null} id */
function markExample(id) {
  activeExample = id;
  document.querySelectorAll('.example').forEach((button) => {
    button.classList.toggle('active', button.getAttribute('data-example') === id);
  });
}

function showPreset() {
  const preset = config.presets.find((candidate) => candidate.id === field('preset').value);
  $('preset-summary').textContent = preset?.summary ?? '';
  $('preset-options').textContent = `createPolicy(${JSON.stringify(preset?.options ?? {}, null, 2)})`;
  showUrl();
}

function requestUrl() {
  const path = field('path').value.trim() || '/';
  return `${apiBase}/${field('preset').value}${path.startsWith('/') ? path : `/${path}`}`;
}

function showUrl() {
  $('url-preview').replaceChildren(h('span', { class: 'method' }, field('method').value), ' ', requestUrl());
}

/** Lines of `Name: value`; a line without a colon is skipped (and said so on the page). */
function parseHeaders() {
  /** @type {Array<[string, string]>} */
  const headers = [];
  for (const line of field('headers').value.split('\n')) {
    const colon = line.indexOf(':');
    if (line.trim() === '') continue;
    if (colon <= 0) throw new Error(`Header line "${line}" has no "Name: value" form.`);
    headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return headers;
}

async function send() {
  const button = /** @type {HTMLButtonElement} */ ($('send'));
  button.disabled = true;
  $('outcome').className = 'panel outcome pending';
  $('outcome').replaceChildren(h('p', null, 'Sending...'));
  $('wire').replaceChildren();
  try {
    const method = field('method').value;
    const credentials = field('credentials').value === 'include' ? 'include' : 'omit';
    const body = method === 'GET' || method === 'HEAD' || field('body').value === '' ? null : field('body').value;
    const traceId = typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : String(Math.random()).slice(2);
    const url = withTrace(requestUrl(), traceId);
    const example = EXAMPLES.find((candidate) => candidate.id === activeExample);
    if (example?.form === true) {
      await submitForm(url, body ?? '');
      const entries = await readTrace(traceId, credentials);
      renderFormOutcome(entries, await readLogins());
      return;
    }
    const result = await probe({ url, method, headers: parseHeaders(), body, credentials });
    /** @type {{ entries: WireEntry[] } | null} */
    const trace = await fetch(`${apiBase}/__corsica/trace/${encodeURIComponent(traceId)}?engine=${engine}&credentials=${credentials}`)
      .then((response) => (response.ok ? response.json() : null))
      .catch(() => null);
    render(result, trace?.entries ?? null, method, credentials);
  } catch (error) {
    $('outcome').className = 'panel outcome blocked';
    $('outcome').replaceChildren(h('p', null, error instanceof Error ? error.message : String(error)));
  } finally {
    button.disabled = false;
  }
}

/**
 * Submits a real `<form>` (urlencoded, as a cross-site page would) into a hidden frame, and
 * resolves once the frame loaded the answer, which the page cannot read.
 * @param {string} url
 * @param {string} body
 */
async function submitForm(url, body) {
  const frame = h('iframe', { name: 'form-sink', hidden: '' });
  const form = h('form', { method: 'POST', action: url, target: 'form-sink', hidden: '' });
  for (const [name, value] of new URLSearchParams(body)) form.append(h('input', { name, value }));
  document.body.append(frame, form);
  const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  /** @type {HTMLFormElement} */ (form).submit();
  await loaded;
  form.remove();
  frame.remove();
}

/**
 * @param {string} traceId
 * @param {string} credentials
 * @returns {Promise<WireEntry[] | null>}
 */
function readTrace(traceId, credentials) {
  return fetch(`${apiBase}/__corsica/trace/${encodeURIComponent(traceId)}?engine=${engine}&credentials=${credentials}`)
    .then((response) => (response.ok ? response.json() : null))
    .then((trace) => trace?.entries ?? null)
    .catch(() => null);
}

/** How many times each preset's `POST /login` handler ran, or `null`. */
function readLogins() {
  return fetch(`${apiBase}/__corsica/reached`)
    .then((response) => (response.ok ? response.json() : null))
    .then((reached) => /** @type {Record<string, number> | null} */ (reached?.login ?? null))
    .catch(() => null);
}

/**
 * A form's outcome: the page reads nothing, so what counts is what the server did.
 * @param {WireEntry[] | null} entries
 * @param {Record<string, number> | null} logins
 */
function renderFormOutcome(entries, logins) {
  const outcome = $('outcome');
  const status = entries?.find((entry) => entry.kind !== 'preflight')?.status;
  const stopped = status === 403;
  outcome.className = `panel outcome ${stopped ? 'readable' : 'blocked'}`;
  const example = EXAMPLES.find((candidate) => candidate.id === activeExample);
  outcome.replaceChildren(h('div', null,
    h('p', { class: 'headline' }, h('span', { class: `badge ${stopped ? 'ok' : 'bad'}` }, stopped ? 'Stopped' : 'Reached the handler'), ` The form was submitted; the server answered ${status ?? '(nothing recorded)'}.`),
    logins === null ? null : h('p', { class: 'counter' }, `POST /login reached the handler: ${Object.entries(logins).map(([preset, count]) => `/${preset} ${count}×`).join(' · ')}`),
    example ? h('p', { class: 'teaches' }, example.teaches) : null,
  ));
  const wire = $('wire');
  if (entries === null || entries.length === 0) {
    wire.replaceChildren(h('p', { class: 'note' }, 'Could not read the API\'s trace.'));
    return;
  }
  wire.replaceChildren(h('h2', { class: 'wire-title' }, `On the wire: ${entries.length} request${entries.length === 1 ? '' : 's'} reached the API`), ...entries.map((entry) => wireRow(entry)));
}

/**
 * @param {import('./probe.mjs').ProbeResult} result
 * @param {WireEntry[] | null} entries
 * @param {string} method
 * @param {string} credentials
 */
function render(result, entries, method, credentials) {
  const outcome = $('outcome');
  outcome.className = `panel outcome ${result.ok ? 'readable' : 'blocked'}`;
  const headline = result.ok
    ? h('p', { class: 'headline' }, h('span', { class: 'badge ok' }, 'Readable'), ` The page read status ${result.status}`, h('span', { class: 'ms' }, ` in ${result.ms} ms`))
    : h('p', { class: 'headline' }, h('span', { class: 'badge bad' }, 'Blocked'), ` fetch rejected: ${result.error.name}: ${result.error.message}`, h('span', { class: 'ms' }, ` after ${result.ms} ms`));
  const example = EXAMPLES.find((candidate) => candidate.id === activeExample);
  outcome.replaceChildren(h('div', null,
    headline,
    predictionLine(result, entries),
    example ? h('p', { class: 'teaches' }, example.teaches) : null,
    result.ok
      ? h('div', { class: 'readable-part' },
          h('h3', null, 'What script can read'),
          headerTable(Object.entries(result.headers), 'None: script sees only the safelisted and exposed headers of a CORS response.'),
          h('pre', { class: 'body' }, result.body === '' ? '(empty body)' : result.body))
      : h('p', { class: 'hint' }, 'Script gets no status, headers or body for a CORS failure, only this TypeError; the browser console says why. The API\'s side of the story is below.'),
  ));

  const wire = $('wire');
  if (entries === null) {
    wire.replaceChildren(h('p', { class: 'note' }, 'Could not read the API\'s trace (is the playground still running?).'));
    return;
  }
  if (entries.length === 0) {
    wire.replaceChildren(h('p', { class: 'note' }, `The API received nothing for this ${method}: the browser refused to send it.`));
    return;
  }
  const actualSent = entries.some((entry) => entry.kind !== 'preflight');
  wire.replaceChildren(
    h('h2', { class: 'wire-title' }, `On the wire: ${entries.length} request${entries.length === 1 ? '' : 's'} reached the API${credentials === 'include' ? ' (credentials: include)' : ''}`),
    ...entries.map((entry) => wireRow(entry)),
  );
  if (!actualSent) wire.append(h('p', { class: 'note' }, `The ${method} itself was never sent: the browser stopped after the preflight.`));
}

/**
 * "explain() predicted ... and the browser agreed" (or did not).
 * @param {import('./probe.mjs').ProbeResult} result
 * @param {WireEntry[] | null} entries
 */
function predictionLine(result, entries) {
  if (entries === null || entries.some((entry) => entry.explain === null)) return null;
  try {
    const steps = entries.map((entry) => ({ kind: entry.kind, status: entry.status, verdict: browserVerdict(/** @type {string} */ (entry.explain)) }));
    const predicted = predictOutcome(steps);
    const actual = [...entries].reverse().find((entry) => entry.kind !== 'preflight');
    const problems = disagreements(result, predicted, (actual?.responseHeaders ?? []).map(([name]) => name));
    const words = predicted.readable ? `readable, status ${predicted.status}` : predicted.blockedAt === 'preflight' ? 'blocked at the preflight' : predicted.blockedAt === 'response' ? 'blocked on the response' : 'nothing sent';
    return problems.length === 0
      ? h('p', { class: 'prediction agree' }, `explain() predicted: ${words}. The browser agrees.`)
      : h('p', { class: 'prediction disagree' }, `explain() predicted: ${words}. The browser disagrees: ${problems.join('; ')}.`);
  } catch (error) {
    return h('p', { class: 'prediction disagree' }, error instanceof Error ? error.message : String(error));
  }
}

/** @param {WireEntry} entry */
function wireRow(entry) {
  const path = new URL(entry.href).pathname;
  const label = entry.kind === 'preflight' ? 'Preflight' : entry.kind === 'actual' ? 'Request' : 'Request (no Origin)';
  return h('div', { class: 'wire-row' },
    h('div', { class: 'panel wire' },
      h('h3', null, h('span', { class: `kind ${entry.kind}` }, label), ` ${entry.method} ${path} `, h('span', { class: `status s${String(entry.status ?? 0)[0]}` }, String(entry.status ?? '(no answer)'))),
      h('h4', null, 'Request headers the API received'),
      headerTable(entry.requestHeaders, '(none)'),
      h('h4', null, 'Response headers the API sent'),
      headerTable(entry.responseHeaders ?? [], 'none'),
    ),
    h('div', { class: 'panel explain' },
      h('h3', null, h('code', null, 'policy.explain()')),
      h('pre', null, entry.explain ?? 'No preset path: no policy applies.'),
    ),
  );
}

/** Headers every request or response carries, whatever CORS says: folded away by default. */
const ROUTINE = new Set(['host', 'connection', 'keep-alive', 'user-agent', 'accept', 'accept-encoding', 'accept-language', 'referer', 'sec-fetch-dest', 'priority', 'date', 'etag', 'content-length', 'pragma', 'cache-control', 'dnt', 'te', 'upgrade-insecure-requests']);

/**
 * A table of headers: the ones CORS is about first, highlighted; routine ones folded.
 * @param {Array<[string, string]>} rows
 * @param {string} empty
 */
function headerTable(rows, empty) {
  if (rows.length === 0) return h('p', { class: 'hint' }, empty);
  const routine = (/** @type {string} */ name) => ROUTINE.has(name.toLowerCase()) || name.toLowerCase().startsWith('sec-ch-');
  const row = (/** @type {[string, string]} */ [name, value]) => {
    const lower = name.toLowerCase();
    const cors = lower === 'origin' || lower === 'vary' || lower.startsWith('access-control-') || lower === 'cookie' || lower === 'set-cookie' || lower === 'authorization';
    return h('tr', cors ? { class: 'cors' } : null, h('th', null, name), h('td', null, value));
  };
  const main = rows.filter(([name]) => !routine(name));
  const rest = rows.filter(([name]) => routine(name));
  return h('div', null,
    main.length > 0 ? h('table', { class: 'headers' }, h('tbody', null, ...main.map(row))) : null,
    rest.length > 0
      ? h('details', { class: 'routine' }, h('summary', null, `${rest.length} routine header${rest.length === 1 ? '' : 's'}: ${rest.map(([name]) => name).join(', ')}`), h('table', { class: 'headers' }, h('tbody', null, ...rest.map(row))))
      : null,
  );
}
