/**
 * Properties of the linear-time `Access-Control-Request-Headers` parser (`checkHeaderList` in
 * token.ts): total on any string, bounded cost, caps enforced at N and N+1, and the same verdict
 * as a naive split-and-trim reference.
 * @see https://fetch.spec.whatwg.org/#cors-preflight-fetch
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_EMPTY_ELEMENTS, MAX_REQUEST_HEADER_NAMES, MAX_REQUEST_HEADERS_LENGTH, checkHeaderList } from './header-list.js';
import type { HeaderListVerdict } from './header-list.js';
import { refSplitHeaderList, renderHeaderList } from '../../test/arbitraries.js';

/** Header names as browsers send them, and as hand-written code sends them. */
const token = fc.oneof(
  fc.constantFrom('content-type', 'authorization', 'x-requested-with', 'X-Api-Key', 'accept', 'x', "x-!#$%&'*+.^_`|~"),
  fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}$/),
);

/** Characters that make up header lists and what breaks them. */
const LIST_UNIT = fc.constantFrom('a', 'B', 'x', '-', '_', ',', ',', ' ', '\t', '\r', '\n', '\0', ':', ';', '"', '\u00e9', '\u00a0', '\u{1F600}');

/** Strings of every size around MAX_REQUEST_HEADERS_LENGTH, made of a repeated unit. */
const longValue = fc
  .tuple(fc.string({ unit: LIST_UNIT, minLength: 1, maxLength: 6 }), fc.integer({ min: -2, max: 2 }), fc.constantFrom(1, 1, 1, 5))
  .map(([unit, delta, times]) => unit.repeat(Math.ceil(((MAX_REQUEST_HEADERS_LENGTH + delta) * times) / unit.length)).slice(0, (MAX_REQUEST_HEADERS_LENGTH + delta) * times));

const anyValue = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: LIST_UNIT, maxLength: 300 }),
  longValue,
);

/** Runs the parser, recording every name it asks about. */
function run(value: string, allows: (name: string) => boolean = () => true): { verdict: HeaderListVerdict; asked: string[] } {
  const asked: string[] = [];
  const verdict = checkHeaderList(value, (name) => {
    asked.push(name);
    return allows(name);
  });
  return { verdict, asked };
}

describe('checkHeaderList', () => {
  it('never throws, rejects exactly the values longer than MAX_REQUEST_HEADERS_LENGTH as headers-too-long without reading them, and asks about at most MAX_REQUEST_HEADER_NAMES names', () => {
    fc.assert(
      fc.property(anyValue, fc.boolean(), (value, allowAll) => {
        let result: ReturnType<typeof run> | undefined;
        expect(() => (result = run(value, allowAll ? () => true : (n) => n.length % 2 === 0))).not.toThrow();
        const { verdict, asked } = result!;
        const tooLong = !verdict.ok && verdict.reason === 'headers-too-long';
        expect(tooLong).toBe(value.length > MAX_REQUEST_HEADERS_LENGTH);
        if (tooLong) expect(asked).toEqual([]);
        expect(asked.length).toBeLessThanOrEqual(MAX_REQUEST_HEADER_NAMES);
        for (const name of asked) expect(name).toBe(name.toLowerCase());
      }),
      { numRuns: 300, examples: [[''.padEnd(MAX_REQUEST_HEADERS_LENGTH, 'a'), true], [''.padEnd(MAX_REQUEST_HEADERS_LENGTH + 1, 'a'), true], [' ,'.repeat(4096), true]] },
    );
  });

  it('accepts a list of tokens within the caps when every name is allowed, asking about each name once, lower-cased, in order', () => {
    fc.assert(
      fc.property(fc.array(token, { minLength: 1, maxLength: MAX_REQUEST_HEADER_NAMES }).chain((names) => fc.tuple(fc.constant(names), renderHeaderList(names))), ([names, value]) => {
        expect(value.length).toBeLessThanOrEqual(MAX_REQUEST_HEADERS_LENGTH);
        const { verdict, asked } = run(value);
        expect(verdict).toEqual({ ok: true });
        expect([...asked].sort()).toEqual(names.map((n) => n.toLowerCase()).sort());
      }),
      { numRuns: 150 },
    );
  });

  it('enforces the caps at N and N+1: MAX_REQUEST_HEADER_NAMES names and MAX_EMPTY_ELEMENTS empty elements pass, one more does not', () => {
    fc.assert(
      fc.property(fc.integer({ min: -3, max: 3 }), fc.integer({ min: -3, max: 3 }), token, (dn, de, name) => {
        const names = Array.from({ length: MAX_REQUEST_HEADER_NAMES + dn }, (_, i) => `${name}${i}`);
        expect(run(names.join(',')).verdict.ok).toBe(dn <= 0);
        if (dn > 0) expect(run(names.join(',')).verdict).toEqual({ ok: false, reason: 'headers-too-many' });
        const empties = MAX_EMPTY_ELEMENTS + de;
        const withEmpties = [name, ...Array.from({ length: empties }, () => ' ')].join(',');
        expect(run(withEmpties).verdict.ok).toBe(de <= 0);
      }),
      { numRuns: 50 },
    );
  });

  it('denies a well-formed list naming a header that is not allowed, and reports the first such name', () => {
    fc.assert(
      fc.property(
        fc.array(token, { minLength: 1, maxLength: 20 }).chain((names) => fc.tuple(renderHeaderList(names), fc.subarray(names.map((n) => n.toLowerCase())))),
        ([value, allowedNames]) => {
          const allowed = new Set(allowedNames);
          const { verdict } = run(value, (n) => allowed.has(n));
          const ref = refSplitHeaderList(value);
          expect(ref.ok).toBe(true);
          const firstBad = ref.ok ? ref.names.find((n) => !allowed.has(n)) : undefined;
          if (firstBad === undefined) expect(verdict).toEqual({ ok: true });
          else expect(verdict).toEqual({ ok: false, reason: 'header-not-allowed', name: firstBad });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('gives the same verdict as a naive split-on-commas-and-trim reference for arbitrary strings', () => {
    fc.assert(
      fc.property(fc.oneof(anyValue, fc.array(token, { maxLength: 8 }).chain(renderHeaderList)), fc.nat(), (value, salt) => {
        const allows = (n: string) => (n.length + salt) % 3 !== 0;
        const ref = refSplitHeaderList(value);
        const want = ref.ok && ref.names.every(allows);
        expect(run(value, allows).verdict.ok, JSON.stringify(value)).toBe(want);
      }),
      { numRuns: 400, examples: [['a,,b', 0], [',', 0], ['a b', 0], ['a\u00a0', 0], ['\ta\t,\tb\t', 0], ['a,\r\nb', 0]] },
    );
  });

  it('judges the same set of names the same whatever the order, letter case, optional whitespace or empty elements', () => {
    fc.assert(
      fc.property(
        fc.array(token, { maxLength: 10 }).chain((names) => fc.tuple(renderHeaderList(names), renderHeaderList(names), fc.subarray(names.map((n) => n.toLowerCase())))),
        ([a, b, allowedNames]) => {
          const allowed = new Set(allowedNames);
          expect(run(a, (n) => allowed.has(n)).verdict.ok).toBe(run(b, (n) => allowed.has(n)).verdict.ok);
        },
      ),
      { numRuns: 200 },
    );
  });
});
