// The few Express 5 types the audit tests use (@types/express is not a dependency of this package).
declare module 'express' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  type Handler = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;
  interface Application {
    (req: IncomingMessage, res: ServerResponse): void;
    use(...handlers: Handler[]): Application;
  }
  export default function express(): Application;
}
