import { runs } from '../runs.js';

// GET /runs: how many times the other routes ran in this server process
export default () => runs;
