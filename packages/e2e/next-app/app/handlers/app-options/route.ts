import { withCors } from '@corsica/next';
import { policy } from '../../../cors';

export const dynamic = 'force-dynamic';

export const OPTIONS = withCors(() => new Response('app-options'), policy);
