// A Next.js App Router route handler. Export OPTIONS too: without it Next.js answers preflights
// itself, with no CORS headers, and the browser blocks the real request.
import { NextResponse } from 'next/server';
import type { NextRequest } from 'next/server';
import { withCors } from '@corsica/fetch';
import { policy } from '../../../cors';

export const GET = withCors((request: NextRequest) => NextResponse.json({ items: [], page: request.nextUrl.searchParams.get('page') }), policy);

export const POST = withCors(async (request: NextRequest) => NextResponse.json({ created: await request.json() }, { status: 201 }), policy);

// preflights are answered by withCors; an OPTIONS without Access-Control-Request-Method lands here
export const OPTIONS = withCors(() => new NextResponse(null, { status: 204, headers: { Allow: 'GET, POST, OPTIONS' } }), policy);
