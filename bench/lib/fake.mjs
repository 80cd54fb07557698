/**
 * Minimal stand-ins for Node's request and response and for Koa's context: just the members the
 * measured middlewares touch, identical for every library so the work compared is equal.
 */

/**
 * A Node-style response: a header map, status, end. Names are stored as written, not folded:
 * every measured library writes each name with one spelling (`Vary`, `Access-Control-...`), and
 * folding would add Node's own bookkeeping (about 70 ns a header here) to every library alike,
 * hiding the CORS logic being compared. The HTTP group measures the real thing.
 */
export class FakeResponse {
  constructor() {
    this.statusCode = 200;
    this.headers = {};
    this.ended = false;
  }
  setHeader(name, value) {
    this.headers[name] = value;
    return this;
  }
  getHeader(name) {
    return this.headers[name];
  }
  removeHeader(name) {
    delete this.headers[name];
  }
  hasHeader(name) {
    return name in this.headers;
  }
  end() {
    this.ended = true;
    return this;
  }
}

/** A fresh request object per call: adapters mark requests they handled, so reuse would lie. */
export function fakeRequest(shape) {
  return { method: shape.method, url: '/', headers: shape.headers };
}

/** Appends to Vary the way Koa's `ctx.vary` does (parse what is there, add if missing). */
function appendVary(res, field) {
  const current = res.getHeader('Vary');
  if (current === undefined || current === '') {
    res.setHeader('Vary', field);
    return;
  }
  const text = String(current);
  if (text === '*') return;
  const lower = field.toLowerCase();
  for (const part of text.split(',')) if (part.trim().toLowerCase() === lower) return;
  res.setHeader('Vary', `${text}, ${field}`);
}

/**
 * Koa's context, reduced: `get`/`set`/`vary`/`method` (what `@koa/cors` uses) over `req`/`res`
 * (what `@corsica/koa` uses), plus `status`, `body` and `state`.
 */
export class FakeKoaContext {
  constructor(shape) {
    this.req = fakeRequest(shape);
    this.res = new FakeResponse();
    this.method = shape.method;
    this.state = {};
    this.status = 404;
    this.body = undefined;
  }
  get(name) {
    // request header maps are lower-case, as Node gives them
    const value = this.req.headers[name.toLowerCase()];
    return value === undefined ? '' : value;
  }
  set(name, value) {
    this.res.setHeader(name, value);
  }
  vary(field) {
    appendVary(this.res, field);
  }
}

export const noop = () => {};
export const asyncNoop = async () => {};
