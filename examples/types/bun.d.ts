// The slice of Bun's globals the Bun example uses (the real ones come from `bun-types`).
declare namespace Bun {
  interface Server {
    readonly url: URL;
    readonly port: number;
    upgrade(request: Request): boolean;
  }
  interface ServerWebSocket {
    send(message: string | Uint8Array): number;
  }
  function serve(options: {
    port?: number;
    hostname?: string;
    fetch(request: Request, server: Server): Response | undefined | void | Promise<Response | undefined | void>;
    websocket?: { message(ws: ServerWebSocket, message: string | Uint8Array): void };
  }): Server;
}
