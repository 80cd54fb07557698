/**
 * fast-check arbitraries for hostile CORS requests: any method token, zero to several Origin,
 * Access-Control-Request-Method and Access-Control-Request-Headers lines in any order and letter
 * case, values with the odd bytes a real HTTP parser still accepts (obs-text, tabs, inner
 * spaces), and now and then one value as long as the server's header limit allows.
 */
import { METHODS } from 'node:http';
import fc from 'fast-check';
import type { Line, RawRequest } from './requests.js';
import { ALLOWED_HEADERS, ALLOWED_METHODS, ALLOWED_ORIGINS, DENIED_ORIGIN, MAX_HEADER_SIZE, OK_METHODS } from './scenarios.js';

/**
 * Methods Node's HTTP parser accepts and hands to the app. CONNECT is left out: node:http gives
 * it to the server's 'connect' event (none here, so the socket is closed), never to an app.
 */
export const PARSER_METHODS: ReadonlySet<string> = new Set(METHODS.filter((m) => m !== 'CONNECT'));

/** The longest single value generated: the server's limit minus room for the other lines. */
export const HUGE_VALUE_MAX = MAX_HEADER_SIZE - 16 * 1024;

/** Most header lines in one request (Host, Content-Length and Connection come on top). */
const MAX_LINES = 900;

/** Most header bytes in one request, under the server's limit so that no request meets a 431. */
const HEAD_BUDGET = MAX_HEADER_SIZE - 4 * 1024;

const lineBytes = ([name, value]: Line): number => name.length + value.length + 4;

/** A generated request, and whether Node's parser accepts it (then the app must answer it). */
export interface FuzzRequest extends RawRequest {
  readonly parserValid: boolean;
}

const TCHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const tchar = fc.constantFrom(...TCHARS.split(''));
const token = (maxLength: number): fc.Arbitrary<string> => fc.string({ unit: tchar, minLength: 1, maxLength });

/** A byte a field value may hold (RFC 9110 §5.5): HTAB, SP, visible ASCII, obs-text; no DEL, no CTL. */
const valueChar = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)) },
  { weight: 2, arbitrary: fc.constantFrom(' ', '\t', ',', ';', '"', '\\', '%', '/', ':', '*') },
  { weight: 2, arbitrary: fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)) },
);
const fieldValue = (maxLength: number): fc.Arbitrary<string> => fc.string({ unit: valueChar, maxLength });

/** Letter-case variants of a header name (names are case-insensitive; values are not). */
const nameVariants = (name: string): fc.Arbitrary<string> =>
  fc.constantFrom(name, name.toLowerCase(), name.toUpperCase(), [...name].map((c, i) => (i % 2 === 0 ? c.toLowerCase() : c.toUpperCase())).join(''));

/** Puts `insert` at a position of `base`. */
const spliceInto = (base: fc.Arbitrary<string>, insert: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.tuple(base, insert, fc.nat()).map(([b, i, at]) => b.slice(0, at % (b.length + 1)) + i + b.slice(at % (b.length + 1)));

const allowedOrigin = fc.constantFrom(...ALLOWED_ORIGINS);

const originValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: allowedOrigin },
  // leading and trailing whitespace is stripped by the parser, so this is still an allowed origin
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(' ', '\t', '  '), allowedOrigin, fc.constantFrom('', ' ', '\t')).map(([a, o, b]) => a + o + b) },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      DENIED_ORIGIN,
      'null',
      '',
      '*',
      'https://app.example.com/',
      'HTTPS://APP.EXAMPLE.COM',
      'https://App.example.com',
      'https://app.example.com:443',
      'https://app.example.com.',
      'https://user@app.example.com',
      'https://app.example.com/path',
      'https://app.example.com?x=1',
      'https://app.example.com#x',
      'http://app.example.com',
      'https://evil.app.example.com',
      'https://app.example.co',
      'http://localhost:5174',
      'http://localhost:05173',
      'http://localhost',
      'http://127.0.0.1:5173',
      'http://[::1]:5173',
      'https://xn--bcher-kva.example',
      'file://',
      'https://app.example.com, https://admin.example.com',
      'https://app.example.com,https://app.example.com',
      'https://app.example.com https://admin.example.com',
      'https://app.example.com\tx',
      'https://app.example.com\u00e9',
      'https://b\u00fccher.example',
    ),
  },
  { weight: 2, arbitrary: spliceInto(allowedOrigin, fc.oneof(valueChar, fieldValue(6))) },
  { weight: 2, arbitrary: fieldValue(80) },
);

const methodValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...ALLOWED_METHODS, 'HEAD', 'OPTIONS') },
  { weight: 3, arbitrary: fc.constantFrom('patch', 'put', 'Delete', 'PURGE', 'CONNECT', 'TRACE', 'TRACK', '', '*', 'PUT, DELETE', 'PUT,PUT', 'P UT', ' PUT', 'PUT\u00ff') },
  { weight: 2, arbitrary: token(24) },
  { weight: 1, arbitrary: fieldValue(40) },
);

const headerName: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...ALLOWED_HEADERS, ...ALLOWED_HEADERS.map((h) => h.toLowerCase())) },
  { weight: 2, arbitrary: fc.constantFrom('x-secret', 'cookie', '*', 'authorization', 'AUTHORIZATION', 'content-type ', 'x-requested-with\u00e9', 'x\ty') },
  { weight: 2, arbitrary: token(30) },
  { weight: 1, arbitrary: fieldValue(12) },
);
const separator = fc.constantFrom(',', ',', ',', ', ', ' ,', ',,', ' , ', '\t,', ',\t');
const requestHeadersValue: fc.Arbitrary<string> = fc
  .array(fc.tuple(headerName, separator), { maxLength: 24 })
  .map((parts) => parts.map(([name, sep], i) => (i === parts.length - 1 ? name : name + sep)).join(''));

const noiseLine: fc.Arbitrary<Line> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom<Line>(
      ['Content-Type', 'application/json'],
      ['Content-Type', 'text/plain'],
      ['Authorization', 'Bearer abc'],
      ['Cookie', 'session=1'],
      ['Vary', 'Origin'],
      ['Vary', '*'],
      ['Access-Control-Allow-Origin', '*'],
      ['Access-Control-Allow-Credentials', 'true'],
      ['Access-Control-Request-Private-Network', 'true'],
      ['Sec-Fetch-Mode', 'cors'],
      ['Accept', '*/*'],
      ['X-Forwarded-Host', 'evil.test'],
      ['Referer', 'https://app.example.com/page'],
    ),
  },
  { weight: 1, arbitrary: fc.tuple(token(20), fieldValue(60)) },
);

/** One line with a value near the header limit. */
const hugeLine: fc.Arbitrary<Line> = fc.oneof(
  // hundreds to tens of thousands of names (the core caps their count at 128)
  fc.tuple(nameVariants('Access-Control-Request-Headers'), headerName.filter((n) => n.length > 0), separator, fc.integer({ min: 129, max: 40_000 })).map(
    ([name, header, sep, count]): Line => [name, Array.from({ length: count }, () => header).join(sep).slice(0, HUGE_VALUE_MAX)],
  ),
  // one very long name, or one very long list without separators
  fc.tuple(nameVariants('Access-Control-Request-Headers'), fc.integer({ min: 8193, max: HUGE_VALUE_MAX })).map(([name, n]): Line => [name, 'x'.repeat(n)]),
  fc.tuple(nameVariants('Origin'), allowedOrigin, fc.integer({ min: 1025, max: HUGE_VALUE_MAX })).map(([name, o, n]): Line => [name, (o + 'a'.repeat(n)).slice(0, HUGE_VALUE_MAX)]),
  fc.tuple(nameVariants('Access-Control-Request-Method'), fc.integer({ min: 65, max: HUGE_VALUE_MAX })).map(([name, n]): Line => [name, 'P'.repeat(n)]),
  fc.tuple(token(20), fc.integer({ min: 1024, max: HUGE_VALUE_MAX })).map(([name, n]): Line => [`X-${name}`, 'v'.repeat(n)]),
);

/**
 * Hundreds of lines of one kind, which adapters see joined (`Headers`, Node's `headers`) or one by
 * one (`headersDistinct`). Kept under the 1,000 or so lines node:http keeps: past them it drops
 * lines silently, an Origin or `Connection: close` as well as any other.
 */
const manyLines: fc.Arbitrary<Line[]> = fc
  .tuple(
    fc.constantFrom('Origin', 'Access-Control-Request-Method', 'Access-Control-Request-Headers'),
    fc.integer({ min: 50, max: MAX_LINES }),
    fc.oneof(allowedOrigin, fc.constantFrom('PUT', 'x-requested-with', 'content-type', ''), fieldValue(12)),
  )
  .map(([name, count, value]) => Array.from({ length: count }, (): Line => [name, value]));

/** How many lines of a kind: mostly none or one, sometimes repeated. */
const lines = (name: string, value: fc.Arbitrary<string>, weights: { none: number; one: number; many: number }): fc.Arbitrary<Line[]> =>
  fc.oneof(
    { weight: weights.none, arbitrary: fc.constant([] as Line[]) },
    { weight: weights.one, arbitrary: fc.tuple(nameVariants(name), value).map((l): Line[] => [l]) },
    { weight: weights.many, arbitrary: fc.array(fc.tuple(nameVariants(name), value), { minLength: 2, maxLength: 4 }) },
  );

const method: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.constant('OPTIONS') },
  { weight: 5, arbitrary: fc.constantFrom(...OK_METHODS) },
  { weight: 2, arbitrary: fc.constantFrom(...PARSER_METHODS) },
  // mostly refused by the parser (400), sometimes a known method by chance
  { weight: 1, arbitrary: token(12) },
);

// never the route that throws on purpose (BOOM_PATH): its 500 is the app's, not a CORS decision
const path = fc.constantFrom('/ok', '/ok', '/ok', '/ok?x=1', '/missing', '/', '/ok/');

/** A hostile request for the fuzz. Never targets the route that throws on purpose. */
export const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc
  .record({
    method,
    path,
    origins: lines('Origin', originValue, { none: 1, one: 7, many: 2 }),
    requestMethods: lines('Access-Control-Request-Method', methodValue, { none: 3, one: 6, many: 1 }),
    requestHeaders: lines('Access-Control-Request-Headers', requestHeadersValue, { none: 4, one: 4, many: 1 }),
    noise: fc.array(noiseLine, { maxLength: 3 }),
    // about one request in twelve carries a value near the header limit, one in twenty
    // thousands of repeated lines, one in four a body
    huge: fc.oneof({ weight: 11, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: hugeLine }),
    many: fc.oneof({ weight: 19, arbitrary: fc.constant([] as Line[]) }, { weight: 1, arbitrary: manyLines }),
    body: fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fieldValue(64) }),
    order: fc.infiniteStream(fc.nat()),
  })
  .map(({ method: m, path: p, origins, requestMethods, requestHeaders, noise, huge, many, body, order }): FuzzRequest => {
    const all: Line[] = [...origins, ...requestMethods, ...requestHeaders, ...noise, ...(huge === null ? [] : [huge])];
    // the repeated lines fill what room is left, in bytes and in lines
    let room = HEAD_BUDGET - all.reduce((sum, line) => sum + lineBytes(line), 0);
    for (const line of many) {
      if (all.length >= MAX_LINES || room < lineBytes(line)) break;
      all.push(line);
      room -= lineBytes(line);
    }
    // a deterministic shuffle from the generated stream, so lines of every kind interleave
    const it = order[Symbol.iterator]();
    for (let i = all.length - 1; i > 0; i--) {
      const j = (it.next().value as number) % (i + 1);
      [all[i], all[j]] = [all[j]!, all[i]!];
    }
    const withBody = body !== null && m !== 'GET' && m !== 'HEAD';
    return { method: m, path: p, lines: all, ...(withBody ? { body } : {}), parserValid: PARSER_METHODS.has(m) };
  });
