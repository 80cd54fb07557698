// CommonJS consumer: require every entry point (recording a refusal), then use the core and the
// fetch adapter for real.
const entries = JSON.parse(process.argv[2]);
const loaded = {};
for (const entry of entries) {
  try {
    loaded[entry] = Object.keys(require(entry)).sort();
  } catch (error) {
    loaded[entry] = { error: String(error.message).split('\n')[0] };
  }
}
const { createPolicy } = require('@corsica/core');
const { withCors } = require('@corsica/fetch');
const policy = createPolicy({ origin: ['https://app.example.com'], credentials: true });
const handler = withCors(() => new Response('ok'), policy);
handler(new Request('http://127.0.0.1/', { headers: { Origin: 'https://app.example.com' } })).then((response) => {
  const smoke = { decision: policy.decide({ method: 'GET', origin: 'https://evil.example' }).allowed, acao: response.headers.get('access-control-allow-origin') };
  console.log(JSON.stringify({ exports: loaded, smoke }));
});
