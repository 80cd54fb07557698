/**
 * The origin guard for WebSocket handshakes that Node delivers outside the middleware chain:
 * `server.on('upgrade')`, the `ws` package's `verifyClient`, Socket.IO's `allowRequest`.
 * @module
 */
import type { Decision, Policy } from '../types.js';
import type { NodeRequestLike } from './facts.js';
import { factsFromNodeRequest } from './facts.js';

/** The parts of a `net.Socket` an upgrade answer needs. */
export interface UpgradeSocket {
  write(chunk: string): unknown;
  destroy(): unknown;
}

function needsGuard(policy: Policy, helper: string): void {
  if (policy.config.guard === undefined) {
    throw new TypeError(`corsica: ${helper} checks WebSocket handshakes with the policy's origin guard, which is off. Add \`guard: {}\` to the options (or \`guard: { hosts: [...] }\`), then pass the policy.`);
  }
}

/** Decides a handshake as the guard sees it: `Upgrade: websocket`, whatever the client sent. */
async function decideHandshake(policy: Policy, req: NodeRequestLike, forceWebSocket: boolean): Promise<Decision> {
  const facts = factsFromNodeRequest(req);
  const asHandshake = forceWebSocket ? { ...facts, upgrade: 'websocket' } : facts;
  return policy.isAsync ? policy.decideAsync(asHandshake) : policy.decide(asHandshake);
}

/**
 * For `server.on('upgrade', ...)`, where Node hands over the socket before any middleware runs:
 * resolves `true` when the handshake may proceed; otherwise answers 403 on the socket, destroys
 * it and resolves `false`. The policy must have `guard`.
 *
 * @example
 * ```ts
 * const allowed = guardUpgrade(policy);
 * server.on('upgrade', async (req, socket, head) => {
 *   if (!(await allowed(req, socket))) return;
 *   wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
 * });
 * ```
 */
export function guardUpgrade(policy: Policy): (req: NodeRequestLike, socket: UpgradeSocket) => Promise<boolean> {
  needsGuard(policy, 'guardUpgrade');
  return async (req, socket) => {
    const decision = await decideHandshake(policy, req, false);
    if (decision.status === undefined) return true;
    const body = decision.body ?? '';
    const headers = Object.entries(decision.headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
    try {
      socket.write(`HTTP/1.1 ${decision.status} Forbidden\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${new TextEncoder().encode(body).length}\r\n${headers}Connection: close\r\n\r\n${body}`);
    } finally {
      socket.destroy();
    }
    return false;
  };
}

/**
 * For the `ws` package's `verifyClient` option: refuses a handshake the guard rejects with 403.
 *
 * @example
 * ```ts
 * const wss = new WebSocketServer({ server, verifyClient: wsVerifyClient(policy) });
 * ```
 */
export function wsVerifyClient(policy: Policy): (info: { readonly req: NodeRequestLike }, callback: (result: boolean, code?: number, message?: string) => void) => void {
  needsGuard(policy, 'wsVerifyClient');
  return (info, callback) => {
    decideHandshake(policy, info.req, false).then(
      (decision) => (decision.status === undefined ? callback(true) : callback(false, decision.status, 'Forbidden')),
      () => callback(false, 403, 'Forbidden'),
    );
  };
}

/**
 * For Socket.IO's `allowRequest` option: every handshake request (polling or WebSocket) is
 * checked as a WebSocket handshake, so a cross-site page cannot open a session.
 *
 * @example
 * ```ts
 * const io = new Server(server, { allowRequest: socketIoAllowRequest(policy) });
 * ```
 */
export function socketIoAllowRequest(policy: Policy): (req: NodeRequestLike, callback: (error: string | null | undefined, success: boolean) => void) => void {
  needsGuard(policy, 'socketIoAllowRequest');
  return (req, callback) => {
    decideHandshake(policy, req, true).then(
      (decision) => (decision.status === undefined ? callback(null, true) : callback(decision.reason, false)),
      () => callback('internal-error', false),
    );
  };
}
