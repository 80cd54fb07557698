import { ServerResponse, IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { keepVary } from './keep-vary.js';

const ORIGIN = Object.freeze(['Origin']);

function response(): ServerResponse {
  return new ServerResponse(new IncomingMessage(new Socket()));
}

describe('keepVary', () => {
  it.each([
    { desc: 'a replaced Vary', set: 'Accept-Encoding', want: 'Accept-Encoding, Origin' },
    { desc: 'an array', set: ['Accept-Encoding', 'Cookie'], want: 'Accept-Encoding, Cookie, Origin' },
    { desc: 'a value that already holds the names', set: 'origin, Accept-Encoding', want: 'origin, Accept-Encoding' },
    { desc: 'Vary: *', set: '*', want: '*' },
    { desc: 'a list holding *', set: 'Cookie, *', want: 'Cookie, *' },
    { desc: 'a name that only contains Origin', set: 'X-Origin-Id, Origins', want: 'X-Origin-Id, Origins, Origin' },
    { desc: 'an empty value', set: ' ', want: 'Origin' },
    { desc: 'a number', set: 7, want: '7, Origin' },
  ])('merges the names into $desc', ({ set, want }) => {
    const res = response();
    res.setHeader('Vary', 'Origin');
    keepVary(res, ORIGIN);
    res.setHeader('vary', set);
    expect([res.getHeader('Vary')].flat().join(', ')).toBe(want);
  });

  it('leaves every other header alone, and the name as the caller spelled it', () => {
    const res = response();
    keepVary(res, ORIGIN);
    res.setHeader('Content-Type', 'text/plain');
    res.setHeader('VARY', 'Cookie');
    expect(res.getHeader('content-type')).toBe('text/plain');
    expect(res.getHeader('vary')).toBe('Cookie, Origin');
    // Node 20 has getRawHeaderNames; its types here do not declare it
    expect((res as unknown as { getRawHeaderNames(): string[] }).getRawHeaderNames()).toEqual(['Content-Type', 'VARY']);
  });

  it('leaves exactly the names when Vary is removed, and removes other headers', () => {
    const res = response();
    res.setHeader('Vary', 'Origin, Cookie');
    res.setHeader('X-Other', '1');
    keepVary(res, ORIGIN);
    res.removeHeader('Vary');
    res.removeHeader('X-Other');
    expect(res.getHeaders()).toEqual({ vary: 'Origin' });
  });

  it('covers writeHead(status, headers) on a response that already holds headers', () => {
    const res = response();
    res.setHeader('Vary', 'Origin');
    keepVary(res, ORIGIN);
    res.writeHead(200, { Vary: 'Accept-Encoding' });
    expect(res.getHeader('vary')).toBe('Accept-Encoding, Origin');
  });

  it('does nothing for an empty list, and installs one pair of shared functions per list', () => {
    const bare = response();
    keepVary(bare, []);
    expect(Object.hasOwn(bare, 'setHeader')).toBe(false);
    const a = response();
    const b = response();
    keepVary(a, ORIGIN);
    keepVary(b, ORIGIN);
    keepVary(b, ORIGIN);
    expect(a.setHeader).toBe(b.setHeader);
    expect(a.removeHeader).toBe(b.removeHeader);
    b.setHeader('Vary', 'Cookie');
    expect(b.getHeader('vary')).toBe('Cookie, Origin');
  });

  it('copies a list that is not frozen, so changing it later changes nothing', () => {
    const names = ['Origin'];
    const res = response();
    keepVary(res, names);
    names[0] = 'Cookie';
    res.setHeader('Vary', 'Accept-Encoding');
    expect(res.getHeader('vary')).toBe('Accept-Encoding, Origin');
  });

  it('calls a setHeader the response had of its own before, and keeps two lists together', () => {
    const res = response();
    const seen: string[] = [];
    const inherited = ServerResponse.prototype.setHeader;
    res.setHeader = function instrumented(this: ServerResponse, name, value) {
      seen.push(name);
      return inherited.call(this, name, value);
    };
    keepVary(res, ORIGIN);
    keepVary(res, Object.freeze(['Access-Control-Request-Method']));
    res.setHeader('Vary', 'Cookie');
    expect(seen).toEqual(['Vary']);
    // the later list is merged first, then the earlier one, by the keeper it wraps
    expect(res.getHeader('vary')).toBe('Cookie, Access-Control-Request-Method, Origin');
  });
});
