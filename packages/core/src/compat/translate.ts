/**
 * The one translator of peers' options: it reads a `PeerProfile` and turns what an adapter was
 * given (nothing, a policy, a delegate, Corsica's options or the peer's) into policies, with every
 * problem in one `CorsConfigError` and the peer's warnings worded like the core's.
 * @module
 */
import { isPolicy } from '../is-policy.js';
import { CorsConfigError } from '../config/problems.js';
import type { ConfigProblem, ConfigWarning, WarningCode } from '../config/problems.js';
import { createPolicy } from '../policy.js';
import type { CorsOptions, OriginPredicate, Policy } from '../types.js';
import { DISABLED, delegatePolicies } from './delegate.js';
import type { PolicySelector } from './delegate.js';
import { RequestScopedOrigin, fromOriginCallback, fromOriginFunction } from './origin-functions.js';
import type { IgnoredOption, PeerCall, PeerForm, PeerProfile, RequestOption } from './profiles.js';

/** Advice about a translated option. */
export type DropInWarningCode = Extract<WarningCode, `dropin.${string}`>;

/** What an adapter's request hook passes for one request. */
export interface PeerRequest<Context> {
  /** The request's Origin, `undefined` when it has none. */
  readonly origin: string | undefined;
  readonly method: string;
  /** The framework's context, passed to the peer's functions of the request. */
  readonly context: Context;
}

/** Decides one request with the policy its peer functions pick, and their answer for its origin. */
export type PeerRequestHook<Context> = <R>(request: PeerRequest<Context>, decide: (policy: Policy) => R) => Promise<R>;

/**
 * One options object, compiled. `shape` says how it was read: a `policy` as is, Corsica's options
 * (`corsica`) or the peer's (`peer`).
 */
export interface Translated<Context = never> {
  readonly shape: 'policy' | 'corsica' | 'peer';
  readonly base: Policy | typeof DISABLED;
  /** Set when part of the answer depends on the request's framework context. */
  readonly perRequest?: PeerRequestHook<Context>;
}

/** What a peer-compatible entry was given, compiled: options, or a `delegate` run per request. */
export type PeerSource<Req, Context = never> = Translated<Context> | { readonly shape: 'delegate'; readonly base: PolicySelector<Req>; readonly perRequest?: undefined };

/** What the adapter adds: `this` of the peer's origin functions, and silence for repeated translations. */
export interface TranslateContext {
  readonly thisArg?: unknown;
  /** Leaves out the translation's warnings (already told for the same options). */
  readonly quiet?: boolean;
  /** Reads the options as the peer's whatever their shape (a route's options merged over the peer's). */
  readonly asPeer?: boolean;
}

/** The most distinct answers of a function of the request kept compiled. */
export const MAX_REQUEST_POLICIES = 100;

/**
 * Compiles what a peer-compatible entry was given: nothing is refused (the peers' default was
 * every origin), a delegate is run per request, options go through {@link translateOptions}.
 */
export function fromPeer<Req, Context = never>(profile: PeerProfile, input: unknown, context: TranslateContext = {}): PeerSource<Req, Context> {
  if (input === undefined || input === null) throw noOptions(profile.calls.none, profile.peer);
  const delegates = profile.delegates;
  const one = (options: object): Policy | typeof DISABLED => translateOptions(profile, options, context).base;
  if (typeof input === 'function' && delegates !== undefined) return { shape: 'delegate', base: delegatePolicies(input as never, one) };
  if (typeof input === 'object' && !isPolicy(input)) {
    const options = input as Record<string, unknown>;
    if (Object.keys(options).length === 0) throw noOptions(profile.calls.empty, profile.peer);
    const option = delegates?.option;
    if (option !== undefined && typeof options[option] === 'function') return { shape: 'delegate', base: fromDelegatorOption(profile, options, option, one) };
  }
  return translateOptions(profile, input, context);
}

/**
 * Compiles one options object: a policy as is; Corsica's options as Corsica reads them (the
 * peer's origin functions aside, when the profile says they look alike); the peer's options
 * translated by its profile, the options it left out keeping its defaults, with one warning.
 */
export function translateOptions<Context = never>(profile: PeerProfile, input: unknown, context: TranslateContext = {}): Translated<Context> {
  if (isPolicy(input)) return { shape: 'policy', base: input };
  if (typeof input !== 'object' || input === null) return { shape: 'corsica', base: compileTranslated(input as Record<string, unknown>) };
  const given = input as Record<string, unknown>;
  const peer = context.asPeer === true || isPeerShape(profile, given);
  if (!peer && !(profile.originFunction.everyShape && typeof given.origin === 'function')) return { shape: 'corsica', base: compileTranslated(given) };

  const options: Record<string, unknown> = { ...given };
  const problems: ConfigProblem[] = [];
  const warnings: ConfigWarning[] = [];
  if (peer) {
    for (const name of profile.dropped ?? []) delete options[name];
    if (profile.booleanOrigin === true) {
      const origin = booleanOrigin(options.origin, options.credentials === true, problems, warnings);
      if (origin === DISABLED) return { shape: 'peer', base: DISABLED };
      options.origin = origin;
    }
  }
  let scoped: RequestScopedOrigin<Context> | undefined;
  if (typeof options.origin === 'function') {
    const fn = options.origin as (...args: unknown[]) => unknown;
    const read = readOriginFunction(fn.length >= 2 ? profile.originFunction.twoParams : profile.originFunction.oneParam, fn, context.thisArg);
    if (read instanceof RequestScopedOrigin) scoped = read as RequestScopedOrigin<Context>;
    options.origin = read instanceof RequestScopedOrigin ? read.predicate : read;
  }
  if (!peer) return { shape: 'corsica', base: compileTranslated(options) };

  const kept = translatePeerOptions(profile, options, problems, warnings);
  const request = profile.requestOption;
  const choose = request !== undefined && typeof options[request.option] === 'function' ? (options[request.option] as RequestFunction) : undefined;
  if (choose !== undefined) options[request!.option] = request!.leftOut;
  peerDefaults(options, profile.peer, profile.methods, warnings);
  const told = context.quiet === true ? [] : warnings;
  if (choose === undefined) {
    const base = compileTranslated(options, problems, told);
    keptByPolicy.set(base, kept);
    return scoped === undefined ? { shape: 'peer', base } : { shape: 'peer', base, perRequest: hookOf(async () => base, scoped) };
  }
  const variants = new RequestVariants(request!, choose, options, problems, told);
  keptByPolicy.set(variants.base, kept);
  return { shape: 'peer', base: variants.base, perRequest: hookOf((r) => variants.pick(r), scoped) };
}

const keptByPolicy = new WeakMap<Policy, Readonly<Record<string, unknown>>>();

/** The peer options a translated policy was compiled with that the adapter honours itself (the profile's `kept`). */
export function keptOptions(policy: Policy): Readonly<Record<string, unknown>> | undefined {
  return keptByPolicy.get(policy);
}

const FORMS: Readonly<Record<PeerForm, (options: Record<string, unknown>) => boolean>> = {
  'boolean-origin': ({ origin }) => typeof origin === 'boolean' || (Array.isArray(origin) && origin.some((entry) => typeof entry === 'boolean')),
  'two-parameter-origin': ({ origin }) => typeof origin === 'function' && origin.length >= 2,
  'string-maxAge': ({ maxAge }) => typeof maxAge === 'string',
  'function-credentials': ({ credentials }) => typeof credentials === 'function',
};

/**
 * Reports whether `options` are in the peer's shape rather than Corsica's: an option only the
 * peer has (one it renames, ignores, keeps, or its delegate option), or a form only it gives a
 * meaning to. Options that fit both keep Corsica's meaning and its closed defaults.
 */
export function isPeerShape(profile: PeerProfile, options: Record<string, unknown>): boolean {
  const own = [...Object.keys(profile.renames ?? {}), ...(profile.ignored ?? []).map((o) => o.name), ...Object.keys(profile.kept ?? {}), profile.delegates?.option];
  return own.some((name) => name !== undefined && name in options) || profile.forms.some((form) => FORMS[form](options));
}

function readOriginFunction(call: PeerCall, fn: (...args: unknown[]) => unknown, thisArg: unknown): OriginPredicate | RequestScopedOrigin<unknown> {
  switch (call) {
    case 'callback':
      return fromOriginCallback(fn as never, thisArg);
    case 'answer':
      return fromOriginFunction(fn, (origin) => fn.call(thisArg, origin));
    case 'predicate':
      return fn as OriginPredicate;
    case 'origin-and-context':
      return new RequestScopedOrigin(fn);
    case 'context':
      return new RequestScopedOrigin((_origin, context) => fn(context));
  }
}

/** Removes an ignored option: a value the peer refused is a problem, one that would matter a warning. */
function checkIgnored({ name, accepts, warnWhen, warning: told, invalid }: IgnoredOption, options: Record<string, unknown>, problems: ConfigProblem[], warnings: ConfigWarning[]): void {
  const value = options[name];
  delete options[name];
  if (value === undefined) return;
  const fill = (text: string): string => text.split('{value}').join(JSON.stringify(value));
  if (accepts === 'boolean' ? typeof value !== 'boolean' : !accepts.includes(value as string)) {
    const advice = invalid ?? { message: `\`${name}\` must be true or false.`, fix: `Remove \`${name}\`.` };
    problems.push(problem('option.invalid-type', name, fill(advice.message), fill(advice.fix)));
  } else if (told !== undefined && warnWhen?.includes(value) === true) {
    warnings.push(warning('dropin.option-ignored', name, fill(told.message), fill(told.fix)));
  }
}

/**
 * `{ delegator, hook }`: the options beside the delegate that still count are checked, the others
 * told about (through `console.warn`: there is no `onWarning` beside a delegate).
 */
function fromDelegatorOption<Req>(profile: PeerProfile, given: Record<string, unknown>, option: string, one: (options: object) => Policy | typeof DISABLED): PolicySelector<Req> {
  const besides = new Set(profile.delegates?.besides);
  const options = { ...given };
  const problems: ConfigProblem[] = [];
  const warnings: ConfigWarning[] = [];
  for (const ignored of profile.ignored ?? []) if (besides.has(ignored.name)) checkIgnored(ignored, options, problems, warnings);
  if (problems.length > 0) throw new CorsConfigError(problems);
  const unused = Object.keys(options).filter((name) => name !== option && !besides.has(name));
  if (unused.length > 0) {
    const names = unused.map((name) => `\`${name}\``).join(', ');
    warnings.push(warning('dropin.option-ignored', unused[0]!, `with \`${option}\`, ${names} ${unused.length === 1 ? 'is' : 'are'} ignored: the ${option}'s answer is the whole configuration.`, `Move them into the options the ${option} answers.`));
  }
  for (const w of warnings) console.warn(`${w.message} Fix: ${w.fix}`);
  return delegatePolicies(given[option] as never, one);
}

/** The peer's own options, in Corsica's terms: ignored ones checked, kept ones set aside (returned), values coerced, names moved. */
function translatePeerOptions(profile: PeerProfile, options: Record<string, unknown>, problems: ConfigProblem[], warnings: ConfigWarning[]): Record<string, unknown> {
  for (const ignored of profile.ignored ?? []) checkIgnored(ignored, options, problems, warnings);
  const kept: Record<string, unknown> = {};
  for (const [name, reading] of Object.entries(profile.kept ?? {})) {
    const value = options[name];
    delete options[name];
    if (reading === 'cache-control') kept[name] = Number.isInteger(value) ? `max-age=${String(value)}` : typeof value === 'string' ? value : undefined;
    else if (value === undefined || typeof value === 'boolean') kept[name] = value;
    else problems.push(problem('option.invalid-type', name, `\`${name}\` must be true or false.`, `Write \`${name}: true\` or remove it.`));
  }
  for (const name of profile.seconds ?? []) {
    const value = options[name];
    if (typeof value === 'string' && /^\d+$/.test(value)) options[name] = Number(value);
  }
  for (const name of profile.emptyMeansLeftOut ?? []) {
    const value = options[name];
    if (Array.isArray(value) && value.length === 0) delete options[name];
  }
  for (const [from, to] of Object.entries(profile.renames ?? {})) rename(options, from, to, problems);
  return kept;
}

/** The request hook: the policy `pick` chooses, decided with the request-scoped origin function's answer. */
function hookOf<Context>(pick: (request: PeerRequest<Context>) => Promise<Policy>, scoped: RequestScopedOrigin<Context> | undefined): PeerRequestHook<Context> {
  return async (request, decide) => {
    const chosen = await pick(request);
    if (scoped === undefined || request.origin === undefined) return decide(chosen);
    const answer = await scoped.answerOf(request.origin, request.context);
    return scoped.during(answer, () => decide(chosen));
  };
}

type RequestFunction = (...args: unknown[]) => unknown;

/**
 * The policies a function of the request chooses between (a profile's `requestOption`): one per
 * distinct answer, compiled once; when the function fails, or answers what Corsica refuses, the
 * request gets the `fallback` policy and the failure goes to `onError`.
 */
class RequestVariants<Context> {
  readonly base: Policy;
  private readonly failed: Policy;
  private readonly byAnswer = new Map<string, Policy>();

  constructor(
    private readonly request: RequestOption,
    private readonly choose: RequestFunction,
    private readonly options: Record<string, unknown>,
    problems: readonly ConfigProblem[],
    warnings: readonly ConfigWarning[],
  ) {
    // compiled first, with the problems: a bad pairing fails at start-up, in the same error
    for (const value of request.atStartUp ?? []) this.byAnswer.set(keyOf(value), this.compile(value, problems));
    this.base = compileTranslated(options, problems, warnings);
    this.byAnswer.set(keyOf(request.leftOut), this.base);
    this.failed = this.byAnswer.get(keyOf(request.fallback)) ?? this.compile(request.fallback);
  }

  /** The policy of one request. */
  async pick({ origin, method, context }: PeerRequest<Context>): Promise<Policy> {
    const { call, answer, optionsRequestsOnly } = this.request;
    if (optionsRequestsOnly === true && method !== 'OPTIONS') return this.base;
    let value: unknown;
    try {
      value = await (call === 'context' ? this.choose(context) : this.choose(origin ?? '', context));
    } catch (error) {
      this.base.reportError(error, { phase: 'adapter' });
      return this.failed;
    }
    if (answer === 'is-true') value = value === true;
    const key = keyOf(value);
    let chosen = this.byAnswer.get(key);
    if (chosen === undefined) {
      try {
        chosen = this.compile(value);
      } catch (error) {
        this.base.reportError(error, { phase: 'adapter' });
        return this.failed;
      }
      if (this.byAnswer.size >= MAX_REQUEST_POLICIES) this.byAnswer.delete(this.byAnswer.keys().next().value as string);
      this.byAnswer.set(key, chosen);
    }
    return chosen;
  }

  private compile(value: unknown, problems: readonly ConfigProblem[] = []): Policy {
    return compileTranslated({ ...this.options, [this.request.option]: value, onWarning: false }, problems);
  }
}

/** One key for answers written alike: a list by its entries. */
function keyOf(value: unknown): string {
  return Array.isArray(value) ? value.join(',') : String(value);
}

/** A configuration problem, worded like the core's. */
export function problem(code: ConfigProblem['code'], path: string, message: string, fix: string): ConfigProblem {
  return { code, path, message: `corsica: ${message}`, fix };
}

/** A drop-in warning, shaped like the core's `ConfigWarning`. */
export function warning(code: DropInWarningCode, path: string, message: string, fix: string): ConfigWarning {
  return { code, path, message: `corsica: ${message}`, fix };
}

/** How to get out of "no origin": the peers allowed every origin; Corsica asks. */
const NO_ORIGIN_FIX =
  'List the origins that may call you (`origin: ["https://app.example.com"]`), or write `origin: "*"` on purpose for a public API without credentials, or use `policyFromEnv()` from @corsica/core for development.';

/** The error for a call without options (`cors()`): the peers' default was every origin. */
export function noOptions(call: string, peer: string): CorsConfigError {
  return new CorsConfigError([problem('origin.missing', 'origin', `${call} has no \`origin\`; ${peer} then allowed every origin, and Corsica has no default origin.`, NO_ORIGIN_FIX)]);
}

/** Moves a peer's option name to Corsica's (`allowHeaders` → `allowedHeaders`); both at once is a conflict. */
export function rename(options: Record<string, unknown>, from: string, to: string, problems: ConfigProblem[]): void {
  if (!(from in options)) return;
  if (to in options) problems.push(problem('option.conflict', from, `\`${from}\` and \`${to}\` are the same option, given twice.`, `Keep one of them (Corsica's name is \`${to}\`).`));
  else options[to] = options[from];
  delete options[from];
}

/**
 * Fills in what a peer does when an option is left out (its methods, and every requested header
 * mirrored), with one warning naming the options that would tighten it.
 */
export function peerDefaults(options: Record<string, unknown>, peer: string, methods: string | undefined, warnings: ConfigWarning[]): void {
  const left: string[] = [];
  const fix: string[] = [];
  if (methods !== undefined && options.methods === undefined) {
    options.methods = methods;
    left.push(`methods ${methods.split(',').join(', ')}`);
    fix.push('`methods: ["GET", "POST"]`');
  }
  if (options.allowedHeaders === undefined && options.mirrorRequestHeaders === undefined) {
    options.mirrorRequestHeaders = true;
    left.push('every requested header allowed (each still checked: a valid name, never a forbidden one)');
    fix.push('`allowedHeaders: ["Content-Type", "Authorization"]`');
  }
  if (left.length === 0) return;
  warnings.push(warning('dropin.peer-defaults', 'options', `options left out keep ${peer}'s open defaults: ${left.join('; ')}.`, `List what your API uses: ${fix.join(', ')}.`));
}

/**
 * Compiles translated options: every problem, the translation's and the core's, in one
 * `CorsConfigError` (a missing origin with the drop-in fix), then the translation's warnings
 * through `onWarning` (default `console.warn`, `false` silences them).
 */
export function compileTranslated(options: Record<string, unknown>, problems: readonly ConfigProblem[] = [], warnings: readonly ConfigWarning[] = []): Policy {
  let policy: Policy | undefined;
  let found: readonly ConfigProblem[] = [];
  try {
    policy = createPolicy((problems.length > 0 ? { ...options, onWarning: false } : options) as unknown as CorsOptions);
  } catch (error) {
    if (!(error instanceof CorsConfigError)) throw error;
    const told = new Set(problems.map((p) => p.path));
    found = error.problems.filter((p) => !(p.code === 'origin.missing' && told.has('origin'))).map((p) => (p.code === 'origin.missing' ? { ...p, fix: NO_ORIGIN_FIX } : p));
  }
  if (problems.length > 0 || found.length > 0) throw new CorsConfigError([...problems, ...found]);
  const onWarning = options.onWarning;
  if (onWarning !== false) {
    for (const w of warnings) {
      if (typeof onWarning === 'function') (onWarning as (w: ConfigWarning) => void)(w);
      else console.warn(`${w.message} Fix: ${w.fix}`);
    }
  }
  return policy!;
}

/**
 * The `cors` / `@fastify/cors` boolean origins: `false` (or a list of only `false`) turns CORS off,
 * `true` (also inside a list) reflects every origin — a configuration error with credentials, and
 * `'*'` with a warning without them. Anything else is returned unchanged (minus `false` entries).
 */
function booleanOrigin(origin: unknown, credentials: boolean, problems: ConfigProblem[], warnings: ConfigWarning[]): unknown {
  let value = origin;
  if (Array.isArray(value)) value = value.includes(true) ? true : value.filter((entry) => entry !== false);
  if (value === false) return DISABLED;
  if (value !== true) return value;
  if (credentials) {
    problems.push(problem('origin.wildcard-with-credentials', 'origin', '`origin: true` reflects every origin, and with `credentials: true` any website could read your users\' data with their cookies.', 'List the origins allowed to send credentials: `origin: ["https://app.example.com"]` (or `policyFromEnv()` from @corsica/core for development).'));
    return undefined;
  }
  warnings.push(warning('dropin.reflect-origin', 'origin', '`origin: true` reflects every origin; without credentials that is what `origin: "*"` does, so Corsica answers `*`.', 'Write `origin: "*"` to say so, or list your origins.'));
  return '*';
}
