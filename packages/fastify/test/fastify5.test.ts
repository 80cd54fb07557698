import { VERSIONS } from './app.js';
import { describeFastify } from './fastify-behaviour.js';

const v5 = VERSIONS.find((v) => v.major === 5)!;
describeFastify(v5.label, v5.create, v5.createHttp2);
