/**
 * Small helpers the suites share.
 */

/**
 * Runs `task` over `items` with at most `limit` in flight; answers the results in item order.
 *
 * @example
 * ```ts
 * const results = await pool(requests, 32, (request) => exchange(port, toBytes(request, port, 'close'), [request.method], options));
 * ```
 */
export async function pool<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      out[index] = await task(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * A positive integer from the environment, or the default; anything else is an error.
 *
 * @example
 * ```ts
 * const SOAK_SECONDS = envInt('SOAK_SECONDS', 30);
 * ```
 */
export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`reliability: ${name}=${JSON.stringify(raw)} must be a positive whole number`);
  return n;
}
