/**
 * Many requests at once over few connections: HTTP/1.1 pipelining on raw sockets. Node's server
 * hands every pipelined request to the app as soon as it is parsed (responses are queued in
 * order), so `connections × depth` requests are in the server at the same time.
 */
import type { RawResponse } from './raw-http.js';
import { exchange } from './raw-http.js';
import type { RawRequest } from './requests.js';
import { toBytes } from './requests.js';
import { pool } from './util.js';

/** The outcome of one request. */
export interface Outcome {
  readonly response?: RawResponse;
  /** Milliseconds from writing its connection's requests to parsing its response. */
  readonly ms?: number;
  /** Why there is no response. */
  readonly error?: string;
}

/**
 * Sends `requests` pipelined `depth` per connection, over at most `connections` connections at a
 * time, and answers one outcome per request, in order.
 *
 * @example
 * ```ts
 * // 1,000 requests in the server at once
 * const outcomes = await sendPipelined(port, requests, { connections: 100, depth: 10, timeoutMs: 6000 });
 * ```
 */
export async function sendPipelined(port: number, requests: readonly RawRequest[], options: { readonly connections: number; readonly depth: number; readonly timeoutMs: number }): Promise<Outcome[]> {
  const groups: RawRequest[][] = [];
  for (let i = 0; i < requests.length; i += options.depth) groups.push(requests.slice(i, i + options.depth));
  const results = await pool(groups, options.connections, async (group): Promise<Outcome[]> => {
    const bytes = Buffer.concat(group.map((r) => toBytes(r, port, 'keep-alive')));
    const result = await exchange(port, bytes, group.map((r) => r.method), { timeoutMs: options.timeoutMs, closeAfter: false });
    return group.map((_, i): Outcome => {
      const response = result.responses[i];
      if (response !== undefined) return { response, ms: result.arrivals[i]! };
      const why = result.timedOut ? `no answer within ${options.timeoutMs} ms` : (result.parseError ?? result.socketError ?? 'connection closed');
      return { error: why };
    });
  });
  return results.flat();
}
