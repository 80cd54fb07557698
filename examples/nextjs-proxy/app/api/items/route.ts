// No CORS code here: proxy.ts handles it for every route it matches.
import { NextResponse } from 'next/server';
import type { NextRequest } from 'next/server';

export function GET(request: NextRequest) {
  return NextResponse.json({ items: [], page: request.nextUrl.searchParams.get('page') });
}

export async function POST(request: NextRequest) {
  return NextResponse.json({ created: await request.json() }, { status: 201 });
}
