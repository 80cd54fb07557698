import { runs } from '../runs.js';

// GET /items: counts its runs, so the test can tell preflights never reach it
export default () => {
  runs.items++;
  return { items: [] };
};
