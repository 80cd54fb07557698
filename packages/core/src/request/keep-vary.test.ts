import { ServerResponse, IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createPolicy } from '../policy.js';
import { factsFromNodeRequest } from './facts.js';
import { keepRecordedVary, keepVary, keepVaryAtWriteHead } from './keep-vary.js';
import { decideOnce } from './once.js';

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

/** The Vary lines of the head the response wrote, joined. */
function sentVary(res: ServerResponse): string {
  const head = (res as unknown as { _header: string | null })._header ?? '';
  return [...head.matchAll(/^vary: *(.*)\r$/gim)].map((m) => m[1]).join(' | ');
}

describe('keepVaryAtWriteHead', () => {
  type Case = { desc: string; act: (res: ServerResponse) => void; want: string };
  it.each<Case>([
    { desc: 'no change by the app', act: (res) => res.writeHead(200, { vary: 'Origin', 'content-type': 'text/plain' }), want: 'Origin' },
    { desc: 'the Vary in writeHead’s headers replaced', act: (res) => res.writeHead(200, { vary: 'Accept-Encoding' }), want: 'Accept-Encoding, Origin' },
    { desc: 'a Vary key in another case', act: (res) => res.writeHead(200, { VARY: 'Accept-Encoding' }), want: 'Accept-Encoding, Origin' },
    { desc: 'setHeader, then writeHead with a Vary (both kept)', act: (res) => {
        res.setHeader('Vary', 'Cookie');
        res.writeHead(200, { vary: 'Origin' });
      }, want: 'Cookie, Origin' },
    { desc: 'setHeader, then an implicit head (end)', act: (res) => {
        res.setHeader('Vary', 'Accept-Encoding');
        res.end('ok');
      }, want: 'Accept-Encoding, Origin' },
    { desc: 'removeHeader, then an implicit head', act: (res) => {
        res.removeHeader('Vary');
        res.end();
      }, want: 'Origin' },
    { desc: 'writeHead(status, reason, headers)', act: (res) => res.writeHead(200, 'Fine', { Vary: 'Accept-Encoding' }), want: 'Accept-Encoding, Origin' },
    { desc: 'writeHead with an array', act: (res) => res.writeHead(200, ['Vary', 'Accept-Encoding', 'Content-Type', 'text/plain']), want: 'Accept-Encoding, Origin' },
    { desc: 'Vary: *', act: (res) => res.writeHead(200, { vary: '*' }), want: '*' },
    { desc: 'headers without Vary', act: (res) => res.writeHead(204, { 'x-other': '1' }), want: 'Origin' },
  ])('sends the names after $desc', ({ act, want }) => {
    const res = response();
    keepVaryAtWriteHead(res, ORIGIN);
    act(res);
    expect(sentVary(res)).toBe(want);
  });

  it('lets Node refuse an odd-length header array, as it would without the keeper', () => {
    const res = response();
    keepVaryAtWriteHead(res, ORIGIN);
    expect(() => res.writeHead(200, ['Vary', 'Accept-Encoding', 'Content-Type'])).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
  });

  it('never changes the object passed to writeHead: a frozen or shared one is copied', () => {
    const shared = Object.freeze({ Vary: 'Accept-Encoding', 'Content-Type': 'text/plain' });
    const res = response();
    keepVaryAtWriteHead(res, ORIGIN);
    res.writeHead(200, shared);
    expect(sentVary(res)).toBe('Accept-Encoding, Origin');
    expect(shared).toEqual({ Vary: 'Accept-Encoding', 'Content-Type': 'text/plain' });
  });

  it('calls a writeHead the response had of its own before', () => {
    const calls: number[] = [];
    const res = response();
    const own = ServerResponse.prototype.writeHead;
    // what on-headers does: its own writeHead on the response, calling the inherited one
    res.writeHead = function (this: ServerResponse, ...args: Parameters<ServerResponse['writeHead']>) {
      calls.push(args[0]);
      return own.apply(this, args);
    } as ServerResponse['writeHead'];
    keepVaryAtWriteHead(res, ORIGIN);
    res.writeHead(201, { vary: 'Cookie' });
    expect(calls).toEqual([201]);
    expect(sentVary(res)).toBe('Cookie, Origin');
  });
});

describe.each([
  // keepVary merges at once; keepVaryAtWriteHead when the head is written
  { keeper: 'keepVary', keep: keepVary, own: ['setHeader', 'removeHeader'] as const, beforeHead: 'Cookie, Origin' },
  { keeper: 'keepVaryAtWriteHead', keep: keepVaryAtWriteHead, own: ['writeHead'] as const, beforeHead: 'Cookie' },
])('$keeper', ({ keep, own, beforeHead }) => {
  it('does nothing for an empty list, and installs the same shared functions for the same list', () => {
    const bare = response();
    keep(bare, []);
    for (const name of own) expect(Object.hasOwn(bare, name)).toBe(false);
    const a = response();
    const b = response();
    keep(a, ORIGIN);
    keep(b, ORIGIN);
    keep(b, ORIGIN);
    for (const name of own) {
      expect(Object.hasOwn(b, name)).toBe(true);
      expect(a[name]).toBe(b[name]);
    }
    b.setHeader('Vary', 'Cookie');
    expect(b.getHeader('vary')).toBe(beforeHead);
    b.end();
    expect(sentVary(b)).toBe('Cookie, Origin');
  });
});

describe('keepRecordedVary', () => {
  const APP = 'https://app.example';
  // two origins: with one, every answer carries it and varies on nothing
  const policy = createPolicy({ origin: [APP, 'https://admin.example'], methods: ['GET', 'PUT'] });

  /** A request, decided by `policy` when `decide`, with the decision recorded on it. */
  function request(method: string, headers: Record<string, string>, decide = true): IncomingMessage {
    const req = new IncomingMessage(new Socket());
    req.method = method;
    req.headers = headers;
    if (decide) decideOnce(policy, req, factsFromNodeRequest(req));
    return req;
  }

  /** A framework's own prototype for its responses, right above Node's, as Express's `response`. */
  function equipped(): object {
    const proto = Object.create(ServerResponse.prototype) as object;
    keepRecordedVary(proto);
    return proto;
  }

  function responseOn(proto: object, req: IncomingMessage): ServerResponse {
    return Object.setPrototypeOf(new ServerResponse(req), proto) as ServerResponse;
  }

  it.each<{ desc: string; method: string; headers: Record<string, string>; want: string }>([
    { desc: 'an allowed actual request', method: 'GET', headers: { origin: APP }, want: 'Accept-Encoding, Origin' },
    { desc: 'a denied actual request', method: 'GET', headers: { origin: 'https://evil.example' }, want: 'Accept-Encoding, Origin' },
    { desc: 'a request without Origin', method: 'GET', headers: {}, want: 'Accept-Encoding, Origin' },
    { desc: 'a preflight (answered by the adapter, never kept)', method: 'OPTIONS', headers: { origin: APP, 'access-control-request-method': 'PUT' }, want: 'Accept-Encoding' },
  ])('keeps the recorded names for $desc', ({ method, headers, want }) => {
    const res = responseOn(equipped(), request(method, headers));
    res.setHeader('Vary', 'Accept-Encoding');
    res.end('ok');
    expect(sentVary(res)).toBe(want);
  });

  it('leaves a response whose request carries no decision alone, and one made without a request', () => {
    const proto = equipped();
    const res = responseOn(proto, request('GET', { origin: APP }, false));
    res.writeHead(200, { Vary: 'Accept-Encoding' });
    expect(sentVary(res)).toBe('Accept-Encoding');
    const orphan = responseOn(proto, request('GET', {}, false));
    (orphan as unknown as { req: unknown }).req = undefined;
    orphan.writeHead(200, { Vary: 'Cookie' });
    expect(sentVary(orphan)).toBe('Cookie');
  });

  it('equips a prototype once, calling the writeHead it had of its own, and adds nothing to responses', () => {
    const calls: number[] = [];
    const proto = Object.create(ServerResponse.prototype) as { writeHead: ServerResponse['writeHead'] };
    const inherited = ServerResponse.prototype.writeHead;
    proto.writeHead = function (this: ServerResponse, ...args: Parameters<ServerResponse['writeHead']>) {
      calls.push(args[0]);
      return inherited.apply(this, args);
    } as ServerResponse['writeHead'];
    keepRecordedVary(proto);
    const installed = proto.writeHead;
    keepRecordedVary(proto);
    expect(proto.writeHead).toBe(installed);
    const res = responseOn(proto, request('GET', { origin: APP }));
    res.writeHead(201, { vary: 'Cookie' });
    expect(calls).toEqual([201]);
    expect(sentVary(res)).toBe('Cookie, Origin');
    // the same own properties as a response that nothing equipped, once Node wrote the head
    const plain = responseOn(Object.create(ServerResponse.prototype) as object, request('GET', { origin: APP }));
    plain.writeHead(201, { vary: 'Cookie' });
    expect(Reflect.ownKeys(res)).toEqual(Reflect.ownKeys(plain));
  });

  it('agrees with a per-response keeper on the same response: each name once', () => {
    const res = responseOn(equipped(), request('GET', { origin: APP }));
    keepVaryAtWriteHead(res, ORIGIN);
    res.setHeader('Vary', 'Accept-Encoding');
    res.end();
    expect(sentVary(res)).toBe('Accept-Encoding, Origin');
  });
});
