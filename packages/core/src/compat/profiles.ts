/**
 * What each peer's options mean, as data: how to tell its shape from Corsica's, its option names,
 * the options Corsica ignores (and what it says about them), its defaults, and how it calls its
 * functions. One translator (`translate.ts`) reads these; adapters hold none of it.
 * @module
 */

/** Advice worded like the core's; `{value}` stands for the option's value, as JSON. */
export interface Advice {
  readonly message: string;
  readonly fix: string;
}

/**
 * A form only the peer gives a meaning to, so options written that way are the peer's:
 * `boolean-origin` (`origin: true` or `false`, or booleans in an origin list), `two-parameter-origin`
 * (an origin function that declares a second parameter), `string-maxAge`, `function-credentials`.
 */
export type PeerForm = 'boolean-origin' | 'two-parameter-origin' | 'string-maxAge' | 'function-credentials';

/**
 * How the peer calls one of its functions: `callback`, `(origin, callback)`, awaited once per
 * origin; `answer`, `(origin) => value` once per origin, its answer read as the peer read it;
 * `predicate`, Corsica's own `(origin) => boolean`, left as it is; `origin-and-context`,
 * `(origin, context)` and `context`, `(context)`, called for every request with the framework's
 * context (hono's `c`, Koa's `ctx`).
 */
export type PeerCall = 'callback' | 'answer' | 'predicate' | 'origin-and-context' | 'context';

/** A peer option Corsica has no use for: accepted, checked, and told about when it would matter. */
export interface IgnoredOption {
  readonly name: string;
  /** The values the peer accepted; any other is a configuration problem. */
  readonly accepts: 'boolean' | readonly string[];
  /** The accepted values that would change something with the peer, and the warning they get. */
  readonly warnWhen?: readonly unknown[];
  readonly warning?: Advice;
  /** The problem for a value the peer did not accept (by default: "must be true or false"). */
  readonly invalid?: Advice;
}

/**
 * A Corsica option the peer lets a function of the request choose (hono's `allowMethods`,
 * Koa's `credentials`): each distinct answer picks a policy compiled once.
 */
export interface RequestOption {
  /** Corsica's name of the option (after renames). */
  readonly option: 'methods' | 'credentials';
  readonly call: 'origin-and-context' | 'context';
  /** `is-true`: only `true` counts; `value`: the answer is the option's value. */
  readonly answer: 'is-true' | 'value';
  /** The value of requests the function is not asked about (and of the policy compiled first). */
  readonly leftOut: unknown;
  /** The value when the function fails or its answer is refused. */
  readonly fallback: unknown;
  /** Answers compiled at start-up, so that a bad pairing ("*" with credentials) fails then. */
  readonly atStartUp?: readonly unknown[];
  /** The function is asked only for OPTIONS requests (methods matter to preflights only). */
  readonly optionsRequestsOnly?: boolean;
}

/** One peer's options, as the translator reads them. */
export interface PeerProfile {
  /** The peer as messages name it. */
  readonly peer: string;
  /** How a call without options reads in the no-origin error: none at all, and `{}`. */
  readonly calls: { readonly none: string; readonly empty: string };
  /** Forms that mark the peer's shape (besides any option only the peer has). */
  readonly forms: readonly PeerForm[];
  /** The peer's names of Corsica's options. */
  readonly renames?: Readonly<Record<string, string>>;
  /** Options whose empty list means what leaving them out means (read before renames). */
  readonly emptyMeansLeftOut?: readonly string[];
  readonly ignored?: readonly IgnoredOption[];
  /**
   * Peer options that are no Corsica option but that the adapter still honours (read with
   * `keptOptions(policy)`): `boolean`, checked; `cache-control`, whole seconds become
   * `max-age=N`, a string is the value, anything else is ignored.
   */
  readonly kept?: Readonly<Record<string, 'boolean' | 'cache-control'>>;
  /** Options given in seconds that the peer also took as a numeric string. */
  readonly seconds?: readonly string[];
  /** Options the framework hands to the plugin that are not CORS options: removed silently. */
  readonly dropped?: readonly string[];
  /** `origin: true` reflects every origin (`'*'` without credentials), `false` turns CORS off. */
  readonly booleanOrigin?: boolean;
  /** How a function `origin` is called, by how many parameters it declares. */
  readonly originFunction: {
    readonly twoParams: PeerCall;
    readonly oneParam: PeerCall;
    /** Whether Corsica-shaped options get the same reading (the peer's functions look like Corsica's). */
    readonly everyShape: boolean;
  };
  /** The methods the peer allowed when `methods` was left out; none: Corsica's default is the peer's. */
  readonly methods?: string;
  readonly requestOption?: RequestOption;
  /**
   * The peer takes a per-request options delegate: as the options themselves (a function), and
   * as `option` (with `besides`, the only options that still count beside it).
   */
  readonly delegates?: { readonly option?: string; readonly besides?: readonly string[] };
}

/** `cors` and `@fastify/cors` both have it; Corsica answers every preflight itself. */
const PREFLIGHT_CONTINUE: IgnoredOption = {
  name: 'preflightContinue',
  accepts: 'boolean',
  warnWhen: [true],
  warning: {
    message: '`preflightContinue: true` is ignored: Corsica answers every preflight itself (204, or 403 when denied), before your routes and auth run.',
    fix: 'Remove `preflightContinue`; an OPTIONS request that is not a preflight still reaches your routes.',
  },
};

/** The Express `cors` package. */
export const CORS_PACKAGE: PeerProfile = {
  peer: 'the `cors` package',
  calls: { none: 'cors()', empty: 'cors({})' },
  forms: ['boolean-origin', 'two-parameter-origin', 'string-maxAge'],
  ignored: [PREFLIGHT_CONTINUE],
  seconds: ['maxAge'],
  booleanOrigin: true,
  originFunction: { twoParams: 'callback', oneParam: 'predicate', everyShape: false },
  methods: 'GET,HEAD,PUT,PATCH,POST,DELETE',
  delegates: {},
};

const FASTIFY_HOOKS = ['preParsing', 'preValidation', 'preHandler', 'preSerialization'];

/** `@fastify/cors`. */
export const FASTIFY_CORS: PeerProfile = {
  peer: '@fastify/cors',
  calls: { none: 'app.register(cors) without options', empty: 'app.register(cors) without options' },
  forms: ['boolean-origin', 'two-parameter-origin', 'string-maxAge'],
  ignored: [
    {
      name: 'hook',
      accepts: ['onRequest', ...FASTIFY_HOOKS],
      warnWhen: FASTIFY_HOOKS,
      warning: { message: '`hook: {value}` is ignored: Corsica answers preflights in onRequest, so body parsing, validation and auth hooks never see them, and sets the other headers there so they survive errors.', fix: 'Remove `hook`.' },
      invalid: { message: '`hook` is {value}, not a Fastify hook.', fix: 'Remove `hook`: Corsica answers in onRequest.' },
    },
    PREFLIGHT_CONTINUE,
    {
      name: 'preflight',
      accepts: 'boolean',
      warnWhen: [false],
      warning: { message: '`preflight: false` is ignored: Corsica answers every preflight itself, so none reaches your routes.', fix: 'Remove `preflight`; give a route `config: { cors: false }` to let it answer its own OPTIONS requests.' },
    },
    {
      name: 'strictPreflight',
      accepts: 'boolean',
      warnWhen: [false],
      warning: { message: '`strictPreflight: false` is ignored: only an OPTIONS with Origin and Access-Control-Request-Method is a preflight; any other OPTIONS reaches your routes.', fix: 'Remove `strictPreflight`.' },
    },
    // there is no OPTIONS route to hide
    { name: 'hideOptionsRoute', accepts: 'boolean' },
  ],
  kept: { cacheControl: 'cache-control' },
  seconds: ['maxAge'],
  dropped: ['prefix', 'logLevel', 'logSerializers'],
  booleanOrigin: true,
  // bound to the Fastify instance, and answering any origin value, whatever the options' shape
  originFunction: { twoParams: 'callback', oneParam: 'answer', everyShape: true },
  delegates: { option: 'delegator', besides: ['hook'] },
};

const HONO_METHODS = 'GET,HEAD,PUT,POST,DELETE,PATCH,QUERY';

/** Hono's `hono/cors` middleware. */
export const HONO_CORS: PeerProfile = {
  peer: '`hono/cors`',
  calls: { none: 'cors()', empty: 'cors({})' },
  forms: ['two-parameter-origin'],
  renames: { allowMethods: 'methods', allowHeaders: 'allowedHeaders', exposeHeaders: 'exposedHeaders' },
  // hono/cors mirrors the requested headers when allowHeaders is empty, as when it is left out
  emptyMeansLeftOut: ['allowHeaders'],
  originFunction: { twoParams: 'origin-and-context', oneParam: 'answer', everyShape: true },
  methods: HONO_METHODS,
  // what a failing allowMethods function leaves: only the methods browsers never preflight
  requestOption: { option: 'methods', call: 'origin-and-context', answer: 'value', leftOut: HONO_METHODS, fallback: [], optionsRequestsOnly: true },
};

/** `@koa/cors`. */
export const KOA_CORS: PeerProfile = {
  peer: '`@koa/cors`',
  calls: { none: 'cors()', empty: 'cors({})' },
  forms: ['function-credentials', 'string-maxAge'],
  renames: { allowMethods: 'methods', allowHeaders: 'allowedHeaders', exposeHeaders: 'exposedHeaders', privateNetworkAccess: 'privateNetwork' },
  ignored: [
    {
      name: 'keepHeadersOnError',
      accepts: 'boolean',
      warnWhen: [false],
      warning: { message: '`keepHeadersOnError: false` is ignored: Corsica keeps its headers on error responses, so the browser shows the real status instead of a CORS error.', fix: 'Remove `keepHeadersOnError`.' },
    },
  ],
  kept: { secureContext: 'boolean' },
  seconds: ['maxAge'],
  // only on its shape: with Corsica's options alone, a one-parameter function is Corsica's predicate
  originFunction: { twoParams: 'context', oneParam: 'context', everyShape: false },
  methods: 'GET,HEAD,PUT,POST,DELETE,PATCH',
  // without credentials when the function fails: the browser then sends no cookies to read
  requestOption: { option: 'credentials', call: 'context', answer: 'is-true', leftOut: false, fallback: false, atStartUp: [true] },
};
