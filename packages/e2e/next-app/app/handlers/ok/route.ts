import { withCors } from '@corsica/next';
import { policy } from '../../../cors';

export const dynamic = 'force-dynamic';

const ok = withCors(() => new Response('ok'), policy);
export { ok as GET, ok as POST, ok as PUT, ok as PATCH, ok as DELETE, ok as OPTIONS };
