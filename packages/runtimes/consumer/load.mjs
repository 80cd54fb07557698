// ESM consumer: import every entry point, then use the core and the fetch adapter for real.
const entries = JSON.parse(process.argv[2]);
const loaded = {};
for (const entry of entries) loaded[entry] = Object.keys(await import(entry)).sort();
const { createPolicy } = await import('@corsica/core');
const { withCors } = await import('@corsica/fetch');
const policy = createPolicy({ origin: ['https://app.example.com'], credentials: true });
const handler = withCors(() => new Response('ok'), policy);
const response = await handler(new Request('http://127.0.0.1/', { headers: { Origin: 'https://app.example.com' } }));
const smoke = { decision: policy.decide({ method: 'GET', origin: 'https://evil.example' }).allowed, acao: response.headers.get('access-control-allow-origin') };
console.log(JSON.stringify({ exports: loaded, smoke }));
