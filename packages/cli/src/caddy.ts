/**
 * `corsica export caddy`: a policy turned into a Caddyfile snippet (Caddy 2.6 and later) that
 * answers as the core would.
 *
 * How it works: `map` reads each request header once into a one-letter verdict (exact origins
 * are plain keys, patterns anchored RE2 regexes tried in order, first match wins), a last `map`
 * turns the four letters into the kind of answer, named matchers on it pick the deferred
 * `header` operations and the `respond` that answers preflights. Everything sits in one `route`,
 * so the order written is the order run.
 *
 * RE2 has no lookarounds: what PCRE exports leave out with `(?!...)` (a port pattern's default
 * port, Authorization under `*`) is an earlier map entry that answers "no", and the core's rule
 * that RegExps only see well-formed origins is a first map that passes only those on.
 *
 * Equivalence holds for every request a browser sends. Caddy reads an empty `Origin` or
 * `Access-Control-Request-Method` line as no line at all, so such an `OPTIONS` (which no browser
 * sends) reaches the app where the core answers 403, as with the nginx export.
 * @module
 */
import type { CorsOptions, Policy } from '@corsica/core';
import { ANY_ORIGIN, AUTHORIZATION_ELEMENT, PREFLIGHT_VARY, ProxyExportError, header, headerListRegExp, methodRegExp, planProxy, refusesAuthorization } from './proxy.js';
import type { ProxyExportOptions, ProxySnippet } from './proxy.js';

/** A map key or regex as a backtick token, which the Caddyfile reads without any escape. */
function raw(text: string): string {
  return `\`${text.replace(/`/g, '\\x60')}\``;
}

function checkValue(value: string, option: string): string | undefined {
  // `{` starts a placeholder and `"`, `\` and the backtick are Caddyfile quoting
  const bad = /[{}"\\`]/.exec(value);
  return bad === null ? undefined : `corsica: \`${option}\` contains "${bad[0]}" (${value}), which the Caddyfile reads as syntax; rename the method or header.`;
}

/**
 * Exports a policy (options or a compiled policy) to a Caddyfile snippet: `import` it inside the
 * site block, before `reverse_proxy`. It answers preflights itself, so put authentication
 * (`basicauth`, `forward_auth`) after it in a `route`, or the browsers' preflights (which never
 * carry credentials) are refused.
 *
 * Throws {@link ProxyExportError} for what Caddy cannot express: origin functions, RegExps
 * outside the common JavaScript/PCRE subset (RE2 is narrower still: no lookarounds, no
 * back-references), `privateNetwork`, `mirrorRequestHeaders`, `reportOnly`, and method or header
 * names with Caddyfile syntax in them. Throws the core's `CorsConfigError` for invalid options.
 *
 * @example
 * ```ts
 * import { exportCaddy } from '@corsica/cli';
 *
 * const { config } = exportCaddy({ origin: ['https://app.example.com'], credentials: true });
 * // save as corsica.caddy; in the Caddyfile: api.example.com { import corsica.caddy; reverse_proxy app:3000 }
 * ```
 */
export function exportCaddy(input: CorsOptions | Policy, options: ProxyExportOptions = {}): ProxySnippet {
  const plan = planProxy('caddy', input, checkValue);
  const out: string[] = [];
  const t = '\t';
  const entry = (key: string, value: string, comment?: string): void => void out.push(`${t}${t}${key} ${value}${comment === undefined ? '' : `  # ${comment}`}`);
  const origin = '{http.request.header.Origin}';

  // site-level matchers: the route below and handle_errors both use them
  out.push('@corsica_grant vars {corsica_kind} actual-allowed');
  out.push('@corsica_actual vars {corsica_kind} actual actual-allowed');
  out.push('@corsica_preflight_allowed vars {corsica_kind} preflight-allowed');
  out.push('@corsica_preflight vars {corsica_kind} preflight-allowed preflight-denied');
  out.push('');
  out.push('route {');
  out.push(`${t}# corsica_origin: n no Origin, y allowed, x refused. Several Origin lines reach Caddy joined with ",".`);
  if (plan.regExps.length > 0) {
    // RE2 has no lookahead: the RegExps see the origin only when it is well-formed, as in the core
    out.push(`${t}map ${origin} {corsica_origin_wellformed} {`);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Caddy's capture-group placeholder, not a template
    entry(raw(`~^(${ANY_ORIGIN})$`), '"${1}"');
    entry('default', '""');
    out.push(`${t}}`);
    out.push(`${t}map {corsica_origin_wellformed} {corsica_origin_regexp} {`);
    for (const re of plan.regExps) entry(raw(`~${re}`), 'y');
    entry('default', 'x');
    out.push(`${t}}`);
  }
  out.push(`${t}map ${origin} {corsica_origin} {`);
  entry(raw('~^$'), 'n');
  entry(raw('~,'), 'x', 'several origins: never sent by a browser');
  // RE2 repeats at most 1000 times: the length limit is written in two parts
  const half = Math.floor((plan.maxOriginLength + 1) / 2);
  entry(raw(`~^.{${half}}.{${plan.maxOriginLength + 1 - half}}`), 'x', 'longer than any real origin');
  if (plan.mode === 'any') {
    entry(raw('~.'), 'y', 'origin "*": any origin');
  } else {
    // exact origins: plain keys, compared as strings
    for (const o of plan.origins) entry(raw(o), 'y');
    for (const p of plan.patterns) {
      if (p.exclude !== undefined) entry(raw(`~${p.exclude}`), 'x', `${p.pattern}: the default port is never sent`);
      entry(raw(`~${p.match}`), 'y', p.pattern);
    }
  }
  entry('default', plan.regExps.length > 0 ? '{corsica_origin_regexp}' : 'x');
  out.push(`${t}}`);
  out.push(`${t}# corsica_method: n no Access-Control-Request-Method, y allowed (byte for byte; GET, HEAD, POST always), x refused.`);
  out.push(`${t}map {http.request.header.Access-Control-Request-Method} {corsica_method} {`);
  entry(raw('~^$'), 'n');
  entry(raw(`~${methodRegExp(plan)}`), 'y');
  entry('default', 'x');
  out.push(`${t}}`);
  out.push(`${t}# corsica_headers: y every requested header is allowed (any case, a bounded list), x otherwise.`);
  out.push(`${t}map {http.request.header.Access-Control-Request-Headers} {corsica_headers} {`);
  if (refusesAuthorization(plan)) entry(raw(`~(?i)${AUTHORIZATION_ELEMENT}`), 'x', '"*" never covers Authorization');
  entry(raw(`~(?i)${headerListRegExp(plan)}`), 'y');
  entry('default', 'x');
  out.push(`${t}}`);
  out.push(`${t}# corsica_kind: a preflight is OPTIONS with Origin and Access-Control-Request-Method; any other OPTIONS belongs to the app.`);
  out.push(`${t}map {http.request.method} {corsica_options} {`);
  entry('OPTIONS', 'o');
  entry('default', '-');
  out.push(`${t}}`);
  out.push(`${t}map {corsica_options}{corsica_origin}{corsica_method}{corsica_headers} {corsica_kind} {`);
  entry('oyyy', 'preflight-allowed');
  entry(raw('~^o[xy][xy]'), 'preflight-denied');
  if (plan.mode === 'dynamic') {
    entry(raw('~^.y'), 'actual-allowed');
    entry('default', 'actual');
  } else {
    entry('default', 'actual-allowed', `origin ${plan.mode === 'any' ? '"*"' : 'fixed to one origin'}: the same headers on every response but a preflight`);
  }
  out.push(`${t}}`);
  out.push('');
  out.push(`${t}# Deferred header operations run when the response is written, the innermost (last written) first:`);
  out.push(`${t}# the app's own CORS headers are removed below, then these set the policy's, on error pages too.`);
  const value = (v: string | undefined): string => (v === undefined ? `"${origin}"` : `"${v}"`);
  const block = (matcher: string, lines: string[]): void => {
    out.push(`${t}header ${matcher === '' ? '' : `${matcher} `}{`);
    for (const l of lines) out.push(`${t}${t}${l}`);
    out.push(`${t}${t}defer`);
    out.push(`${t}}`);
  };
  block('@corsica_grant', plan.actual.map(([h, v]) => `${h} ${value(v)}`));
  if (plan.mode === 'dynamic') block('@corsica_actual', ['+Vary Origin']);
  block('@corsica_preflight_allowed', plan.preflight.map(([h, v]) => `${h} ${value(v)}`));
  block('@corsica_preflight', [`Vary "${PREFLIGHT_VARY}"`]);
  out.push(`${t}# The application must not send its own CORS headers: two values make browsers fail.`);
  block('', plan.headerNamesSet.map((h) => `-${h}`));
  out.push('');
  out.push(`${t}# Preflights are answered here, before the proxy (and any authentication placed after this route).`);
  out.push(`${t}respond @corsica_preflight_allowed ${plan.preflightStatus}`);
  out.push(`${t}respond @corsica_preflight 403`);
  out.push('}');
  out.push('');
  out.push("# Caddy's own error answers (a 502 when the app is down) skip the deferred headers above:");
  out.push('# the same headers, set directly on them, so browsers see the real status, not a CORS error.');
  out.push('handle_errors {');
  const direct = (matcher: string, lines: string[]): void => {
    out.push(`${t}header ${matcher} {`);
    for (const l of lines) out.push(`${t}${t}${l}`);
    out.push(`${t}}`);
  };
  direct('@corsica_grant', plan.actual.map(([h, v]) => `${h} ${value(v)}`));
  if (plan.mode === 'dynamic') direct('@corsica_actual', ['+Vary Origin']);
  out.push('}');

  const text = [
    ...header(options.source, 'caddy', [
      'Corsica CORS policy for Caddy 2.6 or later, as a Caddyfile snippet.',
      'Import it inside the site block, before reverse_proxy, e.g.',
      '  api.example.com {',
      '    import corsica.caddy',
      '    reverse_proxy 127.0.0.1:3000',
      '  }',
      'Caddy pitfalls:',
      '- Caddy sorts directives: basicauth and forward_auth run before any route, so they would refuse',
      '  the preflights (which never carry credentials). Put them in a route after this import.',
      '- It defines the placeholders {corsica_*} and the matchers @corsica_*: import it once per site.',
      '- Its handle_errors block keeps the headers on Caddy\'s own errors. If the site has a',
      '  handle_errors block of its own, move the header lines of this one into it instead.',
    ], plan.notes),
    '',
    ...out,
  ];
  return { config: `${text.join('\n')}\n`, notes: plan.notes };
}

export { ProxyExportError };
