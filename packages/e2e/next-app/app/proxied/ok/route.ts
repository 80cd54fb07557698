export const dynamic = 'force-dynamic';

const ok = () => new Response('ok');
export { ok as GET, ok as POST, ok as PUT, ok as PATCH, ok as DELETE, ok as OPTIONS };
