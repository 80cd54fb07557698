// The slice of Deno's globals the Deno example uses (Deno type-checks with its own).
declare namespace Deno {
  const env: { get(name: string): string | undefined };
  function serve(
    options: { port?: number; hostname?: string; onListen?: (address: { hostname: string; port: number }) => void },
    handler: (request: Request, info: { remoteAddr: unknown }) => Response | Promise<Response>,
  ): { finished: Promise<void> };
}
