/**
 * HTTP/1.1 over a raw `net` socket: requests go out byte for byte as built (repeated lines, odd
 * bytes, any method token), and responses are parsed strictly (status line, field lines, body
 * framed by Content-Length, chunked coding or the end of the connection), so that a malformed
 * header line, a second unexpected response or a missing answer is seen, never smoothed over.
 */
import net from 'node:net';

/** One parsed response. Header values are latin1 strings, as the bytes came. */
export interface RawResponse {
  readonly status: number;
  /** Field lines in order: [name as sent, value without surrounding whitespace]. */
  readonly headers: readonly (readonly [string, string])[];
  /** Head lines that are not well-formed field lines (a CR, LF, NUL or other control byte inside, a bad name). */
  readonly malformed: readonly string[];
  readonly body: Buffer;
}

/**
 * Every value of a header (case-insensitive name), one per line.
 *
 * @example
 * ```ts
 * expect(headerValues(response, 'access-control-allow-origin')).toEqual([APP]);
 * ```
 */
export function headerValues(response: RawResponse, name: string): string[] {
  const key = name.toLowerCase();
  return response.headers.filter(([n]) => n.toLowerCase() === key).map(([, v]) => v);
}

/** What came back on one connection. */
export interface Exchange {
  readonly responses: readonly RawResponse[];
  /** Why parsing stopped early, if it did (bad framing, unparsable head, extra bytes). */
  readonly parseError?: string;
  /** A socket error (ECONNRESET when the server dropped the connection). */
  readonly socketError?: string;
  /** No end of the exchange within the timeout: the server hangs. */
  readonly timedOut: boolean;
  /** Milliseconds from connecting to the end of the exchange. */
  readonly ms: number;
  /** For each response, milliseconds from the moment the requests were written until it was parsed. */
  readonly arrivals: readonly number[];
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// a field value: visible ASCII, obs-text, spaces and tabs inside (RFC 9110 §5.5)
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const STATUS_LINE = /^HTTP\/1\.[01] (\d{3})(?: [\t\x20-\x7e\x80-\xff]*)?$/;

type Parsed = { readonly response: RawResponse; readonly next: number } | { readonly incomplete: true } | { readonly error: string };

function parseHead(head: string): { status: number; headers: [string, string][]; malformed: string[] } | { error: string } {
  const lines = head.split('\r\n');
  const match = STATUS_LINE.exec(lines[0] ?? '');
  if (match === null) return { error: `bad status line ${JSON.stringify((lines[0] ?? '').slice(0, 200))}` };
  const headers: [string, string][] = [];
  const malformed: string[] = [];
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    const name = colon < 0 ? '' : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
    if (colon < 0 || !TOKEN.test(name) || !FIELD_VALUE.test(value)) {
      malformed.push(line);
      continue;
    }
    headers.push([name, value]);
  }
  return { status: Number(match[1]), headers, malformed };
}

/** Parses the chunked body starting at `start`; answers the body and where the message ends. */
function parseChunked(buf: Buffer, start: number): { body: Buffer; next: number } | 'incomplete' | { error: string } {
  const parts: Buffer[] = [];
  let at = start;
  for (;;) {
    const lineEnd = buf.indexOf('\r\n', at, 'latin1');
    if (lineEnd < 0) return 'incomplete';
    const sizeText = buf.toString('latin1', at, lineEnd).split(';')[0]!.trim();
    if (!/^[0-9a-fA-F]{1,8}$/.test(sizeText)) return { error: `bad chunk size ${JSON.stringify(sizeText)}` };
    const size = parseInt(sizeText, 16);
    at = lineEnd + 2;
    if (size === 0) {
      // trailer section, then the empty line
      for (;;) {
        const end = buf.indexOf('\r\n', at, 'latin1');
        if (end < 0) return 'incomplete';
        const empty = end === at;
        at = end + 2;
        if (empty) return { body: Buffer.concat(parts), next: at };
      }
    }
    if (buf.length < at + size + 2) return 'incomplete';
    parts.push(buf.subarray(at, at + size));
    if (buf.toString('latin1', at + size, at + size + 2) !== '\r\n') return { error: 'chunk not followed by CRLF' };
    at += size + 2;
  }
}

/** Parses one response for a request of `method` from `buf` at `offset`. */
export function parseResponse(buf: Buffer, offset: number, method: string, atEof: boolean): Parsed {
  let at = offset;
  for (;;) {
    const headEnd = buf.indexOf('\r\n\r\n', at, 'latin1');
    if (headEnd < 0) return atEof ? { error: buf.length > at ? 'connection closed inside a response head' : 'no response' } : { incomplete: true };
    const head = parseHead(buf.toString('latin1', at, headEnd));
    if ('error' in head) return head;
    const bodyStart = headEnd + 4;
    // an interim response (100 Continue) precedes the final one
    if (head.status >= 100 && head.status < 200) {
      at = bodyStart;
      continue;
    }
    const done = (body: Buffer, next: number): Parsed => ({ response: { status: head.status, headers: head.headers, malformed: head.malformed, body }, next });
    if (method === 'HEAD' || head.status === 204 || head.status === 304) return done(Buffer.alloc(0), bodyStart);
    const te = head.headers.filter(([n]) => n.toLowerCase() === 'transfer-encoding').map(([, v]) => v.toLowerCase());
    if (te.length > 0) {
      if (!/(^|,)\s*chunked$/.test(te.join(','))) return { error: `unsupported transfer-encoding ${te.join(',')}` };
      const chunked = parseChunked(buf, bodyStart);
      if (chunked === 'incomplete') return atEof ? { error: 'connection closed inside a chunked body' } : { incomplete: true };
      if ('error' in chunked) return chunked;
      return done(chunked.body, chunked.next);
    }
    const lengths = [...new Set(head.headers.filter(([n]) => n.toLowerCase() === 'content-length').map(([, v]) => v))];
    if (lengths.length > 1) return { error: `conflicting content-length ${lengths.join(' / ')}` };
    if (lengths.length === 1) {
      if (!/^\d+$/.test(lengths[0]!)) return { error: `bad content-length ${lengths[0]}` };
      const length = Number(lengths[0]);
      if (buf.length < bodyStart + length) return atEof ? { error: 'connection closed inside a body' } : { incomplete: true };
      return done(buf.subarray(bodyStart, bodyStart + length), bodyStart + length);
    }
    // no framing: the body runs to the end of the connection
    if (!atEof) return { incomplete: true };
    return done(buf.subarray(bodyStart), buf.length);
  }
}

/**
 * Writes `request` (one or several pipelined requests) on a new connection to 127.0.0.1:`port`
 * and parses one response per entry of `methods`. With `closeAfter`, waits for the server to
 * close (requests sent with `Connection: close`) and checks that nothing follows the responses;
 * otherwise ends the connection once every response arrived.
 *
 * @example
 * ```ts
 * const bytes = toBytes({ method: 'OPTIONS', path: '/ok', lines: [['Origin', APP], ['Access-Control-Request-Method', 'PUT']] }, port, 'close');
 * const { responses, timedOut } = await exchange(port, bytes, ['OPTIONS'], { timeoutMs: 5000, closeAfter: true });
 * ```
 */
export function exchange(port: number, request: Buffer, methods: readonly string[], options: { readonly timeoutMs: number; readonly closeAfter: boolean }): Promise<Exchange> {
  const started = performance.now();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let socketError: string | undefined;
    let finished = false;
    const responses: RawResponse[] = [];
    const arrivals: number[] = [];
    let written = started;
    let buf = Buffer.alloc(0);

    const finish = (timedOut: boolean, parseError?: string): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ responses, arrivals, timedOut, ms: performance.now() - started, ...(parseError === undefined ? {} : { parseError }), ...(socketError === undefined ? {} : { socketError }) });
    };

    // parses what has arrived; answers an error, or undefined
    const drain = (atEof: boolean): string | undefined => {
      if (chunks.length > 0) {
        buf = Buffer.concat([buf, ...chunks], buf.length + size);
        chunks.length = 0;
        size = 0;
      }
      while (responses.length < methods.length) {
        const parsed = parseResponse(buf, 0, methods[responses.length]!, atEof);
        if ('incomplete' in parsed) return undefined;
        if ('error' in parsed) return responses.length > 0 && parsed.error === 'no response' && atEof ? `only ${responses.length} of ${methods.length} responses` : parsed.error;
        responses.push(parsed.response);
        arrivals.push(performance.now() - written);
        // drop what is parsed, so a long pipelined stream is not copied over and over
        buf = buf.subarray(parsed.next);
      }
      if (buf.length > 0) return `${buf.length} unexpected bytes after the last response: ${JSON.stringify(buf.toString('latin1', 0, 120))}`;
      return undefined;
    };

    const socket = net.connect({ port, host: '127.0.0.1' });
    const timer = setTimeout(() => finish(true), options.timeoutMs);
    // no half-close after writing: Node's server aborts requests still in progress when the
    // client's side ends first (httpAllowHalfOpen is off by default)
    socket.on('connect', () => {
      written = performance.now();
      socket.write(request);
    });
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (options.closeAfter) return;
      const error = drain(false);
      if (error !== undefined || responses.length === methods.length) finish(false, error);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      socketError = error.code ?? error.message;
    });
    socket.on('close', () => {
      if (finished) return;
      finish(false, drain(true));
    });
  });
}
