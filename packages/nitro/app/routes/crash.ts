// GET /crash: any other thrown value, answered by Nitro's error handler as a 500
export default () => {
  throw new Error('the handler failed');
};
