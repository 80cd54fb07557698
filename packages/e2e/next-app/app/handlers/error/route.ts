import { withCors } from '@corsica/next';
import { policy } from '../../../cors';

export const dynamic = 'force-dynamic';

export const GET = withCors((): Response => {
  throw new Error('boom');
}, policy, { onError: () => undefined });
