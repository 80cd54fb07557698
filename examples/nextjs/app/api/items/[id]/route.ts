// A dynamic route: withCors passes Next.js's second argument ({ params }) through unchanged.
import { NextResponse } from 'next/server';
import type { NextRequest } from 'next/server';
import { withCors } from '@corsica/fetch';
import { policy } from '../../../../cors';

export const GET = withCors(async (_request: NextRequest, { params }: { params: Promise<{ id: string }> }) => {
  const { id } = await params;
  return NextResponse.json({ id });
}, policy);

export const DELETE = withCors(async (_request: NextRequest, { params }: { params: Promise<{ id: string }> }) => {
  await params;
  return new NextResponse(null, { status: 204 });
}, policy);

export const OPTIONS = withCors(() => new NextResponse(null, { status: 204, headers: { Allow: 'GET, DELETE, OPTIONS' } }), policy);
