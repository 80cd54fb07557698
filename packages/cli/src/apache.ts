/**
 * `corsica export apache`: a policy turned into Apache httpd 2.4 configuration (mod_setenvif,
 * mod_headers, mod_rewrite) that answers as the core would.
 *
 * How it works: `SetEnvIf` / `SetEnvIfNoCase` match the request headers against anchored PCRE
 * regexes (the exact origins are one alternation, compiled once) and `SetEnvIfExpr` combines the
 * results into request environment variables; mod_rewrite answers preflights (`R=204`, or `R=200`
 * with a one-space body, and `F` for 403) before the proxy or any handler runs; `Header always`
 * writes the headers on every response, error pages included, after `Header unset` removed the
 * application's own.
 *
 * Request headers are read with `req_novary()`: Apache adds every header that `req()` reads to
 * `Vary`, which would put `Vary: Origin` on responses the policy keeps cacheable for everyone.
 *
 * Equivalence holds for every request a browser sends. Apache reads an empty `Origin` or
 * `Access-Control-Request-Method` line as no line at all, so such an `OPTIONS` (which no browser
 * sends) reaches the app where the core answers 403, as with the nginx export.
 * @module
 */
import type { CorsOptions, Policy } from '@corsica/core';
import { AUTHORIZATION_ELEMENT, PREFLIGHT_VARY, ProxyExportError, escapeRegExp, header, headerListRegExp, methodRegExp, planProxy, refusesAuthorization, ANY_ORIGIN } from './proxy.js';
import type { ProxyExportOptions, ProxySnippet } from './proxy.js';

/** A regex as a double-quoted Apache argument: Apache only turns `\"` into `"` there. */
function quoteRe(re: string): string {
  return `"${re.replace(/\\"/g, '\\x22').replace(/"/g, '\\x22')}"`;
}

function checkValue(value: string, option: string): string | undefined {
  // mod_headers reads `%` as a format tag; `"` and `\` would end or escape the quoted argument
  const bad = /[%"\\]/.exec(value);
  return bad === null ? undefined : `corsica: \`${option}\` contains "${bad[0]}" (${value}), which Apache's Header directive reads as syntax; rename the method or header.`;
}

/**
 * Exports a policy (options or a compiled policy) to Apache httpd 2.4: directives to `Include`
 * inside the `<Location>` (or `<VirtualHost>`) that proxies to the application. Needs
 * mod_setenvif, mod_headers and mod_rewrite.
 *
 * Throws {@link ProxyExportError} for what Apache cannot express: origin functions, RegExps
 * outside the common JavaScript/PCRE subset, `privateNetwork`, `mirrorRequestHeaders`,
 * `reportOnly`, and method or header names with `%`, `"` or `\`. Throws the core's
 * `CorsConfigError` for invalid options.
 *
 * @example
 * ```ts
 * import { exportApache } from '@corsica/cli';
 *
 * const { config } = exportApache({ origin: ['https://app.example.com'], credentials: true });
 * // write `config` to /etc/apache2/conf-available/corsica.conf, then inside <Location "/api/">:
 * //   Include conf-available/corsica.conf
 * ```
 */
export function exportApache(input: CorsOptions | Policy, options: ProxyExportOptions = {}): ProxySnippet {
  const plan = planProxy('apache', input, checkValue);
  const out: string[] = [];
  const env = (name: string): string => `CORSICA_${name}`;

  out.push('# --- the request');
  out.push(`# ${env('ORIGIN_OK')}: the Origin is allowed (one value, not comma-joined, not longer than any real origin).`);
  if (plan.mode === 'any') {
    out.push(`SetEnvIf Origin "." ${env('ORIGIN_OK')}`);
  } else {
    // exact origins: one alternation, compiled once, case-sensitive
    if (plan.origins.length > 0) out.push(`SetEnvIf Origin ${quoteRe(`^(?:${plan.origins.map(escapeRegExp).join('|')})$`)} ${env('ORIGIN_OK')}`);
    for (const p of plan.patterns) {
      out.push(`# ${p.pattern}`);
      out.push(`SetEnvIf Origin ${quoteRe(p.match)} ${env('ORIGIN_OK')}`);
      // the scheme's default port written out: browsers never send it and the core refuses it
      if (p.exclude !== undefined) out.push(`SetEnvIf Origin ${quoteRe(p.exclude)} !${env('ORIGIN_OK')}`);
    }
    // the core applies RegExps to well-formed origins only; the lookahead does the same here
    for (const re of plan.regExps) out.push(`SetEnvIf Origin ${quoteRe(`(?=^${ANY_ORIGIN}$)${re}`)} ${env('ORIGIN_OK')}`);
  }
  // Apache joins repeated Origin lines with ", ": a comma means several origins
  out.push(`SetEnvIf Origin "," !${env('ORIGIN_OK')}`);
  out.push(`SetEnvIf Origin "^.{${plan.maxOriginLength + 1}}" !${env('ORIGIN_OK')}`);
  out.push('# A preflight is OPTIONS with Origin and Access-Control-Request-Method; any other OPTIONS belongs to the app.');
  out.push(`SetEnvIfExpr "%{REQUEST_METHOD} == 'OPTIONS' && -n req_novary('Origin') && -n req_novary('Access-Control-Request-Method')" ${env('PREFLIGHT')}`);
  out.push(`SetEnvIfExpr "-z reqenv('${env('PREFLIGHT')}')" ${env('ACTUAL')}`);
  out.push('# Access-Control-Request-Method byte for byte; GET, HEAD and POST always pass.');
  out.push(`SetEnvIf Access-Control-Request-Method ${quoteRe(methodRegExp(plan))} ${env('METHOD_OK')}`);
  out.push('# Access-Control-Request-Headers (repeated lines joined by Apache): allowed names only, any case, a bounded list.');
  out.push(`SetEnvIfExpr "-z req_novary('Access-Control-Request-Headers')" ${env('HEADERS_OK')}`);
  out.push(`SetEnvIfNoCase Access-Control-Request-Headers ${quoteRe(headerListRegExp(plan))} ${env('HEADERS_OK')}`);
  if (refusesAuthorization(plan)) {
    out.push('# "*" never covers Authorization: it must be listed by name.');
    out.push(`SetEnvIfNoCase Access-Control-Request-Headers ${quoteRe(AUTHORIZATION_ELEMENT)} !${env('HEADERS_OK')}`);
  }
  out.push('# The decision.');
  out.push(
    `SetEnvIfExpr "-n reqenv('${env('PREFLIGHT')}') && -n reqenv('${env('ORIGIN_OK')}') && -n reqenv('${env('METHOD_OK')}') && -n reqenv('${env('HEADERS_OK')}')" ${env('PREFLIGHT_ALLOWED')}`,
  );
  if (plan.mode === 'dynamic') out.push(`SetEnvIfExpr "-n reqenv('${env('ACTUAL')}') && -n reqenv('${env('ORIGIN_OK')}')" ${env('GRANT')}`);
  else out.push(`# Origin ${plan.mode === 'any' ? '"*"' : 'fixed to one origin'}: every response but a preflight gets the same headers.`, `SetEnvIfExpr "-n reqenv('${env('ACTUAL')}')" ${env('GRANT')}`);
  out.push('');
  out.push('# --- the headers, on every response ("always": error pages too, so browsers see the real status)');
  out.push('# The application must not send its own CORS headers: two values make browsers fail.');
  for (const h of plan.headerNamesSet) out.push(`Header unset ${h}`);
  const value = (v: string | undefined): string => (v === undefined ? '"expr=%{req_novary:Origin}"' : `"${v}"`);
  for (const [h, v] of plan.actual) out.push(`Header always set ${h} ${value(v)} env=${env('GRANT')}`);
  for (const [h, v] of plan.preflight) out.push(`Header always set ${h} ${value(v)} env=${env('PREFLIGHT_ALLOWED')}`);
  if (plan.mode === 'dynamic') {
    out.push('# The answer depends on Origin: caches must key on it, for every response that is not a preflight.');
    out.push(`Header always append Vary Origin env=${env('ACTUAL')}`);
  }
  out.push(`Header always set Vary "${PREFLIGHT_VARY}" env=${env('PREFLIGHT')}`);
  out.push('');
  out.push('# --- preflights are answered here, before the proxy runs (after authorization: see the pitfall above)');
  out.push('RewriteEngine On');
  out.push(`RewriteCond %{ENV:${env('PREFLIGHT_ALLOWED')}} =1`);
  if (plan.preflightStatus === 200) {
    out.push('RewriteRule ^ - [R=200,L]');
    out.push('# mod_rewrite answers 200 through the error-document path; a one-space body replaces its error page.');
    out.push('ErrorDocument 200 " "');
  } else {
    out.push('RewriteRule ^ - [R=204,L]');
  }
  out.push(`RewriteCond %{ENV:${env('PREFLIGHT')}} =1`);
  out.push('RewriteRule ^ - [F,L]');

  const text = [
    ...header(options.source, 'apache', [
      'Corsica CORS policy for Apache httpd 2.4. Needs mod_setenvif, mod_headers and mod_rewrite',
      '(a2enmod setenvif headers rewrite). Include it inside the <Location> that proxies to the app,',
      'e.g. <Location "/api/"> Include conf-available/corsica.conf ; ProxyPass http://app/ </Location>',
      'Apache pitfalls:',
      '- Preflights are answered by mod_rewrite in the fixup phase, after authorization, and',
      '  browsers never send credentials with them: if this location requires a user, let',
      '  preflights through (AuthType and the rest stay as they are):',
      '    <If "%{REQUEST_METHOD} == \'OPTIONS\' && -n req_novary(\'Access-Control-Request-Method\')">',
      '      Require all granted',
      '    </If>',
      '    <Else>',
      '      Require valid-user',
      '    </Else>',
      '- Per-directory mod_rewrite needs Options FollowSymLinks (the default) for this location.',
      '- An ErrorDocument that redirects internally renames the CORSICA_* variables to REDIRECT_*:',
      '  error pages served that way lose the CORS headers; let the app (proxy) serve its errors.',
    ], plan.notes),
    '',
    ...out,
  ];
  return { config: `${text.join('\n')}\n`, notes: plan.notes };
}

export { ProxyExportError };
