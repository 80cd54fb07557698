import { HTTPError } from 'nitro/h3';

// GET /teapot: a thrown HTTPError, answered by Nitro's error handler
export default () => {
  throw new HTTPError({ status: 418, message: 'short and stout' });
};
