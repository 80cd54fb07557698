// The slice of @cloudflare/workers-types the Workers examples use.
interface KVNamespace {
  get(key: string): Promise<string | null>;
}
interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
  passThroughOnException(): void;
}
interface ExportedHandler<Env = unknown> {
  fetch?: (request: Request, env: Env, ctx: ExecutionContext) => Response | Promise<Response>;
}
