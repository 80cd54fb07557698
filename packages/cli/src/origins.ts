/**
 * `corsica origins add|remove|list`: the writer side of `@corsica/redis`. Every origin is checked
 * with the core's own rules before anything is written, so a typo never reaches the fleet.
 * @module
 */
import { CorsConfigError, createPolicy } from '@corsica/core';
import type { ConfigProblem } from '@corsica/core';

/** What is wrong with `origin` as a member of the allowlist, or `undefined` when nothing is. */
export function originProblem(origin: string, credentials: boolean): ConfigProblem | undefined {
  try {
    createPolicy({ origin: [origin], credentials, onWarning: false });
    return undefined;
  } catch (error) {
    if (error instanceof CorsConfigError) return error.problems[0];
    throw error;
  }
}

/** The outcome of a command, for the CLI to print. */
export interface OriginsResult {
  readonly out: string;
  readonly err: string;
  readonly code: 0 | 1 | 2;
}

/**
 * Runs one `origins` action against the set `key` at `url`. Validation happens before the
 * connection: an invalid origin means nothing is written (exit 2).
 */
export async function runOrigins(action: 'add' | 'remove' | 'list', url: string, key: string, origins: readonly string[], credentials: boolean): Promise<OriginsResult> {
  if (action === 'add') {
    const problems = origins.map((o) => ({ o, p: originProblem(o, credentials) })).filter((x) => x.p !== undefined);
    if (problems.length > 0) {
      const lines = problems.map(({ o, p }) => `  - ${JSON.stringify(o)}: ${p!.message.replace(/^corsica: `origin\[0\]` \S+ /, '')} [${p!.code}]\n    fix: ${p!.fix}`);
      return { out: '', err: `corsica: nothing was written to "${key}"; ${problems.length === 1 ? 'this origin is' : 'these origins are'} not valid:\n${lines.join('\n')}\n`, code: 2 };
    }
  }
  const { createClient } = await import('@redis/client');
  const { addOrigins, removeOrigins } = await import('@corsica/redis');
  const client = createClient({ url, socket: { reconnectStrategy: false, connectTimeout: 5000 } });
  let connectError: unknown;
  client.on('error', (error: unknown) => {
    connectError ??= error;
  });
  try {
    await client.connect();
  } catch (error) {
    return { out: '', err: `corsica: cannot reach Redis at --redis ${url}: ${(connectError ?? error) instanceof Error ? ((connectError ?? error) as Error).message : String(error)}. Check the URL (redis://host:port or rediss://user:password@host:port).\n`, code: 2 };
  }
  try {
    if (action === 'add') {
      const added = await addOrigins(client, key, origins);
      return { out: `Added ${added} of ${origins.length} to "${key}" (${origins.length - added} already there); every instance follows within milliseconds.\n`, err: '', code: 0 };
    }
    if (action === 'remove') {
      const removed = await removeOrigins(client, key, origins);
      return { out: `Removed ${removed} of ${origins.length} from "${key}" (${origins.length - removed} were not there).\n`, err: '', code: 0 };
    }
    const members = (await client.sMembers(key)).sort();
    const invalid = members.map((o) => ({ o, p: originProblem(o, credentials) })).filter((x) => x.p !== undefined);
    const err = invalid.map(({ o, p }) => `corsica: ${JSON.stringify(o)} in "${key}" is skipped by every instance: [${p!.code}] ${p!.fix} Remove it: corsica origins remove --redis URL --key ${key} ${JSON.stringify(o)}\n`).join('');
    return { out: members.map((m) => `${m}\n`).join(''), err, code: invalid.length > 0 ? 1 : 0 };
  } finally {
    await client.close();
  }
}
