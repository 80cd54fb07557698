import { withCors } from '@corsica/next';
import { policy } from '../../../cors';

export const dynamic = 'force-dynamic';

export const GET = withCors(() => new Response('ok', { headers: { Vary: 'Accept-Encoding' } }), policy);
