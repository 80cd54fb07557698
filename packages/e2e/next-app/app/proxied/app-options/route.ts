export const dynamic = 'force-dynamic';

export function OPTIONS(): Response {
  return new Response('app-options');
}
