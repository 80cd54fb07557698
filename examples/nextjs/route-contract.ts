// What `next build` checks of a route module, written out so `tsc` checks it here without Next.js:
// each exported method is a handler taking the request and the { params } context.
import type { NextRequest } from 'next/server';
import * as items from './app/api/items/route';
import * as item from './app/api/items/[id]/route';

type RouteContext<P> = { params: Promise<P> };
type RouteHandler<P> = (request: NextRequest, context: RouteContext<P>) => Response | Promise<Response | undefined | void> | undefined | void;

export const checked: {
  items: Record<'GET' | 'POST' | 'OPTIONS', RouteHandler<Record<string, never>>>;
  item: Record<'GET' | 'DELETE' | 'OPTIONS', RouteHandler<{ id: string }>>;
} = { items, item };
