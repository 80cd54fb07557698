/**
 * `corsica export s3 | r2 | apigateway | lambda-url | gateway-api`: a policy written as the CORS
 * settings of a platform that answers CORS itself, where no server of ours runs.
 *
 * These settings are coarser than a policy. Each export therefore returns, beside the
 * configuration, every way the platform will behave differently from the policy (it answers
 * preflights itself, it may not refuse them with 403, its wildcards and limits), and refuses
 * (throws {@link ProxyExportError}, exit 2 on the command line) what would let in more than the
 * policy does, or what the platform cannot hold at all, with the option to change.
 *
 * Schemas and limits, as documented by each platform:
 * - S3: https://docs.aws.amazon.com/AmazonS3/latest/userguide/ManageCorsUsing.html (up to 100
 *   rules; methods GET, PUT, POST, DELETE, HEAD; one `*` per AllowedOrigin and AllowedHeader) and
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-s3-bucket-corsrule.html
 *   ("Amazon S3 returns any requested headers that are allowed").
 * - R2: https://developers.cloudflare.com/api/resources/r2/subresources/buckets/subresources/cors
 *   (rules of `allowed.origins`, `allowed.methods` among GET, PUT, POST, DELETE, HEAD,
 *   `allowed.headers`, `exposeHeaders`, `maxAgeSeconds`) and
 *   https://developers.cloudflare.com/r2/buckets/cors/
 * - API Gateway HTTP API: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html
 *   (answers preflights itself, even without an OPTIONS route; ignores the backend's CORS
 *   headers; allowOrigins takes exact origins, `*`, `https://*` or `http://*`).
 * - Lambda function URL: https://docs.aws.amazon.com/lambda/latest/dg/API_Cors.html (at most 100
 *   origins of up to 253 characters, 6 methods among GET, PUT, HEAD, POST, PATCH, DELETE, `*`,
 *   100 allowed and 100 exposed headers of up to 1024 characters, MaxAge 0..86400, default 0).
 * - Gateway API HTTPRoute CORS filter: https://gateway-api.sigs.k8s.io/guides/http-cors and the
 *   HTTPCORSFilter type (allowOrigins at most 64, `*` alone, a host `*` matching any number of
 *   labels to its left, http and https only; allowMethods at most 9; allowHeaders and
 *   exposeHeaders at most 64; maxAge at least 1, default 5; a refused preflight may be answered
 *   204/200 without CORS headers instead of 403).
 * @module
 */
import type { CorsOptions, Policy } from '@corsica/core';
import { ProxyExportError, compiledForExport } from './proxy.js';

/** The cloud targets of `corsica export`. */
export type CloudTarget = 's3' | 'r2' | 'apigateway' | 'lambda-url' | 'gateway-api';

/** Every cloud target, in the order the help lists them. */
export const CLOUD_TARGETS: readonly CloudTarget[] = Object.freeze(['s3', 'r2', 'apigateway', 'lambda-url', 'gateway-api']);

/** A policy written for a cloud platform. */
export interface CloudExport {
  readonly target: CloudTarget;
  /** The configuration: JSON for the AWS and Cloudflare targets, YAML for the Gateway API. */
  readonly config: string;
  /** How the platform will behave differently from the policy, one sentence each. */
  readonly differences: readonly string[];
  /** Options left out because they change nothing for browsers. */
  readonly notes: readonly string[];
  /** The differences are also written into `config`, as comments (YAML); JSON has no comments. */
  readonly differencesInConfig: boolean;
}

const TARGET_NAMES: Readonly<Record<CloudTarget, string>> = {
  s3: 'S3',
  r2: 'R2',
  apigateway: 'API Gateway (HTTP API)',
  'lambda-url': 'Lambda function URLs',
  'gateway-api': 'the Gateway API CORS filter',
};

/** Methods a bucket's CORS rules can name (S3 and R2 alike). */
const BUCKET_METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'HEAD'];
/** Methods a Lambda function URL's Cors can name. */
const LAMBDA_METHODS = ['GET', 'PUT', 'HEAD', 'POST', 'PATCH', 'DELETE'];
/** RFC 9110 methods, which the Gateway API's allowMethods accepts. */
const RFC9110_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'];

interface Parts {
  readonly scheme: string;
  readonly host: string;
  readonly port: string;
}

function split(pattern: string): Parts {
  const sep = pattern.indexOf('://');
  const rest = pattern.slice(sep + 3);
  const close = rest.startsWith('[') ? rest.indexOf(']') : -1;
  const colon = rest.indexOf(':', close + 1);
  return { scheme: pattern.slice(0, sep), host: colon < 0 ? rest : rest.slice(0, colon), port: colon < 0 ? '' : rest.slice(colon + 1) };
}

function isReportOnly(policy: Policy, options: CorsOptions | undefined): boolean {
  if (options !== undefined) return options.reportOnly !== undefined;
  return policy.decide({ method: 'GET' }).wouldHave !== undefined;
}

function yamlString(value: string): string {
  return JSON.stringify(value);
}

/**
 * Exports a policy (options or a compiled policy) to a cloud platform's CORS settings, with the
 * list of differences to show beside it.
 *
 * Throws {@link ProxyExportError} (a `corsica:` message per problem, naming the option and the
 * fix) for what would weaken the policy or what the platform cannot hold: origin functions and
 * RegExps (no platform runs code or regexes on Origin), origin patterns the platform has no
 * wildcard for, `allowedHeaders: ['*']` without Authorization listed (the platforms' `*` lets
 * Authorization through, the policy's never does), counts over the platform's limits,
 * `privateNetwork`, `mirrorRequestHeaders` and `reportOnly`. Throws the core's `CorsConfigError`
 * for invalid options.
 *
 * @example
 * ```ts
 * import { exportCloud } from '@corsica/cli';
 *
 * const { config, differences } = exportCloud('s3', { origin: ['https://app.example.com'], methods: ['PUT'] });
 * // aws s3api put-bucket-cors --bucket my-bucket --cors-configuration "$config"
 * for (const d of differences) console.warn(d);
 * ```
 */
export function exportCloud(target: CloudTarget, input: CorsOptions | Policy): CloudExport {
  const name = TARGET_NAMES[target];
  const { corsOptions, policy } = compiledForExport(input);
  const c = policy.config;
  const reasons: string[] = [];
  const differences: string[] = [];
  const notes: string[] = [];
  const bucket = target === 's3' || target === 'r2';

  // --- what no platform can do
  if (c.originPredicates > 0 || policy.isAsync) {
    reasons.push(`corsica: \`origin\` has ${c.originPredicates === 1 ? 'a function' : `${c.originPredicates} functions`}, which ${name} cannot call; list the origins (or keep CORS in the app).`);
  }
  for (const re of c.originRegExps) {
    reasons.push(`corsica: the \`origin\` RegExp ${String(re)} cannot be exported: ${name} matches origins against fixed strings only; list the origins it stands for${target === 's3' || target === 'gateway-api' ? ' or use a pattern such as "https://*.example.com"' : ''}.`);
  }
  if (c.privateNetwork) reasons.push(`corsica: \`privateNetwork\` (legacy Private Network Access) is not exported; remove it, or keep CORS in the app.`);
  if (c.mirrorRequestHeaders) reasons.push(`corsica: \`mirrorRequestHeaders\` echoes any valid request header, which ${name} cannot limit the way the policy does; list the names in \`allowedHeaders\`.`);
  if (isReportOnly(policy, corsOptions)) {
    reasons.push(`corsica: \`reportOnly\` evaluates one policy and applies another, which ${name} cannot report; export the policy you enforce.`);
  }
  if (corsOptions?.debug) notes.push(`\`debug\` is not exported: ${name} sends no Corsica-Debug header.`);
  for (const hook of ['onDecision', 'onError', 'onWarning'] as const) {
    if (corsOptions?.[hook] !== undefined && corsOptions[hook] !== false) notes.push(`\`${hook}\` is not exported: ${name} has no hook; use its access logs.`);
  }

  // --- origins
  const origins: string[] = c.originMode === 'any' ? ['*'] : [...c.origins];
  if (target === 'gateway-api') {
    for (const o of c.origins) {
      const scheme = split(o).scheme;
      if (scheme !== 'http' && scheme !== 'https') reasons.push(`corsica: the \`origin\` "${o}" cannot be exported: the Gateway API's allowOrigins takes http and https origins only; serve that client from an https origin, or keep CORS in the app.`);
    }
  }
  for (const pattern of c.originPatterns) {
    const p = split(pattern);
    const subdomains = p.host.startsWith('*.');
    if (p.host.includes('*') && !subdomains) {
      reasons.push(`corsica: the pattern ${JSON.stringify(pattern)} has a \`*\` inside a label, which ${name} cannot express without letting in more than the policy does (its wildcards match dots too); list the preview origins, or keep CORS in the app.`);
      continue;
    }
    if (target === 's3') {
      if (subdomains && p.port === '*') {
        reasons.push(`corsica: the \`origin\` pattern "${pattern}" needs two wildcards, and S3 allows one per AllowedOrigin; fix the port (e.g. "${p.scheme}://${p.host}:8443") or list the origins.`);
        continue;
      }
      if (p.port === '*') {
        // the pattern also allows the origin without a port, which S3's "host:*" does not match
        origins.push(`${p.scheme}://${p.host}`, pattern);
      } else origins.push(pattern);
      continue;
    }
    if (target === 'gateway-api' && subdomains && p.port !== '*' && (p.scheme === 'http' || p.scheme === 'https')) {
      origins.push(pattern);
      continue;
    }
    const why =
      target === 'apigateway'
        ? `API Gateway's allowOrigins has no subdomain or port wildcard (only "*", "https://*" and "http://*", which would let in every site)`
        : target === 'gateway-api'
          ? `the Gateway API's allowOrigins has no port wildcard and takes http and https origins only`
          : `${name} documents exact origins and "*" only`;
    reasons.push(`corsica: the \`origin\` pattern "${pattern}" cannot be exported: ${why}; list the origins it stands for${p.port === '*' ? ` (e.g. "${p.scheme}://${p.host.replace(/^\*\./, 'app.')}:5173")` : ''}.`);
  }

  // --- methods: the policy always lets GET, HEAD and POST through, so every list names them
  const wanted: '*' | string[] = c.methods === '*' ? '*' : [...new Set(['GET', 'HEAD', 'POST', ...c.methods])];
  const keep = (supported: readonly string[], label: string): string[] => {
    if (wanted === '*') return [...supported];
    const lost = wanted.filter((m) => !supported.includes(m));
    if (lost.length > 0) differences.push(`${lost.join(', ')} ${lost.length === 1 ? 'is' : 'are'} left out: ${label} ${supported.join(', ')}, so preflights for ${lost.length === 1 ? 'it' : 'them'} are refused.`);
    return supported.filter((m) => wanted.includes(m));
  };
  let methods: string[];
  if (bucket) {
    methods = keep(BUCKET_METHODS, "a bucket's CORS rules name only");
    if (wanted === '*') differences.push(`methods "*" becomes ${BUCKET_METHODS.join(', ')}: a bucket's CORS rules name no other method, so preflights for any other method are refused.`);
  } else if (target === 'lambda-url') {
    methods = wanted === '*' ? ['*'] : keep(LAMBDA_METHODS, "a function URL's AllowMethods takes only \"*\" and");
  } else if (target === 'gateway-api') {
    methods = wanted === '*' ? ['*'] : keep(RFC9110_METHODS, "the Gateway API's allowMethods takes \"*\" and the RFC 9110 methods");
  } else {
    methods = wanted === '*' ? ['*'] : wanted;
  }

  // --- request headers: every platform's "*" lets Authorization through, the policy's never does
  const anyHeader = c.allowedHeaders.includes('*');
  const authorizationListed = c.allowedHeaders.some((h) => h.toLowerCase() === 'authorization');
  if (anyHeader && !authorizationListed) {
    reasons.push(`corsica: \`allowedHeaders: ["*"]\` would let ${name} allow Authorization, which "*" never covers in the policy; list the header names instead, or add "Authorization" next to "*" if pages really send it.`);
  }
  if (anyHeader && target === 'r2') {
    reasons.push('corsica: `allowedHeaders: ["*"]` is not exported to R2: its API documents `allowed.headers` as header names, not a wildcard, so how R2 reads "*" is unknown; list the header names.');
  }
  const allowedHeaders = [...c.allowedHeaders];
  const exposedHeaders = [...c.exposedHeaders];

  // --- counts and lengths the platforms document
  const limit = (what: string, count: number, max: number, fix: string): void => {
    if (count > max) reasons.push(`corsica: ${what} has ${count} entries and ${name} takes at most ${max}; ${fix}.`);
  };
  if (target === 'lambda-url') {
    limit('`origin`', origins.length, 100, 'split the API, or keep CORS in the function');
    for (const o of origins) if (o.length > 253) reasons.push(`corsica: the \`origin\` "${o.slice(0, 40)}..." is longer than the 253 characters a function URL's AllowOrigins takes; shorten it.`);
    limit('`methods`', methods.length, 6, 'use "*" or fewer methods');
    limit('`allowedHeaders`', allowedHeaders.length, 100, 'list fewer headers');
    limit('`exposedHeaders`', exposedHeaders.length, 100, 'expose fewer headers');
  }
  if (target === 'gateway-api') {
    limit('`origin`', origins.length, 64, 'use a subdomain pattern, or keep CORS in the app');
    limit('`methods`', methods.length, 9, 'use "*" or fewer methods');
    limit('`allowedHeaders`', allowedHeaders.length, 64, 'list fewer headers');
    limit('`exposedHeaders`', exposedHeaders.length, 64, 'expose fewer headers');
  }
  if (reasons.length > 0) throw new ProxyExportError(target, reasons);

  // --- max-age
  let maxAge = c.maxAge;
  if (target === 'lambda-url' && maxAge === undefined) {
    maxAge = 5;
    differences.push("MaxAge is set to 5: a function URL's default is 0 (no caching), the policy sends no Max-Age, which browsers read as 5 seconds.");
  }
  if (target === 'gateway-api' && maxAge === 0) {
    maxAge = 1;
    differences.push("maxAge 0 becomes 1: the Gateway API's minimum; browsers may reuse a preflight for one second.");
  }

  // --- behaviours of the platform itself
  const credentials = c.credentials;
  if (bucket) {
    differences.push(`${name} answers preflights itself, for every object of the bucket: nothing behind the bucket sees them.`);
    differences.push(
      target === 's3'
        ? 'S3 answers Access-Control-Allow-Headers with the requested headers that are allowed, not the whole list, and refuses a preflight that matches no rule with 403.'
        : 'R2 answers Access-Control-Allow-Headers with the requested headers that are allowed, not the whole list.',
    );
    differences.push(
      `${name} has no credentials setting: it decides Access-Control-Allow-Credentials itself${credentials ? '' : ' (the policy sends none)'}; check the bucket's answer with \`corsica audit --credentials\`. Buckets authenticate requests with signatures, not cookies.`,
    );
    differences.push(
      target === 's3'
        ? 'Responses to requests without Origin carry no Vary: Origin: a CDN in front of the bucket (CloudFront) must forward Origin and include it in its cache key, or it serves one origin\'s answer to another.'
        : "Cloudflare's cache does not key on Vary: Origin: with a public bucket behind the cache, make Origin part of the cache key (Cache Rules) or one origin's answer is served to another.",
    );
    if (c.preflightStatus === 200) differences.push(`preflightStatus 200 is not exported: ${name} chooses the status of the preflights it answers.`);
    if (c.originPatterns.some((p) => split(p).host.startsWith('*.')) && target === 's3') {
      differences.push('S3\'s "*" matches any characters, not whole labels; "https://*.example.com" still needs the ".example.com" suffix, so it matches the same origins browsers send.');
    }
    if (c.originPatterns.some((p) => split(p).port === '*') && target === 's3') {
      differences.push('A port pattern "host:*" is written as two origins, "host" and "host:*" (S3\'s "*" needs a port after the colon).');
    }
  } else if (target === 'apigateway') {
    differences.push('API Gateway answers every preflight itself, even without an OPTIONS route: an OPTIONS route of your own with Origin and Access-Control-Request-Method never reaches the integration.');
    differences.push("API Gateway ignores the CORS headers your integration returns and adds its own to every response from it: remove CORS from the app (one layer only).");
    differences.push('A refused preflight is not promised a 403: API Gateway answers it without CORS headers, which browsers refuse all the same.');
    differences.push("API Gateway's documentation does not say it appends Vary: Origin; if a cache sits in front of the API, check with `corsica audit`.");
    if (c.preflightStatus === 200) differences.push('preflightStatus 200 is not exported: API Gateway chooses the status of the preflights it answers.');
  } else if (target === 'lambda-url') {
    differences.push('The function URL applies these settings outside your code: remove CORS from the function itself (one layer only), and check the deployed URL with `corsica audit`.');
    differences.push('A refused preflight is not promised a 403 with no CORS headers; browsers refuse a preflight without the headers all the same.');
    differences.push("Lambda's documentation does not say it appends Vary: Origin; if a cache sits in front of the URL, check with `corsica audit`.");
    if (c.preflightStatus === 200) differences.push('preflightStatus 200 is not exported: Lambda chooses the status of the preflights it answers.');
  } else {
    differences.push('The gateway answers preflights itself, before the backend; a refused preflight may get 204/200 without CORS headers instead of 403 (the implementation chooses), which browsers refuse all the same.');
    differences.push(`The status of an allowed preflight is the implementation's (204 or 200)${c.preflightStatus === 200 ? ': preflightStatus 200 is not guaranteed' : ''}.`);
    if (c.originPatterns.length > 0) {
      differences.push('A host "*" matches any number of labels to its left: depending on the implementation it may also let in the bare domain ("https://example.com" for "https://*.example.com"), which the policy refuses; list the apex nowhere else and test it with `corsica audit`.');
    }
    differences.push('The Gateway API does not require Vary: Origin; if a cache sits in front of the gateway, check with `corsica audit`.');
  }
  if (c.maxAge !== undefined && c.maxAge > 7200) differences.push(`Max-Age ${c.maxAge} is cut by browsers anyway: Chromium keeps a preflight 7200 seconds at most, Safari 600.`);

  // --- the configuration text
  let config: string;
  const maybe = <T>(key: string, value: T, keep: boolean): Record<string, T> => (keep ? { [key]: value } : {});
  if (target === 's3') {
    config = JSON.stringify(
      {
        CORSRules: [
          {
            ID: 'corsica',
            AllowedOrigins: origins,
            AllowedMethods: methods,
            ...maybe('AllowedHeaders', allowedHeaders, allowedHeaders.length > 0),
            ...maybe('ExposeHeaders', exposedHeaders, exposedHeaders.length > 0),
            ...maybe('MaxAgeSeconds', maxAge, maxAge !== undefined),
          },
        ],
      },
      null,
      2,
    );
  } else if (target === 'r2') {
    config = JSON.stringify(
      {
        rules: [
          {
            id: 'corsica',
            allowed: { origins, methods, ...maybe('headers', allowedHeaders, allowedHeaders.length > 0) },
            ...maybe('exposeHeaders', exposedHeaders, exposedHeaders.length > 0),
            ...maybe('maxAgeSeconds', maxAge, maxAge !== undefined),
          },
        ],
      },
      null,
      2,
    );
  } else if (target === 'apigateway' || target === 'lambda-url') {
    config = JSON.stringify(
      {
        AllowOrigins: origins,
        AllowCredentials: credentials,
        AllowMethods: methods,
        ...maybe('AllowHeaders', allowedHeaders, allowedHeaders.length > 0),
        ...maybe('ExposeHeaders', exposedHeaders, exposedHeaders.length > 0),
        ...maybe('MaxAge', maxAge, maxAge !== undefined),
      },
      null,
      2,
    );
  } else {
    const list = (key: string, values: readonly string[]): string[] => (values.length === 0 ? [] : [`    ${key}:`, ...values.map((v) => `    - ${yamlString(v)}`)]);
    config = [
      ...['Corsica CORS policy as a Gateway API HTTPRoute filter (HTTPRouteCORS feature).', 'Put it under spec.rules[].filters of the HTTPRoute; generated by `corsica export gateway-api`.', 'How the gateway differs from the policy:', ...differences.map((d) => `- ${d}`)].map((l) => `# ${l}`),
      'filters:',
      '- type: CORS',
      '  cors:',
      ...list('allowOrigins', origins),
      `    allowCredentials: ${credentials}`,
      ...list('allowMethods', methods),
      ...list('allowHeaders', allowedHeaders),
      ...list('exposeHeaders', exposedHeaders),
      ...(maxAge === undefined ? [] : [`    maxAge: ${maxAge}`]),
    ].join('\n');
  }
  return { target, config: `${config}\n`, differences: Object.freeze(differences), notes: Object.freeze(notes), differencesInConfig: target === 'gateway-api' };
}
