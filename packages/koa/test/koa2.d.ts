// Koa 2 is installed under the alias `koa2`; its API is typed closely enough by the Koa 3 types
// for these tests.
declare module 'koa2' {
  import Koa from 'koa';
  export default Koa;
}
