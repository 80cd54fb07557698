/**
 * Raw HTTP/1.1 requests as data, and the bytes they become on the wire.
 */

/** A request header line: name and value exactly as written (latin1: one byte per char). */
export type Line = readonly [name: string, value: string];

/** A request as sent over a raw socket. */
export interface RawRequest {
  readonly method: string;
  readonly path: string;
  readonly lines: readonly Line[];
  /** Sent with a matching Content-Length. */
  readonly body?: string;
}

/**
 * The request's bytes. `Host` comes first and `Connection` last; each value is written as latin1
 * so obs-text bytes (0x80-0xFF) go out as single bytes.
 *
 * @example
 * ```ts
 * toBytes({ method: 'GET', path: '/ok', lines: [['Origin', APP], ['origin', ADMIN]] }, port, 'close');
 * ```
 */
export function toBytes(request: RawRequest, port: number, connection: 'close' | 'keep-alive'): Buffer {
  let head = `${request.method} ${request.path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`;
  for (const [name, value] of request.lines) head += `${name}: ${value}\r\n`;
  if (request.body !== undefined) head += `Content-Length: ${Buffer.byteLength(request.body, 'latin1')}\r\n`;
  head += `Connection: ${connection}\r\n\r\n`;
  return Buffer.from(head + (request.body ?? ''), 'latin1');
}

/** The values of the request's lines named `name` (case-insensitive), as the server's parser sees them (OWS trimmed). */
export function lineValues(request: RawRequest, name: string): string[] {
  const key = name.toLowerCase();
  return request.lines.filter(([n]) => n.toLowerCase() === key).map(([, v]) => v.replace(/^[ \t]+|[ \t]+$/g, ''));
}

/** A short, escaped rendering for failure messages: long values cut, runs of equal lines counted. */
export function describeRequest(request: RawRequest): string {
  const cut = (s: string): string => (s.length > 160 ? `${s.slice(0, 120)}…(${s.length} chars)` : s);
  const lines: string[] = [];
  for (let i = 0; i < request.lines.length; ) {
    const [name, value] = request.lines[i]!;
    let run = 1;
    while (i + run < request.lines.length && request.lines[i + run]![0] === name && request.lines[i + run]![1] === value) run++;
    lines.push(`${name}: ${JSON.stringify(cut(value))}${run > 1 ? ` (× ${run} lines)` : ''}`);
    i += run;
  }
  return `${JSON.stringify(request.method)} ${request.path}${lines.length > 0 ? `\n    ${lines.join('\n    ')}` : ''}${request.body === undefined ? '' : `\n    (body ${request.body.length} bytes)`}`;
}
