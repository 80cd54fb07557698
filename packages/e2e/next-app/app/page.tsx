export default function Home() {
  return <p>Corsica on Next.js: /proxied/* through proxy.ts, /handlers/* through withCors.</p>;
}
