import { VERSIONS } from './app.js';
import { describeFastify } from './fastify-behaviour.js';

const v4 = VERSIONS.find((v) => v.major === 4)!;
describeFastify(v4.label, v4.create, v4.createHttp2);
