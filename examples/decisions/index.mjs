// The Corsica demo (until the browser playground lands): one sample policy, a handful of requests
// a browser (or an attacker) could send, and what Corsica decides for each, explained.
import { CorsConfigError, createPolicy } from '../../packages/core/dist/index.js';

const policy = createPolicy({
  origin: ['https://app.example.com', 'https://*.preview.example.com', 'http://localhost:*'],
  credentials: true,
  methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
  allowedHeaders: ['Content-Type', 'Authorization'],
  exposedHeaders: ['X-Total-Count'],
  maxAge: 7200,
});

const requests = [
  ['A page on the allowed front end reads the API', { method: 'GET', origin: 'https://app.example.com' }],
  ['A preview deployment sends a JSON PUT (preflight)', { method: 'OPTIONS', origin: 'https://pr-42.preview.example.com', requestMethod: 'PUT', requestHeaders: 'authorization,content-type' }],
  ['An attacker registers a look-alike domain', { method: 'GET', origin: 'https://app.example.com.evil.io' }],
  ['A sandboxed iframe sends Origin: null', { method: 'GET', origin: 'null' }],
  ['A script asks for a header nobody allowed', { method: 'OPTIONS', origin: 'https://app.example.com', requestMethod: 'POST', requestHeaders: 'content-type,x-debug' }],
  ['fetch(url, { method: "patch" }) is not upper-cased by browsers', { method: 'OPTIONS', origin: 'https://app.example.com', requestMethod: 'patch' }],
  ['curl, with no Origin at all', { method: 'GET' }],
];

const rule = '-'.repeat(78);
for (const [title, request] of requests) {
  console.log(rule);
  console.log(`# ${title}`);
  console.log(policy.explain(request, { url: 'https://api.example.com/items', credentials: true }));
}

console.log(rule);
console.log('# A configuration copied from a tutorial: every mistake is reported at once');
try {
  createPolicy({ origin: ['https://app.example.com/', 'null', 'https://*.vercel.app', 'http://staging.example.com'], credentials: true, methods: ['GET', 'TRACE'], allowedHeaders: ['Cookie'] });
} catch (error) {
  if (!(error instanceof CorsConfigError)) throw error;
  console.log(error.message);
}
