// The slice of `next/server` the Next.js examples and docs use, so CI type-checks them without installing Next.js.
declare module 'next/server' {
  export class NextRequest extends Request {
    readonly nextUrl: URL;
    readonly cookies: { has(name: string): boolean; get(name: string): { readonly value: string } | undefined };
  }
  export class NextResponse<Body = unknown> extends Response {
    constructor(body?: BodyInit | null, init?: ResponseInit);
    static json<T>(body: T, init?: ResponseInit): NextResponse<T>;
    static next(init?: ResponseInit): NextResponse;
    static redirect(url: string | URL, init?: number | ResponseInit): NextResponse;
  }
}
