// The slice of `next/server` the Next.js example uses, so CI type-checks it without installing Next.js.
declare module 'next/server' {
  export class NextRequest extends Request {
    readonly nextUrl: URL;
  }
  export class NextResponse<Body = unknown> extends Response {
    constructor(body?: BodyInit | null, init?: ResponseInit);
    static json<T>(body: T, init?: ResponseInit): NextResponse<T>;
  }
}
